"""The wizard's JS and CSS as published: without comments and indentation.

The source modules carry JSDoc types (for `tsc --checkJs`) and comments that say why; the
browser needs neither, and they were a third of the wizard's gzipped weight. This is not a
build step the code needs (the modules run as written, under node in the tests too): the
plugin only leaves out, when it publishes them, lines that are wholly comments and leading
whitespace. A line that is code is kept whole, so nothing inside a string or a regular
expression is ever touched. Multi-line template literals are not used in the wizard (their
indentation would be text).
"""

from __future__ import annotations

import re
from pathlib import Path

_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def slim_js(text: str) -> str:
    out: list[str] = []
    in_block = False
    for raw in text.splitlines():
        line = raw.strip()
        if in_block:
            if "*/" in line:
                in_block = False
                line = line.split("*/", 1)[1].strip()
                if line:
                    out.append(line)
            continue
        if line.startswith("//") or not line:
            continue
        if line.startswith("/*"):
            if "*/" not in line:
                in_block = True
                continue
            line = line.split("*/", 1)[1].strip()  # `/** @type {X} */ (expr)`: keep the code
            if not line:
                continue
        out.append(line)
    return "\n".join(out) + "\n"


def slim_css(text: str) -> str:
    return "\n".join(line.strip() for line in _CSS_COMMENT.sub("", text).splitlines() if line.strip()) + "\n"


def slim_folder(folder: Path) -> None:
    """Rewrite every .js and .css file below `folder` slimmed (the site's copies, never the "
    "sources)."""
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".js":
            path.write_text(slim_js(path.read_text(encoding="utf-8")), encoding="utf-8")
        elif path.suffix == ".css":
            path.write_text(slim_css(path.read_text(encoding="utf-8")), encoding="utf-8")
