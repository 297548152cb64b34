#!/usr/bin/env python3
"""Build a KB the way a writer would and measure the build: wall time, peak memory, site size,
number of pages and the largest HTML page (which must not grow with the KB).

Owns: laying out throw-away projects (shipped KB, real corpus, generated KBs) with a chosen
search engine, running `mkdocs build` (and Pagefind) in subprocesses, and measuring them.
Does not own: the build itself (kbtools.plugin) or the browser measurements (bench/run.py).

    python bench/build_kb.py [--kbs shipped,corpus,1000,10000] [--engine ours|material|pagefind|none]
                             [--work DIR]
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from proctree import TreeMemory  # noqa: E402

from testkit.paths import CORPUS  # noqa: E402
from testkit.project import make_project  # noqa: E402

WORK = Path(os.environ.get("KB_BENCH_WORK", REPO / "bench" / "out"))  # gitignored
ENGINES = ("ours", "material", "pagefind")
# Where each engine's index lives in the built site (for "total index size").
INDEX_PATHS = {"ours": ["assets/search"], "material": ["search/search_index.json"], "pagefind": ["pagefind"]}


@dataclass
class Build:
    kb: str
    engine: str
    articles: int
    site: Path
    wall_s: float = 0.0
    cpu_s: float = 0.0
    peak_mb: float = 0.0  # ru_maxrss: the larger of the mkdocs process's and its forked child's peaks
    parent_peak_mb: float = 0.0  # the mkdocs process alone (VmHWM)
    child_peak_mb: float = 0.0  # its largest forked child alone (the search indexer), 0 if none
    tree_rss_mb: float = 0.0  # peak of the RSS summed over the process tree (sampled)
    tree_pss_mb: float = 0.0  # peak of the PSS summed over the tree (shared pages counted once)
    steps: dict[str, float] = field(default_factory=dict)  # step -> wall seconds
    ok: bool = True
    error: str = ""
    pages: int = 0
    site_mb: float = 0.0
    largest_page_kb: float = 0.0
    largest_page: str = ""
    index_bytes: int = 0
    index_gz_bytes: int = 0
    index_files: int = 0


def run_measured(
    cmd: list[str], timeout: float = 3600
) -> tuple[float, float, float, subprocess.CompletedProcess, TreeMemory]:
    """Run cmd; return (wall seconds, CPU seconds, peak RSS in MB, result, memory of its process tree).

    CPU time (user + system) is reported beside wall time because this machine is shared:
    wall time grows with other people's load, CPU time much less.

    os.wait4 gives the rusage of exactly this child (RUSAGE_CHILDREN would be the maximum
    over every child this process ever waited for); it is the larger of the child's own peak and
    its children's, so the tree is also sampled from /proc (bench/proctree.py) every 50 ms.
    """
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    # Anonymous files, not a folder of WORK: a test calls this with its own tmp_path.
    out_f = tempfile.TemporaryFile("w+")
    err_f = tempfile.TemporaryFile("w+")
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out_f, stderr=err_f, env=env)
    mem = TreeMemory(proc.pid)
    deadline = t0 + timeout
    while True:
        mem.sample()
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    out_f.seek(0)
    err_f.seek(0)
    res = subprocess.CompletedProcess(cmd, proc.returncode, out_f.read(), err_f.read())
    out_f.close()
    err_f.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, res, mem


def repo_plugins() -> list:
    """The plugins list of the project's mkdocs.yml (what a real build of ours uses)."""
    from mkdocs.utils.yaml import yaml_load  # resolves mkdocs.yml's !ENV tags (the desk endpoints)

    return yaml_load((REPO / "mkdocs.yml").read_text())["plugins"]


def _name(p) -> str:
    return p if isinstance(p, str) else next(iter(p))


def plugins_for(engine: str) -> list:
    """The project's plugins with the search part swapped for `engine`."""
    base = [p for p in repo_plugins() if _name(p) not in ("search", "kb-search", "material/search")]
    if engine == "ours":
        ours = [p for p in repo_plugins() if _name(p) == "kb-search"]
        return base + (ours or ["kb-search"])
    if engine == "material":
        return base + ["search"]
    return base  # pagefind (indexes the built site afterwards) or none


def have_ours() -> bool:
    from importlib.metadata import entry_points

    return any(ep.name == "kb-search" for ep in entry_points(group="mkdocs.plugins"))


HOOK = """# Written by bench/build_kb.py: put mkdocs-material's own header (with its search box)
# in front of the project's theme override, which shows the kb-search box instead.
def on_config(config):
    config.theme.dirs.insert(0, {theme!r})
    return config
"""


def _material_header_hook(dest: Path) -> Path:
    """A MkDocs hook giving the `material` variant mkdocs-material's stock header and search box.

    The project's theme override replaces the header's search box with ours; the baseline
    must be mkdocs-material as its users get it. Hooks run after plugins, so this dir wins.
    """
    import material

    theme = dest / "bench-material-theme"
    (theme / "partials").mkdir(parents=True, exist_ok=True)
    stock = Path(material.__file__).parent / "templates" / "partials" / "header.html"
    (theme / "partials" / "header.html").write_bytes(stock.read_bytes())
    hook = dest / "bench_material_hook.py"
    hook.write_text(HOOK.format(theme=str(theme)))
    return hook


def kb_sources(kb: str) -> tuple[dict[str, Path], bool]:
    """(categories to mount, include the shipped KB) for a KB name: shipped, corpus or a number."""
    if kb == "shipped":
        return {}, True
    if kb == "corpus":
        if not CORPUS.is_dir():
            raise SystemExit(f"real corpus not found at {CORPUS} (set KB_CORPUS)")
        return {"office-support": CORPUS}, True
    n = int(kb)
    out = WORK / f"gen-{n}"
    stamp = out / ".generated"
    if not (stamp.exists() and stamp.read_text() == str(n)):
        import generate_kb

        generate_kb.generate(n, out)
        stamp.write_text(str(n))
    return {"generated": out}, True


def count_articles(categories: dict[str, Path]) -> int:
    return sum(1 for src in categories.values() for _ in Path(src).rglob("*.md"))


def build(kb: str, engine: str, work: Path = WORK) -> Build:
    """Lay out the project for (kb, engine), build it cleanly, and measure it."""
    work.mkdir(parents=True, exist_ok=True)
    categories, shipped = kb_sources(kb)
    dest = work / f"{kb}-{engine}"
    extra = {"plugins": plugins_for(engine)}
    if engine == "material":
        extra["hooks"] = [str(_material_header_hook(dest))]
    cfg = make_project(dest, categories, include_shipped=shipped, extra_config=yaml.safe_dump(extra, sort_keys=False))
    site = dest / "site"
    if site.exists():
        subprocess.run(["rm", "-rf", str(site)], check=True)  # a clean build every time
    b = Build(kb, engine, count_articles(categories) + count_articles({"d": REPO / "docs"}), site)
    wall, cpu, peak, res, mem = run_measured([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(cfg)])
    b.steps["mkdocs"] = wall
    b.wall_s, b.cpu_s, b.peak_mb = wall, cpu, peak
    b.parent_peak_mb, b.child_peak_mb = mem.root_peak_mb(), mem.child_peak_mb()
    b.tree_rss_mb, b.tree_pss_mb = mem.sum_rss_kb / 1024, mem.sum_pss_kb / 1024
    if res.returncode != 0:
        b.ok, b.error = False, (res.stderr or res.stdout)[-2000:]
        return b
    if engine == "pagefind":
        # Index the article content only (Pagefind's documented setup), not every page's nav.
        wall, cpu, peak, res, _ = run_measured(
            [sys.executable, "-m", "pagefind", "--site", str(site), "--root-selector", "article", "--quiet"]
        )
        b.steps["pagefind"] = wall
        b.wall_s += wall
        b.cpu_s += cpu
        b.peak_mb = max(b.peak_mb, peak)
        if res.returncode != 0:
            b.ok, b.error = False, (res.stderr or res.stdout)[-2000:]
            return b
        from browser import install_pagefind_page

        install_pagefind_page(site)
    measure_site(b)
    save(b)
    return b


def save(b: Build) -> None:
    """Keep a build's numbers next to its site, so `run.py --reuse` can report them."""
    import dataclasses
    import json

    data = {k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(b).items()}
    (b.site.parent / "build.json").write_text(json.dumps(data, indent=1))


def load(kb: str, engine: str, work: Path) -> Build | None:
    """The saved numbers of an earlier build of (kb, engine), if its site is still there."""
    import json

    f = work / f"{kb}-{engine}" / "build.json"
    if not f.exists() or not (f.parent / "site").is_dir():
        return None
    data = json.loads(f.read_text())
    data["site"] = Path(data["site"])
    return Build(**data)


def measure_site(b: Build) -> None:
    total = 0
    for p in b.site.rglob("*"):
        if p.is_file():
            size = p.stat().st_size
            total += size
            if p.suffix == ".html":
                b.pages += 1
                if size / 1024 > b.largest_page_kb:
                    b.largest_page_kb, b.largest_page = size / 1024, str(p.relative_to(b.site))
    b.site_mb = total / 2**20
    for rel in INDEX_PATHS.get(b.engine, []):
        root = b.site / rel
        files = [root] if root.is_file() else [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
        for f in files:
            data = f.read_bytes()
            b.index_bytes += len(data)
            # What a host serving gzip would send (Pagefind's files are already compressed).
            b.index_gz_bytes += min(len(data), len(gzip.compress(data, 6)))
            b.index_files += 1


def fmt_table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "| " + " | ".join(str(x).ljust(w) for x, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"] + [line(r) for r in rows])


def main(argv: list[str] | None = None) -> int:
    global WORK
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kbs", default="shipped,corpus,1000,10000")
    ap.add_argument("--engine", default="ours" if have_ours() else "none", choices=ENGINES + ("none",))
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument("--reuse", action="store_true", help="print the saved numbers of earlier builds where present")
    a = ap.parse_args(argv)
    WORK = a.work
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    for kb in a.kbs.split(","):
        b = load(kb, a.engine, WORK) if a.reuse else None
        if b is None:
            print(f"building {kb} ({a.engine}) ...", file=sys.stderr, flush=True)
            b = build(kb, a.engine, WORK)
        if not b.ok:
            print(f"  FAILED: {b.error}", file=sys.stderr)
        rows.append(
            [
                kb,
                b.articles,
                f"{b.wall_s:.1f}",
                f"{b.cpu_s:.1f}",
                f"{b.peak_mb:.0f}",
                f"{b.parent_peak_mb:.0f}",
                f"{b.child_peak_mb:.0f}",
                f"{b.tree_rss_mb:.0f}",
                f"{b.tree_pss_mb:.0f}",
                b.pages,
                f"{b.site_mb:.1f}",
                f"{b.largest_page_kb:.1f}",
                b.largest_page[:60],
                "ok" if b.ok else "FAILED",
            ]
        )
        print(
            f"  {b.wall_s:.1f} s wall, {b.cpu_s:.1f} s CPU, {b.peak_mb:.0f} MB peak (mkdocs {b.parent_peak_mb:.0f}, "
            f"indexer {b.child_peak_mb:.0f}, tree RSS {b.tree_rss_mb:.0f}, PSS {b.tree_pss_mb:.0f})",
            file=sys.stderr,
            flush=True,
        )
    print(f"Clean builds, search engine: {a.engine}")
    print(
        fmt_table(
            rows,
            [
                "KB",
                "articles",
                "wall s",
                "CPU s",
                "peak MB",
                "mkdocs MB",
                "indexer MB",
                "tree RSS MB",
                "tree PSS MB",
                "HTML pages",
                "site MB",
                "largest page KB",
                "largest page",
                "result",
            ],
        )
    )
    return 0 if all(r[-1] == "ok" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
