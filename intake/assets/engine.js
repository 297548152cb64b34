// The browser decision engine: classify answers with a compiled policy (format_version 1).
//
// A pure function of the compiled JSON (policy/compiled-policy.json): it holds no rule,
// date or sentence of the policy. The same algorithm as intake/engine.py, step for step;
// tests run both on the same vectors. No dependencies; runs in browsers and in Node.js.
// Format and API: intake/FORMATS.md.

/** The compiled-policy format this engine reads. */
export const FORMAT_VERSION = 1;
const WEEKDAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** An error for people; `.problems` lists [{path, message}] when answers are invalid. */
export class EngineError extends Error {
  constructor(message, problems = []) {
    super(message);
    this.name = "EngineError";
    this.problems = problems;
  }
}

/** Throws unless `policy` is a compiled policy of the version this engine reads. */
export function checkPolicy(policy) {
  const got = policy && typeof policy === "object" ? policy.format_version : undefined;
  if (got !== FORMAT_VERSION) {
    throw new EngineError(`compiled policy format_version ${JSON.stringify(got ?? null)} is not supported (this engine reads ${FORMAT_VERSION})`);
  }
}

// ----- time ------------------------------------------------------------------------------
/** Whole epoch seconds from a Date, epoch milliseconds, or an ISO 8601 string with offset. */
export function toEpoch(at) {
  if (at instanceof Date) return Math.floor(at.getTime() / 1000);
  if (typeof at === "number") return Math.floor(at / 1000);
  const m = typeof at === "string" ? ISO.exec(at) : null;
  if (!m) throw new EngineError(`time ${JSON.stringify(at)} is not ISO 8601 with an offset (e.g. 2026-03-10T09:15:00-07:00)`);
  const [y, mo, d, h, mi] = m.slice(1, 6).map(Number);
  const s = Number(m[6] || 0);
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw new EngineError(`time ${JSON.stringify(at)} is not a valid date and time`);
  }
  const z = m[7];
  if (z !== "Z" && (Number(z.slice(1, 3)) > 23 || Number(z.slice(4, 6)) > 59)) {
    throw new EngineError(`time ${JSON.stringify(at)} is not a valid date and time`);
  }
  const off = z === "Z" ? 0 : (z[0] === "+" ? 1 : -1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(4, 6)));
  return ms / 1000 - off * 60;
}

function bisectRight(arr, x, key) {
  let lo = 0, hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < key(arr[mid])) hi = mid; else lo = mid + 1;
  }
  return lo;
}

/** UTC offset in minutes of the calendar's zone at epoch second `t`. */
export function offsetAt(policy, t) {
  const offs = policy.calendar.offsets;
  const i = bisectRight(offs, t, (o) => o[0]) - 1;
  return offs[Math.max(i, 0)][1];
}

const pad = (n, w = 2) => String(n).padStart(w, "0");

function localParts(policy, t) {
  const off = offsetAt(policy, t);
  const d = new Date((t + off * 60) * 1000);
  return { d, off };
}

/** ISO 8601 in the calendar's zone with its offset, seconds precision. */
export function formatInstant(policy, t) {
  const { d, off } = localParts(policy, t);
  const a = Math.abs(off);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${off >= 0 ? "+" : "-"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/** "Tue 2026-03-10 11:15" in the calendar's zone (for explanations). */
export function localText(policy, t) {
  const { d } = localParts(policy, t);
  const wd = WEEKDAY_NAMES[(d.getUTCDay() + 6) % 7];
  return `${wd} ${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

function localDate(policy, t) {
  const { d } = localParts(policy, t);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function rangeMessage(policy, t) {
  const r = policy.calendar.range;
  return `${formatInstant(policy, t)} is outside the compiled support calendar (${r.start} to ${r.end}); rebuild the site to extend it`;
}

/**
 * {clock_starts_s, respond_by_s}: `hours` of open time from epoch second `t`.
 * Intervals are [open, close): at the closing second the clock waits for the next opening;
 * a deadline that uses an interval exactly up to its close is that close.
 */
export function responseWindow(policy, t, hours) {
  const cal = policy.calendar;
  const opens = cal.open;
  if (t < cal.range.start_s || t >= cal.range.end_s) throw new EngineError(rangeMessage(policy, t));
  let i = bisectRight(opens, t, (iv) => iv[1]);
  let remaining = Math.floor(hours * 3600);
  if (i >= opens.length) throw new EngineError(rangeMessage(policy, t));
  let cur = Math.max(t, opens[i][0]);
  const start = cur;
  for (;;) {
    const avail = opens[i][1] - cur;
    if (remaining <= avail) return { clock_starts_s: start, respond_by_s: cur + remaining };
    remaining -= avail;
    i += 1;
    if (i >= opens.length) throw new EngineError(rangeMessage(policy, t));
    cur = opens[i][0];
  }
}

/**
 * Open (support) seconds from epoch second `start` to `end`; negative when `end` is earlier.
 * The staff queue's countdown: time left until `respond_by`, or minus the time overdue.
 * @param {any} policy @param {number} start @param {number} end @returns {number}
 */
export function businessSecondsBetween(policy, start, end) {
  const cal = policy.calendar;
  for (const t of [start, end]) {
    if (t < cal.range.start_s || t > cal.range.end_s) throw new EngineError(rangeMessage(policy, t));
  }
  return openUntil(cal.open, end) - openUntil(cal.open, start);
}

const CUMULATIVE = new WeakMap();

// Open seconds of the compiled calendar before epoch second `t`.
function openUntil(opens, t) {
  let sums = CUMULATIVE.get(opens);
  if (!sums) {
    sums = [];
    let total = 0;
    for (const [a, b] of opens) {
      sums.push(total);
      total += b - a;
    }
    CUMULATIVE.set(opens, sums);
  }
  const i = bisectRight(opens, t, (iv) => iv[0]) - 1;
  if (i < 0) return 0;
  const [a, b] = opens[i];
  return sums[i] + Math.min(t, b) - a;
}

// ----- questions and answers ------------------------------------------------------------------
/** Any alternative whose every fact condition holds; an absent fact never matches. */
export function matches(when, facts) {
  for (const alt of when) {
    let ok = true;
    for (const [fact, cond] of Object.entries(alt)) {
      const v = Object.prototype.hasOwnProperty.call(facts, fact) ? facts[fact] : null;
      if (v === null || v === undefined || (cond.in && !cond.in.includes(v)) || (cond.not && cond.not.includes(v))) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  return false;
}

function refs(when) {
  const out = new Set();
  for (const alt of when) for (const f of Object.keys(alt)) out.add(f);
  return out;
}

/** Resolved options [{value, label, help}] of one question, given the answers so far. */
export function optionsFor(policy, question, answers) {
  const by = question.options_by;
  const gen = by && answers && typeof answers[by.question] === "string" ? by.values[answers[by.question]] || [] : [];
  return [...gen, ...question.options];
}

/** Walk the questions in order: {facts, problems: [{question, path, message}]}. */
function walk(policy, answers) {
  const problems = [];
  if (!answers || typeof answers !== "object" || Array.isArray(answers)) {
    return { facts: {}, problems: [{ question: null, path: "$.answers", message: "answers must be a JSON object of question id to option value" }] };
  }
  const ids = policy.questions.map((q) => q.id);
  for (const key of Object.keys(answers)) {
    if (!ids.includes(key)) problems.push({ question: key, path: `$.answers.${key}`, message: `unknown question '${key}'` });
  }
  const facts = {};
  const unknown = new Set();
  for (const q of policy.questions) {
    const has = Object.prototype.hasOwnProperty.call(answers, q.id);
    const v = has ? answers[q.id] : null;
    const path = `$.answers.${q.id}`;
    if ([...refs(q.when)].some((f) => unknown.has(f))) {
      unknown.add(q.id);
      continue;
    }
    if (!matches(q.when, facts)) {
      if (v !== null && v !== undefined) problems.push({ question: q.id, path, message: `question '${q.id}' is not asked for these answers; remove it` });
      continue;
    }
    if (v === null || v === undefined) {
      problems.push({ question: q.id, path, message: `question '${q.id}' is not answered` });
      unknown.add(q.id);
      continue;
    }
    const values = optionsFor(policy, q, facts).map((o) => o.value);
    if (typeof v !== "string" || !values.includes(v)) {
      problems.push({ question: q.id, path, message: `${typeof v === "string" ? `'${v}'` : JSON.stringify(v)} is not an option of '${q.id}' (options: ${values.join(", ")})` });
      unknown.add(q.id);
      continue;
    }
    facts[q.id] = v;
  }
  return { facts, problems };
}

/** Problems with a set of answers: [{question, path, message}] (empty when complete and valid). */
export function validateAnswers(policy, answers) {
  checkPolicy(policy);
  return walk(policy, answers).problems;
}

/** Is `question` asked, given the answers so far? */
export function isAsked(policy, question, answers) {
  return matches(question.when, walk(policy, stripNulls(answers)).facts);
}

function stripNulls(answers) {
  const out = {};
  for (const [k, v] of Object.entries(answers || {})) if (v !== null && v !== undefined) out[k] = v;
  return out;
}

/** The questions asked given the answers so far, in order, with their options resolved. */
export function askedQuestions(policy, answers) {
  checkPolicy(policy);
  const { facts } = walk(policy, stripNulls(answers));
  return policy.questions.filter((q) => matches(q.when, facts)).map((q) => ({ ...q, options: optionsFor(policy, q, facts) }));
}

/** The first asked question that has no valid answer yet, or null when all are answered. */
export function nextQuestion(policy, answers) {
  const a = stripNulls(answers);
  for (const q of askedQuestions(policy, a)) {
    if (typeof a[q.id] !== "string" || !q.options.some((o) => o.value === a[q.id])) return q;
  }
  return null;
}

/** Derived fact: is the answered product/version a Supported Product on the submission date? */
export function productStatus(policy, facts, t) {
  const lq = policy.lifecycle_questions;
  const product = policy.products.find((p) => p.id === facts[lq.product || ""]);
  if (!product) return "not_psigen";
  const version = product.versions.find((v) => v.version === facts[lq.version || ""]);
  if (!version) return "unlisted_version";
  const day = localDate(policy, t);
  if (day < version.released) return "not_yet_released";
  if (version.support_ends && day > version.support_ends) return "end_of_support";
  return "supported";
}

// ----- classification ----------------------------------------------------------------------------
function fill(template, ctx) {
  return template.replace(/\{([a-z_]+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(ctx, k) ? String(ctx[k]) : m));
}

function one(table, facts, name) {
  const rule = table.rules.find((r) => matches(r.when, facts));
  if (!rule) throw new EngineError(`no ${name} rule matches these answers (the policy checks should have caught this)`);
  return rule;
}

function routeOf(rule, facts) {
  return typeof rule.route === "object" ? facts[rule.route.answer] : rule.route;
}

// The {placeholder} values of the explanations; `prio` may be null (not decided yet).
function context(policy, facts, prio, route) {
  const lq = policy.lifecycle_questions;
  const partner = policy.partners.directory.find((p) => p.id === route);
  const product = policy.products.find((p) => p.id === facts[lq.product || ""]);
  return {
    ...(prio ? { priority: prio.id, priority_label: prio.label, response_hours: prio.response_hours } : {}),
    partner_name: partner ? partner.name : "", product_name: product ? product.name : "",
    version: facts[lq.version || ""] ?? "", timezone: policy.calendar.timezone,
  };
}

function priorityExplanation(policy, rule, ctx) {
  return { about: "priority", rule: rule.id, text: fill(rule.explain, ctx) + " " + fill(policy.texts.priority, ctx) };
}

/** The deep-link fragment of the wizard step that asks `questionId`. */
export function clauseLink(questionId) {
  return `#step=${encodeURIComponent(questionId)}`;
}

/**
 * Classify answers submitted at `at` (Date, ISO 8601 string with offset, or epoch ms).
 * Throws EngineError with `.problems` when the answers are invalid or incomplete.
 */
export function classify(policy, answers, at) {
  checkPolicy(policy);
  const t = toEpoch(at);
  const { facts: valid, problems } = walk(policy, answers);
  if (problems.length) throw new EngineError("invalid answers:\n" + problems.map((p) => `${p.path}: ${p.message}`).join("\n"), problems);
  const facts = { ...valid, product_status: productStatus(policy, valid, t) };

  const prioRule = one(policy.tables.priority, facts, "priority");
  const prio = policy.priorities.find((p) => p.id === prioRule.priority);
  const routeRule = one(policy.tables.route, facts, "route");
  const route = routeOf(routeRule, facts);

  const order = policy.eligibility.order;
  const excl = policy.exclusions.filter((e) => matches(e.when, facts));
  const eligibility = order[Math.max(0, ...excl.map((e) => order.indexOf(e.effect)))];
  const unmet = policy.responsibilities.filter((r) => matches(r.unmet_when, facts));
  const clock = policy.eligibility.effects[eligibility].clock && routeRule.clock;

  const lq = policy.lifecycle_questions;
  /** @type {Record<string, any>} */
  const ctx = context(policy, facts, prio, route);
  const texts = policy.texts;
  const explanations = [priorityExplanation(policy, prioRule, ctx)];
  let starts = null, due = null;
  if (clock) {
    const w = responseWindow(policy, t, prio.response_hours);
    starts = w.clock_starts_s;
    due = w.respond_by_s;
    ctx.clock_starts_text = localText(policy, starts);
    ctx.respond_by_text = localText(policy, due);
    explanations.push({ about: "respond_by", rule: prioRule.id, text: fill(texts.respond_by, ctx) });
  } else {
    explanations.push({ about: "respond_by", rule: !routeRule.clock ? routeRule.id : eligibility, text: texts.no_clock });
  }
  explanations.push({ about: "route", rule: routeRule.id, text: fill(routeRule.explain, ctx) });
  explanations.push({ about: "eligibility", rule: eligibility, text: fill(policy.eligibility.effects[eligibility].explain, ctx) });
  for (const e of excl) explanations.push({ about: "exclusion", rule: e.id, text: fill(e.explain, ctx) });
  for (const r of unmet) explanations.push({ about: "responsibility", rule: r.id, text: fill(texts.responsibility, { ...ctx, text: r.text }) });
  const deployment = facts[lq.deployment || ""];
  return {
    policy_version: policy.policy_version,
    priority: prio.id,
    priority_label: prio.label,
    response_hours: clock ? prio.response_hours : null,
    clock_starts: starts !== null ? formatInstant(policy, starts) : null,
    respond_by: due !== null ? formatInstant(policy, due) : null,
    route,
    eligibility,
    exclusions: excl.map((e) => e.id),
    responsibilities_unmet: unmet.map((r) => r.id),
    product_status: facts.product_status,
    agreements: policy.agreements.filter((a) => a.deployments.includes(deployment)).map((a) => a.id),
    rules: [prioRule.id, routeRule.id, ...excl.map((e) => e.id), ...unmet.map((r) => r.id)],
    explanations,
  };
}

// ----- outcome so far (the wizard branches on it before the last answer) ------------------------
/**
 * What the answers given so far already decide: {priority, route, eligibility, exclusions, rules,
 * explanations}; a field is null until it is decided, and `explanations` holds the classification's
 * explanations of what is decided (priority, route, eligibility, exclusion). A fact is settled when
 * it is answered, or when it is not asked and everything its `when` refers to is settled.
 * Same algorithm as intake/engine.py.
 */
export function outcomeSoFar(policy, answers, at) {
  checkPolicy(policy);
  const t = toEpoch(at);
  const { facts: valid } = walk(policy, answers && typeof answers === "object" && !Array.isArray(answers) ? answers : {});
  const questions = Object.fromEntries(policy.questions.map((q) => [q.id, q]));
  const lq = policy.lifecycle_questions;
  const settled = (fact) => {
    if (fact === "product_status") return [lq.product, lq.version].filter(Boolean).every(settled);
    if (Object.prototype.hasOwnProperty.call(valid, fact)) return true;
    const q = questions[fact];
    if (!q || matches(q.when, valid)) return false;
    return [...refs(q.when)].every(settled);
  };
  /** @type {Record<string, any>} */
  const facts = { ...valid };
  if (settled("product_status")) facts.product_status = productStatus(policy, valid, t);
  const decide = (name) => (policy.tables[name].inputs.every(settled) ? one(policy.tables[name], facts, name) : null);
  const prioRule = decide("priority");
  const routeRule = decide("route");
  const route = routeRule ? routeOf(routeRule, facts) : null;
  const order = policy.eligibility.order;
  const excl = policy.exclusions.filter((e) => matches(e.when, facts));
  const worst = Math.max(0, ...excl.map((e) => order.indexOf(e.effect)));
  const decided = worst === order.length - 1 || policy.exclusions.every((e) => [...refs(e.when)].every(settled));
  const eligibility = decided ? order[worst] : null;

  const prio = prioRule ? policy.priorities.find((p) => p.id === prioRule.priority) : null;
  const ctx = context(policy, facts, prio, route);
  const explanations = [];
  if (prioRule) explanations.push(priorityExplanation(policy, prioRule, ctx));
  if (routeRule) explanations.push({ about: "route", rule: routeRule.id, text: fill(routeRule.explain, ctx) });
  if (eligibility) explanations.push({ about: "eligibility", rule: eligibility, text: fill(policy.eligibility.effects[eligibility].explain, ctx) });
  for (const e of excl) explanations.push({ about: "exclusion", rule: e.id, text: fill(e.explain, ctx) });
  return {
    priority: prioRule ? prioRule.priority : null,
    route,
    eligibility,
    exclusions: excl.map((e) => e.id),
    rules: [prioRule, routeRule, ...excl].filter(Boolean).map((r) => r.id),
    explanations,
  };
}
