"""Which pages a change shows on besides its own: the sidebar and breadcrumbs of other pages.

Owns: a page's navigation signature, the part of a page's HTML that comes from other pages
(every list of the sidebar along its path, windowed as `navigation.Window` shows it, each
entry's title, address, icon and subtitle and the first page a collapsed section links to;
the breadcrumbs; the previous/next links in the head). Two builds render a page's sidebar the
same when its signatures are equal, so the preview re-renders exactly the pages whose
signature changed. A `Look` lets the signature be taken as it was before a page was read
again (its old title). Does not own: listings, related articles or redirects (`preview.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from .navigation import window

# (title, icon, subtitle, status) of a navigation entry, as the theme prints it.
Face = tuple[Any, ...]
Look = Callable[[Any], Face]


def face(item: Any) -> Face:
    meta = getattr(item, "meta", None) or {}
    return (item.title, meta.get("icon"), meta.get("subtitle"), meta.get("status"))


def _entry(item: Any, look: Look) -> tuple[Any, ...]:
    if isinstance(item, Page):
        return ("page", item.url, *look(item))
    kids = getattr(item, "children", None)
    if kids is None:  # a link
        return ("link", item.url, item.title)
    index = next((k for k in kids if isinstance(k, Page) and k.is_index), None)
    first = kids[0] if kids else None
    while first is not None and getattr(first, "children", None):
        first = first.children[0]  # a collapsed section links to its first page
    # The theme only tells 0, 1 and more children apart (an expand icon, a toggle).
    return (
        "section",
        *look(item),
        min(len(kids), 2),
        index.url if index else None,
        look(index) if index else None,
        getattr(first, "url", None),
    )


def signature(page: Page, nav: Navigation, size: int, look: Look = face) -> tuple[Any, ...]:
    path: list[Any] = []
    node: Any = page
    while node is not None:
        path.append(node)
        node = node.parent
    owners: list[tuple[list[Any], Any]] = [(nav.items, path[-1])]
    for section in reversed(path[1:]):
        owners.append((section.children, None))
    parts: list[Any] = []
    for kids, _ in owners:
        idx = next((i for i, k in enumerate(kids) if k is page or any(k is p for p in path)), 0)
        shown = window(kids, idx, size)
        parts.append(tuple(_entry(k, look) for k in shown))
        parts.append(next((i for i, k in enumerate(shown) if any(k is p for p in path)), -1))
    crumbs = []
    for anc in page.ancestors:
        first = anc.children[0] if isinstance(anc, Section) and anc.children else None
        link = first.url if isinstance(first, Page) and first.is_index else None
        crumbs.append((look(anc)[0], link))
    prev, nxt = page.previous_page, page.next_page
    parts.append((tuple(crumbs), prev.url if prev else None, nxt.url if nxt else None))
    return tuple(parts)


def pages_under(container: Any, nav: Navigation) -> Iterator[Page]:
    """The pages in the navigation below `container` (a section, or `nav` for all of them)."""
    stack = list(container.items if container is nav else container.children or [])
    while stack:
        item = stack.pop()
        if isinstance(item, Page):
            yield item
        elif getattr(item, "children", None):
            stack.extend(item.children)
