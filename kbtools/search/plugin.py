"""The `kb-search` MkDocs plugin: index every published article and export the static index.

Owns: the plugin's options (field weights and ranking knobs in mkdocs.yml, validated at
load with every problem reported), collecting one `SearchDoc` per published page once all
pages are read (`on_env`), indexing them in a child process while MkDocs renders the pages
(joined in `on_post_build`, before the `kb` plugin swaps the finished site in), the
generated search page (`search/`), and adding the search script and style to every page. Does
not own: analysis, Whoosh, the export format or the query engines (the other modules of this
package), nor the article model (`kb`).
The page's search script is the bundle (`bundle.py`) written after the index, in the same process.
Replaces mkdocs-material's `search` plugin: list `kb-search`, not `search`, in mkdocs.yml.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import shutil
import tempfile
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel

from kbcore import context as build_context
from kbcore.options import PluginConfig
from kbcore.preview import Job, Update
from kbcore.problems import did_you_mean

from . import bundle, synonyms, whoosh_index
from .documents import FIELDS, SearchDoc, from_article
from .export import Ranking, export

log = logging.getLogger("mkdocs.plugins.kb-search")
SEARCH_PAGE = "search/index.md"
_RANKING_KEYS = {
    "B": float,
    "K1": float,
    "coord": float,
    "fuzzy": float,
    "prefix": float,
    "prefix_max": int,
    "fuzzy_max": int,
    "synonym": float,
    "assoc": float,
    "thesaurus": float,
    "code": float,
    "min_cover": float,
    "max_unknown": float,
    "weak_df": float,
    "fuzzy_common": float,
    "lift": float,
    "lift_howto": float,
}


# Knobs that are shares of something (of the documents, of the question's information): at most 1.
_SHARES = frozenset({"B", "min_cover", "max_unknown", "weak_df", "fuzzy_common"})


class SearchConfig(PluginConfig):
    enabled = c.Type(bool, default=True)
    # Field weights: how much a match in each field counts (BM25F boosts). 0 leaves a field out.
    weights = c.Type(dict, default={})
    # Scoring knobs (see kbtools/search/README.md): B, K1, coord, fuzzy, prefix, prefix_max, fuzzy_max,
    # synonym, assoc, thesaurus, code, the precision rules (max_unknown, min_cover, weak_df,
    # fuzzy_common) and the kind lifts (lift, lift_howto).
    ranking = c.Type(dict, default={})
    # The KB's own synonym groups (product names, its jargon), added to the package's list: a file
    # of comma-separated single words, a group a line, relative to mkdocs.yml (synonyms.py).
    synonyms = c.Optional(c.Type(str))


class KbSearchPlugin(BasePlugin[SearchConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.docs: list[SearchDoc] = []
        self.ranking = Ranking()
        self.command = "build"
        self.worker: BaseProcess | None = None
        self.started = 0.0
        self.indexed = 0
        self.synonyms_file: Path | None = None  # the KB's own synonym groups (option `synonyms`)
        self.synonym_groups: dict[str, list[str]] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        self.docs = []
        self.ranking = _ranking(self.config.weights, self.config.ranking)
        ctx = build_context.of(config)
        self.synonyms_file = None
        if self.config.synonyms:
            self.synonyms_file = ctx.root / self.config.synonyms
            ctx.reads(self.synonyms_file, "synonyms file")
        self.synonym_groups = self._read_synonyms()
        ctx.preview_hooks["kb-search"] = lambda update: self.preview_update(update, ctx)
        self.incremental = ctx.incremental  # set by `kb`, whose on_config runs first
        if "search" in config.plugins or "material/search" in config.plugins:
            log.warning(
                "kb-search replaces mkdocs-material's search plugin: remove `search` from plugins in mkdocs.yml"
            )
        config.extra_css.append("assets/search/search.css")
        # The script (assets/search/search.js: the modules and the manifest, bundle.py) is in every
        # page's head (theme main.html), so that its one request starts with the page's own files.
        return config

    def _read_synonyms(self) -> dict[str, list[str]]:
        try:
            if self.synonyms_file is not None and not self.synonyms_file.is_file():
                raise synonyms.SynonymsError(
                    f"{self.config.synonyms}: synonyms file not found (plugins.kb-search.synonyms in mkdocs.yml)"
                )
            return synonyms.load(self.synonyms_file, self.config.synonyms)
        except synonyms.SynonymsError as exc:
            raise PluginError(str(exc)) from None

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        if not self.config.enabled:
            return None
        if files.get_file_from_path(SEARCH_PAGE) is None:
            page = File.generated(
                config, SEARCH_PAGE, content="---\ntemplate: kb-search.html\ntitle: Search\n---\n# Search\n"
            )
            page.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(page)
        return files

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        """Every page is read by now: collect the articles and start indexing them, in a
        child process while MkDocs renders the pages (a build has the CPU to spare)."""
        ctx = build_context.of(config)
        if not self.config.enabled or ctx.incremental:
            return None  # the incremental preview calls `preview_update` instead
        self.docs = self._collect(files, ctx)
        if not self.docs:
            log.warning("kb-search: no published article to index; is the `kb` plugin listed in mkdocs.yml?")
        job = self._job(config.site_dir, ctx)
        self.started = time.monotonic()
        self.indexed = len(self.docs)
        if getattr(self, "command", "build") == "build":
            # A fresh process that gets only the documents (pickled), not a fork: a forked child
            # would hold (and count) everything MkDocs has read by now, which it never uses.
            spawn = mp.get_context("spawn")
            self.conn, child = spawn.Pipe(duplex=False)
            worker = self.worker = spawn.Process(target=_index_in_child, args=(job, child), daemon=True)
            worker.start()
            child.close()
            self.docs = []  # the child has its copy; this process renders pages meanwhile
        else:  # `mkdocs serve` (threads around): index in this process, after the build
            self.worker, self.job = None, job
        return None

    def _collect(self, files: Files, ctx: build_context.BuildContext) -> list[SearchDoc]:
        """One document per published page; a page whose article, address and breadcrumbs are
        those of the previous build keeps its document (`mkdocs serve` rebuilds)."""
        cache = getattr(self, "_docs_by_page", {})
        docs, self._docs_by_page = [], {}
        trails: dict[int, list[str]] = {}  # breadcrumbs by parent section: computed once each
        for f in files.documentation_pages():
            page = f.page
            art = ctx.articles.get(f.src_uri) if page is not None else None
            if art is None or page is None or not art.published or f.src_uri == SEARCH_PAGE:
                continue
            key = id(page.parent)
            if key not in trails:
                trails[key] = [a.title for a in reversed(list(page.ancestors)) if a.title]
            crumbs = trails[key]
            hit = cache.get(f.src_uri)
            if hit is not None and hit[0] is art and hit[1] == page.url and hit[2] == crumbs:
                doc = hit[3]
            else:
                doc = from_article(art, page.url, crumbs)
            self._docs_by_page[f.src_uri] = (art, page.url, crumbs, doc)
            docs.append(doc)
        return docs

    def _recollect(self, changed: frozenset[str], ctx: build_context.BuildContext) -> list[SearchDoc]:
        for uri in changed:
            hit = self._docs_by_page.get(uri)
            art = ctx.articles.get(uri)
            if hit is not None and art is not None and art is not hit[0]:
                self._docs_by_page[uri] = (art, hit[1], hit[2], from_article(art, hit[1], hit[2]))
        return [entry[3] for entry in self._docs_by_page.values()]

    def _job(self, site_dir: str, ctx: build_context.BuildContext) -> tuple:
        labels = {"type": _type_labels(), "product": {pid: p.name for pid, p in ctx.products().items()}}
        return (self.docs, site_dir, self.ranking, labels, self.synonym_groups)

    def preview_update(self, update: Update, ctx: build_context.BuildContext) -> list[Job]:
        """The incremental preview (kbcore.preview): the documents of this build, and, when
        one changed, the whole index again in the background (same code as a build, so the
        files are the ones a full build writes)."""
        if not self.config.enabled:
            return []
        if update.navigation or not self.docs:
            docs = self._collect(update.files, ctx)
        else:  # only the changed pages' own content is new: their documents, the rest kept
            docs = self._recollect(update.changed, ctx)
        if docs == self.docs:
            return []
        self.docs = docs
        job = self._job(update.site_dir, ctx)

        def done(result: tuple[bool, dict | str]) -> set[str]:
            ok, summary = result
            if not ok:
                log.warning(f"kb-search: the search index was not updated: {summary}")
            return set()

        return [Job("search index", lambda: _index(*job), done)]

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or getattr(self, "incremental", False):
            return  # the incremental preview: `preview_update` did the work
        if self.worker is None:
            ok, result = _index(*self.job)
        else:
            try:
                ok, result = self.conn.recv()
            except EOFError:
                ok, result = False, f"the indexing process died (exit code {self.worker.exitcode})"
            self.worker.join()
            self.worker = None
        if not ok or not isinstance(result, dict):
            raise PluginError(f"kb-search: could not build the search index: {result}")
        log.info(
            f"kb-search: indexed {self.indexed} pages, {result['terms_count']} terms, "
            f"{result['total'] / 1e6:.1f} MB in {time.monotonic() - self.started:.1f} s"
        )

    def on_build_error(self, *, error: Exception) -> None:
        worker = getattr(self, "worker", None)
        if worker is not None and worker.is_alive():
            worker.terminate()  # our own child: the build it indexes for has failed
            worker.join()
        self.worker = None


def _index(
    docs: list[SearchDoc], site_dir: str, ranking: Ranking, labels: dict, synonym_groups: dict[str, list[str]]
) -> tuple[bool, dict | str]:
    """Build the Whoosh index in a temporary folder and export it into the site."""
    work = tempfile.mkdtemp(prefix="kb-search-")
    try:
        inv = whoosh_index.build(docs, work)
        sizes = export(inv, docs, site_dir, ranking, labels, synonym_groups)
        sizes["bundle"] = bundle.write(site_dir)
        return True, sizes
    except Exception as exc:  # reported by the parent as a PluginError
        return False, f"{type(exc).__name__}: {exc}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _index_in_child(job: tuple, conn) -> None:
    conn.send(_index(*job))
    conn.close()


def _type_labels() -> dict[str, str]:
    from ..articles import TYPES

    return dict(TYPES)


def _ranking(weights: dict, knobs: dict) -> Ranking:
    """Validate the plugin's `weights` and `ranking` options; report every problem at once."""
    problems = []
    r = Ranking()
    for key, value in weights.items():
        if key not in FIELDS:
            problems.append(f"weights.{key}: unknown field{did_you_mean(key, FIELDS)}; fields are {', '.join(FIELDS)}")
        elif isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            problems.append(f"weights.{key}: expected a number >= 0, got {value!r}")
        else:
            r.weights[key] = float(value)
    for key, value in knobs.items():
        kind = _RANKING_KEYS.get(key)
        if kind is None:
            problems.append(f"ranking.{key}: unknown option{did_you_mean(key, _RANKING_KEYS)}")
        elif (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or value < 0
            or (kind is int and not float(value).is_integer())
        ):
            problems.append(f"ranking.{key}: expected a{'n integer' if kind is int else ' number'} >= 0, got {value!r}")
        elif key in _SHARES and value > 1:
            problems.append(f"ranking.{key}: expected a share between 0 and 1, got {value!r}")
        else:
            setattr(r, key, kind(value))
    if not any(r.weights.values()):
        problems.append("weights: at least one field needs a weight above 0")
    if problems:
        raise PluginError("mkdocs.yml: plugins.kb-search: " + "; ".join(problems))
    return r
