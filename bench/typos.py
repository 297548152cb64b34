#!/usr/bin/env python3
"""Customer typos, made up from questions that are not held out: MRR@10 and empty answers.

Owns: a typo set derived (seeded) from the development half of bench/queries/customer.jsonl
(not its typo questions) and the whole corpus regression set (bench/queries/corpus.jsonl):
in each question the longest word of 5+ letters gets `--edits` random edits (a deleted,
substituted or swapped letter, never the first or last), as a customer types in a hurry. The
held-out half is never read. Prints, per engine, MRR@10 and how many questions got no result.

    python bench/typos.py --site W/corpus-ours/site [--edits 2] [--prev-src DIR --prev-site SITE]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import relevance  # noqa: E402  (bench/relevance.py: the engines)


def typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.choice("dst")
    if op == "d":
        return word[:i] + word[i + 1 :]
    if op == "s":
        return word[:i] + rng.choice("aeiounrst") + word[i + 1 :]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def typo_set(edits: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = [json.loads(line) for line in (BENCH / "queries" / "customer.jsonl").open() if line.strip()]
    qs = [q for q in rows if q["split"] == "dev" and q["kind"] != "typo"]
    qs += [json.loads(line) for line in (BENCH / "queries" / "corpus.jsonl").open() if line.strip()]
    qs = [q for q in qs if q["kind"] != "typo"]
    out = []
    for q in qs:
        words = q["q"].split()
        longest = sorted((i for i, w in enumerate(words) if w.isalpha() and len(w) >= 5), key=lambda i: -len(words[i]))
        if not longest:
            continue
        w = words[longest[0]]
        for _ in range(edits):
            w = typo(w, rng)
        words[longest[0]] = w
        out.append({"q": " ".join(words), "relevant": q["relevant"]})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, required=True, help="a build of the corpus with our search")
    ap.add_argument("--edits", type=int, default=1)
    ap.add_argument("--prev-src", type=Path, help="an earlier commit's source tree (see relevance.py)")
    ap.add_argument("--prev-site", type=Path, help="that commit's build of the corpus")
    a = ap.parse_args()
    qs = typo_set(a.edits)
    texts = [q["q"] for q in qs]
    results = {"ours": relevance.rank_ours(a.site, texts)}
    if a.prev_src and a.prev_site:
        results["prev"] = relevance.rank_prev(a.prev_src.resolve(), a.prev_site.resolve(), texts)
    print(f"{len(qs)} questions, {a.edits} edit(s) in the longest word")
    for name, ranked in results.items():
        rr = []
        for got, q in zip(ranked, qs):
            hit = next((i for i, x in enumerate(got[:10]) if x in q["relevant"]), None)
            rr.append(0.0 if hit is None else 1 / (hit + 1))
        empty = sum(1 for got in ranked if not got)
        print(f"  {name:5} MRR@10 {sum(rr) / len(rr):.3f}, no result for {empty}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
