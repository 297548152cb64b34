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
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from mkdocs.structure.files import Files, InclusionLevel

from kbcore.lifecycle import Product
from kbcore.paths import escapes, first_link
from kbcore.problems import Problem

from ..articles import Article, load_article
from ..lint import checks as lint_checks

log = logging.getLogger("mkdocs.plugins.kb")
# Lint errors across articles that also fail a plain build (a broken link only warns).
BUILD_ERRORS = {"KB201", "KB205", "KB215", "KB216", "KB217"}


@dataclass
class Reading:
    articles: dict[str, Article] = field(default_factory=dict)  # by src_uri
    errors: list[Problem] = field(default_factory=list)
    warnings: int = 0
    drafts_left_out: list[str] = field(default_factory=list)


def read_articles(files: Files, docs_dir: str, products: dict[str, Product] | None,
                  show_drafts: bool, use_directory_urls: bool) -> Reading:
    t0 = time.monotonic()
    out = Reading()
    problems: list[Problem] = []
    versions = {pid: [v.version for v in p.versions] for pid, p in products.items()} if products else None
    docs_root = os.path.abspath(docs_dir)
    links: dict[str, str] = {}
    for f in list(files):
        from_docs = f.src_dir is not None and os.path.abspath(f.src_dir) == docs_root
        if from_docs and f.abs_src_path and escapes(f.abs_src_path, docs_dir):
            # Never followed: the target is not read, and the file is not copied into the site.
            link, target = first_link(f.abs_src_path, docs_dir)
            links[link] = target
            files.remove(f)
    for link, target in sorted(links.items()):
        problems.append(Problem(link, 1, "KB214", f"is a symbolic link to '{target}', outside the docs "
                                "folder: content is read only from inside it; copy it in instead"))
    for f in files.documentation_pages():
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
    kb = lint_checks.Kb(
        out.articles,
        assets={f.src_uri for f in files if not f.is_documentation_page()},
        folders={str(a) for u in out.articles for a in PurePosixPath(u).parents},
    )
    problems += lint_checks.duplicates(kb)
    problems += lint_checks.aliases(kb, use_directory_urls)
    for p in lint_checks.links(kb)[0]:
        if p.severity == "error" and p.code not in BUILD_ERRORS:
            log.warning(str(p))
        else:
            problems.append(p)
    out.errors = sorted(p for p in problems if p.severity == "error")
    out.warnings = len(problems) - len(out.errors)
    log.info(f"kb: read and checked {len(out.articles)} articles in {time.monotonic() - t0:.1f} s")
    return out


def by_id(articles: dict[str, Article]) -> dict[str, Article]:
    """Id -> article; the first in path order keeps a duplicated id."""
    out: dict[str, Article] = {}
    for art in sorted(articles.values(), key=lambda a: a.src_uri):
        out.setdefault(art.id, art)
    return out
