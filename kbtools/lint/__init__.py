"""`kb lint`: every check a writer wants before a pull request, over any folder of Markdown.

Owns: running the checks over a whole KB and collecting every problem in one pass
(`lint`), and showing them (`format_text`, `format_json`). Finding the KB and walking it
is `source`; the checks across articles are `checks`; what a single article may say is
`kbtools.articles`; the support policy's own rules are `intake.checks` (called when it
exists). Nothing here raises for bad content: a file that cannot be read or decoded is a
problem like any other. The codes are listed in `kbtools/lint/README.md`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..articles import load_article
from kbcore.problems import Problem
from . import checks
from .source import KbSource, locate, walk

__all__ = ["LintReport", "format_github", "format_json", "format_text", "lint", "locate", "products_of"]


@dataclass
class LintReport:
    problems: list[Problem]  # sorted; paths as the writer sees them (relative to the working folder)
    articles: int
    files: int

    @property
    def errors(self) -> int:
        return sum(p.severity == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(p.code for p in self.problems).items()))


def products_of(source: KbSource, today: dt.date | None = None, check: bool = True) -> tuple[dict[str, list[str]] | None, list[Problem]]:
    """Product id -> versions from the policy file (None: no policy), and the policy's problems (with `check`)."""
    path = source.policy_file
    if path is None:
        return None, []
    shown = _shown(path)
    if not path.is_file():
        if source.policy_declared:
            return None, [Problem(shown, 1, "KB301", "policy file not found (plugins.kb.policy_file in mkdocs.yml); products and versions not checked")]
        return None, []
    problems = _policy_problems(path, shown, today) if check else []
    try:
        from intake.lifecycle import load_products

        products = load_products(path)
        return {pid: [v.version for v in p.versions] for pid, p in products.items()}, problems
    except Exception as exc:  # any malformed policy: report, keep linting the articles
        if not any(p.severity == "error" for p in problems):
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            problems.append(Problem(shown, 1, "KB301", f"cannot read the products: {reason}; products and versions not checked"))
        return None, problems


def _policy_problems(path: Path, shown: str, today: dt.date | None) -> list[Problem]:
    """The policy helper's own checks (`intake.checks.check_policy`), when that module exists."""
    try:
        from intake.checks import check_policy  # type: ignore[import-not-found]
    except ModuleNotFoundError as exc:
        if exc.name in ("intake.checks", "intake"):
            return []
        return [Problem(shown, 1, "KB300", f"the policy checks could not run: {exc}", "warning")]
    except ImportError as exc:
        return [Problem(shown, 1, "KB300", f"the policy checks could not run: {exc}", "warning")]
    accepted = inspect.signature(check_policy).parameters
    # Pass what this version of check_policy accepts (today for dates, display for paths).
    extra: dict[str, Any] = {k: v for k, v in (("today", today), ("display", shown)) if k in accepted}
    try:
        return list(check_policy(path, **extra))
    except Exception as exc:  # their bug must not hide our findings
        return [Problem(shown, 1, "KB300", f"the policy checks could not run: {type(exc).__name__}: {exc}", "warning")]


def _shown(path: Path) -> str:
    try:
        rel = os.path.relpath(path, Path.cwd())
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")


def lint(source: KbSource, today: dt.date | None = None, orphans: bool = False) -> LintReport:
    """Check the whole KB; every problem found, sorted."""
    today = today or dt.date.today()
    listing = walk(source)
    problems: list[Problem] = list(listing.problems)
    products, policy_problems = products_of(source, today)
    articles = {}
    for uri in listing.markdown:
        try:
            raw = (source.docs_dir / uri).read_bytes()
        except OSError as exc:
            problems.append(Problem(uri, 1, "KB100", f"cannot read: {exc.strerror or exc}"))
            continue
        art = load_article(uri, raw, products)
        problems += _without_noise(art.problems)
        articles[uri] = art
    kb = checks.Kb(articles, set(listing.assets), listing.folders, source.config_refs, source.display)
    problems += checks.duplicates(kb)
    link_problems, used, inbound = checks.links(kb)
    problems += link_problems
    problems += checks.orphan_images(kb, used)
    if orphans:
        problems += checks.orphan_pages(kb, inbound)
    problems += checks.review_overdue(kb, today)
    problems += checks.placeholders(kb)
    shown = [dataclasses.replace(p, path=source.display(p.path)) for p in problems if source.reports(p.path)]
    if source.only:  # a folder of the KB: its problems only, not the policy's
        return LintReport(sorted(shown), sum(source.reports(a) for a in articles), len(listing.markdown) + len(listing.assets))
    return LintReport(sorted(shown + policy_problems), len(articles), len(listing.markdown) + len(listing.assets))


def _without_noise(problems: list[Problem]) -> list[Problem]:
    """A front matter that cannot be read has no title or type to miss: say only that it is broken."""
    if any(p.code == "KB102" for p in problems):
        return [p for p in problems if p.code not in ("KB105", "KB106")]
    return problems


def format_text(report: LintReport) -> str:
    lines = [str(p) for p in report.problems]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def summary(report: LintReport) -> str:
    return (
        f"kb lint: {report.articles} article(s), {report.errors} error(s), {report.warnings} warning(s)"
    )


def format_github(report: LintReport) -> str:
    """GitHub Actions workflow commands: each problem becomes an annotation on its file and line."""
    def esc(text: str, prop: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if prop else text

    lines = [
        f"::{p.severity} file={esc(p.path, True)},line={p.line},title={esc(p.code, True)}::{esc(p.message)}"
        for p in report.problems
    ]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def format_json(report: LintReport) -> str:
    """A JSON list of {path, line, code, message, severity, key}, sorted like the text output."""
    items: list[dict[str, Any]] = [p.as_dict() for p in report.problems]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
