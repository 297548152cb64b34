"""English words a KB lacks: what tells a real word ("helm", "hiking") from a typo ("lauech").

Owns: reading the compiled word list (`english.txt.gz`, package data made from WordNet by
`tools/make_english.py`) and choosing, at index build time, the index terms of English words
that are not in one KB's vocabulary, by first letter. The engines correct a typed word the KB
lacks to a known word; when another word of the question matches nothing, a correction to a
word in many articles is dropped only if the typed word is itself English: a customer who
typed "helm" meant helm, not help, and one who typed "lauech" meant launch (README "Precision").
Does not own: how the lists are stored (`export.py`: `e/<letter>.json`, fetched only then) or
the rule itself (`engine.py`, `engine.js`).
"""

from __future__ import annotations

import gzip
from collections.abc import Collection, Iterable
from functools import lru_cache
from pathlib import Path

from .analysis import STOP_WORDS, stem

ENGLISH = Path(__file__).with_name("english.txt.gz")


class EnglishError(ValueError):
    """The word list is damaged: the message names the file."""


@lru_cache(maxsize=2)
def load(path: Path = ENGLISH) -> tuple[str, ...]:
    """The English words, as compiled."""
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise EnglishError(f"{path}: cannot be read ({exc}); reinstall kbtools") from None
    out = tuple(w for w in text.splitlines() if w and not w.startswith("#"))
    bad = next((w for w in out if not (w.isascii() and w.isalpha() and w.islower())), None)
    if bad is not None:
        raise EnglishError(f"{path}: {bad!r} is not a lower-case word")
    return out


@lru_cache(maxsize=2)
def terms(path: Path = ENGLISH) -> frozenset[str]:
    """The index terms of the English words (stop words left out): stemmed once per process, as
    every build and every preview update asks again."""
    return _terms(load(path))


def _terms(words: Iterable[str]) -> frozenset[str]:
    return frozenset(t for t in (stem(w) for w in words if w not in STOP_WORDS) if t)


def lacking(vocab: Collection[str], words: Iterable[str] | None = None) -> dict[str, list[str]]:
    """first letter -> the sorted index terms of English words that `vocab` (a KB's terms) lacks."""
    out: dict[str, list[str]] = {}
    for t in sorted((terms() if words is None else _terms(words)) - set(vocab)):
        out.setdefault(t[0], []).append(t)
    return out
