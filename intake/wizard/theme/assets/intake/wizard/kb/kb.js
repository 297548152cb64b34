// The "knowledge base first" screen: searches the KB for the customer's own summary with the
// site's search module (never a search of our own), records the queries, the articles shown
// and opened, and ends the request with thanks when an article solved it. Only articles are
// offered, never a category page, and never the article the customer came from.

import { h, hidden } from "../dom.js";
import { heading, actionForm } from "../page.js";
import { cut, oneLine } from "../text.js";
import * as draft from "../draft.js";
import { reportDeflection } from "../deliver.js";

let searcher = null;

/** The search helper's ES module (kbtools/search/README.md), as search(query, limit) -> [{id, title, url}]. */
async function loadSearch(app) {
  if (!searcher) {
    searcher = (async () => {
      const m = await import(new URL(app.data.paths.search, app.base).href);
      const index = await m.openIndex(new URL(app.data.paths.search_index, app.base));
      return async (q, limit) => (await index.search(q, { limit })).hits.map((r) => ({ id: String(r.id), title: String(r.title), url: new URL(r.url, app.base).href }));
    })();
    searcher.catch(() => { searcher = null; }); // a failed load is tried again on the next search
  }
  return searcher;
}

const remember = (list, v) => { if (v && !list.includes(v)) list.push(v); };

export function renderKb(app, step, opts) {
  const { main } = opts;
  const kb = app.state.kb;
  heading(main, step.title, opts.caption);
  if (step.body) main.append(h("p", null, step.body));
  if (app.state.article) main.append(h("p", { class: "kb-wz-hint" }, `You came from the article “${app.articleTitle || app.state.article}”, so it is not offered again.`));
  const skip = new Set([...(app.data.landing || []), app.state.article]);
  const input = h("input", { type: "search", id: "kb-wz-q", name: "q", value: app.state.answers.summary || app.articleTitle || "", autocomplete: "off" });
  const results = h("div", { class: "kb-wz-results" });
  const count = h("p", { role: "status", "aria-live": "polite", class: "kb-wz-count" });
  let seq = 0;
  async function run(q) {
    q = cut(oneLine(q).trim(), 200);
    if (!q) return;
    const mine = ++seq; // a slower earlier search must not overwrite a newer one
    if (kb.queries[kb.queries.length - 1] !== q) kb.queries.push(q);
    app.save();
    let found;
    try { found = (await (await loadSearch(app))(q, Math.min(5 + skip.size, 25))).filter((r) => !skip.has(r.id)).slice(0, 5); } catch (exc) {
      if (mine !== seq) return;
      count.textContent = "Search is not available just now. Continue, and describe what you tried.";
      console.warn("kb-request: search module failed:", exc);
      return;
    }
    if (mine !== seq) return;
    for (const r of found) remember(kb.suggested, r.id);
    app.save();
    count.textContent = found.length ? `${found.length} article${found.length === 1 ? "" : "s"} found for “${q}”.` : `No articles found for “${q}”.`;
    const open = (r) => () => { remember(kb.opened, r.id); app.save(); };
    results.replaceChildren(h("ul", { class: "kb-wz-articles" }, found.map((r) => h("li", null,
      h("a", { href: r.url, "data-kb-id": r.id, onclick: open(r), onauxclick: open(r) }, r.title),
      h("button", { type: "button", class: "md-button kb-wz-solved", onclick: () => deflect(app, r) }, "This solved it", hidden(`: ${r.title}`))))));
  }
  main.append(
    h("form", { role: "search", novalidate: true, class: "kb-wz-search", onsubmit: (ev) => { ev.preventDefault(); run(input.value); } },
      h("label", { for: "kb-wz-q" }, "Search the knowledge base"), h("div", { class: "kb-wz-row" }, input, h("button", { type: "submit", class: "md-button" }, "Search"))),
    count, results,
    actionForm(step.continue || "Continue", () => app.advance(step, opts.change)));
  run(input.value);
}

/** "This solved it": thanks, a recorded deflection (and the desk told, if it listens), the draft is done with. */
function deflect(app, article) {
  const kb = app.state.kb;
  kb.helped = article.id;
  remember(kb.opened, article.id);
  const at = new Date().toISOString();
  const record = { kind: "deflected", id: app.state.id, at, article: article.id, title: article.title, from_article: app.state.article, kb };
  reportDeflection(app.data.delivery.deflection_endpoint, { article_id: article.id, ts: at, query: kb.queries[kb.queries.length - 1] || null });
  try {
    const log = JSON.parse(localStorage.getItem("kb.request.deflections") || "[]");
    localStorage.setItem("kb.request.deflections", JSON.stringify([...(Array.isArray(log) ? log : []), record].slice(-50)));
    localStorage.setItem(draft.LAST, JSON.stringify(record));
  } catch { /* storage off: the thanks page still shows */ }
  app.deflection = record;
  draft.clear();
  app.state = draft.newState();
  app.save();
  app.go("deflected");
}

export function renderDeflected(app, step, opts) {
  const rec = app.deflection || app.readLast();
  heading(opts.main, step.title);
  opts.main.append(h("p", null, step.body),
    rec ? h("p", null, "The article that solved it: ", h("strong", null, rec.title || rec.article)) : null,
    h("p", null, h("a", { href: app.base.href }, "Back to the Help Center")));
}
