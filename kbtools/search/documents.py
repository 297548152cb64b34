"""What gets indexed: one `SearchDoc` per published page, built from the article model.

Owns: turning an `Article` (front matter, headings with anchors, Markdown body) into the
plain text of each indexed field and the sections a result can link to. Does not own:
analysis (`analysis.py`) or storage (`whoosh_index.py`, `export.py`).
Markdown is stripped with regular expressions rather than rendered: it is fast (10,000
articles) and the search text does not need to be exact HTML text, only the same words.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ..articles import Article

FIELDS = ("title", "headings", "tags", "description", "body")
# What kind of answer a page is, for the lift a question's framing gives (analysis.FRAMING).
KIND_CODES = {"how-to": "h", "solution": "s", "other": "o"}
# An admonition a writer flags as boilerplate (`!!! note kb-boilerplate "Sample article"`) is
# neither indexed nor used as a snippet.
BOILERPLATE_CLASS = "kb-boilerplate"
_BOILERPLATE = re.compile(r"^(\s*)(!!!|\?\?\?\+?)\s*[\w-]+(\s+[\w-]+)*\s+" + BOILERPLATE_CLASS + r"\b")
_HOW_TO_TITLE = re.compile(r"(?i)^\s*how (to|do)\b")

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,}).*$", re.M)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]*)\]\[[^\]]*\]")
_TAG = re.compile(r"<[^>]{0,500}>")
_ALERT = re.compile(r"^\s*>\s*\[!\w+\]\s*$", re.M)
_ADMONITION = re.compile(r"^\s*(!!!|\?\?\?\+?)\s*\w+(\s+\"[^\"]*\")?\s*$", re.M)
_LINE_MARKS = re.compile(r"^\s*(>\s*)+|^\s*([-*+]|\d+[.)])\s+|^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$", re.M)
_ATTRS = re.compile(r"\{[:#.][^}]*\}")
_EMPHASIS = re.compile(r"(\*\*|__|\*|`+|~~|(?<!\w)_|_(?!\w))")
_PIPES = re.compile(r"\s*\|\s*")
_SPACE = re.compile(r"\s+")


def plain(markdown: str) -> str:
    """Readable text of a Markdown fragment (markup, URLs and HTML tags removed)."""
    t = _COMMENT.sub(" ", markdown)
    t = _FENCE.sub(" ", t)
    t = _ALERT.sub(" ", t)
    t = _ADMONITION.sub(" ", t)
    t = _IMAGE.sub(" ", t)
    t = _LINK.sub(r"\1", t)
    t = _REF_LINK.sub(r"\1", t)
    t = _TAG.sub(" ", t)
    t = _LINE_MARKS.sub(" ", t)
    t = _ATTRS.sub(" ", t)
    t = _EMPHASIS.sub("", t)
    t = _PIPES.sub(" ", t)
    t = html.unescape(t).replace("\\", "")
    return _SPACE.sub(" ", t).strip()


@dataclass
class Section:
    heading: str  # "" for the text before the first heading
    anchor: str
    text: str


@dataclass
class SearchDoc:
    id: str
    title: str
    url: str
    type: str
    description: str = ""
    products: list[str] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    breadcrumbs: list[str] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    kind: str = "other"  # a key of KIND_CODES

    def fields(self) -> dict[str, str]:
        """The text of each indexed field."""
        return {
            "title": self.title,
            "headings": "\n".join(s.heading for s in self.sections if s.heading),
            "tags": "\n".join(self.tags),
            "description": self.description,
            "body": "\n".join(s.text for s in self.sections),
        }


def search_kind(art: Article) -> str:
    """How-to, solution or other: the declared type, else what the page looks like (a
    `documentation` page with Symptoms, or Cause and Resolution, is a solution; a title
    starting "How to" a how-to)."""
    if art.type in ("how-to", "technique", "tip"):
        return "how-to"
    if art.type in ("solution", "faq"):
        return "solution"
    if art.type == "documentation":
        heads = {h.text.strip().lower() for h in art.headings}
        if heads & {"symptoms", "symptom"} or {"cause", "resolution"} <= heads:
            return "solution"
        if _HOW_TO_TITLE.match(art.title):
            return "how-to"
    return "other"


def drop_boilerplate(lines: list[str]) -> list[str]:
    """The lines with flagged admonitions blanked (not removed: heading line numbers hold)."""
    out, indent = [], None
    for line in lines:
        if indent is not None:
            if not line.strip() or len(line) - len(line.lstrip()) > indent:
                out.append("")
                continue
            indent = None
        m = _BOILERPLATE.match(line)
        if m:
            indent = len(m.group(1))
            out.append("")
            continue
        out.append(line)
    return out


def from_article(art: Article, url: str, breadcrumbs: list[str] | None = None) -> SearchDoc:
    """The search document of an article published at `url`."""
    lines = drop_boilerplate(art.body.splitlines())
    sections: list[Section] = []
    start, heading, anchor = 0, "", ""
    for h in art.headings:
        idx = h.line - art.body_line
        if not 0 <= idx < len(lines):
            continue
        sections.append(Section(heading, anchor, plain("\n".join(lines[start:idx]))))
        start, heading, anchor = idx + 1, h.text, h.anchor
        if h.level == 1:  # the page title: its section links to the page itself
            anchor = ""
    sections.append(Section(heading, anchor, plain("\n".join(lines[start:]))))
    sections = [s for s in sections if s.heading or s.text]
    return SearchDoc(
        id=art.id,
        title=art.title,
        url=url,
        type=art.type,
        description=art.description,
        products=list(art.products),
        versions=list(art.versions),
        tags=list(art.tags),
        breadcrumbs=list(breadcrumbs or []),
        sections=sections,
        kind=search_kind(art),
    )
