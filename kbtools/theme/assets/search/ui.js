// Search UI: the header box (results as you type) and the search page (search/?q=...).
// Everything shown that came from a query or an article is set with textContent: no HTML
// is ever parsed from data. Stale results are dropped: each search takes a ticket and only
// the latest ticket may render.
import { openIndex, IndexFormatError, httpLoader } from "./engine.js";
import { MANIFEST_TEXT } from "./embedded.js";

const POPUP_LIMIT = 8;
const PAGE_SIZE = 10;
const URL_DELAY_MS = 300;  // the search page's address follows typing after this pause
const FACETS = [["type", "Type"], ["product", "Product"], ["version", "Version"]];
const indexes = new Map();
/** @type {Record<string, string>} */
const TYPE_LABELS = {};

// The manifest the build embedded in this code (bundle.py) is that of the index next to it.
const EMBEDDED_FOR = new URL("index/", import.meta.url).href;

/** A loader for `url` that answers manifest.json from the embedded text, the rest over HTTP. */
function embeddedLoader(url, text) {
  const http = httpLoader(url);
  return { text: (rel, cap) => (rel === "manifest.json" ? Promise.resolve(text) : http.text(rel, cap)), bytes: http.bytes };
}

function indexAt(url) {
  if (!indexes.has(url)) {
    const p = openIndex(url, url === EMBEDDED_FOR && MANIFEST_TEXT !== null ? embeddedLoader(url, MANIFEST_TEXT) : undefined);
    p.then((ix) => { for (const [value, text] of ix.manifest.facets.type || []) TYPE_LABELS[value] = text; },
      () => indexes.delete(url));
    indexes.set(url, p);
  }
  return indexes.get(url);
}

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}

function siteRootOf(indexUrl) {
  return new URL("../../../", indexUrl);
}

function hitHref(hit, root) {
  const u = new URL(hit.url, root);
  if (hit.section) u.hash = hit.section.anchor;
  return u.href;
}

/** @param {any} hit @param {string|URL} root @param {{ id?: string }} [options] */
function renderHit(hit, root, { id } = {}) {
  const snippet = el("p", { class: "kb-result__snippet" });
  fillSnippet(snippet, hit);
  const crumbs = el("span", { class: "kb-result__crumbs" }, hit.crumbs.join(" › "));
  const type = el("span", { class: "kb-type kb-result__type" }, TYPE_LABELS[hit.type] || hit.type);
  const link = el("a", { href: hitHref(hit, root), class: "kb-result__link", "data-kb-result": true, "data-kb-id": hit.id },
    el("span", { class: "kb-result__title" }, hit.title));
  const section = hit.section ? el("span", { class: "kb-result__section" }, "Section: ", hit.section.heading) : null;
  return el("li", { class: "kb-result", id },
    link, el("div", { class: "kb-result__meta" }, type, " ", crumbs), section, snippet);
}

function fillSnippet(snippet, hit) {
  snippet.replaceChildren(...hit.snippet.map(([text, isMatch]) => (isMatch ? el("mark", {}, text) : text)));
}

/** When every result's snippet file is already here (typing on: the same articles again), the
 * snippets are filled before drawing, so that titles and snippets appear in one update; returns
 * whether it did. A snippet that fails is left for `addSnippets` to report. */
async function withSnippets(ix, res) {
  if (!ix.hasDocs(res.hits)) return false;
  try { await ix.fillSnippets(res.hits, res.terms); } catch { return false; }
  return true;
}

/** Otherwise results are drawn as soon as their titles are known; the snippets (one small file per
 * result) fill in after. `mine()` says whether this search still owns the list. */
async function addSnippets(ix, res, list, root, mine) {
  await ix.fillSnippets(res.hits, res.terms);
  if (!mine()) return;
  const items = list.querySelectorAll(".kb-result");
  res.hits.forEach((h, i) => {
    const item = items[i];
    if (!item) return;
    fillSnippet(item.querySelector(".kb-result__snippet"), h);
    if (h.section) {
      item.querySelector(".kb-result__link").href = hitHref(h, root);
      item.querySelector(".kb-result__meta").after(el("span", { class: "kb-result__section" }, "Section: ", h.section.heading));
    }
  });
}

function formatProblem(container, err, root) {
  container.replaceChildren(
    "Search is not available: ", err instanceof IndexFormatError ? err.message : "the search index could not be loaded",
    ". ", el("a", { href: root.href }, "Browse the list of articles"), " instead.");
}

function noResults(container, query, requestPage) {
  container.replaceChildren(
    "No articles match “", query.trim().slice(0, 200), "”. Check the spelling or try fewer or other words, or ",
    el("a", { href: requestPage, "data-kb-request-link": true }, "submit a support request"), ".");
}

function isTyping(target) {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

// ---- header box -----------------------------------------------------------------------
function initBox(box) {
  const input = box.querySelector("input");
  const popup = box.querySelector(".kb-search__popup");
  const list = box.querySelector(".kb-search__results");
  const status = box.querySelector(".kb-search__status");
  const all = box.querySelector(".kb-search__all");
  const indexUrl = new URL(box.dataset.index, document.baseURI);
  const root = siteRootOf(indexUrl);
  const searchPage = new URL(box.dataset.searchPage, document.baseURI);
  const requestPage = new URL(box.dataset.requestPage, document.baseURI).href;
  let ticket = 0;

  // Arrow keys move the focus through the result links (real links: Enter opens them).
  const links = () => [...list.querySelectorAll("a[data-kb-result]")];
  const open = (yes) => {
    popup.hidden = !yes;
    box.classList.toggle("kb-search--open", yes);
  };
  const move = (from, step) => {
    const all = links();
    const i = all.indexOf(from) + step;
    if (i < 0) input.focus();
    else if (i < all.length) all[i].focus();
  };
  async function update() {
    const q = input.value;
    const mine = ++ticket;
    if (!q.trim()) { list.replaceChildren(); open(false); return; }
    let res, ix;
    try {
      ix = await indexAt(indexUrl.href);
      res = await ix.search(q, { limit: POPUP_LIMIT, snippets: false });
    } catch (err) {
      if (mine !== ticket) return;
      list.replaceChildren();
      formatProblem(status, err, root);
      open(true);
      return;
    }
    if (mine !== ticket) return;  // a later keystroke owns the box now
    const drawn = await withSnippets(ix, res);
    if (mine !== ticket) return;
    const u = new URL(searchPage);
    u.searchParams.set("q", q);
    all.href = u.href;
    list.replaceChildren(...res.hits.map((h, i) => renderHit(h, root, { id: `kb-search-opt-${i}` })));
    if (!res.hits.length) noResults(status, q, requestPage);
    else status.textContent = `${res.total} result${res.total === 1 ? "" : "s"}`;
    if (res.didYouMean) {
      const dym = new URL(searchPage);
      dym.searchParams.set("q", res.didYouMean);
      status.append(" · Did you mean ", el("a", { href: dym.href, "data-kb-did-you-mean": true }, res.didYouMean), "?");
    }
    open(true);
    ix.prefetchTyping(q);
    try { if (!drawn) await addSnippets(ix, res, list, root, () => mine === ticket); } catch (err) {
      if (mine !== ticket) return;
      list.replaceChildren();
      formatProblem(status, err, root);
      return;
    }
    if (mine !== ticket) return;
    box.dispatchEvent(new CustomEvent("kb-search:results", { bubbles: true, detail: { query: q, count: res.hits.length } }));
  }

  input.addEventListener("input", update);
  input.addEventListener("focus", () => { if (input.value.trim() && list.childElementCount) open(true); });
  box.addEventListener("focusout", (e) => { if (!box.contains(/** @type {Node} */ (e.relatedTarget))) open(false); });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (popup.hidden) { if (input.value.trim()) update(); return; }
      move(null, 1);
    } else if (e.key === "Escape") {
      if (!popup.hidden) { e.preventDefault(); open(false); } else { input.value = ""; input.blur(); }
    }
  });
  list.addEventListener("keydown", (e) => {
    const link = /** @type {HTMLElement} */ (e.target).closest("a[data-kb-result]");
    if (!link) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") { e.preventDefault(); move(link, e.key === "ArrowDown" ? 1 : -1); }
    else if (e.key === "Escape") { e.preventDefault(); open(false); input.focus(); }
  });
  document.addEventListener("click", (e) => { if (!box.contains(/** @type {Node} */ (e.target))) open(false); });
  return input;
}

// ---- search page ----------------------------------------------------------------------
function initPage(page) {
  const form = page.querySelector("form");
  const input = page.querySelector("input[name=q]");
  const filtersBox = page.querySelector("[data-kb-filters]");
  const status = page.querySelector("[data-kb-status]");
  const suggest = page.querySelector("[data-kb-suggest]");
  const results = page.querySelector("[data-kb-results]");
  const indexUrl = new URL(page.dataset.index, document.baseURI);
  const root = siteRootOf(indexUrl);
  const requestPage = new URL(page.dataset.requestPage, document.baseURI).href;
  const selects = {};
  let ticket = 0, shown = PAGE_SIZE;
  let committed = true;  // the current history entry is a finished query: typing starts a new one

  const state = () => {
    const p = new URLSearchParams();
    if (input.value) p.set("q", input.value);
    for (const [name] of FACETS) if (selects[name] && selects[name].value) p.set(name, selects[name].value);
    return p;
  };
  const sameAsUrl = (p) => p.toString() === new URLSearchParams(location.search).toString();
  const save = (push) => {
    const p = state();
    if (sameAsUrl(p)) return;
    const url = `${location.pathname}${p.toString() ? "?" + p : ""}`;
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  };

  /** @param {boolean} [typing] the person is typing: fetch ahead what the next keys need */
  async function run(typing = false) {
    const mine = ++ticket;
    const q = input.value;
    const filters = {};
    for (const [name] of FACETS) if (selects[name] && selects[name].value) filters[name] = [selects[name].value];
    if (!q.trim()) {
      results.replaceChildren(); suggest.hidden = true;
      status.textContent = "Type what you are looking for: words from an error message, a symptom or a task.";
      return;
    }
    let res, ix, counts;
    const fail = (err) => {  // a damaged or missing index: say so, with the way to the articles
      if (mine !== ticket) return;
      results.replaceChildren();
      formatProblem(status, err, root);
    };
    try {
      ix = await indexAt(indexUrl.href);
      const head = takeEarly(indexUrl.href, q, shown, filters);
      if (head) {  // the page's first query: its first results as soon as their titles are in
        const part = await head.catch(() => null);
        if (mine !== ticket) return;
        if (part) show(part, q, false);
      }
      res = await ix.search(q, { limit: shown, filters, snippets: false });
    } catch (err) {
      fail(err);
      return;
    }
    if (mine !== ticket) return;
    const drawn = await withSnippets(ix, res);
    if (mine !== ticket) return;
    show(res, q, true);
    if (typing) ix.prefetchTyping(q);
    try {
      [counts] = await Promise.all([ix.facetCounts(res.matches, filters), drawn || addSnippets(ix, res, results, root, () => mine === ticket)]);
    } catch (err) {
      fail(err);
      return;
    }
    if (mine !== ticket) return;
    showCounts(counts);
    page.dataset.kbQuery = q;
    page.dispatchEvent(new CustomEvent("kb-search:results", { bubbles: true, detail: { query: q, count: res.hits.length } }));
  }

  /** Draws results (`complete`: all of this page, with "Show more" when there are more). */
  function show(res, q, complete) {
    results.replaceChildren(...res.hits.map((h) => renderHit(h, root)));
    if (complete && res.total > res.hits.length) {
      const more = el("button", { type: "button", class: "md-button kb-searchpage__more" }, "Show more results");
      more.addEventListener("click", () => { shown += PAGE_SIZE; run(); });
      results.append(el("li", { class: "kb-searchpage__more-item" }, more));
    }
    if (res.hits.length) status.textContent = `${res.total} result${res.total === 1 ? "" : "s"} for “${q.trim().slice(0, 200)}”`;
    else noResults(status, q, requestPage);
    suggest.hidden = !res.didYouMean;
    if (res.didYouMean) {
      const p = state();
      p.set("q", res.didYouMean);
      suggest.replaceChildren("Did you mean ", el("a", { href: `?${p}`, "data-kb-did-you-mean": true }, res.didYouMean), "?");
    }
  }

  /** Each filter option says how many results of the current query it keeps. */
  function showCounts(counts) {
    for (const [name] of FACETS) {
      const select = selects[name];
      if (!select) continue;
      for (const option of select.options) {
        if (!option.value) continue;
        option.textContent = `${option.dataset.label} (${(counts[name] || {})[option.value] || 0})`;
      }
    }
  }

  function fromUrl() {
    const p = new URLSearchParams(location.search);
    input.value = p.get("q") || "";
    for (const [name] of FACETS) if (selects[name]) selects[name].value = p.get(name) || "";
    shown = PAGE_SIZE;
    return run();
  }

  async function buildFilters() {
    try {
      const ix = await indexAt(indexUrl.href);
      for (const [name, label] of FACETS) {
        const values = ix.manifest.facets[name] || [];
        if (!values.length) continue;
        const id = `kb-filter-${name}`;
        const select = el("select", { id, name, class: "kb-searchpage__filter" }, el("option", { value: "" }, `Any ${label.toLowerCase()}`));
        for (const [value, text] of values) select.append(el("option", { value, "data-label": text }, text));
        select.addEventListener("change", () => { shown = PAGE_SIZE; cancelSave(); save(true); committed = true; run(); });
        selects[name] = select;
        filtersBox.append(el("span", { class: "kb-searchpage__facet" }, el("label", { for: id }, label), " ", select));
      }
    } catch (err) { /* run() shows the problem */ }
  }

  // Typing updates the address once the typist pauses, not at every key: a history update costs
  // the keystroke about 3 ms in Chromium (which also throttles frequent ones), and the results
  // come first. Enter, a filter and the back button settle it at once.
  let pending = 0, pendingPush = false;
  const cancelSave = () => { clearTimeout(pending); pending = 0; const push = pendingPush; pendingPush = false; return push; };
  const saveSoon = (push) => {
    pendingPush = cancelSave() || push;
    pending = window.setTimeout(() => save(cancelSave()), URL_DELAY_MS);
  };
  // A click (on a result, say) or leaving the page settles a pending address first, so that Back
  // comes to this query, not the one before it.
  const flushSave = () => { if (pending) save(cancelSave()); };
  document.addEventListener("click", flushSave, true);
  window.addEventListener("pagehide", flushSave);
  input.addEventListener("input", () => { shown = PAGE_SIZE; saveSoon(committed); committed = false; run(true); });
  form.addEventListener("submit", (e) => { e.preventDefault(); cancelSave(); save(true); committed = true; run(); });
  window.addEventListener("popstate", () => { cancelSave(); committed = true; fromUrl(); });
  buildFilters().then(fromUrl);
  return input;
}

function init() {
  const pageEl = document.querySelector("[data-kb-search-page]");
  const pageInput = pageEl ? initPage(pageEl) : null;
  const boxes = [...document.querySelectorAll("[data-kb-search-box]")].map(initBox);
  document.addEventListener("keydown", (e) => {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    const target = pageInput || boxes[0];
    if (target) { e.preventDefault(); target.focus(); target.select(); }
  });
}

// Cold start: this module is loaded `async` from the page's head, so it may run before the page
// is parsed. On the search page (search/ at the site root, next to assets/) the query in its URL
// starts loading its term blocks and results now, alongside the page's own files; the page's
// first search, once the page is there, finds them loaded (the index caches every file).
// The page's first results are drawn in two steps: the first FIRST_PAINT, whose title files a
// browser fetches at once (6 connections per host on HTTP/1.1), then the rest of the page.
const FIRST_PAINT = 6;
/** @type {{key: string, result: Promise<any>} | null} */
let early = null;
const urlQuery = new URLSearchParams(location.search).get("q");
if (urlQuery && urlQuery.trim() && location.pathname === new URL("../../search/", import.meta.url).pathname) {
  const filters = {};
  for (const [name] of FACETS) {
    const value = new URLSearchParams(location.search).get(name);
    if (value) filters[name] = [value];
  }
  const result = indexAt(EMBEDDED_FOR).then((ix) => ix.search(urlQuery, { limit: FIRST_PAINT, filters, snippets: false }));
  result.catch(() => {});  // the page's own search reports any problem
  early = { key: JSON.stringify([EMBEDDED_FOR, urlQuery, PAGE_SIZE, filters]), result };
}

/** The first results of the search the page started early (above) if it is this one, once. */
function takeEarly(url, q, limit, filters) {
  if (!early || early.key !== JSON.stringify([url, q, limit, filters])) return null;
  const { result } = early;
  early = null;  // later searches (typing, filters) run as usual
  return result;
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init, { once: true });
else init();
