"""The `kb-request` MkDocs plugin: the support-request wizard page, generated at build time.

Owns: checking the form definition (form.yml) against the policy's questions, adding the
one `request/` page (template `request.html`, the wizard's ES modules and CSS from
`theme/`, published without comments: slim.py), embedding the resolved form, the delivery
options and the ids of category pages (never offered as "this solved it") in it, writing
`assets/intake/wizard/articles/<bucket>.json` (article id -> title, for `request/?article=<id>`,
split by a hash of the id so the page fetches ~64 entries, not one file that grows with the KB),
and publishing the form's JSON Schema at `schemas/request-form.schema.json`.
Does not own: the compiled policy and the engine (the `kb-intake` plugin publishes them;
the page loads them at run time), the search index (the `kb-search` plugin).
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kbcore import context as build_context
from kbcore.options import Endpoint, MailAddress, Number, PluginConfig
from kbcore.preview import Job, Update

from . import form as formdef
from .slim import slim_folder

log = logging.getLogger("mkdocs.plugins.kb-request")
THEME_DIR = Path(__file__).parent / "theme"
ARTICLES_DIR = "assets/intake/wizard/articles/"
ARTICLES_PER_BUCKET = 64
FORM_SCHEMA_PATH = "schemas/request-form.schema.json"


@functools.lru_cache(maxsize=1 << 16)  # the preview asks again for every page after each save
def article_bucket(article_id: str, buckets: int) -> int:
    """FNV-1a (32-bit) of the id's UTF-8 bytes, mod `buckets`; wizard.js computes the same."""
    h = 0x811C9DC5
    for b in article_id.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h % buckets


class RequestConfig(PluginConfig):
    enabled = c.Type(bool, default=True)
    form = c.Optional(c.Type(str))  # default: the shipped intake/wizard/form.yml
    page = c.Type(str, default="request/index.md")  # src path of the generated page (-> request/)
    title = c.Type(str, default="Contact support")
    # Delivery: POST the payload as JSON here ("" = no POST: email, download and copy only).
    endpoint = Endpoint()
    mailto = MailAddress()
    # "This solved it": POST {article_id, ts, query} here, fire-and-forget ("" = no request).
    deflection_endpoint = Endpoint()
    timeout = Number(0, 300, default=15, above=True)  # seconds per POST attempt
    retries = Number(0, 10, default=2, integer=True)  # automatic tries after a failed POST
    # Where the other plugins publish what the page loads (site paths).
    compiled_policy = c.Type(str, default="policy/compiled-policy.json")
    engine = c.Type(str, default="assets/intake/engine.js")
    search_module = c.Type(str, default="assets/search/engine.js")
    search_index = c.Type(str, default="assets/search/index/")
    policy_file = c.Optional(c.Type(str))  # to check form.yml against the policy's questions


class RequestPlugin(BasePlugin[RequestConfig]):
    supports_multiple_instances = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so that MkDocs keeps this instance across the rebuilds of `mkdocs serve`
        (it keeps only plugins with this event): the preview compares with the last build."""

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        root = Path(config.config_file_path or ".").parent
        path = Path(self.config.form) if self.config.form else formdef.FORM_FILE
        if not path.is_absolute():
            path = root / path
        form, probs = formdef.load(path, self._policy_view(config))
        errors = [p for p in probs if p.severity == "error"]
        for p in probs:
            if p.severity != "error":
                log.warning(str(p))
        if errors:
            raise PluginError(
                f"{len(errors)} error(s) in the request form; nothing was written:\n"
                + "\n".join(str(p) for p in sorted(errors))
            )
        self.form = formdef.resolve(form)
        self.landing: list[str] = []
        # The incremental preview (kbcore.preview): the article lookup is rewritten by the hook.
        ctx = build_context.of(config)
        ctx.preview_hooks["kb-request"] = lambda update: self._preview_update(update, ctx)
        self.buckets = 1
        config.theme.dirs.insert(0, str(THEME_DIR))
        return config

    def _policy_view(self, config: MkDocsConfig) -> formdef.PolicyView | None:
        """The policy's questions and exclusions, from the build's policy file (None: unknown)."""
        ctx = build_context.of(config)
        if self.config.policy_file and ctx.policy_path is None:
            ctx.use_policy_file(self.config.policy_file)
        policy = ctx.policy()
        return formdef.policy_view(policy.data) if policy is not None else None  # its own checks report a bad one

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        src = self.config.page
        if files.get_file_from_path(src) is not None:
            raise PluginError(
                f"{src}: the kb-request plugin generates this page; remove the file or set plugins.kb-request.page"
            )
        title = json.dumps(self.config.title)
        content = f"---\ntemplate: request.html\ntitle: {title}\nsearch:\n  exclude: true\n---\n"
        f = File.generated(config, src, content=content, inclusion=InclusionLevel.NOT_IN_NAV)
        files.append(f)
        # fixed before any page renders: the request page embeds it
        buckets = max(1, -(-len(files.documentation_pages()) // ARTICLES_PER_BUCKET))
        # Category and section pages (not an answer to a problem), decided here rather than in
        # on_env so that the incremental preview knows before it plans which pages to write.
        ctx = build_context.of(config)
        landing = sorted(
            str(art.id)
            for f in files.documentation_pages()
            if f.name == "index" and (art := ctx.article(f.src_uri)) is not None and art.published
        )
        shown = (buckets, landing)  # what the request page embeds
        if shown != getattr(self, "_shown", shown):
            ctx.preview_dirty.add(src)  # the preview must write it again
        self.buckets, self.landing, self.files, self._shown = buckets, landing, files, shown
        return files

    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext | None:
        if not self.config.enabled:
            return None
        if page.file.src_uri != self.config.page:
            return None
        data = {
            "form": self.form,
            "delivery": {
                "endpoint": self.config.endpoint,
                "mailto": self.config.mailto,
                "timeout": self.config.timeout,
                "retries": self.config.retries,
                "deflection_endpoint": self.config.deflection_endpoint,
            },
            "landing": sorted(self.landing),
            "paths": {
                "compiled_policy": self.config.compiled_policy,
                "engine": self.config.engine,
                "search": self.config.search_module,
                "search_index": self.config.search_index,
                "articles": ARTICLES_DIR,
            },
            "article_buckets": self.buckets,
        }
        context["kb_request"] = {  # type: ignore[typeddict-unknown-key]  # read by request.html
            "title": self.config.title,
            "mailto": self.config.mailto,
            "data_json": script_json(data),
        }
        return context

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        if not build_context.of(config).incremental:  # else `_preview_update` writes them
            self._write_articles(config.site_dir, build_context.of(config))
        # What the browser downloads: the modules without their comments (slim.py).
        slim_folder(Path(config.site_dir) / "assets" / "intake" / "wizard")
        schema = Path(config.site_dir) / FORM_SCHEMA_PATH
        schema.parent.mkdir(parents=True, exist_ok=True)
        schema.write_bytes(formdef.SCHEMA_FILE.read_bytes())

    def _write_articles(self, site_dir: str, ctx: build_context.BuildContext) -> None:
        """Article id -> [title, URL] of every published page that is not a category or section
        page (those are `landing`), in `buckets` files; a file whose
        text is the one already written is left alone (the preview writes after every save)."""
        shards: list[dict[str, list[str]]] = [{} for _ in range(self.buckets)]
        self._entries: dict[str, tuple[str, str, str] | None] = {}
        for f in self.files.documentation_pages():
            entry = self._entries[f.src_uri] = self._entry(f.src_uri, ctx)
            if entry is not None:
                shards[article_bucket(entry[0], self.buckets)][entry[0]] = [entry[1], entry[2]]
        folder = Path(site_dir) / ARTICLES_DIR
        folder.mkdir(parents=True, exist_ok=True)
        written = getattr(self, "_written", {})
        self._written = {}
        for k, shard in enumerate(shards):
            text = json.dumps({"version": 2, "articles": shard}, ensure_ascii=False, separators=(",", ":"))
            path = folder / f"{k}.json"
            if written.get(path) != text or not path.exists():
                path.write_text(text, encoding="utf-8")
            self._written[path] = text
        for extra in folder.glob("*.json"):  # fewer buckets than before (the preview)
            if not extra.stem.isdigit() or int(extra.stem) >= self.buckets:
                extra.unlink()

    def _preview_update(self, update: Update, ctx: build_context.BuildContext) -> list[Job]:
        """The incremental preview: write the lookup again only when a page's id, title or
        address in it may have changed."""
        entries = getattr(self, "_entries", None)
        if (
            entries is None
            or update.removed
            or any(self._entry(uri, ctx) != entries.get(uri) for uri in update.changed)
        ):
            self._write_articles(update.site_dir, ctx)
        return []

    def _entry(self, uri: str, ctx: build_context.BuildContext) -> tuple[str, str, str] | None:
        art, f = ctx.article(uri), self.files.get_file_from_path(uri)
        if art is None or not art.published or f is None or f.page is None or f.page.is_index:
            return None
        return (str(art.id), str(art.title), f.page.url)


def script_json(data: object) -> str:
    """JSON safe inside <script>: no '<' (so no '</script>' or '<!--'), no U+2028/9."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )
