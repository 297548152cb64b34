#!/usr/bin/env python3
"""Cold start: from navigation to the first search result drawn, ours against Pagefind, on the
same theme page, over an emulated network (Chromium DevTools: 40 ms latency, 10 Mbit/s each way).

For each KB (the real corpus, the 10,000-article generated KB) one site is built with our search
and then indexed by Pagefind as well, so both engines run on the same pages. Three variants of
our search page (`search/`), identical but for the search script:
  ours      the page as built (our search code and index);
  pagefind  the page without ours, with Pagefind's JS API drawing into the same results list,
            started like ours (an async module in the head that starts on the URL's query, and the
            data of its first five results, at once),
            `noWorker` (its fastest start: no worker script, and a worker's fetches would escape
            the emulation), each result drawn as soon as its data arrives, five results as
            Pagefind UI's first page);
  none      the page without any search script: what the page costs anyway.
Every visit is a new browser context (cold HTTP cache) with the network emulated through a CDP
session, the site served like a static host (HTTP/1.1 keep-alive, gzip for text files). Per
visit: the time from navigation to the first result element in the DOM (`performance.now()`),
for `none` the end of its DOMContentLoaded (parsed, its scripts run: the earliest any script could
draw a result into it); the bytes on the wire (CDP `encodedDataLength`) of every request sent
before the first result; the dependent round trips of the search requests (a request issued
only after another search request had finished is one round trip further down the chain, from
CDP request timing). The search time of a visit is its first result minus the `none` visit of
the same query and round (visited right before or after it).

    python bench/coldstart.py [--kbs corpus,10000] [--rounds 3] [--reuse] [--json FILE]

Owns: the page variants, the emulated visits and the table. Does not own: builds
(bench/build_kb.py), the server and Chromium launch (bench/browser.py).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote, urlparse

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import browser as B  # noqa: E402
import build_kb  # noqa: E402

# Five queries per KB, of different kinds (symptom, error code, short, how-to), that every engine
# answers. None has a typo: a correction needs the word lists first (one more round trip, see the
# README of kbtools/search); `--queries` runs others.
QUERIES = {
    "corpus": [
        "outlook freezes when sending email",
        "0x800CCC80",
        "shared mailbox",
        "recover an unsaved word document",
        "excel formula shows as text",
    ],
    "generated": [
        "isis driver skips the last page",
        "error E0586",
        "license server",
        "scanner is not detected after update",
        "export connector loses index values",
    ],
}
LATENCY_MS = 40
MBIT_S = 10
VARIANTS = ("none", "ours", "pagefind")
PAGES = {"ours": "search/", "pagefind": "coldstart-pagefind/", "none": "coldstart-none/"}
RESULT = {"ours": "[data-kb-result]", "pagefind": "[data-bench-result]"}

# Our search assets in a page (anything under assets/search/ but its style sheet, which is part
# of the theme's look and stays in every variant).
_OUR_TAGS = re.compile(
    r"<script\b[^>]*assets/search/[^>]*>\s*</script>|<link\b[^>]*assets/search/(?![^>]*\.css)[^>]*>"
    r"|<script\b[^>]*data-kb-search[^>]*>.*?</script>",
    re.DOTALL,
)

PAGEFIND_HEAD = """
<script type="module" async>
// Pagefind's JS API on the search page, given the same start as ours: a module in the head that
// runs as soon as it is loaded and starts on the URL's query at once, then draws into the page's
// own list once the page is parsed. Like Pagefind UI: five results, each drawn as soon as its data
// arrives, in rank order. Without its web worker: the worker's script is one more request in the
// chain, and a worker's requests escape the page's network emulation (neither slowed nor counted).
import * as pagefind from "../pagefind/pagefind.js";
await pagefind.options({ noWorker: true });
const q = new URLSearchParams(location.search).get("q");
// Started at once, like ours (which fetches its results' titles before the page is parsed):
// the search and the data (fragments) of its first five results.
const early = q ? pagefind.search(q).then((s) => ({ ...s, data: s.results.slice(0, 5).map((r) => r.data()) })) : null;
if (document.readyState === "loading")
  await new Promise((r) => document.addEventListener("DOMContentLoaded", r, { once: true }));
const input = document.getElementById("kb-searchpage-input");
const list = document.querySelector("[data-kb-results]");
const status = document.querySelector("[data-kb-status]");
let seq = 0;
async function run(q, found) {
  const my = ++seq;
  const s = await (found || pagefind.search(q));
  if (my !== seq) return;
  status.textContent = `${s.results.length} results`;
  const slots = s.results.slice(0, 5).map(() => document.createElement("li"));
  list.replaceChildren(...slots);
  s.results.slice(0, 5).forEach(async (r, i) => {
    const d = await (s.data ? s.data[i] : r.data());
    if (my !== seq) return;
    const a = document.createElement("a"), p = document.createElement("p");
    a.href = d.url; a.textContent = d.meta.title || d.url; a.setAttribute("data-bench-result", "");
    p.innerHTML = d.excerpt;  // Pagefind's excerpt: escaped text with <mark>
    slots[i].replaceChildren(a, p);
  });
}
if (q) { input.value = q; run(q, early); }
input.addEventListener("input", () => run(input.value));
</script>
"""


def write_variants(site: Path) -> None:
    """coldstart-none/ and coldstart-pagefind/: our search page without our search script,
    bare and with Pagefind's. Same folder depth as search/, so relative links hold."""
    html = (site / "search" / "index.html").read_text(encoding="utf-8")
    bare = _OUR_TAGS.sub("", html)
    left = [t for t in re.findall(r"<(?:script|link)\b[^>]*>", bare) if "assets/search/" in t and ".css" not in t]
    if left:
        raise SystemExit(f"coldstart: could not strip our search assets from search/index.html: {left}")
    for name, page in (("none", bare), ("pagefind", bare.replace("</head>", PAGEFIND_HEAD + "</head>", 1))):
        out = site / f"coldstart-{name}" / "index.html"
        out.parent.mkdir(exist_ok=True)
        out.write_text(page, encoding="utf-8")


def prepare(kb: str, work: Path, reuse: bool) -> Path:
    """A site of `kb` built with our search and also indexed by Pagefind; returns its folder."""
    b = build_kb.load(kb, "ours", work) if reuse else None
    if b is None:
        print(f"[{kb}] building with our search ...", file=sys.stderr, flush=True)
        b = build_kb.build(kb, "ours", work)
        if not b.ok:
            raise SystemExit(f"[{kb}] build failed:\n{b.error}")
    site = b.site
    if not (site / "pagefind" / "pagefind-entry.json").exists():
        print(f"[{kb}] indexing the same site with Pagefind ...", file=sys.stderr, flush=True)
        subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(site), "--root-selector", "article", "--quiet"], check=True
        )
    write_variants(site)
    return site


_FIRST_JS = """
(sel) => {
  window.__kbFirst = null;
  const check = () => {
    if (window.__kbFirst === null && sel && document.querySelector(sel)) {
      window.__kbFirst = performance.now(); obs.disconnect();
    }
  };
  const obs = new MutationObserver(check);
  const start = () => { obs.observe(document.documentElement, {childList: true, subtree: true}); check(); };
  if (document.documentElement) start(); else document.addEventListener("readystatechange", start, {once: true});
}
"""


@dataclass
class Visit:
    kb: str
    variant: str
    query: str
    round: int
    ms: float | None = None  # first result (none: DOMContentLoaded done), from navigation start
    bytes: int = 0  # on the wire, every request finished before the first result
    search_bytes: int = 0  # the search engine's requests among them
    requests: int = 0
    search_requests: int = 0
    round_trips: int = 0  # dependent round trips of the search requests before the first result
    chain: list[str] = field(default_factory=list)  # one request per level of that chain
    log: list[list] = field(default_factory=list)  # [path, sent ms, done ms, bytes] of every request
    error: str = ""


def is_search(url: str) -> bool:
    path = urlparse(url).path
    return (path.startswith("/assets/search/") and not path.endswith(".css")) or path.startswith("/pagefind/")


def round_trips(reqs: list[dict]) -> tuple[int, list[str]]:
    """Depth of the search requests among `reqs`: a request issued after another search request
    had finished is one level below the deepest such one; the first level needs only the HTML."""
    search = sorted((r for r in reqs if is_search(r["url"])), key=lambda r: r["sent"])
    depth: dict[str, int] = {}
    parent: dict[str, str] = {}
    for r in search:
        done = [q for q in search if q["id"] in depth and q["done"] is not None and q["done"] <= r["sent"]]
        if done:
            up = max(done, key=lambda q: (depth[q["id"]], q["done"]))
            depth[r["id"]], parent[r["id"]] = depth[up["id"]] + 1, up["id"]
        else:
            depth[r["id"]] = 1
    if not depth:
        return 0, []
    last = max(search, key=lambda r: depth[r["id"]])
    chain, at = [], last["id"]
    by_id = {r["id"]: r for r in search}
    while at:
        chain.append(urlparse(by_id[at]["url"]).path)
        at = parent.get(at, "")
    return depth[last["id"]], chain[::-1]


_TIMING_JS = """() => [performance.getEntriesByType("navigation")[0], ...performance.getEntriesByType("resource")]
  .filter((e) => e.name.startsWith(location.origin))
  .map((e) => [e.name, e.startTime, e.responseEnd, e.transferSize])"""


def visit(browser, base: str, kb: str, variant: str, q: str, rnd: int, timeout_s: float = 120) -> Visit:
    """One cold visit. The network is slowed through a CDP session; what was fetched when is read
    from the page's Resource Timing (the clock of performance.now(); transferSize = bytes on the
    wire, headers included), which unlike CDP's loading events also has every fetch() body."""
    v = Visit(kb, variant, q, rnd)
    ctx = browser.new_context()  # a cold HTTP cache, no connection kept from another visit
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = MBIT_S * 1_000_000 / 8
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": LATENCY_MS, "downloadThroughput": rate, "uploadThroughput": rate},
    )
    page.add_init_script(f"({_FIRST_JS})({json.dumps(RESULT.get(variant, ''))})")
    try:
        page.goto(base + PAGES[variant] + "?q=" + quote(q), wait_until="load", timeout=timeout_s * 1000)
        if variant == "none":  # the page is parsed and its scripts have run: the earliest a result could be drawn
            v.ms = page.evaluate("performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd")
        else:
            page.wait_for_function("window.__kbFirst !== null", timeout=timeout_s * 1000, polling=20)
            v.ms = page.evaluate("window.__kbFirst")
        page.wait_for_timeout(300)  # let requests in flight at that moment land
        reqs = [
            {"id": str(i), "url": u, "sent": a, "done": b if b > 0 else None, "bytes": int(n)}
            for i, (u, a, b, n) in enumerate(page.evaluate(_TIMING_JS))
        ]
    except Exception as exc:  # noqa: BLE001 - one failed visit is reported, not fatal
        v.error = str(exc).splitlines()[0][:200]
        reqs = []
    if v.ms is not None:
        v.log = [
            [urlparse(r["url"]).path, round(r["sent"], 1), r["done"] and round(r["done"], 1), r["bytes"]]
            for r in sorted(reqs, key=lambda r: r["sent"])
        ]
        # What the first result needed: the requests that had arrived when it was drawn.
        needed = [r for r in reqs if r["done"] is not None and r["done"] <= v.ms]
        v.bytes = sum(r["bytes"] for r in needed)
        v.requests = len(needed)
        v.search_bytes = sum(r["bytes"] for r in needed if is_search(r["url"]))
        v.search_requests = sum(1 for r in needed if is_search(r["url"]))
        v.round_trips, v.chain = round_trips(needed)
    ctx.close()
    return v


def run(browser, kb: str, site: Path, queries: list[str], rounds: int) -> list[Visit]:
    visits = []
    with B.serve(site, host_like=True) as base:
        for rnd in range(rounds):
            for i, q in enumerate(queries):
                order = VARIANTS[(rnd + i) % 3 :] + VARIANTS[: (rnd + i) % 3]  # no variant always first
                for variant in order:
                    v = visit(browser, base, kb, variant, q, rnd)
                    visits.append(v)
                    print(
                        f"[{kb}] round {rnd + 1} {variant:8} {q[:40]:40} "
                        + (
                            f"{v.ms:7.0f} ms {v.search_bytes / 1024:6.1f} kB {v.round_trips} trips"
                            if v.ms is not None
                            else f"FAILED {v.error}"
                        ),
                        file=sys.stderr,
                        flush=True,
                    )
    return visits


def summarize(visits: list[Visit]) -> dict[str, dict]:
    """Per engine: medians of first result, of first result minus the paired bare page, bytes, trips."""
    base = {(v.query, v.round): v.ms for v in visits if v.variant == "none" and v.ms is not None}
    out: dict[str, dict] = {}
    for variant in VARIANTS:
        mine = [v for v in visits if v.variant == variant and v.ms is not None]
        if not mine:
            continue
        row = {
            "visits": len(mine),
            "failed": sum(1 for v in visits if v.variant == variant and v.ms is None),
            "ms": statistics.median(v.ms for v in mine),
            "bytes": statistics.median(v.bytes for v in mine),
            "search_bytes": statistics.median(v.search_bytes for v in mine),
            "search_requests": statistics.median(v.search_requests for v in mine),
            "round_trips_max": max(v.round_trips for v in mine),
            "round_trips_median": statistics.median(v.round_trips for v in mine),
        }
        diffs = [v.ms - base[(v.query, v.round)] for v in mine if (v.query, v.round) in base]
        if variant != "none" and diffs:
            row["search_ms"] = statistics.median(diffs)
        out[variant] = row
    return out


def table(results: dict[str, dict]) -> str:
    rows = []
    for kb, s in results.items():
        for variant in ("ours", "pagefind", "none"):
            r = s.get(variant)
            if not r:
                continue
            rows.append(
                [
                    kb,
                    variant,
                    f"{r['search_ms']:.0f}" if "search_ms" in r else "",
                    f"{r['ms']:.0f}",
                    f"{r['search_bytes'] / 1024:.1f}",
                    f"{r['bytes'] / 1024:.1f}",
                    f"{r['search_requests']:.0f}" if variant != "none" else "",
                    f"{r['round_trips_median']:.0f} ({r['round_trips_max']})" if variant != "none" else "",
                    f"{r['visits']}" + (f" ({r['failed']} failed)" if r["failed"] else ""),
                ]
            )
        o, p = s.get("ours"), s.get("pagefind")
        if o and p and o.get("search_ms") and p.get("search_ms"):
            rows.append(
                [
                    kb,
                    "ours / pagefind",
                    f"{o['search_ms'] / p['search_ms']:.2f}",
                    f"{o['ms'] / p['ms']:.2f}",
                    f"{o['search_bytes'] / p['search_bytes']:.2f}",
                    f"{o['bytes'] / p['bytes']:.2f}",
                    "",
                    "",
                    "",
                ]
            )
    return build_kb.fmt_table(
        rows,
        [
            "KB",
            "engine",
            "search ms (first result - bare page)",
            "first result ms",
            "search kB",
            "page kB",
            "search requests",
            "round trips median (max)",
            "visits",
        ],
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kbs", default="corpus,10000", help="comma-separated: corpus, shipped or a generated size")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--queries", help="'|'-separated queries instead of the KB's five")
    ap.add_argument("--reuse", action="store_true", help="reuse bench/out/<kb>-ours/site (and its Pagefind index)")
    ap.add_argument("--work", type=Path, default=build_kb.WORK)
    ap.add_argument("--json", type=Path, help="also write every visit here")
    a = ap.parse_args(argv)
    build_kb.WORK = a.work
    results: dict[str, dict] = {}
    every: list[dict] = []
    with B.chromium() as browser:
        for kb in [k for k in a.kbs.split(",") if k]:
            site = prepare(kb, a.work, a.reuse)
            queries = a.queries.split("|") if a.queries else QUERIES["corpus" if kb == "corpus" else "generated"]
            visits = run(browser, kb, site, queries, a.rounds)
            every += [asdict(v) for v in visits]
            results[kb] = summarize(visits)
        chromium = browser.version
    print(
        f"\nCold start, {LATENCY_MS} ms latency and {MBIT_S} Mbit/s each way (CDP network emulation), cold cache, "
        f"{a.rounds} rounds x {len(queries)} queries, Chromium {chromium}, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(table(results))
    print(
        "search ms: median over visits of (first result drawn - DOMContentLoaded of the same page without a search "
        "script, same query and round); search kB: bytes on the wire of the engine's own requests that had arrived "
        "when the first result was drawn; page kB: all requests that had; round trips: dependent search requests "
        "after the HTML. Medians over the visits of each engine."
    )
    if a.json:
        a.json.write_text(json.dumps({"summary": results, "visits": every}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
