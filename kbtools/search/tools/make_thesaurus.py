"""Compile the search thesaurus (`kbtools/search/thesaurus.txt.gz`) from WordNet 3.0's data files.

Owns: reading WordNet's `index.*`, `data.*` and `cntlist.rev` files directly (Debian's
`wordnet-base` puts them in /usr/share/wordnet; no nltk, nothing downloaded) and choosing, for
each single English word, the close synonyms a customer may type where an article says another
word ("vanished" for "disappear", "mend" for "repair"). Used at development time only: the build
reads the compiled file (package data) and never needs WordNet. Does not own: which of these
words a KB needs (`thesaurus.py` decides that at index build time, from the KB's vocabulary).

How words and synonyms are chosen (README "Thesaurus"):
- words: single lower-case ASCII words of 3 to 20 letters (no phrases, names or abbreviations
  with digits), and synonyms the same;
- senses: those WordNet's sense-tagged texts use at least `SENSE_SHARE` as often as the word's
  most used sense in any part of speech ("fix" the verb "repair", not the noun "a jam"; "bread"
  the food, not money); a word never tagged keeps the first sense of each part of speech;
- topics: senses in WordNet's lexicographer files about nature, food, the body, people,
  feelings and the weather are left out (`SKIP_TOPICS`): a help center about software never
  means them, and mapping "sourdough bread" or "tomato plants" to KB words would make questions
  the KB cannot answer look answerable;
- at most `MAX_SYNONYMS` synonyms per word, in WordNet's order (its most usual words first).

    python -m kbtools.search.tools.make_thesaurus [--wordnet /usr/share/wordnet] [--out FILE]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

DEFAULT_WORDNET = Path("/usr/share/wordnet")
OUT = Path(__file__).resolve().parent.parent / "thesaurus.txt.gz"
POS = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
SENSE_NUMBER_POS = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}  # sense keys: 5 = adjective satellite
SENSE_SHARE = 0.5
MAX_SYNONYMS = 6
# WordNet's lexicographer files (lexnames) whose senses a software help center never means.
SKIP_TOPICS = frozenset(
    {
        5,  # noun.animal
        8,  # noun.body
        12,  # noun.feeling
        13,  # noun.food
        15,  # noun.location
        16,  # noun.motive
        17,  # noun.object (natural objects)
        18,  # noun.person
        19,  # noun.phenomenon (natural)
        20,  # noun.plant
        27,  # noun.substance
        29,  # verb.body
        34,  # verb.consumption
        37,  # verb.emotion
        43,  # verb.weather
    }
)
_WORD = re.compile(r"^[a-z]{3,20}$")
HEADER = (
    "# kb search thesaurus: word<TAB>close synonyms (space-separated), compiled from WordNet 3.0\n"
    "# by kbtools/search/tools/make_thesaurus.py; WordNet's licence: THESAURUS-LICENSE.txt beside this file.\n"
)


class WordNetError(Exception):
    """WordNet's files are missing or not in the format this script reads."""


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, line) of a WordNet file, without its licence header."""
    if not path.is_file():
        raise WordNetError(f"{path}: not found; install WordNet 3.0 (Debian: apt-get install wordnet-base)")
    with path.open(encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, 1):
            if not line.startswith("  "):  # the licence header lines start with two spaces
                yield n, line.rstrip("\n")


def read_synsets(root: Path, pos: str) -> dict[int, tuple[int, list[str]]]:
    """offset -> (lexicographer file number, member words lower-cased, `_` for spaces) of data.<pos>."""
    out: dict[int, tuple[int, list[str]]] = {}
    for n, line in _lines(root / f"data.{pos}"):
        parts = line.split(" ")
        try:
            offset, lex, count = int(parts[0]), int(parts[1]), int(parts[3], 16)
            words = [re.sub(r"\(.*\)$", "", parts[4 + 2 * i]).lower() for i in range(count)]
        except (IndexError, ValueError):
            raise WordNetError(f"{root / f'data.{pos}'}:{n}: not a WordNet synset line") from None
        out[offset] = (lex, words)
    return out


def read_index(root: Path, pos: str) -> Iterator[tuple[str, list[int]]]:
    """(lemma, its synset offsets, most frequent sense first) of index.<pos>."""
    for n, line in _lines(root / f"index.{pos}"):
        parts = line.split()
        try:
            p_cnt = int(parts[3])
            sense_cnt = int(parts[4 + p_cnt])
            offsets = [int(x) for x in parts[6 + p_cnt : 6 + p_cnt + sense_cnt]]
        except (IndexError, ValueError):
            raise WordNetError(f"{root / f'index.{pos}'}:{n}: not a WordNet index line") from None
        yield parts[0].lower(), offsets


def read_counts(root: Path) -> dict[tuple[str, str, int], int]:
    """(lemma, part of speech letter, sense number) -> times tagged in WordNet's sense-tagged texts."""
    out: dict[tuple[str, str, int], int] = {}
    path = root / "cntlist.rev"
    if not path.is_file():
        return out  # without counts, only first senses are kept
    for _n, line in _lines(path):
        parts = line.split()
        if len(parts) != 3 or "%" not in parts[0]:
            continue
        lemma, rest = parts[0].split("%", 1)
        pos = SENSE_NUMBER_POS.get(rest[:1])
        if pos and parts[1].isdigit() and parts[2].isdigit():
            key = (lemma.lower(), pos, int(parts[1]))
            out[key] = out.get(key, 0) + int(parts[2])
    return out


def compile_thesaurus(
    root: Path, sense_share: float = SENSE_SHARE, max_synonyms: int = MAX_SYNONYMS
) -> dict[str, list[str]]:
    """word -> its close synonyms (single words), from the WordNet files in `root`."""
    counts = read_counts(root)
    senses: dict[str, list[tuple[str, int, int]]] = {}  # lemma -> (pos letter, sense number, offset)
    synsets: dict[str, dict[int, tuple[int, list[str]]]] = {}
    for name, letter in POS.items():
        synsets[letter] = read_synsets(root, name)
        for lemma, offsets in read_index(root, name):
            if _WORD.match(lemma):
                senses.setdefault(lemma, []).extend((letter, k, o) for k, o in enumerate(offsets, 1))
    out: dict[str, list[str]] = {}
    for lemma, mine in senses.items():
        # The senses people mean most: tagged at least `sense_share` as often as the lemma's most
        # tagged sense in any part of speech ("fix" the verb, not the noun); untagged: first senses.
        top = max(counts.get((lemma, p, k), 0) for p, k, _ in mine)
        syns: list[str] = []
        for p, k, offset in mine:
            n = counts.get((lemma, p, k), 0)
            if (n < sense_share * top or not n) if top else k > 1:
                continue
            lex, members = synsets[p].get(offset, (-1, []))
            if lex in SKIP_TOPICS or lex < 0:
                continue
            syns += [w for w in members if w != lemma and _WORD.match(w) and w not in syns]
        if syns:
            out[lemma] = syns
    return {w: s[:max_synonyms] for w, s in sorted(out.items())}


def write(thesaurus: dict[str, list[str]], out: Path) -> int:
    """Write the gzipped thesaurus (reproducible bytes: no time stamp); return its size."""
    text = HEADER + "".join(f"{w}\t{' '.join(s)}\n" for w, s in thesaurus.items())
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.encode("utf-8"))
    tmp.replace(out)
    return out.stat().st_size


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wordnet", type=Path, default=DEFAULT_WORDNET, help="folder of WordNet 3.0's dict files")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(list(argv) if argv is not None else None)
    try:
        th = compile_thesaurus(args.wordnet)
    except WordNetError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return 1
    size = write(th, args.out)
    print(f"{args.out}: {len(th)} words, {sum(map(len, th.values()))} synonyms, {size / 1024:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
