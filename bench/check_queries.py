#!/usr/bin/env python3
"""Check that judged questions do not copy their articles' words (bench/README.md, "Judged sets").

Owns: the rule a question of `bench/queries/customer.jsonl` (and the unanswerable set) must pass,
and a report of every violation. A question's *distinctive* words are its words that are not
stop words, not product names or error codes a customer reads off the screen (EXEMPT, `is_code`),
and that occur in at most DISTINCTIVE_DF of the corpus's articles. Rules:
  answerable: no distinctive word occurs verbatim (same lower-cased token) in a judged
              article's title or body, and (for three or more content words) at most
              MAX_TITLE_SHARE of the question's content words (not stop words, not exempt)
              occur verbatim in its title or first heading;
  unanswerable: at least half of the question's distinctive words, and at least one, occur
              nowhere in the KB (the corpus and the shipped articles), neither as a token nor
              as a stem.
Does not own: the metrics (bench/relevance.py).

    python bench/check_queries.py [--corpus DIR] [FILE ...]   # exit 1 on any violation
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

from kbtools.search.analysis import STOP_WORDS, stem  # noqa: E402
from kbtools.search.engine import is_code  # noqa: E402

CORPUS = Path(os.environ.get("KB_CORPUS", REPO.parent / "shared" / "corpus" / "office-support" / "articles"))
DISTINCTIVE_DF = 0.01  # in at most 1 % of the articles: words that nearly name one article
MAX_TITLE_SHARE = 0.5  # at most this share of a question's content words may come from the title
# What a customer reads on the screen and types as it is: product and platform names.
EXEMPT = frozenset(
    """
outlook excel word powerpoint teams onedrive sharepoint exchange access visio project onenote skype lync
office microsoft windows mac macos iphone ipad android ios viva publisher intune azure entra yammer 365
m365 o365 owa online server app apps desktop web mobile phone email mail sway planner infopath powerpivot
""".split()
)
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019.-][^\W_]+)*")


def tokens(text: str) -> list[str]:
    return [t.replace("\u2019", "'") for t in _TOKEN.findall(text.lower())]


def load_corpus(root: Path, recursive: bool = False) -> dict[str, tuple[set[str], set[str], set[str]]]:
    """slug -> (title and first-heading tokens, their stems, title+body tokens)."""
    out = {}
    for f in sorted(root.rglob("*.md") if recursive else root.glob("*.md")):
        text = f.read_text("utf-8")
        m = re.search(r"^title:\s*(.*)$", text, re.M)
        title = (m.group(1) if m else "").strip().strip("\"'")
        h1 = re.search(r"^#\s+(.*)$", text, re.M)
        head = title + " " + (h1.group(1) if h1 else "")
        t = set(tokens(head))
        out[f.stem] = (t, {stem(w) for w in t if w.isalpha()}, set(tokens(text)))
    return out


def content(q: str) -> list[str]:
    """The words of a question that carry its meaning (not stop words, names or codes)."""
    return [w for w in tokens(q) if not (w in STOP_WORDS or w in EXEMPT or is_code(w) or w.isdigit() or len(w) < 3)]


def distinctive(q: str, df: dict[str, int], n: int) -> list[str]:
    return [w for w in content(q) if df.get(w, 0) <= DISTINCTIVE_DF * n]


def check(queries: list[dict], corpus: dict, unanswerable: bool) -> list[str]:
    df: dict[str, int] = {}
    stems: set[str] = set()
    for _, _, words in corpus.values():
        for w in words:
            df[w] = df.get(w, 0) + 1
    for w in df:
        if w.isalpha():
            stems.add(stem(w))
    n = len(corpus)
    problems = []
    for i, q in enumerate(queries, 1):
        words = distinctive(q["q"], df, n)
        if unanswerable:
            found = [w for w in words if w in df or (w.isalpha() and stem(w) in stems)]
            if not words:
                problems.append(f"{i}: {q['q']!r}: no distinctive word")
            elif len(found) * 2 > len(words) or len(found) == len(words):
                problems.append(f"{i}: {q['q']!r}: in the KB: {found} of {words}")
            continue
        for rid in q["relevant"]:
            if rid not in corpus:
                problems.append(f"{i}: {q['q']!r}: unknown article {rid}")
                continue
            title, _, all_words = corpus[rid]
            copied = [w for w in words if w in all_words]
            if copied:
                problems.append(f"{i}: {q['q']!r}: copies {copied} from {rid}")
            cw = content(q["q"])
            from_title = [w for w in cw if w in title]
            if len(cw) >= 3 and len(from_title) > MAX_TITLE_SHARE * len(cw):
                problems.append(f"{i}: {q['q']!r}: {from_title} of {cw} from the title of {rid}")
    return problems


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "files",
        nargs="*",
        type=Path,
        default=[
            BENCH / "queries" / n
            for n in ("customer.jsonl", "customer-b.jsonl", "customer-c.jsonl", "unanswerable.jsonl")
        ],
    )
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    a = ap.parse_args(argv)
    if not a.corpus.is_dir():
        print(f"real corpus not found at {a.corpus} (set KB_CORPUS)", file=sys.stderr)
        return 2
    corpus = load_corpus(a.corpus)
    shipped = {f"shipped:{k}": v for k, v in load_corpus(REPO / "docs", recursive=True).items()}
    bad = 0
    for f in a.files:
        qs = [json.loads(line) for line in f.read_text("utf-8").splitlines() if line.strip()]
        unanswerable = "unanswerable" in f.name
        problems = check(qs, {**corpus, **shipped} if unanswerable else corpus, unanswerable)
        print(f"{f.name}: {len(qs)} questions, {len(problems)} violations")
        for p in problems:
            print("  " + p)
        bad += len(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
