"""The thesaurus a KB's index carries: query words the KB never uses -> KB terms that mean the same.

Owns: reading the compiled thesaurus (`thesaurus.txt.gz`, package data made from WordNet by
`tools/make_thesaurus.py`) and choosing, at index build time, what one KB needs from it: for each
thesaurus word whose index term is NOT in the KB's vocabulary (or in hardly any of its articles:
`RARE_DOCS`, `RARE_SHARE`), the terms of its synonyms that ARE, and say enough to find an answer
(in at most `TARGET_SHARE` of the documents). A customer's "vanished" then finds the articles that
say "disappear", and counts as a word the KB knows for the no-answer rule. Does not own: how the
mapping is stored (`export.py`: a dictionary entry of its own, or the rare word's own entry, in
the term block where the word sorts, so a query looks it up with the same request as any word)
or how the engines weigh it (`ranking.thesaurus`, README "Thesaurus").
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from .analysis import analyze

THESAURUS = Path(__file__).with_name("thesaurus.txt.gz")
TARGET_SHARE = 0.1  # a synonym in more of the documents than this says too little to stand for a word
MAX_TARGETS = 4  # KB terms per word (the engines accept up to 64)
# A word the KB has in at most this many articles (and this share of them) is mostly another
# word choice than the KB's ("big" in 2 of 2,467 articles, "large" in 138): it gets its
# synonyms too.
RARE_DOCS = 2
RARE_SHARE = 0.001


class ThesaurusError(ValueError):
    """The thesaurus file is damaged: the message names the file and line."""


@lru_cache(maxsize=4)
def load(path: Path = THESAURUS) -> dict[str, list[str]]:
    """word -> its synonyms, as compiled (surface words, most usual first)."""
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise ThesaurusError(f"{path}: cannot be read ({exc}); reinstall kbtools") from None
    out: dict[str, list[str]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line or line.startswith("#"):
            continue
        word, sep, syns = line.partition("\t")
        if not sep or not word or not syns.split():
            raise ThesaurusError(f"{path}:{n}: expected 'word<TAB>synonym synonym ...'")
        out[word] = syns.split()
    return out


def _term(word: str) -> str | None:
    """The index term of a single word (None for a stop word)."""
    terms = [t for t, _ in analyze(word)]
    return terms[0] if len(terms) == 1 else None


def for_kb(
    dfmax: Mapping[str, int],
    doc_count: int,
    thesaurus: Mapping[str, list[str]] | None = None,
    share: float = TARGET_SHARE,
    limit: int = MAX_TARGETS,
) -> dict[str, list[str]]:
    """term the KB lacks or hardly uses -> the KB terms of its synonyms, for one KB.

    `dfmax`: each KB term's largest per-field document frequency (its vocabulary)."""
    th = load() if thesaurus is None else thesaurus
    cap = max(1.0, share * doc_count)
    rare = max(RARE_DOCS, RARE_SHARE * doc_count)
    out: dict[str, list[str]] = {}
    for word, syns in th.items():
        t = _term(word)
        if t is None or dfmax.get(t, 0) > rare:
            continue
        targets = out.setdefault(t, [])
        for s in syns:
            st = _term(s)
            if st is not None and st != t and 0 < dfmax.get(st, 0) <= cap and st not in targets:
                targets.append(st)
    return {t: ts[:limit] for t, ts in out.items() if ts}
