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

    def fields(self) -> dict[str, str]:
        """The text of each indexed field."""
        return {
            "title": self.title,
            "headings": "\n".join(s.heading for s in self.sections if s.heading),
            "tags": "\n".join(self.tags),
            "description": self.description,
            "body": "\n".join(s.text for s in self.sections),
        }


def from_article(art: Article, url: str, breadcrumbs: list[str] | None = None) -> SearchDoc:
    """The search document of an article published at `url`."""
    lines = art.body.splitlines()
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
        id=art.id, title=art.title, url=url, type=art.type, description=art.description,
        products=list(art.products), versions=list(art.versions), tags=list(art.tags),
        breadcrumbs=list(breadcrumbs or []), sections=sections,
    )
