// The request payload (schema: schemas/request-payload.v1.json, owned by the policy work)
// built from the answers: where each answer goes is data (the compiled policy's
// `payload_fields` for policy answers; form.yml: a field's `payload`, and the form's
// `payload` map for constants); the classification is the engine's.

import { isBlank } from "./flow.js";

export const SCHEMA_VERSION = 1;

/** The value at a dotted path ("requester.role") of an object, or undefined. */
export const valueAt = (obj, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), obj);

function put(obj, path, value) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys[keys.length - 1]] = value;
}

function convert(value, as) {
  if (as === "boolean") return value === "yes" || value === true;
  return value;
}

const clip = (list, n, len) => list.slice(0, n).map((x) => String(x).slice(0, len));

/**
 * @param {object} form   the resolved form (its `payload` map places the policy's answers)
 * @param {object} state  the wizard state (answers, kb record, id)
 * @param {object} live   {fields: form fields on the path, answers: policy answers on the path}
 * @param {object} meta   {kind, created_at, policy_version, policy_sha256, classification,
 *                        payload_fields: the compiled policy's {payload field: question id}}
 */
export function buildPayload(form, state, live, meta) {
  const p = {
    schema_version: SCHEMA_VERSION, id: state.id, created_at: meta.created_at,
    policy: { version: meta.policy_version, sha256: meta.policy_sha256 }, kind: meta.kind,
    requester: { role: null, purchase_channel: null, partner: null },
    product: { id: null, version: null, deployment: null },
    support_contract: { active: false, id: null },
    answers: live.answers,
    problem: { environment: {} },
    kb_attempt: {
      queries: clip(state.kb.queries, 50, 200), suggested: clip(state.kb.suggested, 200, 200), opened: clip(state.kb.opened, 200, 200),
      // false: they saw the KB step and went on; null: the flow had no KB step (escalation).
      helped: state.kb.helped ? true : state.seen.includes("kb") ? false : null,
    },
    attestations: {},
    classification: meta.classification,
  };
  // As `kb intake verify` reads them: a true/false payload field is true when the answer is "yes".
  for (const [path, qid] of Object.entries(meta.payload_fields || {})) {
    const v = live.answers[qid] ?? null;
    put(p, path, typeof valueAt(p, path) === "boolean" ? v === "yes" : v);
  }
  for (const [path, spec] of Object.entries(form.payload || {})) {
    const v = "value" in spec ? spec.value : live.answers[spec.answer] ?? null;
    put(p, path, v === null ? null : convert(v, spec.as));
  }
  for (const f of live.fields) {
    if (!f.payload) continue;
    const v = state.answers[f.id];
    const empty = isBlank(v);
    put(p, f.payload, empty ? ("empty" in f ? f.empty : "") : convert(v, f.as));
  }
  // Optional environment lines the flow did not ask (an escalation skips none today) stay "".
  for (const k of ["os", "database", "application_server", "browser"]) p.problem.environment[k] ??= "";
  for (const k of ["steps_to_reproduce", "error_messages"]) p.problem[k] ??= "";
  return p;
}
