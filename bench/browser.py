"""Measure search engines in a real headless Chromium: bytes and time to the first results,
keystroke-to-results latency, and the ranked result list for relevance.

Owns: a static file server, the Chromium launch, each engine's page hooks (ENGINE_UI), and the
small Pagefind search page the benchmark adds to a Pagefind-indexed site (Pagefind ships no
page of its own; this one uses its documented JS API the way a site would).
Does not own: building sites (bench/build_kb.py) or scoring (bench/relevance.py).

Time is measured inside the page with performance.now(), whose origin is the navigation start:
"first results" is the first moment a result element exists in the DOM. Every browser context is
new, so the HTTP cache is cold.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # testkit/ is not installed
from testkit.chromium import launch  # noqa: E402

# How to drive each engine's page. `page`: the URL (relative to the site) that shows results for
# {q} with no interaction; `result`: a result element; `link`: the result's link (for ranking);
# `input`: the box to type into for keystroke latency; `results`: the container that changes.
ENGINE_UI = {
    "ours": {
        "page": "search/?q={q}",
        "result": "[data-kb-result]",
        "link": "[data-kb-result]",
        "input": "[data-kb-search-page] input[type=search]",
        "results": "[data-kb-results]",
    },
    "material": {
        "page": "?q={q}",
        "result": ".md-search-result__item",
        "link": ".md-search-result__item > .md-search-result__link",
        "input": ".md-search__input",
        "results": ".md-search-result",
    },
    "pagefind": {
        "page": "pagefind-search/?q={q}",
        "result": "[data-bench-result]",
        "link": "[data-bench-result]",
        "input": "#pf-q",
        "results": "#pf-results",
    },
}

PAGEFIND_UI = """
<section id="pf-bench" aria-label="Pagefind search (benchmark page)">
<label for="pf-q">Search</label> <input id="pf-q" type="search" autocomplete="off">
<ol id="pf-results"></ol>
</section>
<script type="module">
import * as pagefind from "../pagefind/pagefind.js";
const input = document.getElementById("pf-q"), list = document.getElementById("pf-results");
let seq = 0;
async function top(q, n) {
  const s = await pagefind.search(q);
  return Promise.all(s.results.slice(0, n).map(r => r.data()));
}
async function run(q) {
  const my = ++seq;
  const data = await top(q, 5);  // Pagefind UI's first page shows 5 results
  if (my !== seq) return;
  list.replaceChildren(...data.map(d => {
    const li = document.createElement("li"), a = document.createElement("a"), p = document.createElement("p");
    a.href = d.url; a.textContent = d.meta.title || d.url; a.setAttribute("data-bench-result", "");
    p.innerHTML = d.excerpt;  // Pagefind's excerpt is escaped HTML with <mark>
    li.append(a, p); return li;
  }));
}
input.addEventListener("input", () => run(input.value));
window.pfRank = async (q) => (await top(q, 10)).map(d => d.url);
const q = new URLSearchParams(location.search).get("q");
if (q) { input.value = q; run(q); }
</script>
"""


def install_pagefind_page(site: Path) -> Path:
    """Add pagefind-search/index.html: a themed page of the site plus the Pagefind search box."""
    # A page one folder deep, so its relative asset links ("../assets/...") stay right.
    src = next(p for p in sorted(site.glob("*/index.html")) if p.parent.name not in ("pagefind", "search"))
    html = src.read_text(encoding="utf-8")
    dest = site / "pagefind-search" / "index.html"
    dest.parent.mkdir(exist_ok=True)
    dest.write_text(html.replace("</body>", PAGEFIND_UI + "</body>", 1), encoding="utf-8")
    return dest


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


# What a static host compresses (GitHub Pages, Netlify, a default nginx with gzip_types for text):
# text formats. Binary files (our term blocks, Pagefind's already compressed files) go as they are.
GZIP_TYPES = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml")


_GZIPPED: dict[tuple[str, int], bytes] = {}


class _Host(_Quiet):
    """Like a static host: HTTP/1.1 keep-alive, and gzip for text files when the browser accepts it."""

    protocol_version = "HTTP/1.1"

    def send_head(self):  # noqa: ANN201 - http.server's signature
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if (
            not path.endswith(GZIP_TYPES)
            or "gzip" not in self.headers.get("Accept-Encoding", "")
            or not os.path.isfile(path)
        ):
            return super().send_head()
        if os.path.isdir(self.translate_path(self.path)) and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the directory redirect
        key = (path, os.stat(path).st_mtime_ns)
        body = _GZIPPED.get(key)
        if body is None:  # compressed once, as a host's cache would: the server must not be the bottleneck
            with open(path, "rb") as f:
                body = _GZIPPED[key] = gzip.compress(f.read(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a kept-alive connection must not hold the shutdown
    block_on_close = False


@contextlib.contextmanager
def serve(directory: Path, host_like: bool = False):
    """A static server for `directory`; yields its base URL. `host_like`: HTTP/1.1 keep-alive
    and gzip for text files, as a static host serves them (the cold-start benchmark)."""
    handler = functools.partial(_Host if host_like else _Quiet, directory=str(directory))
    srv = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}/"
    finally:
        srv.shutdown()
        srv.server_close()


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        try:
            yield b
        finally:
            b.close()


def chromium_version(browser) -> str:
    return browser.version


# Records, in page time, when the first result element appears.
_FIRST_RESULT_JS = """
(sel) => {
  window.__kbFirst = null;
  const check = () => {
    if (window.__kbFirst === null && document.querySelector(sel)) {
      window.__kbFirst = performance.now(); obs.disconnect();
    }
  };
  const obs = new MutationObserver(check);
  const start = () => { obs.observe(document.documentElement, {childList: true, subtree: true}); check(); };
  if (document.documentElement) start(); else document.addEventListener("readystatechange", start, {once: true});
}
"""


def first_results(browser, base: str, engine: str, q: str, timeout_s: float = 180) -> dict:
    """Open the engine's results page for q in a cold context: time, bytes and requests to the first result."""
    ui = ENGINE_UI[engine]
    ctx = browser.new_context()
    page = ctx.new_page()
    host = urlparse(base).netloc
    fetched: list[tuple[str, int, int]] = []  # url, raw bytes, gzip bytes
    foreign: list[str] = []

    def done(req):
        if urlparse(req.url).netloc != host:
            foreign.append(req.url)
            return
        try:
            body = req.response().body() if req.response() else b""
        except Exception:  # noqa: BLE001 - a body we cannot read counts as nothing
            body = b""
        fetched.append((req.url, len(body), min(len(body), len(gzip.compress(body, 6)))))

    page.on("requestfinished", done)
    page.add_init_script(f"({_FIRST_RESULT_JS})({ui['result']!r})")
    url = base + ui["page"].format(q=quote(q))
    try:
        page.goto(url, wait_until="commit")
        page.wait_for_function("window.__kbFirst !== null", timeout=timeout_s * 1000, polling=50)
        ms = page.evaluate("window.__kbFirst")
        # Requests still in flight when the result appeared are part of the cost: let them land.
        page.wait_for_load_state("load")
        time.sleep(0.3)
        result = {"ms": ms, "ok": True}
    except Exception as exc:  # noqa: BLE001 - report, do not crash the whole run
        result = {"ms": None, "ok": False, "error": str(exc).splitlines()[0]}
    result.update(
        bytes=sum(f[1] for f in fetched), gz_bytes=sum(f[2] for f in fetched), requests=len(fetched), foreign=foreign
    )
    ctx.close()
    return result


# Records every DOM change of the results container (page time).
_KEYSTROKE_JS = """
(sel) => {
  const box = document.querySelector(sel);
  window.__kbMut = [];
  window.__kbKey = null;
  document.addEventListener("keydown", () => { window.__kbKey = performance.now(); }, true);
  new MutationObserver(() => window.__kbMut.push(performance.now()))
    .observe(box, {childList: true, subtree: true, characterData: true, attributes: true});
}
"""


def keystroke_latency(
    browser,
    base: str,
    engine: str,
    first_q: str,
    typed: str,
    quiet_ms: float = 250,
    max_wait_ms: float = 5000,
    timeout_s: float = 180,
) -> dict:
    """Show results for first_q, then type `typed` one key at a time; per key, the time from the
    key press to the last change of the results it caused (the results settle: no change for
    quiet_ms). The next key is pressed only then, so a slow engine's late update is not credited
    to the next key. A key whose results do not change within max_wait_ms counts as "no update"."""
    ui = ENGINE_UI[engine]
    ctx = browser.new_context()
    page = ctx.new_page()
    page.add_init_script(f"({_FIRST_RESULT_JS})({ui['result']!r})")
    try:
        page.goto(base + ui["page"].format(q=quote(first_q)), wait_until="commit")
        page.wait_for_function("window.__kbFirst !== null", timeout=timeout_s * 1000, polling=50)
        box = page.locator(ui["input"]).first
        box.focus()
        page.keyboard.press("End")
        page.wait_for_timeout(quiet_ms)
        page.evaluate(f"({_KEYSTROKE_JS})({ui['results']!r})")
        lat: list[float] = []
        for ch in typed:
            page.keyboard.type(ch)
            # From the key's keydown (page time): wait for the first change after it, then for quiet.
            t0, last = page.evaluate(
                """async ([quiet, maxWait]) => {
                const sleep = ms => new Promise(r => setTimeout(r, ms));
                const t0 = window.__kbKey;
                for (;;) {
                  await sleep(10);
                  const now = performance.now(), after = window.__kbMut.filter(t => t > t0);
                  if (!after.length) { if (now - t0 > maxWait) return [t0, null]; continue; }
                  const end = after[after.length - 1];
                  if (now - end >= quiet) return [t0, end];
                }
            }""",
                [quiet_ms, max_wait_ms],
            )
            if last is not None:
                lat.append(last - t0)
        out = {
            "ok": True,
            "keys": len(typed),
            "updated": len(lat),
            "median_ms": statistics.median(lat) if lat else None,
            "p90_ms": sorted(lat)[max(0, int(len(lat) * 0.9) - 1)] if lat else None,
        }
    except Exception as exc:  # noqa: BLE001
        out = {"ok": False, "error": str(exc).splitlines()[0]}
    ctx.close()
    return out


def url_id(url: str) -> str:
    """The article id a result URL points at: the last folder of the page's path."""
    path = urlparse(url).path
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    if path.endswith(".html"):
        path = path[:-5]
    return path.rstrip("/").rsplit("/", 1)[-1] or "home"


def rank_material(
    browser, base: str, queries: list[str], timeout_s: float = 600, per_query_s: float = 120
) -> list[list[str]]:
    """Run mkdocs-material's own search (lunr in its web worker) for each query; top-10 ids.

    A query with no answer within per_query_s counts as finding nothing."""
    ctx = browser.new_context()
    page = ctx.new_page()
    meta = ".md-search-result__meta"
    page.goto(base + "?q=__kb_bench_warmup__")
    # Wait until the worker has built the index and answered the warm-up query.
    page.wait_for_function(
        f"(() => {{ const m = document.querySelector({meta!r}); return m && /match|No /.test(m.textContent); }})()",
        timeout=timeout_s * 1000,
        polling=100,
    )
    box = page.locator(".md-search__input")
    placeholder = None
    out = []
    for q in queries:
        box.fill("")
        box.press("End")
        page.wait_for_function(
            f"!/match|No /.test(document.querySelector({meta!r}).textContent)", polling=20, timeout=timeout_s * 1000
        )
        placeholder = placeholder or page.locator(meta).text_content()
        box.fill(q)
        box.press("End")
        try:
            # lunr over a large index can take long on a long query: wait, but not forever.
            page.wait_for_function(
                f"document.querySelector({meta!r}).textContent !== {placeholder!r}",
                polling=20,
                timeout=per_query_s * 1000,
            )
        except Exception:  # noqa: BLE001 - no answer in time counts as no result
            out.append([])
            continue
        page.wait_for_timeout(30)  # let the list render after the count
        hrefs = page.eval_on_selector_all(ENGINE_UI["material"]["link"], "els => els.map(a => a.href)")
        ids: list[str] = []
        for h in hrefs:
            i = url_id(h.split("#")[0])
            if i not in ids:
                ids.append(i)
        out.append(ids[:10])
    ctx.close()
    return out


def rank_pagefind(browser, base: str, queries: list[str]) -> list[list[str]]:
    """Run Pagefind's JS API for each query; top-10 ids."""
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base + "pagefind-search/")
    page.wait_for_function("typeof window.pfRank === 'function'")
    out = []
    for q in queries:
        urls = page.evaluate("q => window.pfRank(q)", q)
        out.append([url_id(u) for u in urls])
    ctx.close()
    return out
