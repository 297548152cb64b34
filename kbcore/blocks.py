"""Generated blocks inside Markdown: `<!-- kb:NAME -->` replaced at build time.

A page that must not drift from data (the lifecycle table, the policy's severity matrix, a
section's listing) holds a marker; the plugin that owns the data registers a renderer in the
build's `Blocks` (one per build, on the build context), and the `kb` plugin expands markers
while it reads each page. A renderer gets the page's source path (a listing depends on it).
"""

from __future__ import annotations

import re
from collections.abc import Callable

Renderer = Callable[[str], str]
_MARKER = re.compile(r"<!--\s*kb:([a-z0-9-]+)\s*-->")


class UnknownBlock(KeyError):
    """A marker no plugin renders; `str()` names the block and the page."""

    def __str__(self) -> str:
        return str(self.args[0])


class Blocks:
    def __init__(self) -> None:
        self._renderers: dict[str, Renderer] = {}

    def register(self, name: str, render: Renderer) -> None:
        self._renderers[name] = render

    def known(self) -> list[str]:
        return sorted(self._renderers)

    def expand(self, markdown: str, src_uri: str) -> str:
        """Replace every marker; an unknown one raises UnknownBlock naming the block and page."""
        if "<!--" not in markdown:
            return markdown

        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name not in self._renderers:
                raise UnknownBlock(
                    f"{src_uri}: unknown generated block 'kb:{name}' (known: {', '.join(self.known()) or 'none'})"
                )
            return self._renderers[name](src_uri)

        return _MARKER.sub(sub, markdown)
