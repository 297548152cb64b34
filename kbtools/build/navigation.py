"""The sidebar: section titles from data, and a window around the current page.

mkdocs-material prints navigation titles without escaping, so every section title set here
is escaped once (a folder or index title is writer-supplied text). A section is titled by its
index article, else by the product it is named after, else by its folder name.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page


def title_sections(nav: Navigation, folder_title: Callable[[str], str]) -> None:
    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, Section):
                folder = _folder_of(item)
                if folder is not None:
                    item.title = html.escape(folder_title(folder))
                else:
                    item.title = html.escape(item.title or "")
                walk(item.children)

    walk(nav.items)


def _folder_of(section: Section) -> str | None:
    """The folder a section stands for: the parent folder of its first page, at its depth."""
    depth = 0
    node: Any = section
    while node is not None:
        depth += 1
        node = node.parent
    for child in section.children:
        if isinstance(child, Page):
            parts = child.file.src_uri.split("/")[:-1]
            return "/".join(parts[:depth]) if len(parts) >= depth else None
        if isinstance(child, Section):
            inner = _folder_of(child)
            return "/".join(inner.split("/")[:depth]) if inner else None
    return None


class Window:
    """Cap every list on the page's path in the sidebar (the top level included) to `size`
    entries around the active one, so a page never carries the whole KB; `restore` puts the
    full lists back once the page is rendered."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._saved: list[tuple[Any, str, list[Any]]] = []

    def apply(self, page: Page, nav: Navigation) -> None:
        lists: list[tuple[Any, str]] = []
        parent = page.parent
        while parent is not None:
            lists.append((parent, "children"))
            parent = parent.parent
        lists.append((nav, "items"))
        for owner, attr in lists:
            kids = getattr(owner, attr)
            if len(kids) <= self.size:
                continue
            idx = next((i for i, k in enumerate(kids) if k is page or getattr(k, "active", False)), 0)
            self._saved.append((owner, attr, kids))
            setattr(owner, attr, window(kids, idx, self.size))

    def restore(self) -> None:
        for owner, attr, kids in self._saved:
            setattr(owner, attr, kids)
        self._saved = []


def window(kids: list[Any], idx: int, size: int) -> list[Any]:
    """The `size` entries of a navigation list shown around entry `idx` (the active one)."""
    if len(kids) <= size:
        return kids
    lo = max(0, min(idx - size // 2, len(kids) - size))
    shown = kids[lo : lo + size]
    if kids[0] not in shown and getattr(kids[0], "is_index", False):
        shown = [kids[0]] + shown[1:]  # keep the section's own landing page
    return shown
