"""The `kb` MkDocs plugin: articles in, a help-center site out.

This class only routes MkDocs events to the jobs of this package (see `__init__.py`) and
keeps the build's state on the shared build context (`kbcore.context`), where the other
help-center plugins (`kb-search`, `kb-intake`, `kb-request`) read the articles and the policy.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Any, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kbcore import context as build_context
from kbcore.blocks import UnknownBlock

from ..articles import SCHEMA_FILE, Article
from . import catalog, lifecycle_table, navigation, reading
from .config import KbConfig
from .fragments import Fragments
from .listings import Listings
from .page import PageContext, escape_theme_text
from .preview import Preview
from .redirects import redirect_pages, write_redirects
from .staging import Staging

log = logging.getLogger("mkdocs.plugins.kb")
THEME_DIR = Path(__file__).resolve().parent.parent / "theme"
# Published with the site so editors can complete front matter (and the lifecycle it refers to).
SCHEMAS = {"schemas/article-front-matter.schema.json": SCHEMA_FILE}


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")


def drop_blank_lines_before_content(html_: str) -> str:
    """Remove the whitespace-only lines of the header and sidebars (everything before the
    article's `md-content`, where there is no <pre>). The theme's navigation loops print a
    blank line for every entry of every section they pass, so without this a page's bytes
    change whenever any section it shows gains or loses an article, which the preview would
    have to render again; it also makes every page smaller."""
    head, sep, rest = html_.partition('<div class="md-content"')
    return _BLANK_LINES.sub("\n", head) + sep + rest if sep else html_


class KbPlugin(BasePlugin[KbConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.command = "build"
        self.staging: Staging | None = None
        self.preview: Preview | None = None  # under `mkdocs serve`: the incremental preview
        self.bags: dict[str, Any] = {}  # related-articles term bags, kept across serve rebuilds

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        if command == "serve":
            self.preview = Preview(self)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        if self.config.enabled and self.preview is not None:
            self.preview.install(server, config, builder)
        return server

    @event_priority(100)  # first: the other help-center plugins read what this sets up
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.ctx = build_context.of(config)
        if self.config.policy_file:
            self.ctx.use_policy_file(self.config.policy_file)
        self.show_drafts = self.config.show_drafts if self.config.show_drafts is not None else self.command == "serve"
        if str(THEME_DIR) not in config.theme.dirs:
            config.theme.dirs.insert(0, str(THEME_DIR))
        # The writer's own overrides (theme.custom_dir) come first, then ours, then the theme's.
        self.fragments = Fragments(config.theme.dirs)
        self.ctx.blocks.register("lifecycle", lambda _: lifecycle_table.render(self.fragments, self.ctx.products()))
        self.ctx.blocks.register("categories", lambda uri: self.listings.categories(uri))
        self.ctx.blocks.register("section-listing", lambda uri: self.listings.section_listing(uri))
        self.ctx.blocks.register("promoted", lambda uri: self.listings.promoted(uri))
        self.nav: Navigation | None = None
        if self.command in ("build", "gh-deploy"):
            self.staging = Staging(config.site_dir, bool(config.strict))
            config.site_dir = self.staging.staging_dir
        if self.preview is not None:
            self.preview.on_config(config)
        return config

    @event_priority(50)
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        self.products = self._products()
        reuse = self.preview.reuse() if self.preview is not None else {}
        read = reading.read_articles(
            files,
            config.docs_dir,
            self.products,
            self.show_drafts,
            config.use_directory_urls,
            preview=self.command == "serve",
            reuse=reuse,
        )
        if read.errors:
            raise PluginError(
                f"{len(read.errors)} error(s) in the articles; nothing was written:\n"
                + "\n".join(map(str, read.errors))
            )
        if read.warnings:
            log.info(f"kb: {read.warnings} lint warning(s); run `kb lint` to see them")
        if read.drafts_left_out:
            shown = ", ".join(read.drafts_left_out[:5]) + (" ..." if len(read.drafts_left_out) > 5 else "")
            log.info(f"kb: {len(read.drafts_left_out)} draft(s) left out of the build: {shown}")
        self.take_articles(read.articles, files, config)
        self.files = files
        self.listings.add_pages(files, config)
        self.window = navigation.Window(int(self.config.nav_window))
        self.start_pages(len(files.documentation_pages()))
        for dest, src in SCHEMAS.items():
            files.append(File.generated(config, dest, abs_src_path=str(src)))
        files.append(
            File.generated(
                config, catalog.PATH, content=catalog.articles_json(read.articles.values(), config.use_directory_urls)
            )
        )
        return files

    def take_articles(self, articles: dict[str, Article], files: Files, config: MkDocsConfig) -> None:
        """The articles of this build (all of them, or after an edit in the preview) and what
        is computed from them: ids, listings, what article pages get."""
        self.ctx.articles.clear()
        self.ctx.articles.update(articles)
        self.by_id = reading.by_id(articles)
        self.listings = Listings(
            articles, self.products, int(self.config.section_page_size), self.fragments, self.show_drafts
        )
        previous = getattr(self, "pages", None)
        self.pages = PageContext(
            self.by_id,
            self.products,
            files,
            int(self.config.related_count),
            self.config.feedback_endpoint,
            self.config.request_page,
            bags=self.bags,
            keep_index=self.preview is not None,
        )
        if previous is not None and self.preview is not None and self.preview.valid:
            # The preview: keep the related lists of pages it does not render again.
            self.pages.rows = dict(previous.rows or {})
            self.pages.on_demand = True
            if previous.index is not None and previous.files is files:
                self.pages.index = previous.index  # the same pages: updated in place (`replace`)

    def replace_articles(self, edited: dict[str, Article]) -> None:
        """New versions of articles whose status did not change (the preview, after a save):
        what is computed from them is updated in place, not made again."""
        before = {uri: self.ctx.articles[uri] for uri in edited}
        self.ctx.articles.update(edited)
        for uri, art in edited.items():
            self.listings.replace(before[uri], art)
        if any(before[u].id != a.id for u, a in edited.items()):
            self.by_id = self.pages.by_id = reading.by_id(self.ctx.articles)
        else:
            for uri, art in edited.items():
                if self.by_id.get(art.id) is before[uri]:
                    self.by_id[art.id] = art
        self.pages.fresh = set()

    def start_pages(self, total: int) -> None:
        self.built, self.total, self.started = 0, total, time.monotonic()

    def redirect_pages(self, config: MkDocsConfig) -> dict[str, str]:
        pairs = [
            (alias, art.src_uri)
            for art in self.by_id.values()
            for alias in art.aliases
            if art.status != "draft" or self.show_drafts
        ]
        return redirect_pages(pairs, config.use_directory_urls, self.fragments)

    def _products(self) -> dict[str, Any]:
        policy = self.ctx.policy()
        if policy is None:
            return {}
        if not policy.path.is_file():
            raise PluginError(f"{policy.display}: policy file not found (plugins.kb.policy_file in mkdocs.yml)")
        products, problems = policy.lifecycle
        problems = policy.problems + problems
        if problems:
            raise PluginError(
                f"{len(problems)} error(s) in the policy file; nothing was written:\n"
                + "\n".join(map(str, sorted(problems)))
            )
        return products

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        if not self.config.enabled:
            return None
        navigation.title_sections(nav, self.listings.title)
        self.nav = nav
        if self.preview is not None:
            self.preview.on_nav(config, files, nav)
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        if self.config.enabled:
            self.env = env  # the theme's templates: the preview renders pages with them later
            if self.preview is not None:
                self.preview.on_env()
        return env

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if not self.config.enabled:
            return None
        # mkdocs-material draws an icon for a page `status`; ours means published/draft/archived.
        page.meta.pop("status", None)
        try:
            return self.ctx.blocks.expand(markdown, page.file.src_uri)
        except UnknownBlock as exc:
            raise PluginError(str(exc)) from exc

    def on_page_content(self, html_: str, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.config.enabled:
            escape_theme_text(page)
        return None

    def on_template_context(
        self, context: TemplateContext, *, template_name: str, config: MkDocsConfig
    ) -> TemplateContext | None:
        if self.config.enabled and template_name == "404.html":
            extra: dict[str, Any] = cast(dict, context)  # our own key beside MkDocs' declared ones
            extra["kb"] = {"request_page": self.config.request_page}  # our 404.html's call-out
        return context

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if not self.config.enabled:
            return None
        art: Article | None = self.ctx.articles.get(page.file.src_uri)
        extra: dict[str, Any] = cast(dict, context)  # our own key beside MkDocs' declared ones
        extra["kb"] = self.pages.context_for(page, art)
        self.window.apply(page, nav)
        return context

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str | None:
        if not self.config.enabled:
            return None
        self.window.restore()
        output = drop_blank_lines_before_content(output)
        self.built += 1
        step = max(500, self.total // 10)
        if self.total >= 500 and (self.built % step == 0 or self.built == self.total):
            log.info(f"kb: built {self.built}/{self.total} pages ({time.monotonic() - self.started:.0f} s)")
        return output

    @event_priority(-100)  # last: after every other plugin wrote its files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        assert self.nav is not None  # on_nav ran
        if self.preview is not None and self.ctx.incremental:  # writes what changed, and more
            self.preview.on_post_build(config, self.files, self.nav, self.env)
        else:
            redirects = self.redirect_pages(config)
            write_redirects(redirects, config.site_dir)
            if self.preview is not None:
                self.preview.on_full_build(config, self.files, self.nav, self.env, redirects)
        if self.staging is not None and self.staging.commit():
            config.site_dir = self.staging.site_dir

    def on_build_error(self, *, error: Exception) -> None:
        if self.staging is not None:
            self.staging.discard()

    def on_shutdown(self) -> None:
        if self.staging is not None:
            self.staging.close()
        if self.preview is not None:
            self.preview.close()
