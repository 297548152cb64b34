"""Generated blocks inside Markdown: `<!-- kb:NAME -->` replaced at build time.

A page that must not drift from data (the lifecycle table, the policy's severity
matrix) holds a marker; the plugin that owns the data registers a renderer for it.
"""

from __future__ import annotations

import re
from typing import Callable

Renderer = Callable[[], str]
_MARKER = re.compile(r"<!--\s*kb:([a-z0-9-]+)\s*-->")
_renderers: dict[str, Renderer] = {}


def register(name: str, render: Renderer) -> None:
    """Register (or, on a rebuild under `mkdocs serve`, replace) the renderer of a block.

    Plugins register in their `on_config`, in any order; nothing clears the registry, so one
    plugin cannot drop another's blocks."""
    _renderers[name] = render


def known() -> list[str]:
    return sorted(_renderers)


def expand(markdown: str, where: str) -> str:
    """Replace every marker; an unknown one raises KeyError naming the block and page."""
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in _renderers:
            raise KeyError(f"{where}: unknown generated block 'kb:{name}' (known: {', '.join(known()) or 'none'})")
        return _renderers[name]()

    return _MARKER.sub(sub, markdown)
