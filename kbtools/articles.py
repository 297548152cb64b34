"""The article model: what an article's front matter may say, declared once and checked.

An article is a Markdown file with optional YAML front matter, described by the JSON Schema
`schemas/article-front-matter.schema.json` (published with the site for editors);
`load_article` turns bytes into an `Article` plus every problem found, and never raises
for bad content. Cross-article checks (duplicate ids, links, orphans) are in `kbtools.lint`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from markdown.extensions.toc import slugify as _toc_slugify

from kbcore import schemacheck
from kbcore.problems import Problem, did_you_mean

from . import frontmatter

# A solution is "validated" when it says what the customer sees, why, and what fixes it.
SOLUTION_SECTIONS = ("Symptoms", "Cause", "Resolution")


SCHEMA_FILE = Path(__file__).parent / "schemas" / "article-front-matter.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
# The keys an article may set (the schema's), in the schema's order.
FIELDS: tuple[str, ...] = tuple(SCHEMA["properties"])
ID_PATTERN = re.compile(SCHEMA["properties"]["id"]["pattern"])
ID_EXPECTED: str = SCHEMA["properties"]["id"]["x-expected"]
# Type id -> the label readers see; statuses. Both from the schema, so they cannot drift.
TYPES: dict[str, str] = dict(SCHEMA["properties"]["type"]["x-labels"])
STATUSES: tuple[str, ...] = tuple(SCHEMA["properties"]["status"]["enum"])
_CODES = schemacheck.Codes(unknown="KB103", missing="KB104", type="KB104", value="KB104")
_DATES = ("updated", "review_by")


@dataclass
class Heading:
    level: int
    text: str
    anchor: str
    line: int


@dataclass
class Link:
    target: str
    line: int
    image: bool


@dataclass
class Article:
    src_uri: str  # path relative to docs_dir, with '/'
    id: str
    title: str
    type: str
    description: str = ""
    products: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    updated: dt.date | None = None
    review_by: dt.date | None = None
    owner: str = ""
    status: str = "published"
    aliases: list[str] = field(default_factory=list)
    promoted: bool = False
    body: str = ""
    body_line: int = 1
    key_lines: dict[str, int] = field(default_factory=dict)
    headings: list[Heading] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    has_front_matter: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def published(self) -> bool:
        return self.status == "published"

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def default_id(src_uri: str) -> str:
    """The path slug: the file name without `.md` (the folder's name for an index page)."""
    p = PurePosixPath(src_uri)
    stem = p.stem
    if stem in ("index", "README") and p.parent.name:
        stem = p.parent.name
    slug = re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-")
    return slug or "home"


def slugify(text: str) -> str:
    """Heading anchors exactly as MkDocs' default `toc` extension makes them."""
    return _toc_slugify(text, "-")


_FENCE_RE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_ATTR_ID_RE = re.compile(r"\{[^}]*#([\w-]+)[^}]*\}\s*$")
_LINK_RE = re.compile(r"(!?)\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_IMG_RE = re.compile(r"<img\b[^>]*\bsrc=[\"']([^\"']+)[\"']", re.I)
_INLINE_MD_RE = re.compile(r"[*_`]|\[([^\]]*)\]\([^)]*\)")
_TAG_RE = re.compile(r"<[^>]+>")  # toc drops inline HTML from a heading before making its anchor
_CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def prose_lines(lines: Iterable[str], first_line: int) -> Iterator[tuple[int, str]]:
    """(file line, text) of Markdown lines outside fenced and indented code."""
    fence: str | None = None
    for offset, line in enumerate(lines):
        m = _FENCE_RE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is None and not line.startswith("    "):
            yield first_line + offset, line


def scan_body(body: str, first_line: int) -> tuple[list[Heading], list[Link]]:
    """Headings and links of a Markdown body, skipping fenced code."""
    headings: list[Heading] = []
    links: list[Link] = []
    seen: dict[str, int] = {}
    for lineno, line in prose_lines(body.splitlines(), first_line):
        h = _HEADING_RE.match(line)
        if h:
            raw = h.group(2)
            attr = _ATTR_ID_RE.search(raw)
            text = _INLINE_MD_RE.sub(lambda mm: mm.group(1) or "", _TAG_RE.sub("", _ATTR_ID_RE.sub("", raw))).strip()
            anchor = attr.group(1) if attr else slugify(text)
            if anchor in seen and not attr:  # toc's unique(): second "Cause" becomes "cause_1"
                seen[anchor] += 1
                anchor = f"{anchor}_{seen[anchor] - 1}"
            else:
                seen[anchor] = 1
            headings.append(Heading(len(h.group(1)), text, anchor, lineno))
        if "`" in line:
            line = _CODE_SPAN_RE.sub("", line)  # a link written inside `code` is not a link
        for lm in _LINK_RE.finditer(line):
            links.append(Link(lm.group(2), lineno, bool(lm.group(1))))
        for im in _HTML_IMG_RE.finditer(line):
            links.append(Link(im.group(1), lineno, True))
    return headings, links


def load_article(
    src_uri: str,
    raw: bytes,
    products: Mapping[str, Iterable[str]] | None = None,
) -> Article:
    """Build an Article from a file's bytes. Every problem is recorded, none is raised.

    `products` maps product id to its versions (the lifecycle data); None skips that check.
    """
    text, problems = frontmatter.decode(raw, src_uri)
    fm = frontmatter.parse(text, src_uri)
    problems += fm.problems
    data, lines = fm.data, fm.key_lines
    headings, links = scan_body(fm.body, fm.body_line)
    schema_problems = schemacheck.check(data, SCHEMA, {(k,): line for k, line in lines.items()}, src_uri, _CODES)
    problems += schema_problems
    bad = {p.key.split(".")[0].split("[")[0] for p in schema_problems if p.key}
    valid: dict[str, Any] = {}
    for key, value in data.items():
        if key in bad or key not in FIELDS:
            continue
        if isinstance(value, list):
            value = [str(x) for x in value]
        elif key in _DATES:
            value = dt.date.fromisoformat(value)
        valid[key] = value

    title = valid.get("title")
    h1 = next((h for h in headings if h.level == 1), None)
    if title and h1 and _disagree(str(title), h1.text):
        problems.append(
            Problem(
                src_uri,
                lines.get("title", 1),
                "KB219",
                f"the title '{title}' and the heading '# {h1.text}' (line {h1.line}) disagree: navigation "
                "and search show the title, the page shows the heading; make them the same",
                "warning",
                key="title",
            )
        )
    if not title:
        if h1:
            title = h1.text
        else:
            title = default_id(src_uri).replace("-", " ").capitalize()
            problems.append(
                Problem(
                    src_uri,
                    1,
                    "KB105",
                    "no title: add 'title:' to the front matter or a '# Heading'",
                    "warning",
                    key="title",
                )
            )
    if "type" not in valid and "type" not in data:
        problems.append(
            Problem(
                src_uri,
                1,
                "KB106",
                "no 'type': treated as 'documentation'; say so in the front matter",
                "warning",
                key="type",
            )
        )
    art = Article(
        src_uri=src_uri,
        id=valid.get("id") or default_id(src_uri),
        title=str(title),
        type=valid.get("type", "documentation"),
        description=valid.get("description", ""),
        products=valid.get("products", []),
        versions=valid.get("versions", []),
        tags=valid.get("tags", []),
        updated=valid.get("updated"),
        review_by=valid.get("review_by"),
        owner=valid.get("owner", ""),
        status=valid.get("status", "published"),
        aliases=valid.get("aliases", []),
        promoted=valid.get("promoted", False),
        body=fm.body,
        body_line=fm.body_line,
        key_lines=lines,
        headings=headings,
        links=links,
        has_front_matter=fm.present,
        problems=problems,
    )
    if products is not None:
        _check_products(art, products)
    if art.type == "solution":
        have = {h.text.strip().lower() for h in headings}
        missing = [s for s in SOLUTION_SECTIONS if s.lower() not in have]
        if missing:
            art.problems.append(
                Problem(
                    src_uri,
                    art.line_of("type"),
                    "KB107",
                    f"a solution needs the sections {', '.join(SOLUTION_SECTIONS)}; missing: {', '.join(missing)}",
                )
            )
    return art


def _disagree(title: str, heading: str) -> bool:
    """True when the title and the H1 are different texts; one written shorter than the other
    ("Error 42" and "Error 42: the scanner is offline") is a choice, not a slip."""
    a, b = " ".join(title.lower().split()), " ".join(heading.lower().split())
    return a not in b and b not in a


def _check_products(art: Article, products: Mapping[str, Iterable[str]]) -> None:
    known_versions: set[str] = set()
    for p in art.products:
        if p not in products:
            art.problems.append(
                Problem(
                    art.src_uri,
                    art.line_of("products"),
                    "KB108",
                    f"unknown product '{p}'{did_you_mean(p, products)}",
                    key="products",
                )
            )
        else:
            known_versions.update(str(v) for v in products[p])
    if art.versions and not art.products:
        art.problems.append(
            Problem(
                art.src_uri,
                art.line_of("versions"),
                "KB109",
                "'versions' needs 'products' to say which product they belong to",
                key="versions",
            )
        )
    elif art.versions and known_versions:
        for v in art.versions:
            if v not in known_versions:
                art.problems.append(
                    Problem(
                        art.src_uri,
                        art.line_of("versions"),
                        "KB109",
                        f"unknown version '{v}' of {', '.join(art.products)}{did_you_mean(v, known_versions)}",
                        key="versions",
                    )
                )


def read_article(docs_dir: str, src_uri: str, products: Mapping[str, Iterable[str]] | None = None) -> Article:
    with open(os.path.join(docs_dir, src_uri), "rb") as fh:
        return load_article(src_uri, fh.read(), products)
