// The wizard's side of the policy: loads the compiled policy and the policy helper's
// engine (assets/intake/engine.js), and asks the engine every policy question: which
// questions are asked, their options, the classification. No policy rule lives here.
//
// One thing the engine does not offer (yet): an outcome from a *partial* set of answers,
// which the wizard needs to branch early (send a reseller's customer to the reseller page
// before asking about the product). `partial()` gets it from the engine's own `classify`:
// it completes the answers with placeholder choices, classifies, and keeps only the parts
// the real answers alone decide (the decision tables' inputs and the exclusions' conditions
// are read from the compiled policy). See README.md, "Outcomes before the last answer".

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

  const asked = (qid, answers) => engine.isAsked(P, questions[qid], answers);
  const refs = (when) => (when || []).flatMap((m) => Object.keys(m));
  // A question is settled when it is answered, or is not asked and cannot become asked
  // because everything its `when` looks at is settled.
  const settled = (id, answers, seen = new Set()) => {
    if (id === "product_status") return settled("product", answers, seen) && settled("version", answers, seen);
    if (id in answers) return true;
    if (seen.has(id) || !questions[id]) return false;
    seen.add(id);
    return !asked(id, answers) && refs(questions[id].when).every((r) => settled(r, answers, seen));
  };

  function partial(answers) {
    const key = JSON.stringify(answers);
    if (cache.has(key)) return cache.get(key);
    const probe = { ...answers };
    for (let i = 0; i < P.questions.length; i++) {
      const q = engine.nextQuestion(P, probe);
      if (!q) break;
      probe[q.id] = engine.optionsFor(P, q, probe)[0].value;
    }
    let c = null;
    try { c = engine.classify(P, probe, new Date()); } catch { c = null; }
    let out = null;
    if (c) {
      const decided = (inputs) => inputs.every((q) => settled(q, answers));
      const byId = Object.fromEntries(P.exclusions.map((x) => [x.id, x]));
      const matched = c.exclusions.filter((x) => refs(byId[x].when).concat(byId[x].question || []).every((q) => settled(q, answers)));
      const order = P.eligibility.order;
      const worst = matched.map((x) => byId[x].effect).sort((a, b) => order.indexOf(b) - order.indexOf(a))[0];
      const allExclusions = P.exclusions.every((x) => refs(x.when).every((q) => settled(q, answers)));
      out = {
        route: decided(P.tables.route.inputs) ? c.route : null,
        priority: decided(P.tables.priority.inputs) ? c.priority : null,
        eligibility: worst || (allExclusions ? "eligible" : null),
        exclusions: matched,
        explanations: c.explanations.filter((e) => e.about !== "exclusion" || matched.includes(e.rule)),
      };
    }
    cache.set(key, out);
    return out;
  }

  return {
    engine, compiled: P, sha256, version: P.policy_version,
    timezone: P.calendar.timezone,
    question: (qid) => questions[qid],
    asked,
    options: (qid, answers) => engine.optionsFor(P, questions[qid], answers),
    /** The full classification; throws the engine's error when answers are incomplete. */
    classify: (answers, at) => engine.classify(P, answers, at),
    partial,
    partners: Object.fromEntries(P.partners.directory.map((p) => [p.id, { ...p, sample: P.partners.sample }])),
    sources: { escalation_reasons: P.escalation.reasons.map((r) => ({ value: r.id, label: r.label })) },
    priority: (id) => P.priorities.find((p) => p.id === id),
  };
}
