"""Checks across articles: duplicates, links and anchors, images, orphans, review dates.

Each check takes the loaded KB and returns problems (paths are `src_uri`s, relative to
the docs folder); none raises for bad content. What one article may say on its own
(front matter, solution sections, products) is `kbtools.articles.load_article`'s job.
The codes are listed in `kbtools/lint/README.md`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import posixpath
import re
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from kbcore.problems import Problem, did_you_mean

from .. import articles
from ..articles import Article, slugify
from ..urls import alias_path, site_file
from .source import is_image

# Pages other plugins add to the site (see /work/briefs/contracts.md): not files in docs/.
GENERATED_ROOTS = frozenset({"request", "search", "assets", "policy", "schemas"})
# Files MkDocs itself writes at the top of the site.
GENERATED_FILES = frozenset({"404.html", "sitemap.xml", "sitemap.xml.gz"})
_LISTING_PAGE = re.compile(r"(?:^|/)kb-page-\d+/")  # a paginated listing (build/listings.py)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_HTML_ID = re.compile(r"<[a-zA-Z][^>]*?\s(?:id|name)=[\"']([^\"']+)[\"']")
_REF_DEF = re.compile(r"^ {0,3}\[([^\]^][^\]]*)\]:\s*<?([^\s>]+)>?")  # not footnotes: [^1]: text
_TAG = re.compile(r"<[^>]+>")
_PLACEHOLDER = re.compile(r"\bTODO:")


@dataclass
class Kb:
    """The loaded KB the checks look at."""

    articles: dict[str, Article]  # by src_uri
    assets: set[str]  # non-Markdown files, by src_uri
    folders: set[str]
    config_refs: set[str] = field(default_factory=set)
    display: Callable[[str], str] = str  # how a src_uri is shown inside a message
    lines: dict[str, list[str]] = field(default_factory=dict)  # src_uri -> body lines

    def body_lines(self, art: Article) -> list[str]:
        if art.src_uri not in self.lines:
            self.lines[art.src_uri] = art.body.splitlines()
        return self.lines[art.src_uri]


def prose_lines(art: Article, kb: Kb) -> Iterator[tuple[int, str]]:
    """(file line, text) of the body outside fenced and indented code."""
    return articles.prose_lines(kb.body_lines(art), art.body_line)


# ----- duplicates ---------------------------------------------------------------------------
def duplicates(kb: Kb) -> list[Problem]:
    """KB201 two articles with one id (error); KB202 two articles with one title (warning)."""
    problems: list[Problem] = []
    by_id: dict[str, Article] = {}
    by_title: dict[str, Article] = {}
    for art in kb.articles.values():
        first = by_id.setdefault(art.id, art)
        if first is not art:
            problems.append(
                Problem(
                    art.src_uri,
                    art.line_of("id"),
                    "KB201",
                    f"duplicate id '{art.id}' (also {kb.display(first.src_uri)}:{first.line_of('id')})",
                    key="id",
                )
            )
        title_key = " ".join(art.title.lower().split())
        first = by_title.setdefault(title_key, art)
        if first is not art:
            problems.append(
                Problem(
                    art.src_uri,
                    art.line_of("title"),
                    "KB202",
                    f"duplicate title '{art.title}' (also {kb.display(first.src_uri)}:{first.line_of('title')}); "
                    "readers cannot tell them apart in search",
                    "warning",
                    key="title",
                )
            )
    return problems


# ----- links, anchors and images --------------------------------------------------------------
def anchors_of(art: Article, kb: Kb) -> set[str]:
    """Heading anchors plus `id=`/`name=` attributes written in HTML."""
    found = {h.anchor for h in art.headings}
    # The article model keeps inline HTML in heading text; MkDocs' toc drops the tags first.
    found.update(slugify(_TAG.sub("", h.text)) for h in art.headings if "<" in h.text)
    if "id=" in art.body or "name=" in art.body:
        for _, line in prose_lines(art, kb):
            found.update(_HTML_ID.findall(line))
    return found


def _all_links(art: Article, kb: Kb) -> list[tuple[str, int, bool]]:
    """(target, line, is_image) for inline links, reference definitions and <img>, outside code."""
    lines = kb.body_lines(art)
    out = []
    for link in art.links:
        offset = link.line - art.body_line
        text = lines[offset] if 0 <= offset < len(lines) else ""
        # The article model does not know inline code: `[x](Get-Date)` in backticks is no link.
        if "`" in text and link.target not in _CODE_SPAN.sub("", text):
            continue
        out.append((link.target, link.line, link.image))
    if "]:" in art.body:
        for lineno, line in prose_lines(art, kb):
            m = _REF_DEF.match(line)
            if m:
                out.append((m.group(2), lineno, False))
    return out


def _relative(from_uri: str, to_uri: str) -> str:
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def _suggest(art: Article, wanted: str, choices: list[str]) -> tuple[str, int]:
    """(' (did you mean 'x'?)' or '', names compared), x written relative to the article.

    File names are compared without their extension ('.md' would make any two names look
    alike): first those in the target's folder, then in the whole KB (a wrong folder).
    """

    def name(path: str) -> str:
        return posixpath.splitext(posixpath.basename(path))[0]

    folder = posixpath.dirname(wanted)
    compared = 0
    for same_folder in (True, False):
        by_name: dict[str, str] = {}
        for c in choices:
            if c != art.src_uri and (not same_folder or posixpath.dirname(c) == folder):
                by_name.setdefault(name(c), c)
        compared += len(by_name)
        close = difflib.get_close_matches(name(wanted), list(by_name), n=1, cutoff=0.6)
        if close:
            return f" (did you mean '{_relative(art.src_uri, by_name[close[0]])}'?)", compared
    return "", compared


def targets(art: Article, kb: Kb) -> set[str]:
    """The source paths an article's relative links may resolve to (broken ones included):
    who must be rendered again when a page appears, moves or goes away."""
    out: set[str] = set()
    here = posixpath.dirname(art.src_uri)
    for target, _, _ in _all_links(art, kb):
        if _SCHEME.match(target) or target.startswith("//"):
            continue
        try:
            path = unquote(urlsplit(target).path)
        except ValueError:
            continue
        if not path or path.startswith(("/", "\\")):
            continue
        resolved = posixpath.normpath(posixpath.join(here, path))
        out.update((resolved, resolved + ".md", resolved + "/index.md", resolved + "/README.md"))
    return out


def links(kb: Kb, sources: Collection[str] | None = None) -> tuple[list[Problem], set[str], dict[str, int]]:
    """Check every relative link; return problems, the files used, and inbound link counts.

    KB203 link to a page or file that does not exist (error); KB204 anchor that the target
    page does not have (error); KB205 image that does not exist (error); KB209 link that
    leaves the docs folder (error); KB210 absolute link (warning); KB211 link to a folder
    instead of its index.md, which the build cannot check (warning); KB213 link from a page
    that will be published to a draft, which will not (warning). `sources`: check only the
    links of these articles (the preview, after a save); None: every article's.
    """
    problems: list[Problem] = []
    used: set[str] = set()
    inbound: dict[str, int] = {}
    pages = sorted(kb.articles)
    images = sorted(a for a in kb.assets if is_image(a))
    files = pages + sorted(kb.assets)
    anchor_cache: dict[str, set[str]] = {}
    hints: dict[tuple[str, str, int], str] = {}  # one broken target is often linked many times
    # Comparing names costs a few microseconds each: past this many comparisons (a second or
    # two; hundreds of distinct broken targets in a big KB) broken links get no suggestion.
    budget = [400_000]

    def suggest(art: Article, resolved: str, choices: list[str]) -> str:
        key = (posixpath.dirname(art.src_uri), resolved, id(choices))
        if key not in hints:
            hint, compared = _suggest(art, resolved, choices) if budget[0] > 0 else ("", 0)
            budget[0] -= compared
            hints[key] = hint
        return hints[key]

    def anchors(target: Article) -> set[str]:
        if target.src_uri not in anchor_cache:
            anchor_cache[target.src_uri] = anchors_of(target, kb)
        return anchor_cache[target.src_uri]

    for art in (
        kb.articles.values() if sources is None else [kb.articles[u] for u in sorted(sources) if u in kb.articles]
    ):
        here = posixpath.dirname(art.src_uri)
        for target, line, image in _all_links(art, kb):
            if _SCHEME.match(target) or target.startswith("//"):
                continue
            try:
                parts = urlsplit(target)
            except ValueError:
                problems.append(Problem(art.src_uri, line, "KB203", f"link '{target}' is not a valid address"))
                continue
            path, anchor = unquote(parts.path), unquote(parts.fragment)
            if path.startswith(("/", "\\")):
                problems.append(
                    Problem(
                        art.src_uri,
                        line,
                        "KB210",
                        f"absolute link '{target}' breaks when the site is not served from the domain root; use a "
                        "relative link",
                        "warning",
                    )
                )
                continue
            if not path:  # same page
                if anchor and anchor not in anchors(art):
                    problems.append(
                        Problem(
                            art.src_uri,
                            line,
                            "KB204",
                            f"no heading or id '#{anchor}' on this page{did_you_mean(anchor, anchors(art))}",
                        )
                    )
                continue
            resolved = posixpath.normpath(posixpath.join(here, path))
            if resolved == ".." or resolved.startswith("../"):
                problems.append(
                    Problem(
                        art.src_uri,
                        line,
                        "KB209",
                        f"link '{target}' points outside the docs folder; it will not be in the site",
                    )
                )
                continue
            if resolved in kb.articles:
                dest = kb.articles[resolved]
                if dest is not art:
                    inbound[resolved] = inbound.get(resolved, 0) + 1
                if anchor and anchor not in anchors(dest):
                    problems.append(
                        Problem(
                            art.src_uri,
                            line,
                            "KB204",
                            f"'{path}' has no heading or id '#{anchor}'{did_you_mean(anchor, anchors(dest))}",
                        )
                    )
                if dest.status == "draft" and art.status != "draft":
                    problems.append(
                        Problem(
                            art.src_uri,
                            line,
                            "KB213",
                            f"link to the draft '{path}': drafts are left out of the published site",
                            "warning",
                        )
                    )
                continue
            if resolved in kb.assets:
                used.add(resolved)
                continue
            if resolved in kb.folders or resolved.rstrip("/") in kb.folders:
                folder = resolved.rstrip("/")
                index = next(
                    (f"{folder}/{n}" for n in ("index.md", "README.md") if f"{folder}/{n}" in kb.articles), None
                )
                if index:
                    inbound[index] = inbound.get(index, 0) + 1
                problems.append(
                    Problem(
                        art.src_uri,
                        line,
                        "KB211",
                        f"link to the folder '{target}': link to '{_relative(art.src_uri, folder + '/index.md')}' so "
                        "the build can check it",
                        "warning",
                    )
                )
                continue
            if resolved.split("/", 1)[0] in GENERATED_ROOTS and not image:
                continue  # a page another plugin generates (search, request form, ...)
            if image or is_image(resolved):
                problems.append(
                    Problem(art.src_uri, line, "KB205", f"missing image '{target}'{suggest(art, resolved, images)}")
                )
            elif resolved.endswith(".md"):
                problems.append(
                    Problem(
                        art.src_uri, line, "KB203", f"link to a missing page '{target}'{suggest(art, resolved, pages)}"
                    )
                )
            elif resolved + ".md" in kb.articles or resolved.rstrip("/") + ".md" in kb.articles:
                fixed = _relative(art.src_uri, resolved.rstrip("/") + ".md")
                problems.append(
                    Problem(
                        art.src_uri,
                        line,
                        "KB211",
                        f"link '{target}' names a page by its address: link to '{fixed}' so the build can check it",
                        "warning",
                    )
                )
                inbound[resolved.rstrip("/") + ".md"] = inbound.get(resolved.rstrip("/") + ".md", 0) + 1
            else:
                problems.append(
                    Problem(
                        art.src_uri, line, "KB203", f"link to a missing file '{target}'{suggest(art, resolved, files)}"
                    )
                )
    return problems, used, inbound


def orphan_images(kb: Kb, used: set[str]) -> list[Problem]:
    """KB206: an image in docs/ that no article shows or links to (warning)."""
    return [
        Problem(a, 1, "KB206", "image not used by any article; delete it or link it", "warning")
        for a in sorted(kb.assets)
        if is_image(a) and a not in used and a not in kb.config_refs
    ]


def orphan_pages(kb: Kb, inbound: dict[str, int]) -> list[Problem]:
    """KB207: a published article no other article links to (warning; only with --orphans).

    With navigation built from folders every published page is reachable from its section,
    so "orphan" here means "no inbound link from any other article": a page search or the
    section listing can find but that no related article points to. Index pages (they are
    the navigation) and drafts/archived pages are never orphans.
    """
    out = []
    for uri, art in sorted(kb.articles.items()):
        stem = posixpath.basename(uri)
        if art.published and stem not in ("index.md", "README.md") and not inbound.get(uri):
            out.append(Problem(uri, 1, "KB207", "orphan page: no other article links here", "warning"))
    return out


# ----- dates and placeholders -----------------------------------------------------------------
def review_overdue(kb: Kb, today: dt.date) -> list[Problem]:
    """KB208: `review_by` is in the past (warning; archived articles are not reviewed)."""
    return [
        Problem(
            uri,
            art.line_of("review_by"),
            "KB208",
            f"review overdue: review_by {art.review_by.isoformat()} is {(today - art.review_by).days} day(s) ago",
            "warning",
            key="review_by",
        )
        for uri, art in sorted(kb.articles.items())
        if art.review_by and art.review_by < today and art.status != "archived"
    ]


def placeholders(kb: Kb) -> list[Problem]:
    """KB212: an article that ships (published or archived) still has a `TODO:` placeholder
    from its `kb new` template (error). Drafts may: `kb new` writes drafts full of TODOs on
    purpose, and the production build leaves drafts out."""
    out = []
    for uri, art in sorted(kb.articles.items()):
        if art.status == "draft":
            continue
        if _PLACEHOLDER.search(art.description or ""):
            out.append(
                Problem(
                    uri,
                    art.line_of("description"),
                    "KB212",
                    "placeholder 'TODO:' left in the description of a published article",
                    key="description",
                )
            )
        if "TODO:" in art.body:
            first = next((n for n, line in prose_lines(art, kb) if _PLACEHOLDER.search(_CODE_SPAN.sub("", line))), None)
            if first is not None:
                out.append(
                    Problem(
                        uri,
                        first,
                        "KB212",
                        "placeholder 'TODO:' left in a published article; finish it or set 'status: draft'",
                    )
                )
    return out


# ----- aliases ---------------------------------------------------------------------------------
_ALIAS_BAD = re.compile(r"[\s\\?#%<>\"'`\x00-\x1f\x7f]")


def aliases(kb: Kb, use_directory_urls: bool = True) -> list[Problem]:
    """KB215 an alias that is not a relative site path; KB216 an alias that would replace a page
    (the home page, a page another plugin generates, an article, a folder's page, a file, an
    earlier alias) or needs a folder where a file is;
    KB217 an alias of the article's own address (a redirect to itself reloads forever)."""
    problems: list[Problem] = []
    taken: dict[str, str] = {
        site_file(uri, use_directory_urls): f"the article {kb.display(uri)}" for uri in kb.articles
    }
    taken.update({uri: f"the file {kb.display(uri)}" for uri in kb.assets})
    # A folder without an index.md gets a generated page (build/listings.py).
    for folder in sorted({str(p) for uri in kb.articles for p in PurePosixPath(uri).parents} - {"."}):
        taken.setdefault(f"{folder}/index.html", f"the page of the folder {kb.display(folder)}/")
    taken["index.html"] = "the home page"
    for uri, art in sorted(kb.articles.items()):
        line = art.line_of("aliases")
        for alias in art.aliases:

            def bad(code: str, message: str, uri: str = uri, line: int = line, alias: str = alias) -> None:
                problems.append(Problem(uri, line, code, f"aliases: '{alias}' {message}", key="aliases"))

            if (
                not alias.strip()
                or _SCHEME.match(alias)
                or alias.startswith(("/", "//"))
                or _ALIAS_BAD.search(alias)
                or ".." in alias.split("/")
                or "." in alias.split("/")[:-1]
            ):
                bad(
                    "KB215",
                    "is not a relative site path (like 'hc/en-us/articles/123-old-title'): "
                    "no scheme, no leading '/', no '..', no spaces, '?' or '#'",
                )
                continue
            dest = alias_path(alias)
            root = dest.split("/", 1)[0]
            # A file where the redirect needs a folder ('img/logo.png' -> img/logo.png/index.html).
            blocker = next(
                (p for p in map(str, PurePosixPath(dest).parents) if p in taken or p in GENERATED_FILES), None
            )
            if dest == site_file(uri, use_directory_urls):
                bad("KB217", "is this article's own address: a redirect to itself would reload forever")
            elif dest in taken:
                bad("KB216", f"would replace {taken[dest]}")
            elif root in GENERATED_ROOTS or dest == "404.html":
                bad("KB216", f"would replace a page the site generates ('{root}/')")
            elif blocker is not None:
                bad(
                    "KB216",
                    f"would need a folder '{blocker}/' where there is "
                    f"{taken.get(blocker, 'a file the site generates')}",
                )
            elif _LISTING_PAGE.search(dest):
                bad("KB216", f"would replace a file the site generates ('{dest}')")
            else:
                taken[dest] = f"an alias of {kb.display(uri)}:{line}"
    return problems
