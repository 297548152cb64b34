// The request payload built from the answers on the path. A new request is
// schemas/request-payload.v1.json; an escalation carries only the reference, the reason and
// the contact: schemas/request-payload.v2.json. Where each answer goes is data (the compiled
// policy's `payload_fields` for policy answers; form.yml: a field's or a checkbox's
// `payload`, and the form's `payload` constants); the classification is the engine's.

import { isBlank, ticks } from "./flow.js";
import { oneLine, lines, cut, dict } from "./text.js";

/** The value at a dotted path ("requester.role") of an object, or undefined. */
export const valueAt = (obj, path) => path.split(".").reduce((o, k) => (o == null || !Object.hasOwn(o, k) ? undefined : o[k]), obj);

function put(obj, path, value) {
  const keys = path.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = Object.hasOwn(o, k) ? o[k] : (o[k] = {});
  o[keys[keys.length - 1]] = value;
}

/** A typed answer as the schema wants it: one line (trimmed) or several lines. */
export function clean(field, v) {
  if (typeof v !== "string") return v;
  return field.type === "textarea" ? lines(v) : oneLine(v).trim();
}

const clip = (list, n, len) => list.slice(0, n).map((x) => cut(oneLine(x), len));

/**
 * @param {any} form   the resolved form
 * @param {any} state  the wizard state (id, kb record, seen)
 * @param {{rows: any[], live: object}} walked the walk's answered fields and live answers
 * @param {any} meta   {kind, created_at, policy_version, policy_sha256, classification,
 *                     payload_fields: {payload field: question id}, questions: (id) -> bool}
 */
export function buildPayload(form, state, walked, meta) {
  const answers = dict();
  for (const [k, v] of Object.entries(walked.live)) if (meta.questions(k)) answers[k] = v;
  const policy = { version: meta.policy_version, sha256: meta.policy_sha256 };
  const p = meta.kind === "escalation"
    ? { schema_version: 2, id: state.id, created_at: meta.created_at, kind: "escalation", policy, escalation: {}, requester: {} }
    : {
      schema_version: 1, id: state.id, created_at: meta.created_at, policy, kind: "new",
      requester: { role: null, purchase_channel: null, partner: null },
      product: { id: null, version: null, deployment: null },
      support_contract: { active: false, id: null },
      answers: { ...answers },
      problem: { environment: { os: "", database: "", application_server: "", browser: "" }, steps_to_reproduce: "", error_messages: "" },
      kb_attempt: {
        queries: clip(state.kb.queries, 50, 200), suggested: clip(state.kb.suggested, 200, 200), opened: clip(state.kb.opened, 200, 200),
        // false: they saw the KB step and went on; null: the flow had no KB step.
        helped: state.kb.helped ? true : state.seen.includes("kb") ? false : null,
      },
      attestations: {},
      classification: meta.classification,
    };
  if (p.schema_version === 1) {
    // As `kb intake verify` reads them: a true/false payload field is true when the answer is "yes".
    for (const [path, qid] of Object.entries(meta.payload_fields || {})) {
      const v = Object.hasOwn(answers, qid) ? answers[qid] : null;
      put(p, path, typeof valueAt(p, path) === "boolean" ? v === "yes" : v);
    }
  }
  for (const [path, spec] of Object.entries(form.payload || {})) {
    if (spec.kind && spec.kind !== p.kind) continue;
    const v = "value" in spec ? spec.value : Object.hasOwn(answers, spec.answer) ? answers[spec.answer] : null;
    put(p, path, v === null ? null : spec.as === "boolean" ? v === "yes" || v === true : v);
  }
  for (const { field: f, value, options } of walked.rows) {
    if (f.type === "checkboxes") {
      const on = ticks(f, value, options);
      for (const o of options) if (o.payload) put(p, o.payload, on.includes(o));
    }
    if (!f.payload || f.policy) continue;
    const v = clean(f, value);
    put(p, f.payload, isBlank(v) ? ("empty" in f ? f.empty : "") : f.as === "boolean" ? v === "yes" : v);
  }
  return p;
}

/**
 * The short text of an email (well under 2,000 characters): the reference and the answers
 * that say what the request is; the whole request travels as the attached JSON file.
 * @param {{label: string, text: string}[]} facts readable answers, most telling first
 */
export function mailBody(reference, facts, file) {
  const head = `Support request ${reference}\n\n`;
  const tail = `\nThe full request is in the attached file ${file}. If it is not attached, download it from the request page and attach it.\n`;
  let body = "";
  for (const { label, text } of facts) {
    const line = `${cut(oneLine(label), 80, true)}: ${cut(oneLine(text), 160, true)}\n`;
    if (head.length + body.length + line.length + tail.length > 1500) break;
    body += line;
  }
  return head + body + tail;
}
