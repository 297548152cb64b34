// The form's logic, with no DOM: which fields a screen shows for the answers so far, whether
// an answer is valid, where `next` leads, and the path the answers take through the screens.
// Branching reads the classification the policy engine returned (`outcome` conditions); no
// policy rule lives here. Runs in the browser and under node (tests).
//
// `env` (from the controller): asked(questionId, live) -> bool; outcome(live) -> the
// engine's outcome so far or null; other(questionId, ticked, live) -> the answer of an
// unticked statement. `live`: the answers on the path so far, with checkbox statements
// expanded into their questions' answers.

import { own, dict } from "./text.js";
import { normalizeReference, isRequestId } from "./reference.js";

export const NONE = "__none__";
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/u;

/** @param {any} field @param {object} answers @returns {any[]} the options a field offers */
export const optionsOf = (field, answers) => (field.optionsFor ? field.optionsFor(answers) : field.options || []);

const chars = (s) => [...s].length;
/** No answer: nothing, only spaces, or an empty list. @param {any} v */
export const isBlank = (v) => v === undefined || v === null || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);

/**
 * The message a person reads for a wrong answer, or "" when it is fine.
 * @param {any} field @param {any} value @param {object} answers
 * @param {any[]} [options] checkboxes: the options shown (statements of questions not asked are not)
 */
export function fieldError(field, value, answers, options) {
  const m = field.messages || {};
  const label = field.label;
  if (field.type === "honeypot") return "";
  if (field.type === "radios") {
    if (isBlank(value)) return field.optional ? "" : m.required || `Select an answer to “${label}”`;
    return optionsOf(field, answers).some((o) => String(o.value) === String(value)) ? "" : m.required || `Select an answer to “${label}”`;
  }
  if (field.type === "checkboxes") {
    if (!Array.isArray(value)) return m.required || `Select the options that apply to “${label}”`;
    const ticked = ticks(field, value, options || optionsOf(field, answers));
    const none = value.includes(NONE);
    if (none && ticked.length) return `Select “${field.none_option}” or the statements that apply, not both`;
    if (field.none_option && !none && !ticked.length) return m.required || `Select the statements that apply, or select “${field.none_option}”`;
    return "";
  }
  if (typeof value !== "string" || isBlank(value)) return field.optional ? "" : m.required || `Enter an answer to “${label}”`;
  if (field.max_length && chars(value) > field.max_length) {
    return m.max_length || `“${label}” must be ${field.max_length.toLocaleString("en")} characters or fewer (it has ${chars(value).toLocaleString("en")})`;
  }
  const v = value.trim();
  if (field.type === "email" && !EMAIL.test(v)) return m.pattern || "Enter an email address in the correct format, like name@example.com";
  if (field.type === "reference" && !normalizeReference(v) && !isRequestId(v)) return m.pattern || `Enter the reference as it appears on your confirmation`;
  if (field.pattern && !new RegExp(field.pattern, "u").test(v)) return m.pattern || `“${label}” is not in the expected format`;
  return "";
}

/** The ticked options of a checkbox answer that are still shown (stale ticks do not count). */
export const ticks = (field, value, options) => options.filter((o) => Array.isArray(value) && value.some((v) => String(v) === String(o.value)));

const same = (a, b) => String(a) === String(b);

/** Evaluate a branching condition. An outcome the engine could not give matches nothing. */
export function test(cond, ctx) {
  if (cond.all) return cond.all.every((c) => test(c, ctx));
  if (cond.any) return cond.any.some((c) => test(c, ctx));
  if ("not" in cond && Object.keys(cond).length === 1) return !test(cond.not, ctx);
  if ("seen" in cond) return ctx.seen.has(cond.seen);
  let value;
  if ("answer" in cond) value = own(ctx.answers, cond.answer);
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

/** The condition context of the answers `live`. */
export const context = (live, seen, env) => ({ answers: live, seen, outcome: () => env.outcome(live) });

export function nextOf(step, ctx) {
  const rules = Array.isArray(step.next) ? step.next : step.next ? [{ goto: step.next }] : [];
  for (const r of rules) if (!r.if || test(r.if, ctx)) return r.goto;
  return null;
}

/**
 * @typedef {{field: any, value: any, auto: boolean, options: any[]}} Item  a field shown (or answered for the customer)
 * @typedef {{items: Item[], live: Record<string, any>}} Screen
 */

/**
 * The fields a question screen shows for the answers so far, in order: each field's `when`
 * and each policy question's "asked only if" read the answers before it (on earlier screens
 * and above it on this one). A policy question with one possible answer is answered for the
 * customer (`auto`). Returns the items and the live answers after the screen.
 * @param {any} step @param {object} answers the saved answers @param {any} env @param {object} before
 * @returns {Screen}
 */
export function screen(step, answers, env, before, seen = new Set()) {
  const live = Object.assign(dict(), before);
  const items = [];
  for (const f of step.fields || []) {
    if (f.when && !test(f.when, context(live, seen, env))) continue;
    if (f.policy && !env.asked(f.id, live)) continue;
    let value = own(answers, f.id);
    let auto = false;
    let options = [];
    if (f.policy) {
      const opts = optionsOf(f, live);
      if (opts.length === 1) { value = opts[0].value; auto = true; }
    } else if (f.type === "checkboxes") {
      options = optionsOf(f, live).filter((o) => !o.question || env.asked(o.question, live));
      if (!options.length) continue;
    }
    items.push({ field: f, value, auto, options });
    if (value === undefined) continue;
    live[f.id] = value;
    if (f.type === "checkboxes" && Array.isArray(value)) {
      const on = ticks(f, value, options);
      for (const o of options) if (o.question) live[o.question] = on.includes(o) ? o.ticked : env.other(o.question, o.ticked, live);
    }
  }
  return { items, live };
}

/** Does the screen show the customer anything to answer? */
export const asks = (s) => s.items.some((i) => !i.auto && i.field.type !== "honeypot");

/**
 * Walk from the start while screens are complete.
 * @returns {{path: string[], stop: string|null, live: Record<string, any>, rows: any[], before: Map<string, object>}}
 *   path: the screens before the stop (a screen with nothing to ask is not one); stop: the
 *   first screen still to do (or the end page); live: the answers on the path; rows: every
 *   field answered on the path {step, field, value, auto, options}; before: each screen's
 *   live answers as it was entered.
 */
export function walk(form, state, env) {
  const byId = stepsById(form);
  const path = [];
  const rows = [];
  const before = new Map();
  const seen = new Set(state.seen);
  let live = dict();
  let id = form.start;
  while (id && byId.has(id) && !before.has(id)) {
    const step = byId.get(id);
    before.set(id, live);
    if (step.kind === "question") {
      const s = screen(step, state.answers, env, live, seen);
      if (s.items.some((i) => fieldError(i.field, i.value, s.live, i.options))) return { path, stop: id, live, rows, before };
      rows.push(...s.items.filter((i) => i.field.type !== "honeypot").map((i) => ({ step: id, ...i })));
      live = s.live;
      if (asks(s)) path.push(id);
    } else {
      if (!step.next || !seen.has(id)) return { path, stop: id, live, rows, before };
      path.push(id);
    }
    id = nextOf(step, context(live, seen, env));
  }
  return { path, stop: id, live, rows, before };
}

/**
 * The screens of the flow as the answers so far shape it: the walk's path, then from its
 * stop the screens `next` leads to (conditions read the answers so far), up to the end.
 * "Step 3 of 9" counts these.
 */
export function plan(form, state, env, w = walk(form, state, env)) {
  const byId = stepsById(form);
  const out = [...w.path];
  const seen = new Set(state.seen);
  let live = w.live;
  let id = w.stop;
  while (id && byId.has(id) && !out.includes(id)) {
    const step = byId.get(id);
    if (["confirmation", "deflected"].includes(step.kind)) break;
    if (step.kind === "question") {
      const s = screen(step, state.answers, env, live, seen); // answers given so far count, complete or not
      if (asks(s)) out.push(id);
      live = s.live;
    } else out.push(id);
    id = nextOf(step, context(live, seen, env));
  }
  return out;
}

const cache = new WeakMap();
/** @returns {Map<string, any>} step id -> step */
export function stepsById(form) {
  if (!cache.has(form)) cache.set(form, new Map(form.steps.map((s) => [s.id, s])));
  return cache.get(form);
}
