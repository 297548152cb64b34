"""Synonym groups: words customers use for the same thing, as the engines expand them.

Owns: reading a synonyms file (one comma-separated group of single words a line, `#` comments)
into term -> [its synonyms' terms], the package's own list (`synonyms.txt`, support words any
KB may use) merged with a KB's own file (the `synonyms` option of `kb-search`: product names,
the KB's jargon), and the errors a writer gets for a bad line: file, line, the word and what to
do. Does not own: analysis (`analysis.py`), how the engines weigh a synonym (`ranking.synonym`)
or where the result is stored (`export.py`: the manifest's `synonyms`).
"""

from __future__ import annotations

from pathlib import Path

from .analysis import analyze, words

PACKAGE = Path(__file__).with_name("synonyms.txt")
MAX_BYTES = 256 * 1024  # a KB's file: a few hundred groups, not a dictionary
MAX_GROUP = 32  # words per group


class SynonymsError(ValueError):
    """A synonyms file a writer must fix: every problem, each with its file and line."""


def read(path: Path, label: str | None = None) -> list[list[str]]:
    """The groups of a synonyms file, as index terms; every problem raised at once."""
    name = label or str(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SynonymsError(f"{name}: more than {MAX_BYTES // 1024} kB; it lists groups, not a dictionary")
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise SynonymsError(f"{name}: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise SynonymsError(f"{name}: cannot be read ({exc.strerror})") from None
    groups, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        where = f"{name}:{number}"
        entries = [e.strip() for e in line.split(",")]
        terms: list[str] = []
        for entry in entries:
            if not entry:
                problems.append(f"{where}: an empty entry (two commas, or a comma at an end)")
            elif len(words(entry)) != 1 or len(entry.split()) != 1:
                problems.append(
                    f"{where}: {entry!r} is not one word; a group lists single words "
                    "(a hyphenated word such as sign-in is one)"
                )
            else:
                analyzed = [t for t, _ in analyze(entry)]
                if not analyzed:
                    problems.append(f"{where}: {entry!r} is a stop word: search ignores it, so it cannot be a synonym")
                elif analyzed[0] not in terms:
                    terms.append(analyzed[0])  # a compound's whole token comes first
        if len(entries) > MAX_GROUP:
            problems.append(f"{where}: {len(entries)} words; a group has at most {MAX_GROUP}")
        elif len(terms) < 2 and len(entries) == sum(1 for e in entries if e):
            problems.append(f"{where}: a group needs two or more different words, separated by commas")
        groups.append(terms)
    if problems:
        raise SynonymsError("; ".join(problems))
    return groups


def merge(*lists: list[list[str]]) -> dict[str, list[str]]:
    """term -> the terms of every group it is in (first seen first)."""
    out: dict[str, list[str]] = {}
    for groups in lists:
        for terms in groups:
            for t in terms:
                have = out.setdefault(t, [])
                have += [o for o in terms if o != t and o not in have]
    return out


def load(kb_file: Path | None = None, label: str | None = None) -> dict[str, list[str]]:
    """The package's groups, and the KB's own file's if it has one."""
    return merge(read(PACKAGE), read(kb_file, label) if kb_file is not None else [])
