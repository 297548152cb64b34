"""Split a Markdown file into YAML front matter and body, keeping line numbers.

Only parsing lives here; what the keys mean is `kbtools.articles`. Values come back with
the line each top-level key sits on, so every later check can point at `file:line`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kbcore import yamlines
from kbcore.problems import Problem

_FENCE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)


@dataclass
class FrontMatter:
    data: dict[str, Any]
    key_lines: dict[str, int]
    body: str
    body_line: int  # 1-based line of the body's first line in the file
    present: bool
    problems: list[Problem] = field(default_factory=list)


def decode(raw: bytes, path: str) -> tuple[str, list[Problem]]:
    """Decode UTF-8; an invalid byte becomes a problem at its line, and U+FFFD in the text."""
    try:
        return raw.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        text = raw.decode("utf-8-sig", errors="replace")
        return text, [
            Problem(
                path,
                line,
                "KB101",
                f"invalid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save the file as UTF-8",
            )
        ]


def parse(text: str, path: str) -> FrontMatter:
    """Parse front matter. A malformed block is a problem, never an exception."""
    m = _FENCE.match(text)
    if not m:
        if text.startswith("---\n") or text.startswith("---\r\n"):
            return FrontMatter(
                {},
                {},
                text,
                1,
                True,
                [Problem(path, 1, "KB102", "front matter starts with '---' but has no closing '---' line")],
            )
        return FrontMatter({}, {}, text, 1, False)
    block = m.group(1) or ""
    body = text[m.end() :]
    body_line = text[: m.end()].count("\n") + 1
    # The block starts on the file's line 2, after the opening '---'. No aliases: a front
    # matter block is a few keys, and `*x` expansion is how a tiny file eats gigabytes.
    loaded = yamlines.load(
        block, path, code="KB102", first_line=2, what="front matter", invalid="malformed front matter"
    )
    if loaded.data is None:
        return FrontMatter({}, {}, body, body_line, True, loaded.problems)
    data = loaded.data
    if not isinstance(data, dict):
        return FrontMatter(
            {},
            {},
            body,
            body_line,
            True,
            [
                Problem(
                    path, 2, "KB102", f"front matter must be a mapping of keys to values, not a {type(data).__name__}"
                )
            ],
        )
    key_lines = {str(p[0]): line for p, line in loaded.lines.items() if len(p) == 1}
    return FrontMatter(data, key_lines, body, body_line, True, loaded.problems)
