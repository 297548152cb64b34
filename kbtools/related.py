"""Related articles, computed at build time from content (no hand-kept lists).

TF-IDF over an article's title, tags, description and headings (weighted), cosine
similarity, candidates drawn from an inverted index. Terms found in more than
`MAX_DF_SHARE` of articles are skipped: they relate everything to everything, and
skipping them keeps the cost linear in the number of articles.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from typing import Iterable, Sequence

from .articles import Article

_WORD = re.compile(r"[a-z0-9][a-z0-9.+#-]*[a-z0-9+#]|[a-z0-9]")
_STOP = frozenset(
    "a an and are as at be by can do does for from has have how i if in into is it its of on or "
    "our so that the their then there these this to was what when where which who why will with "
    "you your not no".split()
)
MAX_DF_SHARE = 0.05
WEIGHTS = {"title": 3.0, "tags": 3.0, "description": 2.0, "headings": 1.0, "body": 0.5}


def _terms(text: str) -> list[str]:
    out = []
    for w in _WORD.findall(text.lower()):
        if w in _STOP or len(w) < 2:
            continue
        # crude plural folding; good enough to relate "printers" and "printer"
        if len(w) > 4 and w.endswith("s") and not w.endswith("ss"):
            w = w[:-1]
        out.append(w)
    return out


def _bag(a: Article) -> Counter:
    bag: Counter = Counter()
    for field, text in (
        ("title", a.title),
        ("tags", " ".join(a.tags)),
        ("description", a.description),
        ("headings", " ".join(h.text for h in a.headings if h.level > 1)),
        ("body", a.body[:1500]),
    ):
        for t in _terms(text):
            bag[t] += WEIGHTS[field]
    return bag


def related_articles(articles: Sequence[Article], count: int = 5) -> dict[str, list[str]]:
    """Map each article id to the ids of up to `count` related articles, best first."""
    n = len(articles)
    if n < 2 or count <= 0:
        return {a.id: [] for a in articles}
    bags = [_bag(a) for a in articles]
    df: Counter = Counter()
    for bag in bags:
        df.update(bag.keys())
    max_df = max(3, int(n * MAX_DF_SHARE))
    idf = {t: math.log(1 + n / d) for t, d in df.items() if 1 < d <= max_df}
    vectors: list[dict[str, float]] = []
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, bag in enumerate(bags):
        vec = {t: (1 + math.log(tf)) * idf[t] for t, tf in bag.items() if t in idf and tf > 0}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vec = {t: v / norm for t, v in vec.items()}
        vectors.append(vec)
        for t, v in vec.items():
            postings[t].append((i, v))
    out: dict[str, list[str]] = {}
    for i, vec in enumerate(vectors):
        scores: dict[int, float] = defaultdict(float)
        for t, v in vec.items():
            for j, w in postings[t]:
                if j != i:
                    scores[j] += v * w
        best = heapq.nlargest(count, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        out[articles[i].id] = [articles[j].id for j, s in best if s > 0.05]
    return out


