"""Term associations mined from the KB at build time: which index terms a query word brings along.

Owns: finding, for each rare term of the KB, the few other terms its articles put right beside
it (within `WINDOW` positions, counted once per article), each with a strength: the share of the
term's articles (in percent) where the other one stands beside it. The engines use them as a soft
expansion of a query word, weaker than a hand-listed synonym (README "Associations"), so a
customer's "forecast" also finds the articles that say "weather forecast". Does not own:
analysis (`analysis.py`) or how the associations are stored (`export.py`: with their term's
dictionary entry).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from .analysis import term, words

WINDOW = 2  # positions after a term that count as "beside" it (stop words keep theirs)
TOP = 3  # associations kept per term
MIN_DOCS = 2  # a pair must stand together in this many articles
SOURCE_SHARE = 0.02  # only terms in at most this share of the articles get associations ...
TARGET_SHARE = 0.1  # ... and only to terms in at most this share (common words say too little)
_WORD = re.compile(r"^[a-z]{3,}$")  # stemmed words, not codes or numbers

D = TypeVar("D")


def _terms(text: str) -> list[tuple[str, int]]:
    """(term, position) of the simple words of a text: a compound ("double-click", "system.net")
    is a name or a code, not phrasing, and its parts are no association: it only takes a position."""
    out = []
    for pos, w in enumerate(words(text)):
        if w.isalpha():
            t = term(w)
            if t is not None:
                out.append((t, pos))
    return out


def _fields(doc) -> Iterable[str]:
    return doc.fields().values()


def mine(
    docs: Sequence[D], texts: Callable[[D], Iterable[str]] = _fields, window: int = WINDOW, top: int = TOP
) -> dict[str, list[tuple[str, int]]]:
    """term -> [(associated term, strength in percent 1..100)], best first.

    Two passes over the documents (document frequencies, then pairs), so that memory holds the
    counts, never the token streams of the whole KB."""
    n = len(docs)
    df: Counter = Counter()
    for d in docs:
        df.update({t for text in texts(d) for t, _ in _terms(text)})
    cap = max(MIN_DOCS, TARGET_SHARE * n)
    ids = {t: i for i, t in enumerate(sorted(t for t, k in df.items() if MIN_DOCS <= k <= cap and _WORD.match(t)))}
    names = sorted(ids, key=ids.__getitem__)
    size = len(ids)
    pairs: Counter = Counter()
    for d in docs:
        seen: set[int] = set()
        for text in texts(d):
            kept = [(ids[t], p) for t, p in _terms(text) if t in ids]
            for i, (a, pa) in enumerate(kept):
                for b, pb in kept[i + 1 : i + 1 + window]:  # positions ascend
                    if pb - pa > window:
                        break
                    if a != b:
                        seen.add(a * size + b if a < b else b * size + a)
        pairs.update(seen)
    source_cap = max(MIN_DOCS, SOURCE_SHARE * n)
    cands: dict[str, list[tuple[float, str, float]]] = {}
    for key, k in pairs.items():
        if k < MIN_DOCS:
            continue
        a, b = names[key // size], names[key % size]
        for src, dst in ((a, b), (b, a)):
            if df[src] <= source_cap:
                share = k / df[src]
                cands.setdefault(src, []).append((share * math.log(n / df[dst]), dst, share))
    out = {}
    for src, lst in cands.items():
        lst.sort(key=lambda x: (-x[0], x[1]))
        out[src] = [(dst, max(1, min(100, round(share * 100)))) for _, dst, share in lst[:top]]
    return out
