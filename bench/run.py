#!/usr/bin/env python3
"""The search benchmark in one command (`make bench`): the same KB built three ways, side by side.

For each KB (generated 1,000 and 10,000 articles, and the real corpus) and each engine
(ours: the kb-search plugin; material: mkdocs-material's built-in search plugin; pagefind:
Pagefind over the built site), it measures:
  build wall time and peak memory (clean build; Pagefind = mkdocs build + pagefind run),
  total index size (raw and gzipped),
  bytes a browser fetches to show the first results (cold cache, navigation -> first result),
  time from navigation to the first results in headless Chromium,
  keystroke-to-results latency (median over ~30 keystrokes after the first query),
  MRR@10 and success@3 on the KB's judged query set (plus an untuned Whoosh baseline),
and prints one table with the machine and the versions.

Owns: orchestration and the report. Builds are run one at a time (never two big builds at once).

    python bench/run.py [--sizes 1000,10000] [--corpus/--no-corpus] [--engines ours,material,pagefind]
                        [--no-relevance] [--reuse] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import browser as B  # noqa: E402
import build_kb  # noqa: E402
import relevance  # noqa: E402

# Queries used for the browser timings (first results, then typing), per kind of KB.
PROBES = {
    "corpus": {
        "first": ["outlook freezes when sending email", "0x800CCC80", "shared mailbox"],
        "typed": ("outlook", " keeps crashing when i send mail"),
    },
    "generated": {
        "first": ["isis driver skips the last page", "error E0586", "license server"],
        "typed": ("scanner", " driver skips the last page again"),
    },
    "shipped": {
        "first": ["scanner not detected", "support policy", "release notes"],
        "typed": ("scanner", " is not detected after update"),
    },
}


def machine() -> str:
    cpu = "unknown cpu"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        ram = f", {kb / 2**20:.1f} GB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return f"{cpu}, {os.cpu_count()} cores{ram}, {platform.system()} {platform.release()}"


def versions(chromium: str = "") -> str:
    def v(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "not installed"

    parts = [
        f"python {platform.python_version()}",
        f"mkdocs {v('mkdocs')}",
        f"mkdocs-material {v('mkdocs-material')}",
        f"whoosh-reloaded {v('whoosh-reloaded')}",
        f"pagefind {v('pagefind')}",
        f"playwright {v('playwright')}",
    ]
    if chromium:
        parts.append(f"chromium {chromium}")
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BENCH.parent, capture_output=True, text=True
        ).stdout.strip()
        parts.append(f"project commit {commit}")
    except OSError:
        pass
    return ", ".join(parts)


def probes_for(kb: str) -> dict:
    return PROBES["corpus" if kb == "corpus" else "shipped" if kb == "shipped" else "generated"]


def mb(n: float) -> str:
    return f"{n / 2**20:.2f} MB" if n >= 2**20 else f"{n / 1024:.0f} kB"


def browser_measures(browser, site: Path, kb: str, engine: str, keystrokes: bool) -> dict:
    """Median over the probe queries of cold-cache first results; keystroke latency."""
    p = probes_for(kb)
    with B.serve(site) as base:
        firsts = []
        for q in p["first"]:
            firsts.append(B.first_results(browser, base, engine, q))
            if not firsts[-1]["ok"]:
                break  # a page that shows nothing once will not on the next query either
        ok = [f for f in firsts if f["ok"]]
        out = {"first": firsts}
        if ok:
            out["first_ms"] = statistics.median(f["ms"] for f in ok)
            out["first_bytes"] = statistics.median(f["bytes"] for f in ok)
            out["first_gz_bytes"] = statistics.median(f["gz_bytes"] for f in ok)
            out["first_requests"] = statistics.median(f["requests"] for f in ok)
            out["foreign"] = sorted({u for f in firsts for u in f["foreign"]})
        if keystrokes and ok:
            out["keys"] = B.keystroke_latency(browser, base, engine, *p["typed"])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="1000,10000", help="generated KB sizes, comma-separated ('' for none)")
    ap.add_argument("--corpus", action=argparse.BooleanOptionalAction, default=True, help="include the real corpus")
    ap.add_argument("--shipped", action=argparse.BooleanOptionalAction, default=False, help="include the shipped KB")
    ap.add_argument("--engines", default="ours,material,pagefind")
    ap.add_argument("--relevance", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--keystrokes", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--reuse", action="store_true", help="reuse sites (and their build numbers) from an earlier run")
    ap.add_argument("--work", type=Path, default=build_kb.WORK)
    ap.add_argument("--json", type=Path, help="also write every measurement here")
    a = ap.parse_args(argv)
    build_kb.WORK = a.work
    a.work.mkdir(parents=True, exist_ok=True)
    kbs = [s for s in a.sizes.split(",") if s] + (["corpus"] if a.corpus else []) + (["shipped"] if a.shipped else [])
    engines = [e for e in a.engines.split(",") if e]
    unknown = set(engines) - set(build_kb.ENGINES)
    if unknown:
        ap.error(f"unknown engine(s) {', '.join(sorted(unknown))}; choose from {', '.join(build_kb.ENGINES)}")
    if "ours" in engines and not build_kb.have_ours():
        print("note: the kb-search plugin is not installed yet; skipping engine 'ours'", file=sys.stderr)
        engines.remove("ours")

    report: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()), "kbs": {}}
    rows = []
    with B.chromium() as browser:
        chromium = browser.version
        for kb in kbs:
            rep = report["kbs"].setdefault(kb, {})
            qpath = relevance.QUERY_SETS.get(kb)
            queries = relevance.load_queries(qpath) if a.relevance and qpath and qpath.exists() else []
            for engine in engines:
                site = a.work / f"{kb}-{engine}" / "site"
                b = build_kb.load(kb, engine, a.work) if a.reuse else None
                if b is not None:
                    print(f"[{kb}] {engine}: reusing the build of {b.site}", file=sys.stderr, flush=True)
                else:
                    print(f"[{kb}] building with {engine} ...", file=sys.stderr, flush=True)
                    b = build_kb.build(kb, engine, a.work)
                    print(
                        f"[{kb}] {engine}: {b.wall_s:.1f} s, {b.peak_mb:.0f} MB{'' if b.ok else ' FAILED'}",
                        file=sys.stderr,
                        flush=True,
                    )
                e = rep.setdefault(engine, {})
                e["build"] = {
                    k: getattr(b, k)
                    for k in (
                        "articles",
                        "wall_s",
                        "cpu_s",
                        "peak_mb",
                        "steps",
                        "ok",
                        "error",
                        "pages",
                        "site_mb",
                        "largest_page_kb",
                        "index_bytes",
                        "index_gz_bytes",
                        "index_files",
                    )
                }
                if not b.ok:
                    rows.append([kb, engine, "FAILED"] + [""] * 7)
                    continue
                print(f"[{kb}] {engine}: browser ...", file=sys.stderr, flush=True)
                try:
                    e["browser"] = browser_measures(browser, site, kb, engine, a.keystrokes)
                    if queries:
                        ranked = relevance.run_engines(kb, queries, [engine], a.work, browser)[engine]
                        e["relevance"] = ranked if isinstance(ranked, str) else relevance.score(queries, ranked)
                except Exception as exc:  # noqa: BLE001 - one engine failing must not lose the others' numbers
                    e["relevance"] = f"failed: {str(exc).splitlines()[0][:60]}"
                    print(f"[{kb}] {engine}: {e['relevance']}", file=sys.stderr, flush=True)
                rows.append(_row(kb, engine, e))
                if a.json:
                    a.json.write_text(json.dumps(report, indent=1, default=str))
            if queries:
                ranked = relevance.run_engines(kb, queries, ["whoosh"], a.work)["whoosh"]
                rep["whoosh"] = {"relevance": relevance.score(queries, ranked)}
                rows.append(_row(kb, "whoosh (untuned, relevance only)", rep["whoosh"]))
            if a.json:
                a.json.write_text(json.dumps(report, indent=1, default=str))
        report["versions"] = versions(chromium)

    header = [
        "KB",
        "engine",
        "build wall (CPU)",
        "build peak",
        "index (gz)",
        "fetched for 1st results (gz, requests)",
        "load -> 1st results",
        "keystroke -> results (median)",
        "MRR@10",
        "success@3",
    ]
    print()
    print(f"Machine: {report['machine']}")
    print(f"Versions: {report['versions']}")
    print(build_kb.fmt_table(rows, header))
    print(
        "index = what the engine adds to the site (ours: assets/search/, material: search/search_index.json, "
        "pagefind: pagefind/); gz = gzip -6 of each file (Pagefind's are already compressed). "
        "Browser numbers are medians over the probe queries, headless Chromium, cold cache, local HTTP server."
    )
    for kb, rep in report["kbs"].items():
        for engine, e in rep.items():
            rel = e.get("relevance")
            if isinstance(rel, dict):
                kinds = ", ".join(f"{k} {v['mrr']:.2f}" for k, v in rel.items() if k != "all")
                print(f"  MRR@10 by kind, {kb} / {engine}: {kinds}")
    if a.json:
        a.json.write_text(json.dumps(report, indent=1, default=str))
    return 0


def _row(kb: str, engine: str, e: dict) -> list[str]:
    b, br, rel = e.get("build"), e.get("browser", {}), e.get("relevance")
    cells = [kb, engine]
    if b:
        cells += [
            f"{b['wall_s']:.1f} s ({b.get('cpu_s', float('nan')):.1f} s)",
            f"{b['peak_mb']:.0f} MB",
            f"{mb(b['index_bytes'])} ({mb(b['index_gz_bytes'])})",
        ]
    else:
        cells += ["", "", ""]
    if br.get("first_ms") is not None:
        cells.append(f"{mb(br['first_bytes'])} ({mb(br['first_gz_bytes'])}, {br['first_requests']:.0f})")
        cells.append(f"{br['first_ms'] / 1000:.2f} s")
    elif br:
        cells += ["failed: " + next((f.get("error", "") for f in br["first"] if not f["ok"]), "")[:40], ""]
    else:
        cells += ["", ""]
    k = br.get("keys")
    cells.append(
        f"{k['median_ms']:.1f} ms ({k['updated']}/{k['keys']} keys)"
        if k and k.get("median_ms") is not None
        else (k.get("error", "no update")[:30] if k else "")
    )
    if isinstance(rel, dict):
        cells += [f"{rel['all']['mrr']:.2f}", f"{rel['all']['s3']:.2f}"]
    else:
        cells += [rel or "", ""]
    return cells


if __name__ == "__main__":
    sys.exit(main())
