"""Help-center HTML -> Markdown that MkDocs renders as the author saw it, and safely.

Owns: the conversion rules around markdownify (which does the common tags): pipe tables, or
HTML tables whose cells are Markdown (`md_in_html`) when cells hold blocks or span rows;
fenced code with its language; callouts and `<details>` as admonitions; heading ids kept (old
`#anchor` links keep working); escaping, so that text can never become markup (raw HTML, a
link, an attribute list); URLs limited to safe schemes. Everything that cannot be converted
faithfully (iframes, scripts, forms, unknown elements) becomes a `Note`, never a silent drop.

Does not own: what a URL points at. A `Resolver` (the importer's) rewrites links, images and
embeds; without one, safe URLs are kept and outside images become links (a page makes no
request to another host).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import jinja2
from bs4 import BeautifulSoup, Tag
from markdownify import ATX, MarkdownConverter
from markupsafe import Markup

SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp"})
# Dropped with a note: they run code, post data, or show nothing without their host page.
DROPPED = {
    "script": "script removed",
    "noscript": "noscript block removed",
    "style": "style sheet removed",
    "form": "form removed (a static page cannot send it)",
    "object": "embedded object removed",
    "embed": "embedded object removed",
    "applet": "applet removed",
    "canvas": "canvas removed",
    "svg": "inline SVG drawing removed",
    "math": "MathML formula removed",
    "template": "template removed",
    "link": "link element removed",
    "meta": "meta element removed",
    "base": "base element removed",
    "frameset": "frameset removed",
    "input": "form control removed",
    "button": "button removed",
    "select": "form control removed",
    "textarea": "form control removed",
    "dialog": "dialog removed",
}
EMBEDS = frozenset({"iframe", "frame", "video", "audio"})
# Tags converted as their content or by markdownify; anything else is an "unknown element".
KNOWN = frozenset(
    [
        "a",
        "abbr",
        "address",
        "article",
        "aside",
        "b",
        "bdi",
        "bdo",
        "big",
        "blockquote",
        "body",
        "br",
        "caption",
        "center",
        "cite",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "font",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "head",
        "header",
        "hr",
        "html",
        "i",
        "img",
        "ins",
        "kbd",
        "label",
        "li",
        "main",
        "mark",
        "nav",
        "ol",
        "p",
        "picture",
        "pre",
        "q",
        "s",
        "samp",
        "section",
        "small",
        "source",
        "span",
        "strike",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "title",
        "tr",
        "track",
        "tt",
        "u",
        "ul",
        "var",
        "wbr",
    ]
)
CALLOUT_TAGS = frozenset({"div", "aside", "section", "p", "blockquote"})
# class word -> admonition type (mkdocs-material's set)
CALLOUT_KINDS = {
    "note": "note",
    "notice": "note",
    "info": "info",
    "information": "info",
    "tip": "tip",
    "hint": "tip",
    "success": "success",
    "warning": "warning",
    "warn": "warning",
    "caution": "warning",
    "important": "warning",
    "danger": "danger",
    "error": "danger",
    "alert": "warning",
}
CALLOUT_WORDS = frozenset(CALLOUT_KINDS) | {"callout", "admonition"}
WIDGET_ATTRS = ("data-widget", "data-component", "data-zd-widget")
BLOCK_IN_CELL = frozenset(
    {
        "p",
        "ul",
        "ol",
        "pre",
        "blockquote",
        "table",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "dl",
        "details",
        "figure",
        "section",
        "aside",
    }
)
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,127}$")
_LANG = re.compile(r"(?:^|\s)(?:language|lang|highlight|brush)[-:]\s*([A-Za-z0-9_+#.-]{1,30})")
_SPACE = re.compile(r"[\t\n\r\f ]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_ESCAPABLE_BACKSLASH = re.compile(r"\\(?=[\\`*_{}\[\]()#+\-.!>|])")
_UNDERSCORE_EDGE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_START = re.compile(r"^(\s*)(?:([#>+\-!|])|(\d{1,9})([.)])(?=\s|$)|([?~])(?=\5\5))")
_RULE_LINE = re.compile(r"^\s*(=+|-+)\s*$")
_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
    autoescape=True,
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
)


@dataclass(frozen=True)
class Note:
    """Something in the HTML that the Markdown does not carry as it was."""

    code: str
    message: str


class Resolver(Protocol):
    """Where links, images and embeds point after the import (the importer's knowledge)."""

    def link(self, href: str) -> str: ...

    def image(self, src: str) -> tuple[str, bool]:
        """(target, shown as an image); False: a link to it instead (another host's file)."""
        ...

    def embed(self, src: str) -> str: ...


class KeepResolver:
    """No rewriting: safe URLs as they are; images from another host become links."""

    def link(self, href: str) -> str:
        return href

    def image(self, src: str) -> tuple[str, bool]:
        return src, not urlsplit(src).scheme

    def embed(self, src: str) -> str:
        return src


@dataclass
class Converted:
    markdown: str
    notes: list[Note] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # heading texts, for the article type


def html_to_markdown(html: str, resolver: Resolver | None = None) -> Converted:
    """Convert one article body. Never raises for bad HTML: what it could not carry is a note."""
    notes: list[Note] = []
    cleaned = _CONTROL.sub("", html)
    if cleaned != html:
        notes.append(Note("ZD210", f"{len(html) - len(cleaned)} control character(s) removed"))
    conv = _Converter(resolver or KeepResolver(), notes)
    soup = BeautifulSoup(cleaned, "html.parser")
    text = conv.convert_soup(soup)
    notes.extend(conv.summary_notes())
    return Converted(_tidy(text), notes, conv.headings)


def plain_text(value: str) -> str:
    """A one-line text (title, description, name) with markup characters escaped for Markdown."""
    return _escape_text(_SPACE.sub(" ", _CONTROL.sub("", value)).strip(), cell=False)


def _tidy(text: str) -> str:
    lines = [ln if ln.endswith("  ") and ln.strip() else ln.rstrip() for ln in text.split("\n")]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return out + "\n" if out else ""


def _escape_text(text: str, cell: bool) -> str:
    """Text that renders as itself: no raw HTML, link, emphasis, attribute list or block marker."""
    if not text:
        return ""
    text = _ESCAPABLE_BACKSLASH.sub(r"\\\\", text)
    text = _ENTITY_LIKE.sub("&amp;", text)
    text = text.replace("<", "&lt;")
    for ch in "`*[]{}":
        text = text.replace(ch, "\\" + ch)
    text = _UNDERSCORE_EDGE.sub(r"\\_", text)
    text = text.replace("++", r"\+\+")  # pymdownx.keys
    if cell:
        text = text.replace("|", r"\|")
    if _RULE_LINE.match(text):  # '===' or '---' alone would underline the line before it
        return text.replace("=", "&#61;").replace("-", "&#45;")
    return _LINE_START.sub(_escape_line_start, text, count=1)


def _escape_line_start(m: re.Match[str]) -> str:
    lead, mark, digits, dot, other = m.groups()
    if mark:
        return f"{lead}\\{mark}"
    if digits:
        return f"{lead}{digits}\\{dot}"
    return f"{lead}&#{ord(other)};"


def safe_url(url: str) -> str | None:
    """The URL if its scheme is safe (or it has none), else None. Browsers ignore blanks in schemes."""
    squeezed = re.sub(r"[\x00-\x20\x7f]+", "", url)
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", squeezed)
    if m and m.group(1).lower() not in SAFE_SCHEMES:
        return None
    return url.strip()


def _md_url(url: str) -> str:
    """A URL written inside `(...)`: characters that would end or break it are percent-encoded."""
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
        .replace('"', "%22")
        .replace("|", "%7C")
        .replace("\n", "")
        .replace("\\", "%5C")
    )


def _md_title(title: str) -> str:
    title = " ".join(title.split()).replace('"', "'")
    return f' "{title}"' if title else ""


def _classes(el: Tag) -> list[str]:
    value: Any = el.get("class") or []
    return [value] if isinstance(value, str) else list(value)


def _attr(el: Tag, name: str) -> str:
    value = el.get(name)
    if isinstance(value, list):
        return " ".join(value)
    return value or ""


# markdownify's stubs declare only its public API; the converter overrides its documented hooks.
_MarkdownConverter: Any = MarkdownConverter


class _Converter(_MarkdownConverter):
    def __init__(self, resolver: Resolver, notes: list[Note]) -> None:
        super().__init__(
            heading_style=ATX,
            bullets="-",
            wrap=True,
            wrap_width=None,
            escape_asterisks=False,
            escape_underscores=False,
            escape_misc=False,
            sup_symbol="<sup>",
            sub_symbol="<sub>",
            autolinks=False,
            strip_document="strip",
        )
        self.resolver = resolver
        self.notes = notes
        self.headings: list[str] = []
        self.unknown: dict[str, int] = {}
        self.indented = 0  # > 0 inside a callout or details body, where raw HTML blocks do not work

    def note(self, code: str, message: str) -> None:
        self.notes.append(Note(code, message))

    def summary_notes(self) -> list[Note]:
        return [
            Note("ZD203", f"unknown element <{name}> ({n}x): its text kept, the element itself dropped")
            for name, n in sorted(self.unknown.items())
        ]

    # ----- dispatch ------------------------------------------------------------------------
    def process_tag(self, node: Any, parent_tags: set[str] | None = None) -> str:
        parent_tags = parent_tags if parent_tags is not None else set()
        name = node.name or ""
        if name in DROPPED:
            self._dropped(node, name)
            return ""
        if name in EMBEDS:
            return self._embed(node, parent_tags)
        if name == "table":
            return self._table(node, parent_tags)
        if name == "details" and "_inline" not in parent_tags:
            return self._details(node)
        if name in CALLOUT_TAGS and "_inline" not in parent_tags and "li" not in parent_tags:
            kind = self._callout_kind(node)
            if kind:
                return self._callout(node, kind)
        if name and name != "[document]" and name not in KNOWN:
            self.unknown[name] = self.unknown.get(name, 0) + 1
        widget = next((a for a in WIDGET_ATTRS if node.get(a) is not None), None) if name else None
        if widget:
            self.note("ZD203", f'widget <{name} {widget}="{_attr(node, widget)[:60]}">: only its text kept')
        return super().process_tag(node, parent_tags)

    def process_text(self, el: Any, parent_tags: set[str] | None = None) -> str:
        text = super().process_text(el, parent_tags)
        return text.replace("\u00a0", " ") if text.strip("\u00a0 ") == "" else text

    def escape(self, text: str, parent_tags: set[str]) -> str:
        return _escape_text(text, cell="td" in parent_tags or "th" in parent_tags)

    # ----- what cannot be converted --------------------------------------------------------
    def _dropped(self, node: Tag, name: str) -> None:
        if name in ("input", "button", "select", "textarea") and node.find_parent("form"):
            return  # the form's note covers it
        detail = ""
        src = _attr(node, "src") or _attr(node, "data") or _attr(node, "action")
        if src:
            detail = f" ({src[:100]})"
        else:
            words = " ".join(node.get_text(" ").split())[:60]
            detail = f": '{words}'" if words and name not in ("script", "style") else ""
        self.note("ZD202", f"<{name}> {DROPPED[name]}{detail}")

    def _embed(self, node: Tag, parent_tags: set[str]) -> str:
        name = node.name
        src = _attr(node, "src")
        if not src:
            source = node.find("source", src=True)
            src = _attr(source, "src") if isinstance(source, Tag) else ""
        url = safe_url(src) if src else None
        if not url:
            self.note("ZD202", f"<{name}> without a usable address removed" + (f" ({src[:100]})" if src else ""))
            return ""
        target = self.resolver.embed(url)
        what = {"iframe": "Embedded content", "frame": "Embedded content", "video": "Video", "audio": "Audio"}[name]
        label = _attr(node, "title") or what
        self.note("ZD201", f"<{name}> {url[:100]} replaced by a link (a static page does not embed it)")
        link = (
            f"[{_escape_text(label, False)}: "
            f"{_escape_text(urlsplit(target).netloc or target, False)}]({_md_url(target)})"
        )
        return link if "_inline" in parent_tags else f"\n\n{link}\n\n"

    # ----- block structures ----------------------------------------------------------------
    def _block_of(self, node: Tag, skip: Tag | None = None) -> str:
        """The node's children converted as a block of Markdown (as if the node were a <div>)."""
        saved_name = node.name
        removed = skip.extract() if skip is not None else None
        node.name = "div"
        try:
            return _tidy(super().process_tag(node, set())).strip("\n")
        finally:
            node.name = saved_name
            if removed is not None:
                node.insert(0, removed)

    def _indented_block(self, node: Tag, skip: Tag | None) -> str:
        self.indented += 1
        try:
            return self._block_of(node, skip)
        finally:
            self.indented -= 1

    def _callout_kind(self, node: Tag) -> str | None:
        words = [w for c in _classes(node) for w in re.split(r"[-_\s]+", c.lower()) if w]
        if not any(w in CALLOUT_WORDS for w in words):
            return None
        return next((CALLOUT_KINDS[w] for w in words if w in CALLOUT_KINDS), "note")

    def _callout(self, node: Tag, kind: str) -> str:
        title_el = self._callout_title(node)
        title = " ".join(title_el.get_text(" ").split()).rstrip(":").strip() if title_el else ""
        body = self._indented_block(node, title_el)
        head = f"!!! {kind}" + (f' "{title.replace(chr(34), chr(39))}"' if title else "")
        return f"\n\n{head}\n{_indent(body)}\n\n"

    def _callout_title(self, node: Tag) -> Tag | None:
        first = next((c for c in node.children if isinstance(c, Tag) or str(c).strip()), None)
        if not isinstance(first, Tag):
            return None
        if first.name in ("h2", "h3", "h4", "h5", "h6", "strong", "b"):
            text = first.get_text(" ").strip()
            if first.name in ("strong", "b") and not text.endswith(":"):
                return None  # bold words that begin a sentence are not a title
            return first if 0 < len(text) <= 80 else None
        return None

    def _details(self, node: Tag) -> str:
        summary = node.find("summary")
        title = " ".join(summary.get_text(" ").split()) if isinstance(summary, Tag) else ""
        body = self._indented_block(node, summary if isinstance(summary, Tag) else None)
        marker = "???+" if node.has_attr("open") else "???"
        head = f"{marker} note" + (f' "{title.replace(chr(34), chr(39))}"' if title else "")
        return f"\n\n{head}\n{_indent(body)}\n\n"

    # ----- tables --------------------------------------------------------------------------
    def _table(self, node: Tag, parent_tags: set[str]) -> str:
        groups = _row_groups(node)
        rows = [r for _, rs in groups for r in rs]
        if not rows:
            return ""
        if "_inline" in parent_tags:
            return " ".join(self._block_of(c) for r in rows for c in _cells(r))
        caption = node.find("caption", recursive=False)
        header = _header_row(groups)
        if header is not None and not caption and _pipeable(rows):
            return self._pipe_table(rows, header)
        if self.indented or "li" in parent_tags or "blockquote" in parent_tags:
            # Python-Markdown reads raw HTML blocks only at the margin, not inside a list item,
            # quote or callout: a pipe table is the table that survives there.
            self.note(
                "ZD212",
                "table inside a list, quote or callout with merged cells or block content: "
                "written as a simple table (blocks on separate lines, merged cells left empty)",
            )
            return self._pipe_table(rows, header, flat=True)
        return self._html_table(groups, caption if isinstance(caption, Tag) else None)

    def _pipe_table(self, rows: list[Tag], header: int | None, flat: bool = False) -> str:
        grid = _grid(rows)
        width = max(len(r) for r in grid)
        lines = []
        if header is None:  # a pipe table needs a header row: an empty one
            lines += ["|" + "|".join(["  "] * width) + "|", "|" + "|".join(["---"] * width) + "|"]
        for i, row in enumerate(grid):
            cells = [self._cell_inline(c, strip_bold=i == header, flat=flat) if c is not None else "" for c in row]
            cells += [""] * (width - len(cells))
            lines.append("| " + " | ".join(cells) + " |")
            if i == header:
                lines.append("|" + "|".join(["---"] * width) + "|")
        return "\n\n" + "\n".join(lines) + "\n\n"

    def _cell_inline(self, cell: Tag, strip_bold: bool, flat: bool = False) -> str:
        text = super().process_tag(cell, {"table", "tr"})
        parts = [p.strip() for p in text.split("\n") if p.strip()]
        text = ("<br>" if flat else " ").join(parts)
        if strip_bold and len(text) > 4 and text.startswith("**") and text.endswith("**"):
            text = text[2:-2]
        return text

    def _html_table(self, groups: list[tuple[str, list[Tag]]], caption: Tag | None) -> str:
        out_groups = []
        for tag, rows in groups:
            out_rows = []
            for row in rows:
                cells = []
                for cell in _cells(row):
                    md = self._block_of(cell)
                    block = (
                        "\n" in md
                        or md.startswith(("- ", "!!!", "???", "```", "|", "#"))
                        or bool(re.match(r"^\d+\\?\. ", md))
                    )
                    attrs = [
                        (k, str(cell.get(k)))
                        for k in ("colspan", "rowspan")
                        if str(cell.get(k) or "").isdigit() and 1 < int(str(cell.get(k))) <= 1000
                    ]
                    scope = _attr(cell, "scope")
                    if scope in ("row", "col", "rowgroup", "colgroup"):
                        attrs.append(("scope", scope))
                    cells.append(
                        {"tag": cell.name, "attrs": attrs, "mode": "block" if block else "span", "text": Markup(md)}
                    )  # our own Markdown: escaped when converted
                out_rows.append(cells)
            out_groups.append({"tag": tag, "rows": out_rows})
        cap = Markup(self._block_of(caption).replace("\n", " ")) if caption is not None else None
        html = _TEMPLATES.get_template("table.html.j2").render(groups=out_groups, caption=cap)
        return "\n\n" + html.strip("\n") + "\n\n"

    # ----- inline and block elements markdownify does not do our way ----------------------
    def convert_a(self, el: Any, text: str, parent_tags: set[str]) -> str:
        anchor = ""
        for key in ("id", "name"):  # an anchor other pages link to (#name): kept
            value = _attr(el, key)
            if value and _ID.match(value):
                anchor = str(Markup('<a id="{}"></a>').format(value))  # escaped, though _ID allows no quote
                break
        href = _attr(el, "href")
        if "_noformat" in parent_tags:
            return text
        prefix, suffix, inner = _chomp(text)
        if not href:
            return anchor + text
        url = safe_url(href)
        if url is None:
            self.note("ZD204", f"link with an unsafe address removed, its text kept: {href[:80]!r}")
            return anchor + text
        if not inner:
            return anchor
        target = self.resolver.link(url)
        return f"{prefix}{anchor}[{inner}]({_md_url(target)}{_md_title(_attr(el, 'title'))}){suffix}"

    def convert_img(self, el: Any, text: str, parent_tags: set[str]) -> str:
        src = _attr(el, "src")
        alt = " ".join(_attr(el, "alt").split())
        url = src.strip() if src.strip().lower().startswith("data:image/") else (safe_url(src) if src else None)
        if not url:
            self.note("ZD204", f"image with an unusable address removed: {src[:80]!r}")
            return _escape_text(alt, False)
        target, shown = self.resolver.image(url)
        if not target:
            return _escape_text(alt, False)
        alt_md = _escape_text(alt, "td" in parent_tags or "th" in parent_tags)
        if not shown:
            return f"[{alt_md or 'Image'}]({_md_url(target)})"
        return f"![{alt_md}]({_md_url(target)}{_md_title(_attr(el, 'title'))})"

    def convert_pre(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "_inline" in parent_tags:  # a code block in a pipe table's cell: one code span a line
            span = super().convert_code
            lines = [ln for ln in el.get_text().split("\n") if ln.strip()]
            return "<br>".join(span(el, ln, parent_tags - {"_noformat"}) for ln in lines)
        code = el.get_text()
        code = code.removeprefix("\n")
        code = code.rstrip("\n")
        if not code.strip():
            return ""
        inner = el.find("code")
        classes = " ".join(_classes(el) + (_classes(inner) if isinstance(inner, Tag) else []))
        lang_attr = _attr(el, "data-language") or (_attr(inner, "data-language") if isinstance(inner, Tag) else "")
        m = _LANG.search(" " + classes)
        lang = lang_attr if re.fullmatch(r"[A-Za-z0-9_+#.-]{1,30}", lang_attr or "") else (m.group(1) if m else "")
        fence = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", code)), default=0))
        return f"\n\n{fence}{lang.lower()}\n{code}\n{fence}\n\n"

    def convert_code(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "_noformat" in parent_tags:
            return text
        return super().convert_code(el, el.get_text().replace("\n", " "), parent_tags)

    convert_kbd = convert_code
    convert_samp = convert_code

    def convert_hN(self, n: int, el: Any, text: str, parent_tags: set[str]) -> str:
        out = super().convert_hN(n, el, text, parent_tags)
        if "_inline" in parent_tags or not out.strip():
            return out
        self.headings.append(" ".join(el.get_text(" ").split()))
        hid = _attr(el, "id")
        if hid and _ID.match(hid):
            out = out.rstrip("\n") + f" {{#{hid}}}\n\n"
        return out

    def convert_b(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if any(t in parent_tags for t in ("h1", "h2", "h3", "h4", "h5", "h6")):
            return text  # a heading is bold already
        return super().convert_b(el, text, parent_tags)

    convert_strong = convert_b

    def convert_br(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if "td" in parent_tags or "th" in parent_tags:
            return "<br>"
        return super().convert_br(el, text, parent_tags)

    def convert_p(self, el: Any, text: str, parent_tags: set[str]) -> str:
        if not text.strip(" \t\r\n\u00a0"):
            return ""
        return super().convert_p(el, text, parent_tags)

    def convert_li(self, el: Any, text: str, parent_tags: set[str]) -> str:
        # Python-Markdown wants what continues a list item indented by four spaces.
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = str(parent.get("start") or "1")
            first = int(start) if start.isdigit() else 1
            bullet = f"{first + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        lines = text.split("\n")
        rest = "\n".join(("    " + ln) if ln.strip() else "" for ln in lines[1:])
        end = "\n\n" if lines[-1].lstrip().startswith("|") else "\n"  # a table must end before the next item
        return f"{bullet} {lines[0]}" + (f"\n{rest}" if rest else "") + end

    def convert_td(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return text.strip()

    convert_th = convert_td


def _indent(block: str) -> str:
    return "\n".join(("    " + ln) if ln.strip() else "" for ln in block.split("\n")) if block else "    "


def _chomp(text: str) -> tuple[str, str, str]:
    prefix = " " if text and text[0] == " " else ""
    suffix = " " if text and text[-1] == " " else ""
    return prefix, suffix, text.strip()


def _row_groups(table: Tag) -> list[tuple[str, list[Tag]]]:
    """(thead|tbody|tfoot, rows) of this table only, not of tables nested in its cells."""
    groups: list[tuple[str, list[Tag]]] = []
    loose: list[Tag] = []
    for child in table.children:
        if not isinstance(child, Tag):
            continue
        if child.name in ("thead", "tbody", "tfoot"):
            if loose:
                groups.append(("tbody", loose))
                loose = []
            groups.append((child.name, [r for r in child.children if isinstance(r, Tag) and r.name == "tr"]))
        elif child.name == "tr":
            loose.append(child)
    if loose:
        groups.append(("tbody", loose))
    return [(g, rows) for g, rows in groups if rows]


def _cells(row: Tag) -> list[Tag]:
    return [c for c in row.children if isinstance(c, Tag) and c.name in ("td", "th")]


def _grid(rows: list[Tag]) -> list[list[Tag | None]]:
    """Rows of cells with merged cells spread out: the first position holds the cell, the rest None."""
    grid: list[list[Tag | None]] = []
    carry: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for row in rows:
        out: list[Tag | None] = []
        cells = iter(_cells(row))
        col = 0
        while True:
            if carry.get(col, 0) > 0:
                carry[col] -= 1
                out.append(None)
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            span = _span(cell, "colspan")
            down = _span(cell, "rowspan")
            for k in range(span):
                out.append(cell if k == 0 else None)
                if down > 1:
                    carry[col + k] = down - 1
            col += span
        grid.append(out)
    return grid


def _span(cell: Tag, key: str) -> int:
    value = str(cell.get(key) or "1").strip()
    return min(int(value), 100) if value.isdigit() and int(value) > 0 else 1


def _header_row(groups: list[tuple[str, list[Tag]]]) -> int | None:
    """Index of the header row a pipe table can use: the first row, when it is a header."""
    first = groups[0][1][0]
    cells = _cells(first)
    if not cells:
        return None
    if groups[0][0] == "thead" and len(groups[0][1]) == 1:
        return 0
    if all(c.name == "th" for c in cells):
        return 0
    # A Zendesk table often has no <th>: a first row written all in bold is its header.
    if all(_all_bold(c) for c in cells):
        return 0
    return None


def _all_bold(cell: Tag) -> bool:
    text = cell.get_text(" ").strip()
    if not text:
        return False
    bold = " ".join(b.get_text(" ").strip() for b in cell.find_all(["strong", "b"]))
    return " ".join(bold.split()) == " ".join(text.split())


def _pipeable(rows: list[Tag]) -> bool:
    """A pipe table carries it: one line per cell, no merged cells, no '|' inside code."""
    for row in rows:
        for cell in _cells(row):
            for key in ("colspan", "rowspan"):
                value = str(cell.get(key) or "1")
                if value.strip() not in ("", "1", "0"):
                    return False
            if len(cell.find_all("p")) > 1 or cell.find(BLOCK_IN_CELL - {"p"}):
                return False
            if any("|" in c.get_text() for c in cell.find_all(["code", "kbd", "samp"])):
                return False
            if cell.find(CALLOUT_TAGS, class_=True) is not None:
                return False
    return True


class _Balance(HTMLParser):
    """Finds what a browser would have to guess: unclosed, stray and crossed tags."""

    VOID = frozenset(
        ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
    )
    OPTIONAL_END = frozenset(
        [
            "p",
            "li",
            "dt",
            "dd",
            "tr",
            "td",
            "th",
            "thead",
            "tbody",
            "tfoot",
            "option",
            "colgroup",
            "caption",
            "rb",
            "rt",
            "rp",
            "optgroup",
        ]
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, int]] = []
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        line = self.getpos()[0]
        names = [t for t, _ in self.stack]
        if tag not in names:
            self.found.append(f"</{tag}> on line {line} closes nothing")
            return
        while self.stack:
            open_tag, open_line = self.stack.pop()
            if open_tag == tag:
                return
            if open_tag not in self.OPTIONAL_END:
                self.found.append(f"<{open_tag}> from line {open_line} is closed by </{tag}> on line {line}")

    def unclosed(self) -> list[str]:
        return [f"<{t}> from line {ln} is never closed" for t, ln in self.stack if t not in self.OPTIONAL_END]


def well_formed_problems(html: str, most: int = 3) -> list[str]:
    """What is not well-formed in an HTML fragment (at most `most` findings, then a count)."""
    checker = _Balance()
    try:
        checker.feed(html)
        checker.close()
    except Exception as exc:  # noqa: BLE001 - html.parser is lenient; what it still rejects is a finding
        return [f"cannot be parsed: {exc}"]
    found = checker.found + checker.unclosed()
    if len(found) > most:
        found = found[:most] + [f"and {len(found) - most} more"]
    return found
