"""Read and check every article of a build, all problems in one run.

Owns: reading each Markdown file into an `Article` (front matter checked against its schema),
the checks across articles that fail a build (the same as `kb lint`: duplicate ids, missing
images, aliases), refusing files that resolve outside the docs folder, and what drafts and
archived articles become (left out, or in the build but out of the navigation).
Broken links and anchors are warnings in a build (errors in `kb lint`), so a KB nobody here
wrote still builds; `--strict` fails on them.
"""

from __future__ import annotations

import logging
import os
import posixpath
import time
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.structure.files import Files, InclusionLevel

from kbcore.lifecycle import Product
from kbcore.paths import escapes, first_link
from kbcore.problems import Problem

from ..articles import Article, load_article
from ..lint import checks as lint_checks

log = logging.getLogger("mkdocs.plugins.kb")
# Lint errors across articles that also fail a plain build (a broken link only warns). A
# placeholder left in a published article (KB212) fails every build but the preview.
BUILD_ERRORS = {"KB201", "KB205", "KB215", "KB216", "KB217"}


@dataclass
class Reading:
    articles: dict[str, Article] = field(default_factory=dict)  # by src_uri
    errors: list[Problem] = field(default_factory=list)
    warnings: int = 0
    drafts_left_out: list[str] = field(default_factory=list)


def read_articles(
    files: Files,
    docs_dir: str,
    products: dict[str, Product] | None,
    show_drafts: bool,
    use_directory_urls: bool,
    preview: bool = False,
    reuse: Mapping[str, Article] | None = None,
    link_sources: Collection[str] | None = None,
) -> Reading:
    """`preview` (`mkdocs serve`): a `TODO:` left in a published article only warns, so the
    page stays visible while it is written; every other build refuses to publish it.
    `reuse`: articles read by the previous build whose files have not changed since (the
    incremental preview); `link_sources`: check only these articles' links (None: all)."""
    t0 = time.monotonic()
    out = Reading()
    problems: list[Problem] = []
    versions = product_versions(products)
    reuse = reuse or {}
    docs_root = os.path.abspath(docs_dir)
    links: dict[str, str] = {}
    for f in list(files):
        if f.src_uri in reuse:
            continue  # read and checked by the previous build, unchanged since
        from_docs = f.src_dir is not None and os.path.abspath(f.src_dir) == docs_root
        if from_docs and f.abs_src_path and escapes(f.abs_src_path, docs_dir):
            # Never followed: the target is not read, and the file is not copied into the site.
            link, target = first_link(f.abs_src_path, docs_dir)
            links[link] = target
            files.remove(f)
    for link, target in sorted(links.items()):
        problems.append(
            Problem(
                link,
                1,
                "KB214",
                f"is a symbolic link to '{target}', outside the docs "
                "folder: content is read only from inside it; copy it in instead",
            )
        )
    for f in files.documentation_pages():
        art = reuse.get(f.src_uri)
        if art is None:
            try:
                raw = Path(f.abs_src_path).read_bytes() if f.abs_src_path else f.content_bytes
            except OSError as exc:
                problems.append(Problem(f.src_uri, 1, "KB100", f"cannot read: {exc.strerror}"))
                continue
            art = load_article(f.src_uri, raw, versions)
            problems += art.problems
        out.articles[f.src_uri] = art
        if art.status == "draft":
            if show_drafts:
                f.inclusion = InclusionLevel.NOT_IN_NAV
            else:
                f.inclusion = InclusionLevel.DRAFT
                out.drafts_left_out.append(f.src_uri)
        elif art.status == "archived":
            f.inclusion = InclusionLevel.NOT_IN_NAV
    assets = {f.src_uri for f in files if not f.is_documentation_page()}
    problems += check_across(out.articles, assets, use_directory_urls, preview, link_sources)
    out.errors = sorted(p for p in problems if p.severity == "error")
    out.warnings = len(problems) - len(out.errors)
    log.info(f"kb: read and checked {len(out.articles) - len(reuse)} articles in {time.monotonic() - t0:.1f} s")
    return out


def product_versions(products: Mapping[str, Product] | None) -> dict[str, list[str]] | None:
    return {pid: [v.version for v in p.versions] for pid, p in products.items()} if products else None


def folders_of(uris: Iterable[str]) -> set[str]:
    """Every folder that holds a file, and their parents ("." for the docs folder)."""
    out = {"."}
    for uri in uris:
        folder = posixpath.dirname(uri)
        while folder and folder not in out:
            out.add(folder)
            folder = posixpath.dirname(folder)
    return out


def check_across(
    articles: dict[str, Article],
    assets: set[str],
    use_directory_urls: bool,
    preview: bool,
    link_sources: Collection[str] | None = None,
) -> list[Problem]:
    """The checks across articles that a build makes (the rest of `kb lint`'s are lint-only):
    problems that fail the build are returned; the others are logged as warnings."""
    kb = lint_checks.Kb(articles, assets=assets, folders=folders_of(articles))
    problems = lint_checks.duplicates(kb) + lint_checks.aliases(kb, use_directory_urls)
    for p in lint_checks.links(kb, link_sources)[0]:
        if p.severity == "error" and p.code not in BUILD_ERRORS:
            log.warning(str(p))
        else:
            problems.append(p)
    for p in lint_checks.placeholders(kb):
        if preview:
            log.warning(str(p))
        else:
            problems.append(p)
    return problems


def check_edits(
    articles: dict[str, Article],
    edited: dict[str, Article],
    before: dict[str, Article],
    assets: set[str],
    folders: set[str],
    use_directory_urls: bool,
    link_sources: Collection[str],
) -> list[Problem]:
    """`check_across` for a few edited articles (the preview, after a save): an id now taken
    by another article, aliases if any changed, the links of the edited articles and of those
    linking to them, placeholders in the edited ones; the same checks, the same messages."""
    kb = lint_checks.Kb(articles, assets=assets, folders=folders)
    ids: dict[str, Article] = {}
    for art in articles.values():
        ids.setdefault(art.id, art) if art.src_uri not in edited else None
    problems: list[Problem] = []
    for uri, art in edited.items():
        other = ids.get(art.id)
        if other is not None:
            pair = dict(sorted({other.src_uri: other, uri: art}.items()))
            problems += [p for p in lint_checks.duplicates(lint_checks.Kb(pair, set(), set())) if p.code == "KB201"]
        ids.setdefault(art.id, art)
    if any((a.aliases, a.id) != (before[u].aliases, before[u].id) for u, a in edited.items()):
        problems += lint_checks.aliases(kb, use_directory_urls)
    for p in lint_checks.links(kb, link_sources)[0]:
        if p.severity == "error" and p.code not in BUILD_ERRORS:
            log.warning(str(p))
        else:
            problems.append(p)
    for p in lint_checks.placeholders(lint_checks.Kb(edited, set(), set())):
        log.warning(str(p))  # only the preview edits articles one by one
    return problems


def by_id(articles: dict[str, Article]) -> dict[str, Article]:
    """Id -> article; the first in path order keeps a duplicated id."""
    out: dict[str, Article] = {}
    for art in sorted(articles.values(), key=lambda a: a.src_uri):
        out.setdefault(art.id, art)
    return out
