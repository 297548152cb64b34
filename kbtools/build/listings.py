"""Category and section landing pages, and the blocks that list articles.

Every folder of articles gets a landing page (generated unless the writer wrote an
`index.md`) that lists its subsections and articles; long sections are paginated
(`section_page_size`) so no page grows with the KB. Blocks: `kb:section-listing` (a landing
page's list), `kb:categories` (the home page's categories), `kb:promoted` (articles with
`promoted: true`). Markup: the `kb/*.html` templates (`fragments.py`).
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel

from kbcore.lifecycle import Product

from ..articles import TYPES, Article
from ..urls import target_url
from .fragments import Fragments

PAGE_PREFIX = "kb-page-"  # continuation pages of a long section listing: <folder>/kb-page-2/


def is_landing(src_uri: str) -> bool:
    return posixpath.splitext(posixpath.basename(src_uri))[0] in ("index", "README")


@dataclass
class Listings:
    articles: dict[str, Article]
    products: dict[str, Product]
    page_size: int
    fragments: Fragments
    show_drafts: bool = False

    def __post_init__(self) -> None:
        # String operations, not PurePosixPath: the preview makes this again after every save.
        self.folders: dict[str, list[Article]] = {}
        for art in self.articles.values():
            if not art.published and not (self.show_drafts and art.status == "draft"):
                continue
            parent = posixpath.dirname(art.src_uri)
            if is_landing(art.src_uri):
                if "/" not in art.src_uri:
                    continue  # the home page lists categories, not itself
                parent = posixpath.dirname(parent)
            self.folders.setdefault(parent or ".", []).append(art)
            while "/" in parent:  # every ancestor gets a landing page
                parent = posixpath.dirname(parent)
                self.folders.setdefault(parent, [])
        for arts in self.folders.values():
            arts.sort(key=lambda a: a.title.lower())

    def replace(self, old: Article, new: Article) -> None:
        """Take the new version of an article whose status did not change (the preview)."""
        self.articles[new.src_uri] = new
        for arts in self.folders.values():
            for k, art in enumerate(arts):
                if art is old:
                    arts[k] = new
                    if new.title != old.title:
                        arts.sort(key=lambda a: a.title.lower())
                    return

    # ----- titles and counts --------------------------------------------------------------
    def title(self, folder: str) -> str:
        """A folder's title: its index article's, else the product it is named after (the
        product's own spelling), else the folder name with its first letter capitalised."""
        idx = self.articles.get(f"{folder}/index.md") or self.articles.get(f"{folder}/README.md")
        if idx is not None:
            return idx.title
        name = PurePosixPath(folder).name
        if name in self.products:
            return self.products[name].name
        return name.replace("-", " ").replace("_", " ").capitalize()

    def count(self, folder: str) -> int:
        return sum(len(v) for k, v in self.folders.items() if k == folder or k.startswith(folder + "/"))

    def pages(self, folder: str) -> int:
        return max(1, -(-len(self.folders.get(folder, [])) // self.page_size))

    # ----- generated files ------------------------------------------------------------------
    def add_pages(self, files: Files, config: MkDocsConfig) -> None:
        """A landing page for every folder without one, and the continuation pages."""
        present = {f.src_uri for f in files.documentation_pages()}
        for uri, content in self.generated(present).items():
            inclusion = (
                InclusionLevel.NOT_IN_NAV
                if PurePosixPath(uri).stem.startswith(PAGE_PREFIX)
                else InclusionLevel.UNDEFINED
            )
            files.append(File.generated(config, uri, content=content, inclusion=inclusion))

    def generated(self, present: set[str] | None = None) -> dict[str, str]:
        """The pages `add_pages` makes: source path -> Markdown. `present`: the documentation
        pages of the build (default: the articles), whose folders have a landing page."""
        present = set(self.articles) if present is None else present
        out: dict[str, str] = {}
        for folder in sorted(self.folders):
            if folder == ".":
                continue
            title, pages = self.title(folder), self.pages(folder)
            for k in range(2, pages + 1):
                out[f"{folder}/{PAGE_PREFIX}{k}.md"] = _page(f"{title} (page {k} of {pages})")
            if f"{folder}/index.md" not in present and f"{folder}/README.md" not in present:
                out[f"{folder}/index.md"] = _page(title)
        return out

    # ----- blocks -------------------------------------------------------------------------------
    def section_listing(self, src_uri: str) -> str:
        src = PurePosixPath(src_uri)
        folder = str(src.parent)
        every = self.folders.get(folder, [])
        pages = self.pages(folder)
        k = int(src.stem[len(PAGE_PREFIX) :]) if src.stem.startswith(PAGE_PREFIX) else 1
        up = "../" if k > 1 else ""  # a page-k listing lives one folder deeper
        subsections: list[dict[str, Any]] = []
        if k == 1:
            for sub in sorted(f for f in self.folders if str(PurePosixPath(f).parent) == folder and f != folder):
                subsections.append(
                    {"href": PurePosixPath(sub).name + "/", "title": self.title(sub), "count": self.count(sub)}
                )
        articles = []
        for a in every[(k - 1) * self.page_size : k * self.page_size]:
            rel = PurePosixPath(a.src_uri).relative_to(folder) if folder != "." else PurePosixPath(a.src_uri)
            articles.append(
                {
                    "href": up + str(rel.with_suffix("")) + "/",
                    "title": a.title,
                    "type_label": TYPES[a.type],
                    "description": a.description,
                }
            )

        def href(n: int) -> str:
            return (up + ("" if n == 1 else f"{PAGE_PREFIX}{n}/")) or "./"

        return self.fragments.render(
            "listing.html",
            title=self.title(folder),
            page_number=k,
            pages=pages,
            total=len(every),
            subsections=subsections,
            articles=articles,
            prev_href=href(k - 1),
            next_href=href(k + 1),
        )

    def categories(self, src_uri: str) -> str:
        up = _up(src_uri)
        tops = sorted(k for k in self.folders if "/" not in k and k != ".")
        rows = []
        for folder in tops:
            idx = self.articles.get(f"{folder}/index.md")
            rows.append(
                {
                    "href": f"{up}{folder}/",
                    "title": self.title(folder),
                    "count": self.count(folder),
                    "description": idx.description if idx else "",
                }
            )
        return self.fragments.render("categories.html", categories=rows)

    def promoted(self, src_uri: str) -> str:
        up = _up(src_uri)
        rows = [
            {"href": up + target_url(a.src_uri, True), "title": a.title, "description": a.description}
            for a in sorted(self.articles.values(), key=lambda a: a.title.lower())
            if a.published and getattr(a, "promoted", False)
        ]
        return self.fragments.render("promoted.html", articles=rows)


def _up(src_uri: str) -> str:
    """From a page's address back to the site root (directory URLs)."""
    return "../" * target_url(src_uri, True).count("/")


def _page(title: str) -> str:
    # The title travels as a JSON string (valid YAML): no folder or index title can add keys.
    return (
        f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\ntype: documentation\n---\n<!-- kb:section-listing -->\n"
    )
