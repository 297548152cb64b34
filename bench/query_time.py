#!/usr/bin/env python3
"""Time the Python engine (what `kb search` runs) on the hostile query shapes of issue 12.

Owns: the medians printed for one letter, 200 words, 10,000 characters and a question with
several typos, each run once cold (the files it reads are then cached) and then warm.
Does not own: the browser's times (bench/run.py, bench/browser.py).

    python bench/query_time.py SITE [--rounds 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kbtools.search import engine  # noqa: E402


def queries() -> dict[str, str]:
    rng = random.Random(1)
    letters = "abcdefghilmnoprstuw"
    nonsense = " ".join("".join(rng.choice(letters) for _ in range(rng.randint(5, 7))) for _ in range(200))
    return {
        "one letter": "s",
        "200 words (made-up, each corrected)": nonsense,
        "10,000 characters": ("outlook crashes when sending mail " * 300)[:10000],
        "typos": "repare corupted pst file on my laptop after the upgrade seperate acount",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("site", type=Path, help="a built site (mkdocs build) with a search index")
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args(argv)
    ix = engine.Index(args.site)
    for name, q in queries().items():
        t0 = time.perf_counter()
        engine.run(ix, q, 10)
        cold = time.perf_counter() - t0
        warm = []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            engine.run(ix, q, 10)
            warm.append(time.perf_counter() - t0)
        print(f"{name:38} first {cold * 1000:7.1f} ms   then median {statistics.median(warm) * 1000:7.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
