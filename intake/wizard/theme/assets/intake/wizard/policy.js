// The wizard's side of the policy: loads the compiled policy and the policy helper's
// engine (assets/intake/engine.js), and asks the engine every policy question: which
// questions are asked, their options, the outcome so far, the classification. No policy
// rule, and no policy question id, lives here (intake/FORMATS.md, "Engine API").

import { sha256, hex } from "./reference.js";

/** @returns {Promise<any>} the adapter the wizard uses */
export async function loadPolicy(data, base) {
  const url = new URL(data.paths.compiled_policy, base);
  const [engine, res] = await Promise.all([import(new URL(data.paths.engine, base).href), fetch(url)]);
  if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const P = JSON.parse(new TextDecoder().decode(bytes));
  engine.checkPolicy(P);
  return adapter(engine, P, hex(await sha256(bytes)));
}

/** Only the answers the engine knows: the policy's questions. */
const only = (questions, answers) => Object.fromEntries(Object.entries(answers).filter(([k]) => questions.has(k)));

export function adapter(engine, P, sha256 = null) {
  const questions = new Map(P.questions.map((q) => [q.id, q]));
  const partners = new Map(P.partners.directory.map((p) => [p.id, { ...p, sample: P.partners.sample }]));
  const cache = new Map();
  const mine = (answers) => only(questions, answers);

  /** What the answers so far already decide (the engine's outcomeSoFar), or null. */
  function outcome(answers, at = new Date()) {
    const a = mine(answers);
    // The day in the policy's time zone matters (a version's support ends at its midnight);
    // the time of day does not.
    const key = engine.formatInstant(P, engine.toEpoch(at)).slice(0, 10) + JSON.stringify(a);
    if (!cache.has(key)) {
      let out = null;
      try { out = engine.outcomeSoFar(P, a, at); } catch { out = null; }
      cache.set(key, out);
    }
    return cache.get(key);
  }

  return {
    engine, compiled: P, sha256, version: P.policy_version,
    timezone: P.calendar.timezone,
    /** @param {string} qid */
    question: (qid) => questions.get(qid),
    isQuestion: (qid) => questions.has(qid),
    asked: (qid, answers) => questions.has(qid) && engine.isAsked(P, questions.get(qid), mine(answers)),
    options: (qid, answers) => engine.optionsFor(P, questions.get(qid), mine(answers)),
    /** The full classification; throws the engine's error when answers are incomplete. */
    classify: (answers, at) => engine.classify(P, mine(answers), at),
    outcome,
    /** The policy's exclusions that `question = value` brings in (their plain explanations). */
    exclusions: (qid, value) => P.exclusions.filter((e) => e.question === qid && engine.matches(e.when, { [qid]: value })),
    /** payload field -> the policy question it repeats (the payload map's policy part). */
    payloadFields: P.payload_fields || {},
    partner: (id) => partners.get(id),
    sources: { escalation_reasons: P.escalation.reasons.map((r) => ({ value: r.id, label: r.label })) },
    priority: (id) => P.priorities.find((p) => p.id === id),
  };
}
