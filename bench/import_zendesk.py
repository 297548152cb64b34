#!/usr/bin/env python3
"""Time `kb import zendesk` on a large export: a first import, a re-run with nothing changed,
and a re-run after 5% of the articles changed in Zendesk.

Owns: writing a Zendesk export of N articles whose bodies are the real corpus's articles as
HTML (Markdown rendered with the site's extensions; cycled when N is larger than the corpus,
synthetic text when there is no corpus), 8 categories and 48 sections (a third nested), an
attached image on every tenth article; and running the command in a subprocess, measuring
wall time, the child's CPU time and peak memory. Does not own: the importer.

    python bench/import_zendesk.py [--articles 2000] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import markdown

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from testkit import zendesk_export as zx  # noqa: E402  (the tests' export writer: one format, one writer)
from testkit.paths import CORPUS  # noqa: E402

WORK = Path(os.environ.get("KB_BENCH_WORK", REPO / "bench" / "out")) / "zendesk"
KB = Path(sys.executable).parent / "kb"


def corpus_bodies() -> list[tuple[str, str]]:
    """(title, HTML body) of every corpus article, or a synthetic set without the corpus."""
    md = markdown.Markdown(extensions=["tables", "fenced_code", "admonition", "attr_list"])
    out = []
    for path in sorted(CORPUS.glob("*.md")) if CORPUS.is_dir() else []:
        text = path.read_text(encoding="utf-8", errors="replace")
        body = text.split("---", 2)[2] if text.startswith("---") else text
        title = next(
            (ln.split(":", 1)[1].strip().strip("'\"") for ln in text.splitlines()[:20] if ln.startswith("title:")),
            path.stem.replace("-", " "),
        )
        out.append((title, md.reset().convert(body)))
    if not out:
        out = [(f"Synthetic article {i}", f"<h2>Symptoms</h2><p>Error {i} appears.</p>" * 20) for i in range(500)]
    return out


def write(root: Path, n: int) -> Path:
    bodies = corpus_bodies()
    cats = [zx.category(1000 + c, f"Category {c}", c) for c in range(8)]
    secs = []
    for s in range(48):
        parent = 2000 + s - 1 if s % 3 == 2 else None  # every third section nests in the one before
        secs.append(zx.section(2000 + s, 1000 + s // 6, f"Section {s}", s, parent=parent))
    arts, files, atts = [], {}, []
    image = zx.png(64, 48)
    for i in range(n):
        title, body = bodies[i % len(bodies)]
        zid = 10_000_000 + i
        if i >= len(bodies):
            title = f"{title} ({i // len(bodies) + 1})"
        if i % 10 == 0:
            aid = 90_000_000 + i
            body += f'<p><img src="/hc/article_attachments/{aid}/screen.png" alt="Screenshot"></p>'
            files[f"{aid}/screen.png"] = image
            atts.append(zx.attachment(aid, zid, "screen.png", "image/png", True, len(image)))
        arts.append(zx.article(zid, 2000 + i % 48, title, body, ["bench", f"topic-{i % 7}"], draft=i % 50 == 0))
    return zx.write_export(root, cats, secs, arts, per_page=100, files=files, attachments=atts)


def run(export: Path, to: Path) -> dict[str, float | int | str]:
    with tempfile.TemporaryFile("w+") as log:  # a file, not a pipe: a full pipe would stall the child
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [str(KB), "import", "zendesk", str(export), "--to", str(to)],
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        log.seek(0)
        out = log.read()
    files = next((ln.strip() for ln in out.splitlines() if ln.strip().startswith("files")), "")
    problems = next((ln.strip() for ln in out.splitlines() if "error(s)," in ln), "")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_mb": round(usage.ru_maxrss / 1024),
        "rc": os.waitstatus_to_exitcode(status),
        "files": f"{files}; {problems.split(';')[0]}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--work", type=Path, default=WORK)
    args = ap.parse_args()
    shutil.rmtree(args.work, ignore_errors=True)
    export, to = args.work / "export", args.work / "docs"
    t0 = time.perf_counter()
    write(export, args.articles)
    size = sum(p.stat().st_size for p in export.rglob("*") if p.is_file())
    print(
        f"export: {args.articles} articles, {size / 1e6:.1f} MB, written in {time.perf_counter() - t0:.1f} s "
        f"({'real corpus' if CORPUS.is_dir() else 'synthetic'} bodies)"
    )
    rows = [("first import", run(export, to)), ("again, nothing changed", run(export, to))]
    for page in sorted(export.glob("articles*.json")):  # 5% of the articles change in Zendesk
        data = json.loads(page.read_text())
        for art in data["articles"][::20]:
            art["body"] += "<p>Updated in Zendesk.</p>"
        page.write_text(json.dumps(data))
    rows.append(("again, 5% changed", run(export, to)))
    print(f"{'run':<24} {'wall s':>7} {'cpu s':>7} {'peak MB':>8}  rc  files")
    for name, r in rows:
        print(f"{name:<24} {r['wall_s']:>7} {r['cpu_s']:>7} {r['peak_mb']:>8}  {r['rc']:>2}  {r['files']}")


if __name__ == "__main__":
    main()
