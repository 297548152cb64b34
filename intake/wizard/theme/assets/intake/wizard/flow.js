// The form's logic, with no DOM: which options a field offers, whether an answer is valid,
// where `next` leads, and which path the answers so far take through the steps.
// Branching reads the classification the policy engine returned (`outcome` conditions);
// no policy rule lives here. Runs in the browser and under node (tests).

export const NONE = "__none__";
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/u;

/** @param {object} field @param {object} answers @returns {{value:any,label:string,hint?:string}[]} */
export function optionsOf(field, answers) {
  if (field.optionsFor) return field.optionsFor(answers);
  if (field.options_by) return field.options_by[String(answers[field.depends_on])] || [];
  const opts = field.options || [];
  return field.none_option ? [...opts, { value: NONE, label: field.none_option, none: true }] : opts;
}

const chars = (s) => [...s].length;
/** No answer: nothing, only spaces, or an empty list. */
export const isBlank = (v) => v === undefined || v === null || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);

/** The message a person reads for a wrong answer, or "" when the answer is fine. */
export function fieldError(field, value, answers) {
  const m = field.messages || {};
  const label = field.label;
  if (field.type === "radios" || field.type === "checkboxes") {
    const allowed = optionsOf(field, answers).map((o) => String(o.value));
    const picked = field.type === "radios" ? (isBlank(value) ? [] : [value]) : Array.isArray(value) ? value : [];
    if (!picked.length || picked.some((v) => !allowed.includes(String(v)))) {
      if (field.optional && !picked.length) return "";
      return m.required || (field.type === "radios" ? `Select an answer to “${label}”` : `Select at least one option for “${label}”`);
    }
    if (picked.includes(NONE) && picked.length > 1) return `Select “${field.none_option}” or the options that apply, not both`;
    if (field.require_all && picked.length !== allowed.length) return m.required || `Select every statement under “${label}”`;
    return "";
  }
  if (typeof value !== "string" || isBlank(value)) return field.optional ? "" : m.required || `Enter an answer to “${label}”`;
  if (field.max_length && chars(value) > field.max_length) {
    return m.max_length || `“${label}” must be ${field.max_length.toLocaleString("en")} characters or fewer (it has ${chars(value).toLocaleString("en")})`;
  }
  if (field.type === "email" && !EMAIL.test(value.trim())) return m.pattern || "Enter an email address in the correct format, like name@example.com";
  if (field.pattern && !new RegExp(field.pattern, "u").test(value.trim())) return m.pattern || `“${label}” is not in the expected format`;
  return "";
}

/** Errors of one step: [{field, message}] in the order of the fields. */
export function stepErrors(step, answers) {
  return (step.fields || [])
    .map((f) => ({ field: f, message: fieldError(f, answers[f.id], answers) }))
    .filter((e) => e.message);
}

function same(a, b) { return String(a) === String(b); }

/** Evaluate a branching condition. An outcome the engine could not give matches nothing. */
export function test(cond, ctx) {
  if (cond.all) return cond.all.every((c) => test(c, ctx));
  if (cond.any) return cond.any.some((c) => test(c, ctx));
  if ("not" in cond && Object.keys(cond).length === 1) return !test(cond.not, ctx);
  if ("seen" in cond) return ctx.seen.has(cond.seen);
  let value;
  if ("answer" in cond) value = ctx.answers[cond.answer];
  else {
    const c = ctx.outcome();
    if (!c || c[cond.outcome] === undefined || c[cond.outcome] === null) return false;
    value = c[cond.outcome];
  }
  const has = (x) => (Array.isArray(value) ? value.some((v) => same(v, x)) : same(value, x));
  if ("is" in cond) return value !== undefined && has(cond.is);
  if ("not" in cond) return value !== undefined && !has(cond.not);
  if ("in" in cond) return cond.in.some(has);
  return false;
}

export function nextOf(step, ctx) {
  const rules = Array.isArray(step.next) ? step.next : step.next ? [{ goto: step.next }] : [];
  for (const r of rules) if (!r.if || test(r.if, ctx)) return r.goto;
  return null;
}

/** Is a step done? Questions: every field valid. Pages without fields: the person continued. */
export function complete(step, state) {
  if (step.kind === "question") return stepErrors(step, state.answers).length === 0;
  return state.seen.includes(step.id);
}

/**
 * Walk from the start while steps are complete; returns {path: [page ids before the stop],
 * stop: the first page still to do (or the end page)}.
 * A `kind: policy` step becomes one page per policy question the engine says is asked.
 * `env`: {step(id) -> page (form step or a policy question's page), asked(questionId,
 * answers) -> bool, outcome(fieldIds) -> classification of those answers or null}.
 */
export function walk(form, state, env) {
  const byId = stepsById(form);
  const path = [];
  const live = () => liveAnswers(path, state, env);
  // Branches read only the answers on the path so far: answers left behind by a changed
  // branch never count.
  const ctx = { answers: state.answers, seen: new Set(state.seen), outcome: () => env.outcome(liveFields(path, env)) };
  const visited = new Set();
  let id = form.start;
  while (id && byId[id] && !visited.has(id)) {
    visited.add(id);
    const step = byId[id];
    if (step.kind === "policy") {
      for (const q of step.questions) {
        if (!env.asked(q, live())) continue;
        if (!complete(env.step(q), state)) return { path, stop: q };
        path.push(q);
      }
    } else {
      if (!complete(step, state) || !step.next) return { path, stop: id };
      path.push(id);
    }
    id = nextOf(step, ctx);
  }
  return { path, stop: id };
}

const cache = new WeakMap();
export function stepsById(form) {
  if (!cache.has(form)) cache.set(form, Object.fromEntries(form.steps.map((s) => [s.id, s])));
  return cache.get(form);
}

/** The field ids on `path` (answers off the path are ignored). */
export function liveFields(path, env) {
  return path.flatMap((id) => (env.step(id).fields || []).map((f) => f.id));
}

export function liveAnswers(path, state, env) {
  const out = {};
  for (const f of liveFields(path, env)) if (f in state.answers) out[f] = state.answers[f];
  return out;
}
