// The wizard's side of the policy: loads the compiled policy and the policy helper's
// engine (assets/intake/engine.js), and asks the engine every policy question: which
// questions are asked, their options, the outcome so far, the classification. No policy
// rule, and no policy question id, lives here (intake/FORMATS.md, "Engine API").

/** @returns {Promise<object>} the adapter the wizard uses */
export async function loadPolicy(data, base) {
  const url = new URL(data.paths.compiled_policy, base);
  const [engine, res] = await Promise.all([import(new URL(data.paths.engine, base).href), fetch(url)]);
  if (!res.ok) throw new Error(`${url.pathname}: HTTP ${res.status}`);
  const bytes = await res.arrayBuffer();
  const P = JSON.parse(new TextDecoder().decode(bytes));
  engine.checkPolicy(P);
  const sha256 = await digest(bytes);
  return adapter(engine, P, sha256);
}

async function digest(bytes) {
  if (!globalThis.crypto?.subtle) return null; // not a secure context: the desk recomputes it
  const d = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function adapter(engine, P, sha256 = null) {
  const questions = Object.fromEntries(P.questions.map((q) => [q.id, q]));
  const cache = new Map();

  /** What the answers so far already decide (the engine's outcomeSoFar), or null. */
  function outcome(answers, at = new Date()) {
    // The day in the policy's time zone matters (a version's support ends at its midnight);
    // the time of day does not.
    const key = engine.formatInstant(P, engine.toEpoch(at)).slice(0, 10) + JSON.stringify(answers);
    if (!cache.has(key)) {
      let out = null;
      try { out = engine.outcomeSoFar(P, answers, at); } catch { out = null; }
      cache.set(key, out);
    }
    return cache.get(key);
  }

  return {
    engine, compiled: P, sha256, version: P.policy_version,
    timezone: P.calendar.timezone,
    question: (qid) => questions[qid],
    asked: (qid, answers) => engine.isAsked(P, questions[qid], answers),
    options: (qid, answers) => engine.optionsFor(P, questions[qid], answers),
    /** The full classification; throws the engine's error when answers are incomplete. */
    classify: (answers, at) => engine.classify(P, answers, at),
    outcome,
    /** payload field -> the policy question it repeats (the payload map's policy part). */
    payloadFields: P.payload_fields || {},
    partners: Object.fromEntries(P.partners.directory.map((p) => [p.id, { ...p, sample: P.partners.sample }])),
    sources: { escalation_reasons: P.escalation.reasons.map((r) => ({ value: r.id, label: r.label })) },
    priority: (id) => P.priorities.find((p) => p.id === id),
  };
}
