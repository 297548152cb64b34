// The request wizard's controller: reads the page's embedded data, restores the draft,
// follows `#step=<id>` in the address bar, and hands each screen to its renderer. Owns
// navigation (Continue, Back, Change, Start again), saving, and the answers as the policy
// engine reads them; the screens are drawn by the modules in question/, kb/, check/ and
// confirmation/, the classification comes from policy.js. Nothing imports this module.

import { h, add } from "./dom.js";
import * as flow from "./flow.js";
import * as draft from "./draft.js";
import * as outbox from "./outbox.js";
import { loadPolicy } from "./policy.js";
import { title, focusHeading, actionForm, explanations, partnerCard } from "./page.js";
import { own, cut, oneLine } from "./text.js";
import { checkReference } from "./escalation.js";
import { renderQuestion } from "./question/question.js";
import { renderKb, renderDeflected } from "./kb/kb.js";
import { renderCheck } from "./check/check.js";
import { renderSent } from "./confirmation/confirmation.js";

const root = /** @type {HTMLElement} */ (document.getElementById("kb-request"));
const data = JSON.parse(document.getElementById("kb-request-data")?.textContent || "{}");
const form = data.form;
const byId = flow.stepsById(form);
const base = new URL(root.dataset.base || "../", location.href);
const meta = { policy_version: null, form_version: form.version };
const status = h("div", { class: "kb-visually-hidden", role: "status", "aria-live": "polite" });
const renderers = { question: renderQuestion, info, kb: renderKb, check: renderCheck, confirmation: renderSent, deflected: renderDeflected };

/** @type {any} */
const app = {
  data, form, base, state: null, policy: null, notices: [],
  save() {
    if (!draft.write(app.state, meta) && !app.storageWarned) {
      app.storageWarned = true;
      app.announce("This browser is not saving your answers (storage is off or full). Keep this tab open until you send the request.");
    }
  },
  env: {
    asked: (qid, live) => app.policy.asked(qid, live),
    outcome: (live) => app.policy.outcome(live),
    other: (qid, ticked, live) => app.policy.options(qid, live).map((o) => o.value).find((v) => String(v) !== String(ticked)),
  },
  walk: () => flow.walk(form, app.state, app.env),
  /** The fields a screen shows now, from the answers on the path before it. */
  screen(step) {
    const w = app.walk();
    return flow.screen(step, app.state.answers, app.env, w.before.get(step.id) || w.live, new Set(app.state.seen));
  },
  outcomeOf: (live) => app.policy.outcome(live),
  /** "Step 3 of 9 – How bad it is": where the screen is among the screens the answers lead to. */
  caption(st, w = app.walk()) {
    const steps = flow.plan(form, app.state, app.env, w);
    const n = steps.indexOf(st.id) + 1;
    return n ? `Step ${n} of ${steps.length} – ${st.section || st.title}` : null;
  },
  checkReference: (typed) => checkReference(data.delivery, typed),
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
  /** After Continue on `step`: the next screen, or in change mode the first gap before Check. */
  advance(step, change) {
    if (!step.fields && !app.state.seen.includes(step.id)) app.state.seen.push(step.id);
    const w = app.walk();
    const known = app.state.known;
    // A request made in this browser: its contact, unless the customer already wrote one (or cleared it).
    if (known?.requester) for (const k of ["name", "email", "organisation"]) if (own(app.state.answers, k) === undefined && typeof known.requester[k] === "string") app.state.answers[k] = known.requester[k];
    app.save();
    if (change) return app.go(w.stop, w.stop !== "check");
    const i = w.path.indexOf(step.id);
    app.go(i >= 0 ? w.path[i + 1] ?? w.stop : w.stop);
  },
  /** Draw `step` again (with errors, say), keeping the focus on the error summary. */
  render(step, opts) {
    show(step, { change: opts.change, id: opts.id, errors: opts.errors, keepFocus: true });
    /** @type {HTMLElement|null} */ (root.querySelector(".kb-wz-errors"))?.focus();
  },
  readLast() {
    try {
      const last = JSON.parse(localStorage.getItem(draft.LAST) || "null");
      return last && last.kind === "deflected" ? last : null;
    } catch { return null; }
  },
};

/** Form fields and policy questions as the screens use them (policy wording and options). */
function resolve() {
  const P = app.policy;
  for (const step of form.steps) {
    step.fields = (step.fields || []).map((f) => {
      if (f.question) {
        const q = P.question(f.question);
        return { id: q.id, type: "radios", label: q.text, hint: q.help || null, policy: true, when: f.when,
          optionsFor: (answers) => P.options(q.id, answers).map((o) => ({ value: o.value, label: o.label, hint: o.help || null })) };
      }
      if (f.options_from) f.options = P.sources[f.options_from] || [];
      if (f.type === "checkboxes") f.options = f.options.map((o) => (o.question ? { ...o, value: o.question, hint: o.hint || P.question(o.question)?.help || null } : o));
      return f;
    });
    if (!step.fields.length) delete step.fields;
  }
}

function info(app, step, opts) {
  const { main } = opts;
  main.append(h("h1", null, step.title));
  title(step.title);
  const c = step.show ? app.policy.outcome(app.walk().live) : null;
  const lines = step.show === "partner" ? explanations(c, "route") : explanations(c, "eligibility", "exclusion");
  if (step.show) add(main, h("ul", { class: "kb-wz-explain" }, lines.map((t) => h("li", null, t))), step.show === "partner" ? partnerCard(app.policy.partner(c?.route)) : null);
  if (step.body) main.append(h("p", null, step.body));
  main.append(actionForm(step.continue || "Continue", () => app.advance(step, opts.change)));
}

function restore() {
  const got = draft.read();
  app.state = draft.newState();
  if (got && got.discarded) {
    draft.clear();
    app.notices.push(`We could not use the answers saved in this browser because ${got.discarded}. Please start again.`);
  } else if (got && got.state) {
    app.state = got.state;
    let again = [];
    if (got.version === 1) {
      // Saved by the previous wizard (one page per question): same answers, fewer screens.
      again = draft.upgrade(app.state, form);
      if (got.old?.payload) {
        outbox.put({ ...got.old, reference: null, post: !!data.delivery.endpoint && (got.old.route || "vendor") === "vendor", facts: [], at: got.old.payload.created_at });
        app.state.sent = got.old.payload.id;
      }
    }
    if (got.version === 1 || got.policy_version !== meta.policy_version || got.form_version !== meta.form_version) {
      const fields = form.steps.flatMap((x) => x.fields || []);
      again = [...again, ...draft.migrate(app.state, fields, form.steps.map((x) => x.id))];
      app.notices.push(again.length
        ? `The request form changed since you saved your answers. Please answer these again: ${again.join("; ")}.`
        : "The request form changed since you saved your answers; your answers still apply.");
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
  return { id: p.get("step") || "", change: p.get("change") === "1", item: p.get("id") };
}

function route() {
  const { id, change, item } = wanted();
  const w = app.walk();
  const st = byId.get(id);
  // A screen can be shown when it is on the path or is the next gap; the end pages when
  // their data exists. Anything else (an old bookmark, a typo) goes to the next gap.
  const allowed = st && (w.path.includes(id) || w.stop === id ||
    (st.kind === "confirmation" && (item ? outbox.get(item) : app.state.sent || outbox.latest())) || (st.kind === "deflected" && app.readLast()));
  if (!allowed) {
    history.replaceState(null, "", `#step=${encodeURIComponent(w.stop || form.start)}`);
    return route();
  }
  show(st, { change, id: item, w });
}

function show(st, opts) {
  const w = opts.w || app.walk();
  const end = st.kind === "confirmation" || st.kind === "deflected";
  const i = w.path.indexOf(st.id);
  const back = opts.change && w.stop === "check" ? "check" : end ? null : i > 0 ? w.path[i - 1] : i < 0 && w.stop === st.id ? w.path[w.path.length - 1] : null;
  const main = h("div", { class: `kb-wz kb-wz--${st.kind}`, "data-step": st.id });
  if (back) main.append(h("a", { class: "kb-wz-back", href: `#step=${encodeURIComponent(back)}${opts.change && back !== "check" ? "&change=1" : ""}` }, "Back"));
  const caption = end ? null : app.caption(st, w);
  root.replaceChildren(status, ...notes(st).map((n) => h("div", { class: "kb-wz-notice", role: "note" }, n)), main);
  app.notices = [];
  renderers[st.kind](app, st, { ...opts, main, caption });
  if (!end) main.append(h("p", { class: "kb-wz-restart" }, h("button", { type: "button", class: "kb-wz-link", onclick: () => app.startAgain() }, "Start again"), " (clears every answer saved in this browser)"));
  if (!opts.keepFocus) focusHeading(main);
}

/** Notices above the screen: why a draft was not used, the article the customer came from, requests not sent yet. */
function notes(st) {
  const out = [...app.notices];
  if (st.id === form.start && app.state.article) out.push(`You came from the article “${app.articleTitle || app.state.article}”. Tell us what it did not answer; we will not suggest it again.`);
  if (st.kind !== "confirmation") {
    for (const x of outbox.all().filter((x) => x.post && x.status !== "delivered" && x.payload.id !== app.state.sent)) {
      out.push(h("span", null, `Your request ${x.reference || ""} has not reached support yet. `, h("a", { href: `#step=sent&id=${encodeURIComponent(x.payload.id)}` }, "Open it to send it")));
    }
  }
  return out;
}

// `?article=<id>`: the article's title (from the build's id -> title list, split in buckets
// by FNV-1a of the id as plugin.py does) names it on the first screen and the KB screen.
function bucketOf(id, buckets) {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(id)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h % buckets;
}

async function fromArticle(id) {
  try {
    const res = await fetch(new URL(`${data.paths.articles}${bucketOf(id, data.article_buckets || 1)}.json`, base));
    const a = own((await res.json()).articles, id);
    // A title is one line as the customer sees it, cut between characters.
    if (Array.isArray(a)) app.articleTitle = cut(oneLine(String(a[0])).trim(), 200, true);
  } catch { /* the id alone is recorded */ }
}

async function boot() {
  try {
    app.policy = await loadPolicy(data, base);
    meta.policy_version = app.policy.version;
    resolve();
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
