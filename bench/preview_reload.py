#!/usr/bin/env python3
"""Edit -> browser reload under `mkdocs serve`, as a writer sees it: ours vs plain MkDocs.

Owns: serving a generated KB with `mkdocs serve` (our plugins with `kb-search`, where the `kb`
plugin's incremental preview runs; or the same plugins with mkdocs-material's `search`, where
the preview stays off and MkDocs rebuilds everything, as plain `mkdocs serve` does), a real
Chromium on the page being edited, and the time from writing the file to the moment the
reloaded page shows the new text. Does not own: generating KBs (generate_kb.py) or the build
measurements (build_kb.py).

Each edit adds one sentence to the body of the same article. Ours: after each reload the
benchmark also waits until the background work (every related list, the search index) is done,
and reports that time too; the next edit starts only then, as after a writer's pause.

    python bench/preview_reload.py [--kbs 1000,10000] [--engines ours,material] [--edits 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

import yaml

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from build_kb import WORK, _material_header_hook, fmt_table, kb_sources, plugins_for  # noqa: E402

from testkit.chromium import launch  # noqa: E402
from testkit.project import make_project  # noqa: E402
from testkit.serve import Serve  # noqa: E402


def project(kb: str, engine: str, work: Path) -> tuple[Path, Path]:
    """(mkdocs.yml, the article to edit) of a fresh project for (kb, engine)."""
    categories, shipped = kb_sources(kb)
    dest = work / f"preview-{kb}-{engine}"
    if dest.exists():
        shutil.rmtree(dest)
    extra: dict = {"plugins": plugins_for(engine)}
    if engine == "material":
        extra["hooks"] = [str(_material_header_hook(dest))]
    cfg = make_project(
        dest,
        categories,
        include_shipped=shipped,
        extra_config=yaml.safe_dump(extra, sort_keys=False),
    )
    articles = sorted(p for p in (dest / "docs" / "generated").rglob("*.md") if p.name != "index.md")
    article = articles[len(articles) // 2]
    data = article.read_bytes()  # a file of its own: make_project hard-links the generated KB
    article.unlink()
    article.write_bytes(data)
    return cfg, article


def wait_for_text(page, text: str, timeout: float) -> None:
    """Until the page shows `text`, across the reload's navigation."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the page never showed {text!r}")
        try:
            page.wait_for_function(
                "t => document.body && document.body.innerText.includes(t)",
                arg=text,
                polling=20,
                timeout=left * 1000,
            )
            return
        except Error as exc:  # the reload destroyed the context the wait was running in
            if "context" not in str(exc).lower() and "navigat" not in str(exc).lower():
                raise


def measure(kb: str, engine: str, edits: int, work: Path) -> dict:
    from playwright.sync_api import sync_playwright

    cfg, article = project(kb, engine, work)
    url_path = article.relative_to(cfg.parent / "docs").with_suffix("").as_posix() + "/"
    t0 = time.monotonic()
    print(f"serving {kb} ({engine}) ...", file=sys.stderr, flush=True)
    with Serve(cfg, cfg.parent / "serve", timeout=7200) as server, sync_playwright() as pw:
        initial = time.monotonic() - t0
        browser = launch(pw)
        page = browser.new_page()
        page.goto(server.url + url_path, wait_until="load")
        reloads, settled, updated = [], [], []
        for k in range(edits):
            token = f"Benchmark edit {k} at {time.time():.0f}."
            text = article.read_text().replace("\n\n", f"\n\n{token}\n\n", 1)
            mark = server.mark()
            start = time.monotonic()
            article.write_text(text)
            wait_for_text(page, token, timeout=3600)
            reloads.append(time.monotonic() - start)
            if engine == "ours":
                server.wait_for("kb: preview: everything up to date", after=mark, timeout=3600)
                settled.append(time.monotonic() - start)
                line = server.wait_for("kb: preview updated in", after=mark)
                updated.append(float(line.split("updated in ")[1].split(" s")[0]))
            print(
                f"  edit {k}: reload seen after {reloads[-1]:.2f} s"
                + (f", background done after {settled[-1]:.1f} s" if settled else ""),
                file=sys.stderr,
                flush=True,
            )
            time.sleep(1)
        browser.close()
    return {
        "kb": kb,
        "engine": engine,
        "initial": initial,
        "reloads": reloads,
        "settled": settled,
        "updated": updated,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kbs", default="1000,10000")
    ap.add_argument("--engines", default="ours,material")
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--work", type=Path, default=WORK)
    a = ap.parse_args(argv)
    a.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for kb in a.kbs.split(","):
        for engine in a.engines.split(","):
            load = os.getloadavg()[0]
            r = measure(kb, engine, a.edits, a.work)
            med = statistics.median(r["reloads"])
            rows.append(
                [
                    kb,
                    engine,
                    f"{r['initial']:.0f} s",
                    f"{med:.2f} s",
                    f"{min(r['reloads']):.2f}–{max(r['reloads']):.2f} s",
                    f"{statistics.median(r['updated']):.2f} s" if r["updated"] else "",
                    f"{statistics.median(r['settled']):.1f} s" if r["settled"] else "",
                    f"{load:.1f}",
                ]
            )
    print(f"Edit -> reload under mkdocs serve, {a.edits} body edits per KB, median (min–max)")
    print(
        fmt_table(
            rows,
            [
                "KB",
                "engine",
                "first build",
                "edit -> reload",
                "range",
                "preview rebuild",
                "background done",
                "load before",
            ],
        )
    )
    print(
        "edit -> reload: from writing the file to the reloaded page in Chromium showing the new"
        " text;"
        " preview rebuild: the kb plugin's own time for it; background done: every related list and"
        " the search index current again (ours only)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
