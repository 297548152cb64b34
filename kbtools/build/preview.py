"""The incremental preview: under `mkdocs serve`, redo only the work a save affects.

MkDocs rebuilds the whole site after every save (26 s for the real corpus). The `kb` plugin
instead puts `Preview.rebuild` in the place of the server's builder (`on_serve`) and keeps what
the last build made (its files, navigation, pages and their rendered content, the theme's
template environment). After a save it compares the docs folder with the snapshot taken when
that build started, then takes one of three ways, and logs which and why:

- **edits of existing pages** (the writer's loop): the edited articles are read and checked
  again, their pages re-rendered with MkDocs' own page functions, and so are the pages the
  change shows on: sidebar neighbours (by `affected.signature`), the section listings and home
  page blocks whose output changed, the pages whose related list shows the article, its
  redirects; each re-rendered page gets its related list computed afresh;
- **pages or files added, deleted or moved, a status change**: MkDocs' own build in its
  `dirty` mode on a fresh config, every plugin's events in their order, with the `kb` plugin
  telling MkDocs which pages to read and write (`File.is_modified`) and handing the rest of
  the pages their rendered state from the previous build, so the navigation stays exact;
- **anything else** (mkdocs.yml, the policy file, the theme, a file outside docs/): the
  server's own full rebuild.

Then the other plugins bring their outputs up to date through their preview hooks
(`kbcore.preview`); the slow, site-wide work (every related list, the search index) runs in a
child process after the browser has reloaded, and the pages whose related list it changes are
rendered by the next call, which the child's result triggers. A page the preview rewrote is
byte for byte the page a full build of the same files writes (tests/kbtools/test_preview.py).
Ties to MkDocs internals (`_populate_page`, `_build_page`, the serve builder's closure) are
listed in the README; MkDocs is pinned below 2.
"""

from __future__ import annotations

import inspect
import logging
import os
import posixpath
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import files as mkdocs_files
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import meta as mkdocs_meta

from kbcore import context as build_context
from kbcore.preview import Job, Update

from ..articles import Article, load_article
from ..lint import checks as lint_checks
from . import affected, catalog, changes, navigation, reading
from .background import Background

if TYPE_CHECKING:
    from .plugin import KbPlugin

log = logging.getLogger("mkdocs.plugins.kb")
# The page state MkDocs sets while reading and rendering a page: handed from a page of the
# previous build to the same page of a new one that is not rendered again.
PAGE_STATE = (
    "markdown",
    "meta",
    "content",
    "toc",
    "_title_from_render",
    "present_anchor_ids",
    "links_to_anchors",
)
# Plugins whose outputs need nothing from the preview beyond their hook (or nothing at all).
NO_OUTPUTS: frozenset[str] = frozenset()


@dataclass
class Built:
    """What the last successful build left for the next incremental one."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: Any  # the theme's jinja2 environment
    snapshot: dict[str, changes.Stat]
    redirects: dict[str, str] = field(default_factory=dict)  # site file -> page written
    links: dict[str, set[str]] = field(default_factory=dict)  # link target -> source pages
    targets: dict[str, tuple[Article, set[str]]] = field(default_factory=dict)  # page -> its links

    _pages: dict[str, Page] | None = None

    def pages(self) -> dict[str, Page]:
        """Every page of the build by source path (the pages out of the navigation too)."""
        if self._pages is None:
            self._pages = {f.src_uri: f.page for f in self.doc_files() if f.page is not None}
        return self._pages

    _doc_files: list[File] | None = None
    _assets: set[str] | None = None
    _folders: set[str] | None = None

    _by_folder: dict[str, list[File]] | None = None

    def by_folder(self) -> dict[str, list[File]]:
        if self._by_folder is None:
            self._by_folder = _by_folder(self.doc_files())
        return self._by_folder

    def assets(self) -> set[str]:
        if self._assets is None:
            self._assets = {f.src_uri for f in self.files if not f.is_documentation_page()}
        return self._assets

    def folders(self) -> set[str]:
        if self._folders is None:
            self._folders = reading.folders_of(build_context.of(self.config).articles)
        return self._folders

    def doc_files(self) -> list[File]:
        if self._doc_files is None:
            self._doc_files = list(self.files.documentation_pages(inclusion=InclusionLevel.is_in_serve))
        return self._doc_files


class FallBack(Exception):
    """This change needs a bigger rebuild than the one tried; the message says why."""


@dataclass
class Plan:
    """What an incremental build does: pages read again, pages only written again."""

    read: set[str] = field(default_factory=set)
    write: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    why: dict[str, int] = field(default_factory=dict)  # reason -> pages (for the log line)

    def add(self, reason: str, uris: Iterable[str], read: bool = False) -> None:
        uris = set(uris) - self.read - (set() if read else self.write)
        if uris:
            (self.read if read else self.write).update(uris)
            self.why[reason] = self.why.get(reason, 0) + len(uris)


class Preview:
    def __init__(self, plugin: KbPlugin) -> None:
        self.plugin = plugin
        self.built: Built | None = None
        self.starting: dict[str, changes.Stat] = {}  # the snapshot of the build in progress
        self.structural: changes.Changes | None = None  # set while a dirty MkDocs build runs
        self.plan: Plan | None = None
        self.phase = "read"  # of a dirty build: "read" until on_env, then "write"
        self.builder: Callable[..., None] | None = None
        self.get_config: Callable[[], MkDocsConfig] | None = None
        self.serve_url = ""
        self.background: Background | None = None
        self.valid = False  # False: the next change rebuilds everything

    # ----- installing under `mkdocs serve` -------------------------------------------------
    def install(self, server: Any, config: MkDocsConfig, builder: Callable[..., None]) -> None:
        ctx = build_context.of(config)
        missing = [
            name for name in config.plugins if name != "kb" and name not in ctx.preview_hooks and name not in NO_OUTPUTS
        ]
        if missing:
            log.info(
                f"kb: incremental preview off: the plugin(s) {', '.join(missing)} do not take "
                "part; every change rebuilds the whole site"
            )
            return
        closure = inspect.getclosurevars(builder).nonlocals
        if not callable(closure.get("get_config")) or not isinstance(closure.get("serve_url"), str):
            log.info(
                "kb: incremental preview off: this MkDocs version's `serve` is not the one it "
                "knows (1.6); every change rebuilds the whole site"
            )
            return
        self.builder, self.get_config, self.serve_url = (
            builder,
            closure["get_config"],
            closure["serve_url"],
        )
        self.background = Background(idle=self._log_idle)
        server.watch(self.background.folder)  # the child's "results are waiting" wakes the loop
        server.builder = self.rebuild
        log.info("kb: incremental preview on: a save re-renders only the pages it affects")

    def close(self) -> None:
        if self.background is not None:
            self.background.close()

    # ----- the build events of the `kb` plugin ------------------------------------------------
    def roots(self, config: MkDocsConfig) -> list[str]:
        roots = [config.docs_dir, *config.watch, *build_context.of(config).read_files]
        if config.config_file_path:
            roots.append(config.config_file_path)
        custom = config.theme.custom_dir
        return roots + ([custom] if custom else [])

    def on_config(self, config: MkDocsConfig) -> None:
        self.starting = changes.scan(self.roots(config))
        build_context.of(config).incremental = self.structural is not None

    def reuse(self) -> dict[str, Article]:
        """Articles of the previous build whose files did not change (a dirty build only)."""
        if self.structural is None or self.built is None:
            return {}
        touched = self.structural.modified | self.structural.added | self.structural.removed
        ctx = build_context.of(self.built.config)
        return {uri: art for uri, art in ctx.articles.items() if uri not in touched}

    def on_nav(self, config: MkDocsConfig, files: Files, nav: Navigation) -> None:
        """A dirty build: hand unchanged pages their state, read the changed ones, then decide
        which pages to write; MkDocs then reads none and writes those (`File.is_modified`)."""
        if self.structural is None or self.built is None:
            return
        old, ch = self.built, self.structural
        new_docs = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for f in new_docs:
            if f.page is None:  # MkDocs makes these (pages out of the navigation) a step later
                Page(None, f, config)
        old_pages = old.pages()
        new_pages = {f.src_uri: f.page for f in new_docs if f.page is not None}  # documentation pages have one
        plan = Plan()
        plan.removed = set(old_pages) - set(new_pages)
        added = set(new_pages) - set(old_pages)
        plan.add("edited or new", (u for u in ch.modified | ch.added if u in new_pages), read=True)
        plan.add("new", added, read=True)
        # Links to a page that appeared, moved or went away resolve differently now.
        plan.add(
            "links to a new or deleted page",
            (s for t in added | plan.removed for s in old.links.get(t, ()) if s in new_pages),
            read=True,
        )
        self._plan_listings(plan, config, files, old, ch.modified | ch.added | added | plan.removed)
        # Pages the plugins generate (landing and continuation pages, search, request): their
        # source is theirs, not a file the snapshot sees.
        plan.add(
            "generated pages that changed",
            (
                f.src_uri
                for f in new_docs
                if f.abs_src_path is None
                and f.src_uri in old_pages
                and _content_of(old.files.get_file_from_path(f.src_uri)) != f.content_string
            ),
            read=True,
        )
        for uri, page in new_pages.items():
            before = old_pages.get(uri)
            if before is not None and uri not in plan.read:
                _hand_over(before, page)
        for f in new_docs:
            if f.src_uri in plan.read:
                mkdocs_build._populate_page(f.page, config, files)  # type: ignore[arg-type]
        size = int(self.plugin.config.nav_window)
        plan.add(
            "navigation",
            (
                uri
                for uri, page in new_pages.items()
                if uri in old_pages
                and affected.signature(old_pages[uri], old.nav, size) != affected.signature(page, nav, size)
            ),
        )
        self._plan_related(plan, old, new_pages, plan.removed)
        plan.add(
            "asked by a plugin",
            (u for u in build_context.of(config).preview_dirty if u in new_pages),
        )
        self.plan, self.phase = plan, "read"
        for f in new_docs:
            f.is_modified = _decider(self, f.src_uri)  # type: ignore[method-assign]

    def on_env(self) -> None:
        self.phase = "write"

    def on_post_build(self, config: MkDocsConfig, files: Files, nav: Navigation, env: Any) -> None:
        """The end of a dirty build."""
        assert self.structural is not None and self.plan is not None and self.built is not None
        self._delete_outputs(self.built.files, files, config)
        self._finish(config, files, nav, env, self.plan, self.structural, self.plugin.redirect_pages(config))

    def on_full_build(
        self,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation,
        env: Any,
        redirects: dict[str, str],
    ) -> None:
        if self.background is not None:
            self.background.stop()
        self._commit(config, files, nav, env, self.starting, redirects)

    # ----- the builder -----------------------------------------------------------------------
    def rebuild(self) -> None:
        """Called by the `mkdocs serve` loop after a change (or when background results wait)."""
        try:
            self._rebuild()
        finally:
            if self.background is not None and not self.background.busy:
                self._log_idle()

    def _rebuild(self) -> None:
        t0 = time.monotonic()
        assert self.builder is not None and self.background is not None
        if self.built is None or not self.valid:
            return self._full("the last rebuild did not finish", t0)
        config = self.built.config
        now = changes.scan(self.roots(config))
        ch = changes.diff(self.built.snapshot, now, config.docs_dir)
        self._drop_excluded(ch, config)
        results = self.background.take()
        if not ch:
            if results:
                self._catch_up(results, t0)
            return None
        reason = self._needs_full(ch)
        if reason:
            return self._full(reason, t0)
        self.background.stop()  # its results would be for the files before this save
        try:
            self.starting = now
            self._edits(ch, t0)
        except FallBack as why:
            self._dirty_build(ch, str(why), t0)
        except Exception:
            self.valid = False  # a half-done rebuild: the next change rebuilds everything
            raise
        return None

    def _drop_excluded(self, ch: changes.Changes, config: MkDocsConfig) -> None:
        """Forget files the site leaves out (MkDocs' dot-files and `exclude_docs`: an editor's
        swap file, `_data/`), but not the files plugins read (the policy file, synonyms)."""
        spec = mkdocs_files._default_exclude
        if config.exclude_docs:
            spec = spec + config.exclude_docs
        read = build_context.of(config).read_files
        for uris in (ch.modified, ch.added, ch.removed):
            for uri in [u for u in uris if spec.match_file(u)]:
                if os.path.abspath(os.path.join(config.docs_dir, uri)) not in read:
                    uris.discard(uri)

    def _log_idle(self) -> None:
        log.info("kb: preview: everything up to date")

    def _needs_full(self, ch: changes.Changes) -> str:
        if ch.outside:
            return f"{', '.join(os.path.basename(p) for p in ch.outside)} changed"
        built = self.built
        ctx = build_context.of(built.config) if built else None
        read = ctx.read_files if ctx else {}
        files = built.files if built else None
        for uri in sorted(ch.modified | ch.added | ch.removed):
            what = read.get(os.path.abspath(os.path.join(built.config.docs_dir, uri))) if built else None
            if what:
                return f"the {what} {uri} changed"
            if uri.endswith(".md") or (files is not None and uri in files):
                continue
            if files is not None and uri in ch.modified:
                return f"{uri} changed (not a page or file of the site)"
        return ""

    def _full(self, reason: str, t0: float) -> None:
        assert self.background is not None and self.builder is not None
        self.background.stop()
        log.info(f"kb: full rebuild: {reason}")
        self.structural = None
        self.valid = False  # until the build has finished (`on_full_build`)
        self.builder()
        log.info(f"kb: full rebuild done in {time.monotonic() - t0:.1f} s")

    def _dirty_build(self, ch: changes.Changes, why: str, t0: float) -> None:
        assert self.get_config is not None
        log.info(f"kb: preview: {why}: rebuilding the navigation ({ch.describe()})")
        config = self.get_config()
        config.site_url = self.serve_url
        self.structural = ch
        quiet = _DropDirtyWarning()
        logging.getLogger("mkdocs.commands.build").addFilter(quiet)
        try:
            mkdocs_build.build(config, serve_url=self.serve_url, dirty=True)
        except Exception:
            self.valid = False
            raise
        finally:
            logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
            self.structural = None
        self._log_plan(t0)

    # ----- edits of existing pages, without MkDocs' build --------------------------------------
    def _edits(self, ch: changes.Changes, t0: float) -> None:
        built, plugin = self.built, self.plugin
        assert built is not None
        if ch.added or ch.removed:
            raise FallBack("pages or files were added or deleted")
        config, files, nav = built.config, built.files, built.nav
        ctx = build_context.of(config)
        pages: list[Page] = []
        statics: list[File] = []
        for uri in sorted(ch.modified):
            f = files.get_file_from_path(uri)
            if f is None:
                raise FallBack(f"{uri} is not a page of the last build")
            if not f.is_documentation_page():
                statics.append(f)
            elif f.page is None:
                raise FallBack(f"{uri} is not a page of the last build")
            else:
                pages.append(f.page)
        products = plugin.products
        versions = reading.product_versions(products)
        fresh: dict[str, Article] = {}
        for page in pages:
            uri = page.file.src_uri
            try:
                with open(page.file.abs_src_path or "", "rb") as fh:
                    raw = fh.read()
            except OSError as exc:
                raise FallBack(f"{uri} cannot be read ({exc.strerror})") from None
            fresh[uri] = art = load_article(uri, raw, versions)
            if art.status != ctx.articles[uri].status:
                raise FallBack(f"the status of {uri} changed")
        articles = {**ctx.articles, **fresh}
        old = {uri: ctx.articles[uri] for uri in fresh}
        link_sources = set(fresh) | {s for u in fresh for s in built.links.get(u, ())}
        problems = [p for art in fresh.values() for p in art.problems]
        problems += reading.check_edits(
            articles,
            fresh,
            old,
            built.assets(),
            built.folders(),
            config.use_directory_urls,
            link_sources,
        )
        errors = sorted(p for p in problems if p.severity == "error")
        if errors:
            log.error(
                f"kb: preview not updated: {len(errors)} error(s) in the articles:\n" + "\n".join(map(str, errors))
            )
            return  # nothing changed: the next save tries again with these files

        # From here on the kept state changes: a failure leaves it for a full rebuild (rebuild()).
        old_faces = {page.file.src_uri: affected.face(page) for page in pages}
        sections = list(_sections(nav))
        old_titles = {id(s): s.title for s in sections}
        plugin.replace_articles(fresh)
        generated = plugin.listings.generated(set(ctx.articles))
        for uri, content in generated.items():
            f = files.get_file_from_path(uri)
            if f is None or f.content_string != content:
                raise FallBack(f"the generated page {uri} changes")  # a section title in its name
        index = plugin.pages.related_index()
        for uri, art in fresh.items():
            if uri in index.position:
                index.replace(art)
        plan = Plan()
        plan.add("edited", fresh, read=True)
        for page in pages:
            _forget(page)
            mkdocs_build._populate_page(page, config, files)
        navigation.title_sections(nav, plugin.listings.title)

        # The sidebar and breadcrumbs of other pages: titles shown there that changed.
        moved: list[Page | Section] = [p for p in pages if affected.face(p) != old_faces[p.file.src_uri]]
        moved += [s for s in sections if s.title != old_titles[id(s)]]
        if moved:

            def before(item: Any) -> affected.Face:
                if isinstance(item, Page) and item.file.src_uri in old_faces:
                    return old_faces[item.file.src_uri]
                if isinstance(item, Section):
                    return (old_titles.get(id(item), item.title), *affected.face(item)[1:])
                return affected.face(item)

            size = int(plugin.config.nav_window)
            candidates: dict[str, Page] = {}
            for item in moved:
                holder = item.parent or nav
                for p in affected.pages_under(holder, nav):
                    candidates[p.file.src_uri] = p
                if holder is nav:  # the top of the sidebar is on pages out of the navigation too
                    candidates.update(built.pages())
            plan.add(
                "navigation",
                (
                    uri
                    for uri, p in candidates.items()
                    if affected.signature(p, nav, size, before) != affected.signature(p, nav, size)
                ),
            )
        self._plan_listings(plan, config, files, built, set(fresh), old_articles=old)
        self._plan_related(plan, built, built.pages(), set(), old_articles=old)

        doc_files = built.doc_files()
        for f in doc_files:
            if f.src_uri in plan.read and f.src_uri not in fresh and f.page is not None:
                _forget(f.page)
                mkdocs_build._populate_page(f.page, config, files)
        plugin.pages.fresh.clear()
        plugin.start_pages(0)
        for f in doc_files:
            if f.page is not None and (f.src_uri in plan.read or f.src_uri in plan.write):
                mkdocs_build._build_page(f.page, config, doc_files, nav, built.env)
        for f in statics:
            f.copy_file()
        if any(item.parent is None for item in moved):  # it shows the top of the sidebar
            mkdocs_build._build_theme_template("404.html", built.env, files, config, nav)
        redirects = built.redirects
        if any((a.aliases, a.id, a.status) != (old[u].aliases, old[u].id, old[u].status) for u, a in fresh.items()):
            redirects = plugin.redirect_pages(config)
        self._finish(config, files, nav, built.env, plan, ch, redirects, navigation=bool(moved))
        self._log_plan(t0)

    # ----- what else a change shows on ----------------------------------------------------------
    def _plan_listings(
        self,
        plan: Plan,
        config: MkDocsConfig,
        files: Files,
        old: Built,
        touched: set[str],
        old_articles: dict[str, Article] | None = None,
    ) -> None:
        """Pages with generated blocks (section listings, the home page's categories and
        promoted articles) whose blocks now say something else: read again."""
        ctx = build_context.of(config)
        folders = {"."}
        for uri in touched:
            parts = posixpath.dirname(uri).split("/") if "/" in uri else []
            for k in range(len(parts) + 1):
                folders.add("/".join(parts[:k]) or ".")
        if any(getattr(a, "promoted", False) for a in (old_articles or {}).values()) or any(
            getattr(ctx.articles.get(u), "promoted", False) for u in touched
        ):
            folders.add(".")
        old_pages = old.pages()
        by_folder = (
            old.by_folder()
            if files is old.files
            else _by_folder(files.documentation_pages(inclusion=InclusionLevel.is_in_serve))
        )
        for f in (f for folder in sorted(folders) for f in by_folder.get(folder, ())):
            if f.src_uri in plan.read:
                continue
            try:
                source = f.content_string
            except (OSError, ValueError):
                continue
            if "<!--" not in source:
                continue
            markdown, _ = mkdocs_meta.get_data(source)
            expanded = ctx.blocks.expand(markdown, f.src_uri)
            before = old_pages.get(f.src_uri)
            if before is None or before.markdown != expanded:
                plan.add("section listings", [f.src_uri], read=True)

    def _plan_related(
        self,
        plan: Plan,
        old: Built,
        pages: dict[str, Page],
        removed: set[str],
        old_articles: dict[str, Article] | None = None,
    ) -> None:
        """Pages whose related list shows an article whose title, type, address or id changed,
        or that is gone: written again (their lists are computed afresh as they are)."""
        rows = self.plugin.pages.rows or {}
        ctx = build_context.of(old.config)
        gone: set[str] = set()
        for uri, before in (old_articles or {}).items():
            now = self.plugin.ctx.articles.get(uri)
            if now is None or (before.id, before.title, before.type) != (
                now.id,
                now.title,
                now.type,
            ):
                gone.add(before.id)
        for uri in removed:
            art = ctx.articles.get(uri)
            if art is not None:
                gone.add(art.id)
        if self.structural is not None:  # addresses may have moved
            for uri, art in self.plugin.ctx.articles.items():
                page, was = pages.get(uri), old.files.get_file_from_path(uri)
                if page is not None and was is not None and was.url != page.url:
                    gone.add(art.id)
        if not gone:
            return
        by_id = self.plugin.by_id
        plan.add(
            "related articles",
            (
                by_id[i].src_uri
                for i, row in rows.items()
                if i in by_id and gone.intersection(row) and by_id[i].src_uri in pages
            ),
        )

    # ----- after the pages: redirects, the other plugins, the background work ---------------------
    def _finish(
        self,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation,
        env: Any,
        plan: Plan,
        ch: changes.Changes,
        redirects: dict[str, str],
        navigation: bool = True,
    ) -> None:
        ctx = build_context.of(config)
        old = self.built.redirects if self.built else {}
        root = os.path.normpath(config.site_dir)
        for rel, text in redirects.items():
            if old.get(rel) != text:
                _write(os.path.join(root, rel), text)
        for rel in old.keys() - redirects.keys():
            _remove(os.path.join(root, rel), root)
        listed = files.get_file_from_path(catalog.PATH)  # the articles as data (a title changed?)
        text = catalog.articles_json(ctx.articles.values(), config.use_directory_urls)
        if listed is not None and listed.content_string != text:
            listed.content_string = text
            _write(os.path.join(root, catalog.PATH), text)
        update = Update(
            files,
            config.site_dir,
            frozenset(plan.read),
            frozenset(plan.removed),
            frozenset(plan.read | plan.write),
            navigation=self.structural is not None or navigation,
        )
        jobs: list[Job] = []
        for hook in ctx.preview_hooks.values():
            jobs += hook(update)
        pages = self.plugin.pages
        index = pages.related_index()

        def changed_rows() -> dict[str, list[str]]:  # in the child: only the rows that differ
            current = pages.rows or {}
            return {i: row for i, row in index.rows().items() if current.get(i) != row}

        jobs.insert(0, Job("related articles", changed_rows, self._related_done, wake=bool))
        self._commit(config, files, nav, env, self.starting, redirects)
        self.plan = plan
        assert self.background is not None
        self.background.start(jobs)

    def _related_done(self, rows: dict[str, list[str]]) -> set[str]:
        current = self.plugin.pages.rows or {}
        by_id = self.plugin.by_id
        stale = {by_id[i].src_uri for i, row in rows.items() if current.get(i) != row and i in by_id}
        current.update(rows)
        self.plugin.pages.fresh.update(rows)  # computed: keep them as they are
        return stale

    def _catch_up(self, results: list[tuple[Job, bool, Any, float]], t0: float) -> None:
        built = self.built
        assert built is not None
        again: set[str] = set()
        for job, ok, result, seconds in results:
            if not ok:
                log.warning(f"kb: preview: {job.name} could not be brought up to date: {result}")
                continue
            pages = job.done(result)
            again |= pages
            log.info(
                f"kb: preview: {job.name} up to date ({seconds:.1f} s in the background"
                + (f"; {len(pages)} page(s) to render again)" if pages else ")")
            )
        if not again:
            return
        config, nav = built.config, built.nav
        doc_files = built.doc_files()
        self.plugin.start_pages(0)
        for f in doc_files:
            if f.src_uri in again and f.page is not None:
                mkdocs_build._build_page(f.page, config, doc_files, nav, built.env)
        log.info(f"kb: preview: {len(again)} page(s) rendered again in {time.monotonic() - t0:.2f} s")

    def _commit(
        self,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation,
        env: Any,
        snapshot: dict[str, changes.Stat],
        redirects: dict[str, str],
    ) -> None:
        ctx = build_context.of(config)
        kb = lint_checks.Kb(ctx.articles, set(), set())
        # Who links where, kept up to date article by article (the previous build's maps are
        # taken over: they are not used again).
        previous = self.built
        targets = previous.targets if previous is not None else {}
        links = previous.links if previous is not None else {}
        for uri in [u for u in targets if u not in ctx.articles or targets[u][0] is not ctx.articles[u]]:
            for t in targets.pop(uri)[1]:
                links[t].discard(uri)
        for uri, art in ctx.articles.items():
            if uri not in targets:
                found = lint_checks.targets(art, kb)
                targets[uri] = (art, found)
                for t in found:
                    links.setdefault(t, set()).add(uri)
        self.built = Built(config, files, nav, env, snapshot, redirects, links, targets)
        self.plugin.pages.on_demand = True
        self.valid = True

    def _delete_outputs(self, old: Files, new: Files, config: MkDocsConfig) -> None:
        """Files of the previous build that this one no longer makes."""
        root = os.path.normpath(config.site_dir)
        keep = {f.dest_uri for f in new}
        for f in old:
            if f.dest_uri not in keep:
                _remove(os.path.join(root, f.dest_uri), root)

    def _log_plan(self, t0: float) -> None:
        plan = self.plan
        if plan is None:
            return
        why = ", ".join(f"{n} for {reason}" for reason, n in plan.why.items()) or "none"
        log.info(
            f"kb: preview updated in {time.monotonic() - t0:.2f} s: "
            f"{len(plan.read | plan.write)} page(s) written ({why})"
            + (f", {len(plan.removed)} removed" if plan.removed else "")
        )


def _decider(preview: Preview, uri: str) -> Callable[[], bool]:
    """`File.is_modified` in a dirty build: no page is read by MkDocs (the preview read the
    ones it had to), and the planned ones are written."""

    def is_modified() -> bool:
        plan = preview.plan
        if plan is None:
            return True
        return preview.phase == "write" and (uri in plan.read or uri in plan.write)

    return is_modified


def _hand_over(before: Page, page: Page) -> None:
    """Give a page of this build what the same page of the previous build read and rendered."""
    for name in PAGE_STATE:
        setattr(page, name, getattr(before, name))
    if "title" in before.__dict__:
        page.title = before.__dict__["title"]


def _by_folder(files: Iterable[File]) -> dict[str, list[File]]:
    out: dict[str, list[File]] = {}
    for f in files:
        out.setdefault(posixpath.dirname(f.src_uri) or ".", []).append(f)
    return out


def _forget(page: Page) -> None:
    """Clear what reading and rendering set, so MkDocs reads the page afresh."""
    page.__dict__.pop("title", None)
    page.markdown = None
    page.content = None
    page.toc = []  # type: ignore[assignment]
    page.meta = {}
    page._title_from_render = None


def _sections(nav: Navigation) -> Iterable[Section]:
    stack = list(nav.items)
    while stack:
        item = stack.pop()
        if isinstance(item, Section):
            yield item
            stack.extend(item.children)


def _write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.kb-tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _remove(path: str, root: str) -> None:
    """Delete a file of the site and the folders it leaves empty (never the site itself)."""
    try:
        os.remove(path)
    except OSError:
        return
    folder = os.path.dirname(path)
    while folder.startswith(root + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            break
        folder = os.path.dirname(folder)


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build makes the navigation inaccurate; this one does not."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def _content_of(file: File | None) -> str | None:
    """A generated file's content (None when the earlier build had no such file)."""
    return file.content_string if file is not None else None
