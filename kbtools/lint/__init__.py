"""`kb lint`: every check a writer wants before a pull request, over any folder of Markdown.

Owns: running the checks over a whole KB and collecting every problem in one pass
(`lint`), and showing them (`format_text`, `format_json`). Finding the KB and walking it
is `source`; the checks across articles are `checks`; what a single article may say is
`kbtools.articles`; the support policy's own rules come from
the packages that register a `kb.lint` entry point (`intake`). Nothing here raises for
bad content: a file that cannot be read or decoded is a problem like any other. The codes are
listed in `kbtools/lint/README.md`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from collections import Counter
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

from kbcore import policyfile
from kbcore.problems import Problem

from ..articles import load_article
from . import checks, feedback
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


def products_of(
    source: KbSource, today: dt.date | None = None, check: bool = True
) -> tuple[dict[str, list[str]] | None, list[Problem]]:
    """Product id -> versions from the policy file (None: no policy), and the policy's problems
    (with `check`: its reading and lifecycle problems, then the checks that packages registered
    under the `kb.lint` entry points, such as the policy's own rules from `intake`)."""
    path = source.policy_file
    if path is None:
        return None, []
    shown = _shown(path)
    if not path.is_file():
        if source.policy_declared:
            return None, [
                Problem(
                    shown,
                    1,
                    "KB301",
                    "policy file not found (plugins.kb.policy_file in mkdocs.yml); products and versions not checked",
                )
            ]
        return None, []
    policy = policyfile.read(path, shown)
    products, lifecycle_problems = policy.lifecycle
    problems: list[Problem] = []
    if check:
        registered = _registered_checks(policy, today, source.plugins)
        # A registered check sees the whole file and reports the lifecycle's problems too.
        problems = registered if registered is not None else policy.problems + lifecycle_problems
    if policy.data is None or lifecycle_problems:
        if not any(p.severity == "error" for p in problems):
            problems.append(Problem(shown, 1, "KB301", "cannot read the products; products and versions not checked"))
        return None, problems
    return {pid: [v.version for v in p.versions] for pid, p in products.items()}, problems


def _registered_checks(
    policy: policyfile.PolicyFile, today: dt.date | None, plugins: set[str] | None
) -> list[Problem] | None:
    """Problems from the `kb.lint` entry points (`check(policy_file, today) -> problems`), each
    named after the MkDocs plugin whose data it checks and run when mkdocs.yml lists that plugin
    (all of them without an mkdocs.yml); None when none runs. A check that crashes is a
    warning, not a traceback."""
    found = [ep for ep in entry_points(group="kb.lint") if plugins is None or ep.name in plugins]
    if not found:
        return None
    problems: list[Problem] = []
    for ep in found:
        try:
            problems += ep.load()(policy, today)
        except Exception as exc:  # another package's bug must not hide our findings
            problems.append(
                Problem(
                    policy.display,
                    1,
                    "KB300",
                    f"the {ep.name} checks could not run: {type(exc).__name__}: {exc}",
                    "warning",
                )
            )
    return problems


def _shown(path: Path) -> str:
    try:
        rel = os.path.relpath(path, Path.cwd())
    except ValueError:
        return str(path)
    return str(path) if rel.startswith("..") else rel.replace(os.sep, "/")


def lint(
    source: KbSource, today: dt.date | None = None, orphans: bool = False, votes: feedback.Votes | None = None
) -> LintReport:
    """Check the whole KB; every problem found, sorted. `votes`: the desk's (KB218)."""
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
    problems += checks.aliases(kb, source.use_directory_urls)
    link_problems, used, inbound = checks.links(kb)
    problems += link_problems
    problems += checks.orphan_images(kb, used)
    if orphans:
        problems += checks.orphan_pages(kb, inbound)
    problems += checks.review_overdue(kb, today)
    problems += checks.placeholders(kb)
    if votes is not None:
        problems += feedback.not_helpful(articles, votes)
    shown = [dataclasses.replace(p, path=source.display(p.path)) for p in problems if source.reports(p.path)]
    if source.only:  # a folder of the KB: its problems only, not the policy's
        return LintReport(
            sorted(shown), sum(source.reports(a) for a in articles), len(listing.markdown) + len(listing.assets)
        )
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
    return f"kb lint: {report.articles} article(s), {report.errors} error(s), {report.warnings} warning(s)"


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
