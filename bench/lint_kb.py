#!/usr/bin/env python3
"""How long `kb lint` takes, and what it finds, on real and generated KBs.

Owns: running `kb lint --format json --orphans` in a subprocess per KB and printing wall time,
peak memory (wait4), the number of articles and the count of each problem code. Does not own:
the checks (kbtools.lint) or the generated content (bench/generate_kb.py).

    python bench/lint_kb.py [--corpus DIR] [--sizes 10000] [--keep bench/out/lint]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from testkit.paths import CORPUS as DEFAULT_CORPUS  # noqa: E402
from testkit.project import make_project  # noqa: E402


def lint_once(args: list[str], cwd: Path) -> tuple[float, float, float, int, Counter, str]:
    """(wall seconds, CPU seconds, peak RSS MiB, exit code, problems by code, summary line)."""
    kb = Path(sys.executable).parent / "kb"
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen(
            [str(kb), "lint", "--format", "json", "--orphans", *args], cwd=cwd, stdout=out, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        problems = json.loads(out.read() or b"[]")
        summary = err.read().decode().strip().splitlines()[-1:] or [""]
    cpu = usage.ru_utime + usage.ru_stime  # less sensitive than wall time to a busy machine
    return (
        wall,
        cpu,
        usage.ru_maxrss / 1024,
        os.waitstatus_to_exitcode(status),
        Counter(p["code"] for p in problems),
        summary[0],
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--sizes", default="10000", help="generated KB sizes, comma-separated ('' for none)")
    ap.add_argument("--keep", type=Path, help="folder for generated KBs (reused when present)")
    opts = ap.parse_args(argv)
    work = opts.keep or Path(tempfile.mkdtemp(prefix="kb-lint-bench-"))
    runs: list[tuple[str, list[str], Path]] = [("shipped KB", [], REPO)]
    if opts.corpus.is_dir():
        runs.append(("corpus folder", [str(opts.corpus)], REPO))
        proj = work / "with-corpus"
        make_project(proj, {"office-support": opts.corpus})
        runs.append(("shipped + corpus category", ["-f", str(proj / "mkdocs.yml")], REPO))
    else:
        print(f"corpus not found at {opts.corpus}: skipped", file=sys.stderr)
    for size in [int(s) for s in opts.sizes.split(",") if s.strip()]:
        gen = work / f"gen{size}"
        if not gen.is_dir():
            subprocess.run(
                [sys.executable, str(REPO / "bench" / "generate_kb.py"), "--articles", str(size), "--out", str(gen)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        proj = work / f"with-gen{size}"
        make_project(proj, {"generated": gen})
        runs.append((f"shipped + generated {size:,}", ["-f", str(proj / "mkdocs.yml")], REPO))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'KB':<30} {'wall s':>7} {'CPU s':>6} {'peak MiB':>9} {'exit':>4}  summary / problems by code")
    for name, args, cwd in runs:
        wall, cpu, rss, rc, codes, summary = lint_once(args, cwd)
        print(f"{name:<30} {wall:>7.2f} {cpu:>6.2f} {rss:>9.0f} {rc:>4}  {summary}")
        print(
            f"{'':<30} {'':>7} {'':>6} {'':>9} {'':>4}  "
            + (", ".join(f"{c} {n}" for c, n in sorted(codes.items())) or "none")
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
