"""The `kb` MkDocs plugin: articles in, a help-center site out.

Responsibilities, in build order:
- `on_config`: validate our options, load the product lifecycle, add our templates,
  and point the build at a staging folder so a failed build never touches the old site;
- `on_files`: read and check every article (all problems in one run), drop drafts from
  production builds, generate the missing category/section landing pages;
- `on_page_markdown`: expand generated blocks (`<!-- kb:lifecycle -->`);
- `on_page_context`: give the article template its breadcrumbs, badges, related articles,
  and a navigation bounded by the page's own section;
- `on_post_build`: write alias redirects, then swap the staging folder into place.
Search and the intake wizard are separate plugins that read `page.kb_article`.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
import time
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page

from . import blocks, lifecycle_page
from .articles import TYPES, Article, load_article
from kbcore.problems import Problem
from .lint import checks as lint_checks
from .related import related_articles

log = logging.getLogger("mkdocs.plugins.kb")
PAGE_PREFIX = "kb-page-"  # generated continuation pages of a long section listing
BUILD_ERRORS = {"KB201", "KB205"}  # lint errors across articles that also fail a plain build
THEME_DIR = Path(__file__).parent / "theme"


class KbConfig(Config):
    enabled = c.Type(bool, default=True)
    policy_file = c.Optional(c.Type(str))
    feedback_endpoint = c.Type(str, default="")
    request_page = c.Type(str, default="request/")
    related_count = c.Type(int, default=5)
    nav_window = c.Type(int, default=25)
    section_page_size = c.Type(int, default=200)
    show_drafts = c.Optional(c.Type(bool))  # default: in `mkdocs serve` only


class _CountWarnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class KbPlugin(BasePlugin[KbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self._reset()

    def _reset(self) -> None:
        self.articles: dict[str, Article] = {}  # by src_uri
        self.by_id: dict[str, Article] = {}
        self.products: dict[str, Any] = {}
        self.related: dict[str, list[str]] | None = None
        self.real_site_dir: str | None = None
        self.staging_dir: str | None = None
        self.warnings: _CountWarnings | None = None
        self.section_listing: dict[str, list[Article]] = {}
        self.built = 0
        self.total = 0
        self.started = time.monotonic()

    # ----- config ---------------------------------------------------------------------
    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self._reset()
        self.show_drafts = self.config.show_drafts if self.config.show_drafts is not None else self.command == "serve"
        if str(THEME_DIR) not in config.theme.dirs:  # `mkdocs serve` may reuse the config
            config.theme.dirs.insert(0, str(THEME_DIR))
        self.products = self._load_products(config)
        blocks.register("lifecycle", lambda: lifecycle_page.render(self.products))
        blocks.register("categories", self._categories)
        if self.command in ("build", "gh-deploy"):
            self._stage(config)
        if config.strict:
            self.warnings = _CountWarnings()
            logging.getLogger("mkdocs").addHandler(self.warnings)
        return config

    def _load_products(self, config: MkDocsConfig) -> dict[str, Any]:
        if not self.config.policy_file:
            return {}
        from intake.lifecycle import load_products

        path = Path(config.config_file_path or ".").parent / self.config.policy_file
        try:
            return load_products(path)
        except FileNotFoundError:
            raise PluginError(f"{self.config.policy_file}: policy file not found (plugins.kb.policy_file in mkdocs.yml)")
        except Exception as exc:
            # The policy's own checks say what is wrong, at file:line; fall back to the bare error.
            from intake.checks import check_policy

            try:
                problems = [p for p in check_policy(path, display=self.config.policy_file) if p.severity == "error"]
            except Exception:
                problems = []
            if problems:
                raise PluginError(f"{len(problems)} error(s) in the policy file; nothing was written:\n" + "\n".join(map(str, problems)))
            raise PluginError(f"{self.config.policy_file}: cannot read products: {exc!r}")

    def _stage(self, config: MkDocsConfig) -> None:
        # Build into a sibling folder and swap it in only when the whole build succeeded.
        self.real_site_dir = config.site_dir
        self.staging_dir = f"{config.site_dir.rstrip(os.sep)}.kb-staging-{os.getpid()}"
        shutil.rmtree(self.staging_dir, ignore_errors=True)
        config.site_dir = self.staging_dir

    # ----- files: read and check every article ------------------------------------------
    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        problems: list[Problem] = []
        t0 = time.monotonic()
        versions = {pid: [v.version for v in p.versions] for pid, p in self.products.items()} if self.products else None
        for f in files.documentation_pages():
            try:
                raw = Path(f.abs_src_path).read_bytes() if f.abs_src_path else f.content_bytes
            except OSError as exc:
                problems.append(Problem(f.src_uri, 1, "KB100", f"cannot read: {exc.strerror}"))
                continue
            art = load_article(f.src_uri, raw, versions)
            problems += art.problems
            self.articles[f.src_uri] = art
            if art.status == "draft":
                f.inclusion = InclusionLevel.DRAFT if not self.show_drafts else InclusionLevel.NOT_IN_NAV
            elif art.status == "archived":
                f.inclusion = InclusionLevel.NOT_IN_NAV
        # Across articles: the same checks as `kb lint` (ids, links, anchors, images), so a build
        # fails on exactly what lint calls an error, each at its file:line.
        kb = lint_checks.Kb(
            self.articles,
            assets={f.src_uri for f in files if not f.is_documentation_page()},
            folders={str(a) for u in self.articles for a in PurePosixPath(u).parents},
        )
        problems += lint_checks.duplicates(kb)
        for p in lint_checks.links(kb)[0]:
            if p.severity == "error" and p.code not in BUILD_ERRORS:
                # A broken link or anchor is a warning in a build (as in MkDocs; --strict fails on
                # it), so a KB nobody here wrote still builds; a missing image is an error.
                log.warning(str(p))
            else:
                problems.append(p)
        self.by_id = {}
        for art in sorted(self.articles.values(), key=lambda a: a.src_uri):  # first in path order keeps the id
            self.by_id.setdefault(art.id, art)
        errors = [p for p in problems if p.severity == "error"]
        warnings = len(problems) - len(errors)
        if errors:
            raise PluginError(
                f"{len(errors)} error(s) in the articles; nothing was written:\n"
                + "\n".join(str(p) for p in sorted(problems) if p.severity == "error")
            )
        log.info(f"kb: read and checked {len(self.articles)} articles in {time.monotonic() - t0:.1f} s")
        if warnings:
            log.info(f"kb: {warnings} lint warning(s); run `kb lint` to see them")
        self._add_section_pages(files, config)
        self.files = files
        self.total = len(files.documentation_pages())
        return files

    def _add_section_pages(self, files: Files, config: MkDocsConfig) -> None:
        """Every folder gets a landing page listing its articles (generated unless written)."""
        present = {f.src_uri for f in files.documentation_pages()}
        folders: dict[str, list[Article]] = {}
        for art in self.articles.values():
            if not art.published and not (self.show_drafts and art.status == "draft"):
                continue
            parent = PurePosixPath(art.src_uri).parent
            if PurePosixPath(art.src_uri).stem in ("index", "README"):
                parent = parent.parent if str(parent) != "." else parent
                if art.src_uri.count("/") == 0:
                    continue
            folders.setdefault(str(parent), []).append(art)
            # make sure every ancestor folder exists as a key (so it gets a landing page)
            for anc in list(parent.parents)[:-1]:
                folders.setdefault(str(anc), [])
        for folder, arts in sorted(folders.items()):
            if folder == ".":
                continue
            index = f"{folder}/index.md"
            self.section_listing[folder] = sorted(arts, key=lambda a: a.title.lower())
            title = _folder_title(folder, self.articles)
            # Long sections are paginated so that no page grows with the size of the KB.
            pages = max(1, -(-len(arts) // self.config.section_page_size))
            for k in range(2, pages + 1):
                content = f"---\ntype: documentation\n---\n# {title} (page {k} of {pages})\n\n<!-- kb:section-listing -->\n"
                files.append(File.generated(config, f"{folder}/{PAGE_PREFIX}{k}.md", content=content, inclusion=InclusionLevel.NOT_IN_NAV))
            if index in present or f"{folder}/README.md" in present:
                continue
            content = f"---\ntype: documentation\n---\n# {title}\n\n<!-- kb:section-listing -->\n"
            files.append(File.generated(config, index, content=content))

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if not self.config.enabled:
            return None
        # A section is titled by its index article's title, not its folder name ("faq" -> "FAQ").
        def walk(items) -> None:
            for item in items:
                if isinstance(item, Section):
                    first = item.children[0] if item.children else None
                    if first is not None and getattr(first, "is_index", False):
                        art = self.articles.get(first.file.src_uri)
                        if art is not None:
                            item.title = html.escape(art.title)
                    walk(item.children)

        walk(nav.items)
        return nav

    # ----- pages ------------------------------------------------------------------------
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        art = self.articles.get(page.file.src_uri)
        page.kb_article = art  # type: ignore[attr-defined]  # read by the search/intake plugins
        if "<!-- kb:section-listing" in markdown:
            markdown = markdown.replace("<!-- kb:section-listing -->", self._listing(page))
        try:
            return blocks.expand(markdown, page.file.src_uri)
        except KeyError as exc:
            raise PluginError(str(exc.args[0]))

    def on_page_content(self, html_: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        # mkdocs-material prints page titles unescaped (<title>, nav, tabs): escape them once, here.
        if not self.config.enabled:
            return None
        for key in ("title", "description"):
            if isinstance(page.meta.get(key), str):
                page.meta[key] = html.escape(page.meta[key])
        if "title" not in page.meta and page.title:
            page.title = html.escape(page.title)
        return None

    def _listing(self, page: Page) -> str:
        src = PurePosixPath(page.file.src_uri)
        folder = str(src.parent)
        every = self.section_listing.get(folder, [])
        size = self.config.section_page_size
        pages = max(1, -(-len(every) // size))
        k = int(src.stem[len(PAGE_PREFIX):]) if src.stem.startswith(PAGE_PREFIX) else 1
        up = "../" if k > 1 else ""  # a page-k listing lives one folder deeper
        arts = every[(k - 1) * size: k * size]
        subfolders = sorted(k for k in self.section_listing if str(PurePosixPath(k).parent) == folder) if k == 1 else []
        lines = []
        if subfolders:
            lines.append('<ul class="kb-sections">')
            for sub in subfolders:
                name = PurePosixPath(sub).name
                n = _count_under(self.section_listing, sub)
                title = _folder_title(sub, self.articles)
                lines.append(f'<li><a href="{html.escape(name)}/">{html.escape(title)}</a> <span class="kb-count">{n} article{"s" if n != 1 else ""}</span></li>')
            lines.append("</ul>")
        if arts:
            lines.append('<ul class="kb-listing">')
            for a in arts:
                rel = PurePosixPath(a.src_uri).relative_to(folder) if folder != "." else PurePosixPath(a.src_uri)
                url = up + str(rel.with_suffix("")) + "/"
                desc = f' <span class="kb-listing__desc">{html.escape(a.description)}</span>' if a.description else ""
                lines.append(f'<li><a href="{html.escape(url)}">{html.escape(a.title)}</a> <span class="kb-type">{TYPES[a.type]}</span>{desc}</li>')
            lines.append("</ul>")
        if pages > 1:
            def href(n: int) -> str:
                return (up + ("" if n == 1 else f"{PAGE_PREFIX}{n}/")) or "./"
            lines.append('<nav class="kb-pager" aria-label="Pages of this section">')
            if k > 1:
                lines.append(f'<a rel="prev" href="{href(k - 1)}">‹ Previous</a>')
            lines.append(f'<span>Page {k} of {pages} ({len(every)} articles)</span>')
            if k < pages:
                lines.append(f'<a rel="next" href="{href(k + 1)}">Next ›</a>')
            lines.append("</nav>")
        return "\n".join(lines) + "\n"

    def _categories(self) -> str:
        tops = sorted(k for k in self.section_listing if "/" not in k and k != ".")
        out = ['<ul class="kb-categories">']
        for folder in tops:
            n = _count_under(self.section_listing, folder)
            idx = self.articles.get(f"{folder}/index.md")
            desc = f'<span class="kb-listing__desc">{html.escape(idx.description)}</span>' if idx and idx.description else ""
            out.append(
                f'<li><a href="{html.escape(folder)}/">{html.escape(_folder_title(folder, self.articles))}</a> '
                f'<span class="kb-count">{n} article{"s" if n != 1 else ""}</span>{desc}</li>'
            )
        out.append("</ul>")
        return "\n".join(out) + "\n"

    def on_page_context(self, context: dict, *, page: Page, config: MkDocsConfig, nav: Navigation) -> dict | None:
        if not self.config.enabled:
            return None
        art: Article | None = getattr(page, "kb_article", None)
        if self.related is None:
            published = [a for a in self.by_id.values() if a.published and PurePosixPath(a.src_uri).stem not in ("index", "README")]
            t0 = time.monotonic()
            self.related = related_articles(published, self.config.related_count)
            log.info(f"kb: related articles for {len(published)} articles in {time.monotonic() - t0:.1f} s")
        related = []
        for rid in (self.related.get(art.id, []) if art else []):
            other = self.by_id.get(rid)
            if other is not None:
                f = self.files.get_file_from_path(other.src_uri)
                if f is not None and f.inclusion.is_in_nav():
                    related.append({"title": other.title, "url": f.url, "type": TYPES[other.type]})
        context["kb"] = {
            "article": art,
            "type_label": TYPES.get(art.type, "") if art else "",
            "product_names": {pid: p.name for pid, p in self.products.items()},
            "related": related,
            "feedback_endpoint": self.config.feedback_endpoint,
            "request_page": self.config.request_page,
            "is_landing": bool(art and PurePosixPath(art.src_uri).stem in ("index", "README")),
            "updated": (art.updated.isoformat() if art and art.updated else _mtime(page)),
        }
        self._window_nav(page, nav)
        return context

    def _window_nav(self, page: Page, nav: Navigation) -> None:
        """Cap every list on the page's path in the sidebar (the top level included) to
        `nav_window` entries around the active one: a page never carries the whole KB."""
        self._restore: list[tuple[Any, str, list]] = []
        limit = self.config.nav_window
        lists: list[tuple[Any, str]] = []
        parent = page.parent
        while parent is not None:
            lists.append((parent, "children"))
            parent = parent.parent
        lists.append((nav, "items"))
        for owner, attr in lists:
            kids = getattr(owner, attr)
            if len(kids) <= limit:
                continue
            idx = next((i for i, k in enumerate(kids) if k is page or getattr(k, "active", False)), 0)
            lo = max(0, min(idx - limit // 2, len(kids) - limit))
            window = kids[lo:lo + limit]
            if kids[0] not in window and getattr(kids[0], "is_index", False):
                window = [kids[0]] + window[1:]  # keep the section's own landing page
            self._restore.append((owner, attr, kids))
            setattr(owner, attr, window)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        for owner, attr, kids in getattr(self, "_restore", []):
            setattr(owner, attr, kids)
        self._restore = []
        self.built += 1
        step = max(500, self.total // 10)
        if self.total >= 500 and (self.built % step == 0 or self.built == self.total):
            log.info(f"kb: built {self.built}/{self.total} pages ({time.monotonic() - self.started:.0f} s)")
        return None

    # ----- after the build ----------------------------------------------------------------
    @event_priority(-100)  # last: after every other plugin wrote its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        self._write_redirects(config)
        if self.staging_dir and self.real_site_dir:
            if self.warnings is not None and self.warnings.count:
                return  # strict mode will abort right after us: keep the old site
            old = f"{self.real_site_dir.rstrip(os.sep)}.kb-old-{os.getpid()}"
            if os.path.exists(self.real_site_dir):
                os.replace(self.real_site_dir, old)
            os.replace(self.staging_dir, self.real_site_dir)
            shutil.rmtree(old, ignore_errors=True)
            config.site_dir = self.real_site_dir

    def on_build_error(self, *, error: Exception) -> None:
        if self.staging_dir:
            shutil.rmtree(self.staging_dir, ignore_errors=True)

    def on_shutdown(self) -> None:
        if self.warnings is not None:
            logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.staging_dir and os.path.exists(self.staging_dir):
            shutil.rmtree(self.staging_dir, ignore_errors=True)

    def _write_redirects(self, config: MkDocsConfig) -> None:
        from .redirects import write_redirects

        pairs = []
        for art in self.by_id.values():
            for alias in art.aliases:
                pairs.append((alias, art.src_uri))
        write_redirects(pairs, config.site_dir, config.use_directory_urls)


def _mtime(page: Page) -> str:
    try:
        import datetime as dt

        return dt.date.fromtimestamp(os.path.getmtime(page.file.abs_src_path)).isoformat()
    except (OSError, TypeError):
        return ""


def _count_under(listing: dict[str, list[Article]], folder: str) -> int:
    return sum(len(v) for k, v in listing.items() if k == folder or k.startswith(folder + "/"))


def _folder_title(folder: str, articles: dict[str, Article]) -> str:
    idx = articles.get(f"{folder}/index.md")
    if idx is not None:
        return idx.title
    return PurePosixPath(folder).name.replace("-", " ").replace("_", " ").capitalize()
