"""Text analysis for search: the one definition of how text becomes index terms.

Owns: tokenizing, lower-casing, stop words, stemming, and the rules for compound tokens
(error codes, dotted names, version numbers). Does not own: where the text comes from
(`documents.py`) or how terms are stored (`whoosh_index.py`, `export.py`).

The browser runs the same rules (`kbtools/theme/assets/search/analysis.js`); the stop
words are exported with the index, and `tests/search/test_analysis_parity.py` runs both
implementations over every article of the real corpus and compares the term streams.

Rules, in order:
1. lower-case; an apostrophe between two letters or digits is dropped ("don't" -> "dont");
2. a token is a run of letters/digits, possibly joined by '.', '_' or '-' ("5.1.10",
   "system.net.http", "e-mail", "0x8007007a");
3. a compound token is kept whole (not stemmed) and its parts are indexed too, at
   consecutive positions; a hyphenated one also as one joined word ("e-mail" -> "email");
4. a hex code "0x…" is also indexed without its "0x";
5. stop words are dropped (but keep their position); single letters of a compound are dropped;
6. words of ASCII letters are Porter-stemmed; anything else is kept as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from .stemmer import stem

ANALYZER_ID = "kb-porter-2"  # change when any rule changes: the browser refuses other ids
MAX_TOKEN = 64

# Support text: drop the glue words of questions ("do I ..."), keep the words that change
# an answer's meaning (not, no, cannot, can, will, off) and "how", which asks for a how-to.
STOP_WORDS = frozenset(
    """
a an the and or but if then else of to in at by for with from as into onto about over
than that this these those there here it its is are was were be been being am do does did
doing done have has had having i me my mine we us our ours you your yours he him his she her
they them their theirs what which who whom whose when where why so such too very just
also any each some all both few more most other same only own etc via may might would should
could shall must let lets please want wants need needs try trying tried get gets got getting
im ive youre thats whats
""".split()
)

# Question framing: (kind of article the question asks for, its words, dropped from the query?).
# Dropped phrases are glue ("is there a way to reset" asks for a how-to about "reset"); cues stay
# query words and only say which kind of article fits: "how" is one, since how-to articles say it
# in their titles ("How to schedule ..."; dropping it cost the generated and corpus sets 0.05 and
# 0.01 MRR). Matched on the query's words, first match wins; exported in the manifest so that the
# browser applies the very same list.
FRAMING: tuple[tuple[str, list[str], bool], ...] = tuple(
    (kind, phrase.split(), drop)
    for kind, drop, phrases in (
        ("how-to", False, ["how do i", "how can i", "how do you", "how do we", "how to", "how would i", "how"]),
        (
            "how-to",
            True,
            [
                "is there a way to",
                "is it possible to",
                "what is the way to",
                "where do i",
                "where can i",
                "i want to",
                "i need to",
                "can i",
                "can we",
            ],
        ),
        (
            "solution",
            True,
            ["i got", "i get", "i am getting", "im getting", "ever since", "since", "all of a sudden", "suddenly"],
        ),
        (
            "solution",
            False,
            [
                "error",
                "wont",
                "cant",
                "doesnt",
                "isnt",
                "fails",
                "failed",
                "stopped",
                "crashes",
                "crash",
                "keeps",
                "missing",
                "broken",
                "stuck",
                "not",
            ],
        ),
    )
    for phrase in phrases
)

_APOSTROPHE = re.compile(r"(?<=[^\W_])['\u2019](?=[^\W_])")
_TOKEN = re.compile(r"[^\W_]+(?:[._-][^\W_]+)*")
_CONNECTOR = re.compile(r"[._-]")
_ASCII_WORD = re.compile(r"^[a-z]+$")
_HEX = re.compile(r"^0x[0-9a-f]{4,}$")


def normalize(text: str) -> str:
    return _APOSTROPHE.sub("", text.lower())


@lru_cache(maxsize=500_000)  # a KB's vocabulary is far smaller than its text: stem each word once
def term(word: str) -> str | None:
    """The index term of one simple (lower-cased) word, or None for a stop word."""
    if word in STOP_WORDS:
        return None
    return stem(word) if _ASCII_WORD.match(word) else word


def analyze(text: str, seen: set[str] | None = None) -> Iterator[tuple[str, int]]:
    """(term, position) pairs of a text, in order; `seen` collects the raw tokens."""
    pos = 0
    cache = _WORDS
    tokens = _TOKEN.findall(normalize(text))
    if seen is not None:
        seen.update(tokens)
    for word in tokens:
        hit = cache.get(word)
        if hit is None:
            hit = _word(word)
            if len(cache) < 1_000_000:  # bounded: a build of any size keeps a fixed memory
                cache[word] = hit
        pairs, width = hit
        for t, off in pairs:
            yield t, pos + off
        pos += width


_WORDS: dict[str, tuple[tuple[tuple[str, int], ...], int]] = {}


def _word(word: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """The (term, offset) pairs of one token and how many positions it takes."""
    if len(word) > MAX_TOKEN:
        return (), 1
    if not ("." in word or "-" in word or "_" in word):
        t = term(word)
        if t is None:
            return (), 1
        if word.startswith("0x") and _HEX.match(word):
            return ((t, 0), (word[2:], 0)), 1
        return ((t, 0),), 1
    parts = _CONNECTOR.split(word)
    out = [(word, 0)]
    if "." not in word and "_" not in word:
        t = term("".join(parts))
        if t is not None:
            out.append((t, 0))
    for i, part in enumerate(parts):
        if len(part) == 1 and not "0" <= part <= "9":
            continue
        t = term(part)
        if t is not None:
            out.append((t, i))
    return tuple(out), len(parts)


def words(text: str) -> list[str]:
    """The raw lower-cased tokens of a text (for the query parser: typo and prefix matching)."""
    return _TOKEN.findall(normalize(text))


def frame(tokens: list[str], framing=FRAMING) -> tuple[str, list[str]]:
    """(kind of article the question asks for or "", its tokens without the dropped framing)."""
    kind, kept, i = "", [], 0
    while i < len(tokens):
        for k, phrase, drop in framing:
            if tokens[i : i + len(phrase)] == phrase:
                kind = kind or k
                if drop:
                    i += len(phrase)
                    break
        else:
            kept.append(tokens[i])
            i += 1
            continue
    return kind, kept
