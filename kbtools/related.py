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
from collections.abc import Sequence

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
            bag[t] += WEIGHTS[field]  # type: ignore[assignment]  # a Counter of float weights: its + and - are used
    return bag


def _vector(bag: Counter, idf: dict[str, float]) -> dict[str, float]:
    vec = {t: (1 + math.log(tf)) * idf[t] for t, tf in bag.items() if t in idf and tf > 0}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


class RelatedIndex:
    """The TF-IDF vectors of a set of articles and an inverted index over them, from which one
    article's related list (`row`) or every list (`rows`) is computed. `replace` swaps one
    article's content in place (what `mkdocs serve` does after a save): document frequencies,
    idf and the vectors that depend on a changed idf are updated, nothing else; a row computed
    afterwards is bit for bit the row a new index of the same articles gives.

    `bags` may hold the term bags of earlier builds by source path (reused while the article
    object is the same). With `updatable=False` (a build: every row at once, no `replace`) the
    bags go as soon as the vectors are made, which lowers the build's peak."""

    def __init__(
        self,
        articles: Sequence[Article],
        count: int = 5,
        bags: dict[str, tuple[Article, Counter]] | None = None,
        updatable: bool = True,
    ) -> None:
        self.articles = list(articles)
        self.count = count
        self.position = {a.src_uri: i for i, a in enumerate(self.articles)}
        cache = bags if bags is not None else {}
        self.bags: list[Counter] = []
        for a in self.articles:
            hit = cache.get(a.src_uri)
            bag = hit[1] if hit is not None and hit[0] is a else _bag(a)
            if updatable:
                cache[a.src_uri] = (a, bag)
            self.bags.append(bag)
        self.df: Counter = Counter()
        for bag in self.bags:
            self.df.update(bag.keys())
        n = self.n = len(self.articles)
        self.max_df = max(3, int(n * MAX_DF_SHARE))
        self.idf = {t: math.log(1 + n / d) for t, d in self.df.items() if 1 < d <= self.max_df}
        self.vectors = [_vector(bag, self.idf) for bag in self.bags]
        if not updatable:
            self.bags, self.df = [], Counter()
        self.postings: dict[str, dict[int, float]] = defaultdict(dict)
        for i, vec in enumerate(self.vectors):
            for t, v in vec.items():
                self.postings[t][i] = v

    def row(self, i: int) -> list[str]:
        """The ids of up to `count` articles related to article `i`, best first."""
        if self.n < 2 or self.count <= 0:
            return []
        scores: dict[int, float] = defaultdict(float)
        for t, v in self.vectors[i].items():
            for j, w in self.postings[t].items():
                if j != i:
                    scores[j] += v * w
        # (score, -position): a tie goes to the article earlier in path order
        best = heapq.nlargest(self.count, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        return [self.articles[j].id for j, s in best if s > 0.05]

    def rows(self) -> dict[str, list[str]]:
        return {a.id: self.row(i) for i, a in enumerate(self.articles)}

    def replace(self, article: Article) -> None:
        """Take a new version of an article already in the index (same source path)."""
        i = self.position[article.src_uri]
        old, new = self.bags[i], _bag(article)
        self.articles[i], self.bags[i] = article, new
        for t in old:
            self.df[t] -= 1
            if not self.df[t]:
                del self.df[t]
        self.df.update(new.keys())
        touched = set()
        for t in set(old).symmetric_difference(new):  # the terms whose document frequency moved
            d = self.df.get(t, 0)
            value = math.log(1 + self.n / d) if 1 < d <= self.max_df else None
            if self.idf.get(t) != value:
                touched.add(t)
                if value is None:
                    self.idf.pop(t, None)
                else:
                    self.idf[t] = value
        redo = {i} | {j for j, bag in enumerate(self.bags) if touched and not touched.isdisjoint(bag)}
        for j in redo:
            for t in self.vectors[j]:
                del self.postings[t][j]
            self.vectors[j] = _vector(self.bags[j], self.idf)
            for t, v in self.vectors[j].items():
                self.postings[t][j] = v


def related_articles(articles: Sequence[Article], count: int = 5) -> dict[str, list[str]]:
    """Map each article id to the ids of up to `count` related articles, best first."""
    if len(articles) < 2 or count <= 0:
        return {a.id: [] for a in articles}
    return RelatedIndex(articles, count, updatable=False).rows()
