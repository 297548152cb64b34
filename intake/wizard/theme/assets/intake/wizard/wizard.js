// The request wizard's controller: reads the page's embedded data, restores the draft,
// follows `#step=<id>` in the address bar, and hands each step to its renderer.
// Owns navigation (Continue, Back, Change, Start again) and saving; the pages themselves
// are drawn by steps.js / kb.js / send.js, the classification comes from policy.js.

import { h } from "./dom.js";
import * as flow from "./flow.js";
import * as draft from "./draft.js";
import { loadPolicy } from "./policy.js";
import { valueAt } from "./payload.js";
import { renderStep } from "./steps.js";

const root = document.getElementById("kb-request");
const data = JSON.parse(document.getElementById("kb-request-data").textContent);
const form = data.form;
const byId = flow.stepsById(form);
const base = new URL(root.dataset.base || "../", location.href);
const meta = { policy_version: null, form_version: form.version };

const app = {
  data, form, base, state: null, policy: null, notices: [],
  save() {
    if (!draft.write(app.state, meta) && !app.storageWarned) {
      app.storageWarned = true;
      app.announce("This browser is not saving your answers (storage is off or full). Keep this tab open until you send the request.");
    }
  },
  /** A page by id: a form step, or the page of one policy question. */
  step(id) {
    if (byId[id]) return byId[id];
    if (!app.policy || !app.policy.question(id)) return null;
    if (!pages[id]) {
      const q = app.policy.question(id);
      pages[id] = { id, kind: "question", policy: true, fields: [{
        id, type: "radios", label: q.text, hint: q.help || null,
        optionsFor: (answers) => app.policy.options(id, policyAnswers(answers)).map((o) => ({ value: o.value, label: o.label, hint: o.help || null })),
      }] };
    }
    return pages[id];
  },
  env: {
    step: (id) => app.step(id),
    asked: (qid, answers) => !!app.policy && app.policy.asked(qid, policyAnswers(answers)),
    outcome: (fieldIds) => (app.policy ? app.policy.outcome(policyAnswers(app.state.answers, fieldIds)) : null),
  },
  walk: () => flow.walk(form, app.state, app.env),
  /** What the answers on the path so far already decide (the engine's outcomeSoFar), or null. */
  outcome: () => app.env.outcome(flow.liveFields(app.walk().path, app.env)),
  /** The policy answers on the current path: what the engine classifies. */
  answers() {
    const { path } = app.walk();
    return policyAnswers(app.state.answers, flow.liveFields(path, app.env));
  },
  go(id, change = false) {
    const hash = `#step=${encodeURIComponent(id)}${change ? "&change=1" : ""}`;
    if (location.hash === hash) route(); else location.hash = hash;
  },
  announce(msg) { status.textContent = ""; setTimeout(() => { status.textContent = msg; }, 50); },
  startAgain() {
    draft.clear();
    app.state = draft.newState();
    app.notices = [];
    app.save();
    app.go(form.start);
  },
  /** After Continue on `step`: the next page, or in change mode the first gap before Check. */
  advance(step, change) {
    if (!step.fields && !app.state.seen.includes(step.id)) app.state.seen.push(step.id);
    if (step.id === "esc_request_id") prefillFromLast(app.state.answers.esc_request_id);
    app.save();
    const w = app.walk();
    if (change) return app.go(w.stop, w.stop !== "check");
    const i = w.path.indexOf(step.id);
    app.go(i >= 0 ? w.path[i + 1] ?? w.stop : w.stop);
  },
};
const pages = {};

// Escalating the request last sent from this browser: start from its answers (the person
// still sees and can change every one; nothing is sent until Check your answers).
function prefillFromLast(ref) {
  const last = readLast("sent");
  const p = last && last.payload;
  if (!p || ![p.id, last.reference].includes(String(ref || "").trim())) return;
  for (const [q, v] of Object.entries(p.answers || {})) if (!(q in app.state.answers) && typeof v === "string") app.state.answers[q] = v;
  for (const f of form.steps.flatMap((x) => x.fields || [])) {
    if (!f.payload || f.payload.startsWith("escalation.") || f.id in app.state.answers) continue;
    const v = valueAt(p, f.payload);
    if (typeof v === "string") app.state.answers[f.id] = v;
    else if (typeof v === "boolean" && f.as === "boolean") app.state.answers[f.id] = v ? "yes" : "no";
  }
  app.notices.push("We filled in the answers of that request. Check each one: things may have changed since.");
}

// Answers as the policy engine reads them: policy questions only, and of those only the
// ones in `ids` (the path) when given.
function policyAnswers(answers, ids) {
  const out = {};
  for (const [k, v] of Object.entries(answers)) {
    if (app.policy && app.policy.question(k) && (!ids || ids.includes(k))) out[k] = v;
  }
  return out;
}

const status = h("div", { class: "kb-visually-hidden", role: "status", "aria-live": "polite" });

function restore() {
  const got = draft.read();
  app.state = draft.newState();
  if (got && got.discarded) {
    draft.clear();
    app.notices.push(`We could not use the answers saved in this browser because ${got.discarded}. Please start again.`);
  } else if (got && got.state) {
    app.state = got.state;
    if (got.policy_version !== meta.policy_version || got.form_version !== meta.form_version) {
      const fields = form.steps.flatMap((x) => x.fields || []).concat(app.policy ? app.policy.compiled.questions.map((q) => app.step(q.id).fields[0]) : []);
      const again = draft.migrate(app.state, fields, form.steps.map((x) => x.id), flow.fieldError);
      app.notices.push(again.length
        ? `The support policy changed since you saved your answers. Please answer these again: ${again.join("; ")}.`
        : "The support policy changed since you saved your answers; your answers still apply.");
    }
  }
  const article = new URLSearchParams(location.search).get("article");
  if (article && /^[\w.-]{1,200}$/.test(article) && app.state.article !== article) {
    app.state.article = article;
    if (!app.state.kb.opened.includes(article)) app.state.kb.opened.push(article);
  }
  app.save();
}

function wanted() {
  const p = new URLSearchParams(location.hash.slice(1));
  return { id: p.get("step"), change: p.get("change") === "1" };
}

function route() {
  const { id, change } = wanted();
  const w = app.walk();
  const st = app.step(id);
  // A step can be shown when it is on the path or is the next gap; the end pages when
  // their data exists. Anything else (an old bookmark, a typo) goes to the next gap.
  const allowed = st && (w.path.includes(id) || w.stop === id ||
    (st.kind === "confirmation" && (app.state.outbox || readLast())) || (st.kind === "deflected" && readLast("deflected")));
  if (!allowed) {
    history.replaceState(null, "", `#step=${encodeURIComponent(w.stop || form.start)}`);
    return route();
  }
  const back = change && w.stop === "check" ? "check" : st.kind === "confirmation" || st.kind === "deflected" ? null : w.path[w.path.indexOf(id) - 1] ?? (w.stop === id ? w.path[w.path.length - 1] : null);
  root.replaceChildren(status, ...app.notices.map((n) => h("div", { class: "kb-wz-notice", role: "note" }, n)));
  app.notices = [];
  renderStep(app, st, { change, back, root });
}

export function readLast(kind) {
  try {
    const last = JSON.parse(localStorage.getItem(draft.LAST) || "null");
    return last && (!kind || last.kind === kind) ? last : null;
  } catch { return null; }
}
app.readLast = readLast;

// `?article=<id>`: the article's title (from the build's id -> title list, split in buckets
// by FNV-1a of the id as plugin.py does) names it on the KB step and seeds the summary.
function bucketOf(id, buckets) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(id)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h % buckets;
}

async function fromArticle(id) {
  try {
    const res = await fetch(new URL(`${data.paths.articles}${bucketOf(id, data.article_buckets || 1)}.json`, base));
    const a = (await res.json()).articles?.[id];
    if (!Array.isArray(a)) return;
    app.articleTitle = String(a[0]).slice(0, 200);
    if (!app.state.answers.summary) { app.state.answers.summary = app.articleTitle; app.save(); }
  } catch { /* the id alone is recorded; nothing to seed */ }
}

async function boot() {
  try {
    app.policy = await loadPolicy(data, base);
    meta.policy_version = app.policy.version;
    for (const f of form.steps.flatMap((x) => x.fields || [])) if (f.options_from) f.options = app.policy.sources[f.options_from] || [];
  } catch (exc) {
    // Without the policy no question can be asked or classified: say so, keep the draft.
    const mail = data.delivery.mailto;
    root.replaceChildren(h("div", { class: "kb-wz", "data-step": "unavailable" },
      h("h1", null, "The request form cannot start"),
      h("p", { role: "alert" }, `The support policy could not be loaded (${String(exc.message || exc).slice(0, 300)}). Reload the page to try again; answers you saved are kept.`),
      mail ? h("p", null, "You can also email us: ", h("a", { href: `mailto:${mail}` }, mail)) : null));
    return;
  }
  restore();
  if (app.state.article) await fromArticle(app.state.article);
  addEventListener("hashchange", route);
  if (!wanted().id) history.replaceState(null, "", `#step=${encodeURIComponent(app.walk().stop || form.start)}`);
  route();
}

boot();
