// Runs the wizard's pure modules under node and prints what they decide, as JSON, for
// test_wizard_logic.py to assert on. Usage: node logic_cases.mjs <assets/intake/wizard dir> <vectors.json>
import { readFileSync } from "node:fs";

import { pathToFileURL } from "node:url";
const dir = pathToFileURL(process.argv[2].replace(/\/?$/, "/"));
const flow = await import(new URL("flow.js", dir));
const draft = await import(new URL("draft.js", dir));
const text = await import(new URL("text.js", dir));
const ref = await import(new URL("reference.js", dir));
const { buildPayload, mailBody } = await import(new URL("payload.js", dir));
const vectors = JSON.parse(readFileSync(process.argv[3], "utf8"));

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
  // An answer keyed "constructor" is data: an object's prototype never answers.
  prototype_key: flow.test({ answer: "constructor", is: "x" }, ctx({})),
};
const textField = { id: "t", type: "text", label: "Name", max_length: 5 };
const email = { id: "e", type: "email", label: "Email" };
const refField = { id: "r", type: "reference", label: "Reference" };
const boxes = { id: "c", type: "checkboxes", label: "Which", options: [{ value: "a", label: "A" }, { value: "b", label: "B" }], none_option: "None" };
out.errors = {
  empty: flow.fieldError(textField, "   ", {}),
  optional_empty: flow.fieldError({ ...textField, optional: true }, "", {}),
  too_long_emoji: flow.fieldError(textField, "🙂🙂🙂🙂🙂🙂", {}),
  five_emoji_ok: flow.fieldError(textField, "🙂🙂🙂🙂🙂", {}),
  email_bad: flow.fieldError(email, "a@b", {}),
  email_ok: flow.fieldError(email, " a@b.co ", {}),
  radio_stale: flow.fieldError({ id: "r", type: "radios", label: "R", options: [{ value: "x", label: "X" }] }, "gone", {}),
  none_and_other: flow.fieldError(boxes, ["a", flow.NONE], {}),
  none_alone: flow.fieldError(boxes, [flow.NONE], {}),
  nothing_ticked: flow.fieldError(boxes, [], {}),
  not_visited: flow.fieldError({ ...boxes, none_option: undefined, optional: true }, undefined, {}),
  optional_none_ticked: flow.fieldError({ ...boxes, none_option: undefined, optional: true }, [], {}),
  stale_tick_ignored: flow.fieldError(boxes, ["gone", flow.NONE], {}),
  reference_ok: flow.fieldError(refField, "7k3m q9xa", {}),
  reference_uuid_ok: flow.fieldError(refField, "3f2a9c1e-0b7d-4e58-9a61-2c4d8e0f1a2b", {}),
  reference_bad: flow.fieldError(refField, "UUUU-UUUU", {}),
};

// A form of three screens: a policy question "q1" (asked), "q2" (asked only when q1 is "a"),
// "only" (one possible answer), a statement screen, and a check.
const options = { q1: ["a", "b"], q2: ["x", "y"], only: ["one"], s1: ["yes", "no"], s2: ["yes", "no"] };
const policyField = (id) => ({ id, type: "radios", label: id, policy: true, optionsFor: () => options[id].map((v) => ({ value: v, label: v })) });
const form = { start: "one", steps: [
  { id: "one", kind: "question", title: "One", fields: [
    { id: "kind", type: "radios", label: "Kind", options: [{ value: "new", label: "New" }, { value: "esc", label: "Esc" }] },
    { id: "ref", type: "text", label: "Ref", when: { answer: "kind", is: "esc" } },
    policyField("q1"), policyField("q2")],
    next: [{ if: { answer: "kind", is: "esc" }, goto: "check" }, { goto: "auto" }] },
  { id: "auto", kind: "question", title: "Auto", fields: [policyField("only")], next: "scope" },
  { id: "scope", kind: "question", title: "Scope", fields: [{ id: "scope", type: "checkboxes", label: "Which apply", none_option: "None",
    options: [{ value: "s1", question: "s1", ticked: "yes", label: "S1" }, { value: "s2", question: "s2", ticked: "no", label: "S2" }, { value: "auth", label: "Auth", payload: "attestations.authorised" }] }], next: "check" },
  { id: "check", kind: "check" },
] };
const env = {
  asked: (q, live) => q !== "q2" || live.q1 === "a",
  outcome: none,
  other: (q, ticked) => options[q].find((v) => v !== ticked),
};
const state = (answers) => ({ answers, seen: [] });
const walk = (answers) => { const w = flow.walk(form, state(answers), env); return { path: w.path, stop: w.stop, live: { ...w.live } }; };
out.walk = {
  fresh: walk({}),
  q2_revealed: flow.screen(form.steps[0], { kind: "new", q1: "a" }, env, {}).items.map((i) => i.field.id),
  q2_hidden: flow.screen(form.steps[0], { kind: "new", q1: "b", q2: "x" }, env, {}).items.map((i) => i.field.id),
  esc: walk({ kind: "esc", ref: "R", q1: "b" }),
  stale_hidden_answer_not_live: walk({ kind: "new", q1: "b", q2: "x" }),
  // "only" is answered for the customer: its screen is not shown, its answer is live.
  ticked_none: walk({ kind: "new", q1: "b", scope: [flow.NONE] }),
  ticked_s2: walk({ kind: "new", q1: "b", scope: ["s2", "auth"] }),
  both: walk({ kind: "new", q1: "b", scope: ["s1", flow.NONE] }),
  plan_fresh: flow.plan(form, state({}), env),
  plan_esc: flow.plan(form, state({ kind: "esc" }), env),
  prototype_step: flow.stepsById(form).get("constructor") === undefined,
};

const s = draft.newState();
s.answers.a = "1";
const good = draft.encode(s, { policy_version: "p1", form_version: 2 });
const edited = JSON.parse(good); edited.state.answers.a = "2";
out.draft = {
  roundtrip: draft.decode(good).state.answers,
  edited: draft.decode(JSON.stringify(edited)),
  corrupt: draft.decode("{"),
  foreign: draft.decode('{"format":"x"}'),
  missing: draft.decode(null),
  uuid_ok: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(s.id),
};
const old = { answers: { q1: "gone", t: "ok", other: "x" }, seen: ["auto", "zz"] };
out.migrate = { again: draft.migrate(old, [policyField("q1"), { ...textField, id: "t", label: "T" }], ["one", "auto"]), state: old };
// A version-1 draft: one page per question; the statements all answered become ticks.
const v1 = (answers) => { const st = { answers: { ...answers } }; return { again: draft.upgrade(st, form), answers: st.answers }; };
out.upgrade = {
  all_answered: v1({ s1: "no", s2: "no", auth: "yes", esc_request_id: "abc" }),
  none_ticked: v1({ s1: "no", s2: "yes", auth: "no" }),
  partly: v1({ s1: "yes" }),
};

// Payloads: v1 places the policy's answers by payload_fields; v2 (escalation) carries only
// the reference, reason, justification and contact.
const meta = (kind) => ({ kind, created_at: "2026-03-10T09:15:00-07:00", policy_version: "p", policy_sha256: "0".repeat(64), classification: null,
  payload_fields: { "requester.role": "q1", "support_contract.active": "s1" }, questions: (k) => k in options });
const rows = (answers) => flow.walk(form, state(answers), env);
const st = { ...draft.newState(), seen: ["kb"] };
st.kb.queries = ["🙂".repeat(250)];
const p1 = buildPayload({ payload: { "attestations.information_accurate": { value: true, kind: "new" } } }, { ...st, answers: { kind: "new", q1: "a", q2: "x", scope: ["auth"] } }, rows({ kind: "new", q1: "a", q2: "x", scope: ["auth"] }), meta("new"));
out.payload = {
  v1: { answers: p1.answers, requester: p1.requester, support_contract: p1.support_contract, attestations: p1.attestations, schema: p1.schema_version, helped: p1.kb_attempt.helped },
  // A stored query is cut at 200 characters between emoji, never inside one.
  query: { chars: [...p1.kb_attempt.queries[0]].length, well_formed: p1.kb_attempt.queries[0].isWellFormed() },
};
const escForm = { start: "e", steps: [{ id: "e", kind: "question", title: "E", fields: [
  { id: "kind", type: "radios", label: "K", payload: "kind", options: [{ value: "escalation", label: "E" }] },
  { id: "r", type: "reference", label: "R", payload: "escalation.reference" },
  { id: "why", type: "textarea", label: "W", payload: "escalation.justification" },
  { id: "name", type: "text", label: "N", payload: "requester.name" }], next: "c" }, { id: "c", kind: "check" }] };
const escAnswers = { kind: "escalation", r: "7K3M-Q9XA", why: "line 1\r\nline 2\u2028three\u0000", name: "  Ana\u2028Example\n " };
out.payload.v2 = buildPayload({ payload: { "attestations.information_accurate": { value: true, kind: "new" } } }, { ...draft.newState(), id: "x1234567", answers: escAnswers },
  flow.walk(escForm, state(escAnswers), env), meta("escalation"));

out.text = {
  cut_emoji: text.cut("ab👩‍💻cd", 3), cut_keeps_cluster: text.cut("ab👩‍💻cd", 6), cut_mark: text.cut("abcdef", 4, true),
  one_line: text.oneLine("a\r\nb\u2028c\u0085d\u2029e\u0000f\tg"), lines: text.lines("a\r\nb\u2028c\u0007"),
  lone_surrogate: text.oneLine("x\ud800y"), own_proto: text.own({}, "constructor") === undefined && text.own({}, "__proto__") === undefined,
};
out.reference = {};
for (const id of Object.keys(vectors)) out.reference[id] = await ref.referenceFor(id);
out.reference_fallback = Object.fromEntries(await Promise.all(Object.keys(vectors).map(async (id) => {
  const d = ref.sha256Js(new TextEncoder().encode(id));
  return [id, ref.hex(d)];
})));
out.normalize = { spaced: ref.normalizeReference("42hn pbvt"), letters: ref.normalizeReference("4oHN-PBVT"), u: ref.normalizeReference("UUUU-UUUU"), short: ref.normalizeReference("ABC") };
const facts = Array.from({ length: 60 }, (_, i) => ({ label: `Question ${i}`, text: "x".repeat(300) }));
out.mail = { long: mailBody("7K3M-Q9XA", facts, "support-request-7K3M-Q9XA.json").length, short: mailBody("7K3M-Q9XA", [{ label: "Summary", text: "a\nb" }], "f.json") };
console.log(JSON.stringify(out));
