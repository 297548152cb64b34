// Runs the wizard's pure modules under node and prints what they decide, as JSON, for
// test_wizard_logic.py to assert on. Usage: node logic_cases.mjs <assets/intake/wizard dir>
const dir = new URL(`file://${process.argv[2].replace(/\/?$/, "/")}`);
const flow = await import(new URL("flow.js", dir));
const draft = await import(new URL("draft.js", dir));
const { buildPayload } = await import(new URL("payload.js", dir));

const out = {};
const none = () => null;
const ctx = (answers, outcome = none, seen = []) => ({ answers, seen: new Set(seen), outcome });
out.conditions = {
  is: flow.test({ answer: "a", is: "x" }, ctx({ a: "x" })),
  is_bool_vs_string: flow.test({ answer: "a", is: "true" }, ctx({ a: true })),
  not_unanswered: flow.test({ answer: "a", not: "x" }, ctx({})),
  outcome_unknown_is: flow.test({ outcome: "route", is: "vendor" }, ctx({})),
  outcome_unknown_not: flow.test({ outcome: "route", not: "vendor" }, ctx({})),
  outcome_known_not: flow.test({ outcome: "route", not: "vendor" }, ctx({}, () => ({ route: "acme" }))),
  all_any_not: flow.test({ all: [{ any: [{ answer: "a", is: "y" }, { answer: "a", is: "x" }] }, { not: { seen: "s" } }] }, ctx({ a: "x" })),
  in_list: flow.test({ answer: "a", in: ["p", "q"] }, ctx({ a: ["z", "q"] })),
};
const text = { id: "t", type: "text", label: "Name", max_length: 5 };
const email = { id: "e", type: "email", label: "Email" };
const boxes = { id: "c", type: "checkboxes", label: "Which", options: [{ value: "a", label: "A" }, { value: "b", label: "B" }], none_option: "None" };
out.errors = {
  empty: flow.fieldError(text, "   ", {}),
  optional_empty: flow.fieldError({ ...text, optional: true }, "", {}),
  too_long_emoji: flow.fieldError(text, "🙂🙂🙂🙂🙂🙂", {}),
  five_emoji_ok: flow.fieldError(text, "🙂🙂🙂🙂🙂", {}),
  email_bad: flow.fieldError(email, "a@b", {}),
  email_ok: flow.fieldError(email, " a@b.co ", {}),
  radio_stale: flow.fieldError({ id: "r", type: "radios", label: "R", options: [{ value: "x", label: "X" }] }, "gone", {}),
  none_and_other: flow.fieldError(boxes, ["a", flow.NONE], {}),
  none_alone: flow.fieldError(boxes, [flow.NONE], {}),
};
const form = { start: "a", steps: [
  { id: "a", kind: "question", fields: [{ id: "a", type: "radios", label: "A", options: [{ value: "1", label: "1" }, { value: "2", label: "2" }] }],
    next: [{ if: { answer: "a", is: "2" }, goto: "c" }, { goto: "b" }] },
  { id: "b", kind: "info", next: "c" },
  { id: "c", kind: "check" },
] };
const env = { step: (id) => form.steps.find((s) => s.id === id), asked: () => true, outcome: none };
out.walk = {
  fresh: flow.walk(form, { answers: {}, seen: [] }, env),
  info_pending: flow.walk(form, { answers: { a: "1" }, seen: [] }, env),
  info_done: flow.walk(form, { answers: { a: "1" }, seen: ["b"] }, env),
  branch: flow.walk(form, { answers: { a: "2" }, seen: [] }, env),
};
const state = draft.newState();
state.answers.a = "1";
const good = draft.encode(state, { policy_version: "p1", form_version: 1 });
const edited = JSON.parse(good); edited.state.answers.a = "2";
out.draft = {
  roundtrip: draft.decode(good).state.answers,
  edited: draft.decode(JSON.stringify(edited)),
  corrupt: draft.decode("{"),
  foreign: draft.decode('{"format":"x"}'),
  missing: draft.decode(null),
  uuid_ok: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(state.id),
};
const old = { answers: { a: "9", t: "ok", gone: "x" }, seen: ["b", "zz"] };
out.migrate = { again: draft.migrate(old, [form.steps[0].fields[0], text], ["a", "b", "c"], flow.fieldError), state: old };
// The policy's answers are placed by the compiled policy's payload_fields (any question ids).
const placed = (answers) => buildPayload({ payload: { "attestations.information_accurate": { value: true } } }, draft.newState(),
  { fields: [], answers }, { payload_fields: { "requester.role": "who", "requester.partner": "via", "product.id": "prod", "support_contract.active": "paid" } });
const pick = (p) => ({ requester: p.requester, product: p.product, support_contract: p.support_contract, attestations: p.attestations });
out.payload = { yes: pick(placed({ who: "customer", prod: "x", paid: "yes" })), no: pick(placed({ who: "reseller", via: "acme", prod: "y", paid: "no" })) };
console.log(JSON.stringify(out));
