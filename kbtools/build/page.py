"""What an article page's template gets, and the page text the theme prints unescaped.

`context_for` builds the `kb` template variable (`partials/content.html` reads it): the
article, its type label, product names for the "applies to" badges, related articles
(computed once, from content), the feedback endpoint, the request page and the date the
article was last updated. `escape_theme_text` escapes, once, the page strings that
mkdocs-material prints raw (`<title>`, the header, the sidebar): the title, description and
subtitle a writer supplies.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import time
from dataclasses import dataclass, field
from typing import Any

from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kbcore.lifecycle import Product

from ..articles import TYPES, Article
from ..related import RelatedIndex
from .listings import is_landing

log = logging.getLogger("mkdocs.plugins.kb")
THEME_KEYS = ("title", "description", "subtitle")


def escape_theme_text(page: Page) -> None:
    for key in THEME_KEYS:
        if isinstance(page.meta.get(key), str):
            page.meta[key] = html.escape(page.meta[key])
    if "title" not in page.meta and page.title:
        page.title = html.escape(page.title)  # MkDocs allows setting it


@dataclass
class PageContext:
    by_id: dict[str, Article]
    products: dict[str, Product]
    files: Files
    related_count: int
    feedback_endpoint: str
    request_page: str
    # Related lists: every one computed at once (a build), or, in the incremental preview
    # (`on_demand`), each rendered page's computed afresh from the kept-up-to-date index and
    # the others kept from the previous build until the background work recomputes them.
    rows: dict[str, list[str]] | None = None
    index: RelatedIndex | None = None
    bags: dict[str, Any] = field(default_factory=dict)  # term bags by source path, across builds
    on_demand: bool = False
    fresh: set[str] = field(default_factory=set)  # ids whose row is computed for this build
    # Keep the index (and its term bags) once every list is computed: only the preview updates it
    # later; a build lets it go (at 10,000 articles 563 -> 546 MB peak, bench/README.md).
    keep_index: bool = True

    def related_index(self) -> RelatedIndex:
        if self.index is None:
            published = [a for a in self.by_id.values() if a.published and not is_landing(a.src_uri)]
            self.index = RelatedIndex(published, self.related_count, self.bags, updatable=self.keep_index)
        return self.index

    def related(self, art: Article) -> list[dict[str, str]]:
        if self.rows is None:  # first article page: once per build, after every page is read
            t0 = time.monotonic()
            index = self.related_index()
            self.rows = {} if self.on_demand else index.rows()
            log.info(f"kb: related articles for {index.n} articles in {time.monotonic() - t0:.1f} s")
            if not (self.on_demand or self.keep_index):
                self.index = None  # built with updatable=False: it kept no bags either
        if self.on_demand and art.id not in self.fresh:
            index = self.related_index()
            at = index.position.get(art.src_uri)
            self.rows[art.id] = index.row(at) if at is not None and index.articles[at] is art else []
            self.fresh.add(art.id)
        out = []
        for rid in self.rows.get(art.id, []):
            other = self.by_id.get(rid)
            f = self.files.get_file_from_path(other.src_uri) if other is not None else None
            if other is not None and f is not None and f.inclusion.is_in_nav():
                out.append({"title": other.title, "url": f.url, "type": TYPES[other.type]})
        return out

    def context_for(self, page: Page, art: Article | None) -> dict[str, Any]:
        return {
            "article": art,
            "type_label": TYPES.get(art.type, "") if art else "",
            "product_names": {pid: p.name for pid, p in self.products.items()},
            "related": self.related(art) if art else [],
            "feedback_endpoint": self.feedback_endpoint,
            "request_page": self.request_page,
            "is_landing": bool(art and is_landing(art.src_uri)),
            "updated": (art.updated.isoformat() if art and art.updated else _mtime(page)),
        }


def _mtime(page: Page) -> str:
    try:
        return dt.date.fromtimestamp(os.path.getmtime(page.file.abs_src_path or "")).isoformat()
    except (OSError, TypeError, ValueError):
        return ""
