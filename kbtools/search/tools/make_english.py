"""Compile the English word list (`kbtools/search/english.txt.gz`) from WordNet 3.0's data files.

Owns: reading WordNet's `index.*` (base forms) and `*.exc` (irregular inflections) files directly
(Debian's `wordnet-base` puts them in /usr/share/wordnet) and keeping single lower-case ASCII
words of 3 to 20 letters, one a line, sorted. Used at development time only: the build reads the
compiled file (package data). Does not own: which of these words a KB lacks (`english.py`) or
what the engines do with them (README "Precision").

    python -m kbtools.search.tools.make_english [--wordnet /usr/share/wordnet] [--out FILE]
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from pathlib import Path

from .make_thesaurus import DEFAULT_WORDNET, POS

OUT = Path(__file__).resolve().parent.parent / "english.txt.gz"
_WORD = re.compile(r"^[a-z]{3,20}$")


def words(wordnet: Path) -> list[str]:
    out: set[str] = set()
    for pos in POS:
        for line in (wordnet / f"index.{pos}").read_text("utf-8").splitlines():
            if line and not line.startswith(" "):
                w = line.split(" ", 1)[0]
                if _WORD.match(w):
                    out.add(w)
        for line in (wordnet / f"{pos}.exc").read_text("utf-8").splitlines():
            out.update(w for w in line.split() if _WORD.match(w))
    return sorted(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wordnet", type=Path, default=DEFAULT_WORDNET)
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    if not (a.wordnet / "index.noun").is_file():
        print(f"{a.wordnet}: no WordNet data files here (apt-get install wordnet-base)", file=sys.stderr)
        return 1
    ws = words(a.wordnet)
    head = "# English words (WordNet 3.0 base forms and irregular inflections); kbtools/search/tools/make_english.py\n"
    # mtime=0: the same words give the same bytes.
    a.out.write_bytes(gzip.compress((head + "\n".join(ws) + "\n").encode("utf-8"), mtime=0))
    print(f"{a.out}: {len(ws)} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
