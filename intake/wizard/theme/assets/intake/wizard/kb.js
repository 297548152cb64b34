// The "KB first" page: searches the knowledge base for the one-line summary with the site's
// own search module (never a search of our own), records the queries, the articles shown
// and opened, and ends the request with thanks when an article solved it.

import { h, hidden } from "./dom.js";
import { title } from "./steps.js";
import * as draft from "./draft.js";

let searcher = null;

/** The search helper's ES module (kbtools/search/README.md), as search(query, limit) -> [{id, title, url}]. */
async function loadSearch(app) {
  if (!searcher) {
    searcher = (async () => {
      const m = await import(new URL(app.data.paths.search, app.base).href);
      const index = await m.openIndex(new URL(app.data.paths.search_index, app.base));
      return async (q, limit) => {
        const { hits } = await index.search(q, { limit });
        return hits.slice(0, limit).map((r) => ({ id: String(r.id), title: String(r.title), url: new URL(r.url, app.base).href }));
      };
    })();
    searcher.catch(() => { searcher = null; }); // a failed load is tried again on the next search
  }
  return searcher;
}

const remember = (list, v) => { if (v && !list.includes(v)) list.push(v); };

export function renderKb(app, step, opts) {
  const { main } = opts;
  const kb = app.state.kb;
  title(step.title);
  main.append(h("h1", null, step.title));
  if (step.body) main.append(h("p", null, step.body));
  if (app.state.article) {
    const a = app.articleTitle || app.state.article;
    main.append(h("p", { class: "kb-wz-hint" }, "You came from the article “", a, "”; we noted that you read it."));
  }
  const input = h("input", { type: "search", id: "kb-wz-q", name: "q", value: lastQuery(app), autocomplete: "off" });
  const results = h("div", { class: "kb-wz-results" });
  const count = h("p", { role: "status", "aria-live": "polite", class: "kb-wz-count" });
  let seq = 0;
  async function run(q) {
    q = q.trim().slice(0, 500);
    if (!q) return;
    const mine = ++seq; // a slower earlier search must not overwrite a newer one
    if (kb.queries[kb.queries.length - 1] !== q) kb.queries.push(q);
    app.save();
    let found;
    try { found = await (await loadSearch(app))(q, 5); } catch (exc) {
      if (mine !== seq) return;
      count.textContent = "Search is not available just now. Continue, and describe what you tried.";
      console.warn("kb-request: search module failed:", exc);
      return;
    }
    if (mine !== seq) return;
    for (const r of found) remember(kb.suggested, r.id);
    app.save();
    count.textContent = found.length ? `${found.length} article${found.length === 1 ? "" : "s"} found for “${q}”.` : `No articles found for “${q}”.`;
    results.replaceChildren(h("ul", { class: "kb-wz-articles" }, found.map((r) => h("li", null,
      h("a", { href: r.url, "data-kb-id": r.id, onclick: () => { remember(kb.opened, r.id); app.save(); }, onauxclick: () => { remember(kb.opened, r.id); app.save(); } }, r.title),
      h("button", { type: "button", class: "md-button kb-wz-solved", onclick: () => deflect(app, r) }, "This solved it", hidden(`: ${r.title}`))))));
  }
  main.append(
    h("form", { role: "search", novalidate: true, class: "kb-wz-search", onsubmit: (ev) => { ev.preventDefault(); run(input.value); } },
      h("label", { for: "kb-wz-q" }, "Search the knowledge base"), h("div", { class: "kb-wz-row" }, input, h("button", { type: "submit", class: "md-button" }, "Search"))),
    count, results,
    h("form", { novalidate: true, onsubmit: (ev) => { ev.preventDefault(); app.advance(step, opts.change); } },
      h("button", { type: "submit", class: "md-button md-button--primary kb-wz-continue" }, step.continue || "Continue")));
  run(input.value);
}

function lastQuery(app) {
  return app.state.answers.summary || app.articleTitle || "";
}

/** "This solved it": thanks, a recorded deflection, and the draft is done with. */
function deflect(app, article) {
  const kb = app.state.kb;
  kb.helped = article.id;
  remember(kb.opened, article.id);
  const record = { kind: "deflected", id: app.state.id, at: new Date().toISOString(), article: article.id, title: article.title, from_article: app.state.article, kb };
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
