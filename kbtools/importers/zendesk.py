"""Read a Zendesk Help Center export and turn it into the files of a KB (a `Plan`).

Owns: reading the export's JSON (the Help Center API's shapes, `next_page` pages, translations,
downloaded attachments) without ever following a symbolic link out of it; the folder tree
(category > section > nested sections) with names that stay stable from one import to the
next; each article's front matter and Markdown (through `html_to_markdown`); links, images and
attachments rewritten to the new paths; every problem as a `Finding` with its export file, line
and Zendesk id. Reads only; writing the plan under `--to` is `kbtools.importers.sync`.

Export layout (what `kb import zendesk` reads; see the README's Writers section):
    categories.json   {"categories": [...], "next_page": ...}
    sections.json     {"sections": [...]}          (parent_section_id for nesting)
    articles.json     {"articles": [...], "next_page": ".../articles.json?page=2"}
    articles-2.json   page 2 (a next_page URL with page=N names <list>-N.json; a bare file name is used as is)
    article_attachments.json     optional {"article_attachments": [...]} (non-inline ones are listed)
    attachments/<id>/<file name>  downloaded attachments, <id> as in the body's /hc/article_attachments/<id>/...
    translations/<articles|sections|categories>/<id>.json  optional {"translations": [...]}
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import posixpath
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import parse_qs, unquote, urljoin, urlsplit

from kbcore.problems import Problem, Severity

from ..articles import SOLUTION_SECTIONS, TYPES, Article, load_article
from ..commands.new import slug as title_slug
from ..lint import checks
from .html_to_markdown import Note, html_to_markdown, plain_text, well_formed_problems

MAX_JSON_BYTES = 200 * 1024 * 1024  # one export file
MAX_BODY_BYTES = 10 * 1024 * 1024  # one article's HTML; bigger is refused, not converted
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024  # Zendesk's own limit is 20 MB
MAX_PAGES = 10_000
# Files a browser would run as a page or script if the site served them: never published.
ACTIVE_EXTENSIONS = frozenset({".html", ".htm", ".xhtml", ".shtml", ".xht", ".js", ".mjs", ".php", ".svgz"})
_SVG_ACTIVE = re.compile(rb"<script|\son[a-z]+\s*=|javascript:|<foreignObject", re.IGNORECASE)
DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp);base64,([A-Za-z0-9+/=\s]+)$", re.IGNORECASE)
_HC_ITEM = re.compile(
    r"^/hc/(?:(?P<locale>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)/)?"
    r"(?P<kind>articles|sections|categories)/(?P<id>\d+)(?P<slug>[^/?#]*)/?$"
)
_HC_FILE = re.compile(
    r"^/hc/(?:[A-Za-z-]+/)?(?:article_attachments|guide-media)/(?P<id>[A-Za-z0-9_-]{1,64})"
    r"(?:/(?P<name>[^/?#]+))?/?$"
)
_HC_REQUEST = re.compile(r"^/hc/(?:[A-Za-z-]+/)?requests/new/?$")
_ID_LINE = re.compile(r'"id"\s*:\s*"?(\d+)')
# Top-level names the site uses for something else (pages other plugins write, alias redirects).
RESERVED_TOP = frozenset(checks.GENERATED_ROOTS | {"hc", "index", "_data", "404", "tags", "site"})
LOCAL_HOST = "zendesk.invalid"  # stands for the help center when the export names no host
TYPE_LABELS = {
    **{t: t for t in TYPES if t not in ("documentation", "solution")},
    "howto": "how-to",
    "how to": "how-to",
    "release notes": "release-notes",
    "faqs": "faq",
    "tips": "tip",
}


@dataclass
class Finding:
    """One problem of the import: where in the export, which Zendesk item, which output file."""

    problem: Problem
    kind: str  # article | section | category | attachment | export
    zendesk_id: str | None = None
    output: str | None = None  # path under --to

    def as_dict(self) -> dict[str, Any]:
        p = self.problem
        return {
            "file": p.path,
            "line": p.line,
            "code": p.code,
            "severity": p.severity,
            "message": p.message,
            "kind": self.kind,
            "zendesk_id": self.zendesk_id,
            "output": self.output,
        }


@dataclass
class PlannedFile:
    owner: str  # "article:123", "section:4", "category:5"
    slot: str  # "md", or "asset:<name>"
    path: str  # posix, relative to --to
    data: bytes | None = None
    source: Path | None = None  # a file of the export to copy instead of data
    sha256: str = ""

    def content(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()


@dataclass
class Plan:
    locale: str
    files: list[PlannedFile] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    articles: int = 0
    drafts: int = 0
    promoted: int = 0
    sections: int = 0
    categories: int = 0
    skipped: int = 0
    owners: dict[str, str] = field(default_factory=dict)  # owner -> "article 123 'Title'"

    @property
    def usable(self) -> bool:
        return self.articles > 0


@dataclass
class _Item:
    kind: str
    id: int
    data: dict[str, Any]
    file: str
    line: int
    title: str = ""
    description: str = ""
    body: str = ""
    draft: bool = False
    updated: str = ""
    html_url: str = ""
    folder: str = ""  # sections and categories: their folder under --to
    path: str = ""  # the .md written for it
    parent: _Item | None = None


class Export:
    """The export folder, read safely: no link followed outside, sizes capped, every problem kept."""

    def __init__(self, root: Path, display: str) -> None:
        self.root = root
        self.real = Path(os.path.realpath(root))
        self.display = display.rstrip("/") or "."
        self.findings: list[Finding] = []

    def shown(self, rel: str) -> str:
        return rel if self.display == "." else f"{self.display}/{rel}"

    def problem(
        self,
        rel: str,
        line: int,
        code: str,
        message: str,
        severity: Severity = "error",
        kind: str = "export",
        zid: Any = None,
        output: str | None = None,
    ) -> None:
        self.findings.append(
            Finding(
                Problem(self.shown(rel), line, code, message, severity), kind, None if zid is None else str(zid), output
            )
        )

    def inside(self, rel: str) -> Path | None:
        """The real path of `rel` when it stays inside the export (links included), else None."""
        real = Path(os.path.realpath(self.root / rel))
        if real != self.real and self.real not in real.parents:
            return None
        return real

    def file(
        self, rel: str, referrer: str | None = None, limit: int = MAX_JSON_BYTES, kind: str = "export", zid: Any = None
    ) -> Path | None:
        """A regular file of the export, or None with a finding (missing, link out, too big)."""
        path = self.root / rel
        where = referrer or rel
        try:
            st = path.lstat()
        except FileNotFoundError:
            if referrer:
                self.problem(referrer, 1, "ZD100", f"'{rel}' is missing from the export", kind=kind, zid=zid)
            return None
        except OSError as exc:
            self.problem(where, 1, "ZD100", f"'{rel}' cannot be read: {exc.strerror}", kind=kind, zid=zid)
            return None
        real = self.inside(rel)
        if real is None:
            self.problem(
                rel,
                1,
                "ZD104",
                f"symbolic link to '{os.readlink(path) if stat.S_ISLNK(st.st_mode) else rel}' "
                "leads outside the export: not read",
                kind=kind,
                zid=zid,
            )
            return None
        try:
            st = real.stat()
        except OSError as exc:
            self.problem(rel, 1, "ZD100", f"cannot be read: {exc.strerror}", kind=kind, zid=zid)
            return None
        if not stat.S_ISREG(st.st_mode):
            self.problem(rel, 1, "ZD104", "not a regular file: not read", kind=kind, zid=zid)
            return None
        if st.st_size > limit:
            self.problem(
                rel,
                1,
                "ZD105",
                f"{st.st_size / 1e6:.1f} MB, over the {limit / 1e6:.0f} MB limit: not read",
                kind=kind,
                zid=zid,
            )
            return None
        return real

    def json(self, rel: str, referrer: str | None = None, required: bool = False) -> tuple[Any, str]:
        """(data, text) of a JSON file; (None, '') with a finding when it cannot be used."""
        if required and not (self.root / rel).exists() and not (self.root / rel).is_symlink():
            self.problem(rel, 1, "ZD100", "missing: the export needs it", severity="error")
            return None, ""
        path = self.file(rel, referrer)
        if path is None:
            return None, ""
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problem(rel, line, "ZD101", f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})")
            return None, ""
        try:
            return json.loads(text), text
        except json.JSONDecodeError as exc:
            self.problem(rel, exc.lineno, "ZD101", f"not valid JSON: {exc.msg} (line {exc.lineno} column {exc.colno})")
        except RecursionError:
            self.problem(rel, 1, "ZD101", "not valid JSON: nested too deeply")
        return None, ""

    def pages(self, first: str, key: str, required: bool) -> Iterator[tuple[str, dict[str, Any], int]]:
        """(file, item, line) of every item of a paginated list, following next_page."""
        rel: str | None = first
        seen: set[str] = set()
        referrer: str | None = None
        stem = PurePosixPath(first).stem
        while rel and len(seen) < MAX_PAGES:
            seen.add(rel)
            data, text = self.json(rel, referrer, required=required and referrer is None)
            if data is None:
                return
            if not isinstance(data, dict) or not isinstance(data.get(key), list):
                self.problem(rel, 1, "ZD102", f"expected an object with a '{key}' list, as the Help Center API returns")
                return
            lines = _id_lines(text)
            for i, item in enumerate(data[key]):
                if not isinstance(item, dict):
                    self.problem(rel, 1, "ZD102", f"{key}[{i}] is not an object: skipped")
                    continue
                yield rel, item, lines.get(str(item.get("id")), 1)
            nxt = self._next(rel, data.get("next_page"), stem)
            if nxt in seen:
                self.problem(rel, 1, "ZD106", f"next_page points back to '{nxt}': stopped there")
                return
            referrer, rel = rel, nxt
        unread = sorted(p.name for p in self.root.glob(f"{stem}-*.json") if p.name not in seen)
        for name in unread:
            self.problem(name, 1, "ZD106", f"no next_page leads to this page of {first}: not read", "warning")

    def _next(self, rel: str, value: Any, stem: str) -> str | None:
        if value in (None, ""):
            return None
        if not isinstance(value, str):
            self.problem(rel, 1, "ZD102", f"next_page must be a URL or a file name, not {value!r}")
            return None
        parts = urlsplit(value)
        if parts.scheme or parts.query:
            page = parse_qs(parts.query).get("page", [""])[0]
            if not page.isdigit():
                self.problem(
                    rel, 1, "ZD106", f"next_page '{value[:120]}' has no page=N: the pages after it are not read"
                )
                return None
            return f"{stem}-{page}.json"
        if "/" in value or "\\" in value or value in (".", "..") or not value.endswith(".json"):
            self.problem(
                rel, 1, "ZD104", f"next_page '{value[:120]}' is not a .json file of the export folder: not read"
            )
            return None
        return value


def _id_lines(text: str) -> dict[str, int]:
    """Line of each `"id": N` (first occurrence) so a finding can point into the file."""
    lines: dict[str, int] = {}
    if text.count("\n") < 2:
        return lines
    line, pos = 1, 0
    for m in _ID_LINE.finditer(text):
        line += text.count("\n", pos, m.start())
        pos = m.start()
        lines.setdefault(m.group(1), line)
    return lines


def _int_id(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and value > 0:
        return value
    if isinstance(value, str) and value.isdigit() and len(value) <= 30:
        return int(value)
    return None


def _one_line(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return " ".join(re.sub(r"[\x00-\x1f\x7f\u0085\u2028\u2029]", " ", value).split())


def _date(value: Any) -> str:
    if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return ""
    return ""


def _yaml(value: Any) -> str:
    """A YAML value: JSON strings and lists are YAML (double-quoted), line separators escaped."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = json.dumps(value, ensure_ascii=False)
    for ch in ("\u0085", "\u2028", "\u2029", "\ufeff"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


PLAIN_KEYS = frozenset({"id", "type", "status", "updated"})


def front_matter(fields: list[tuple[str, Any]]) -> str:
    lines = ["---"]
    for key, value in fields:
        if value in (None, "", []):
            continue
        # ids, types, statuses and dates unquoted; any text quoted ("true", "null", "1.0" stay texts)
        plain = key in PLAIN_KEYS and isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9._-]*", value)
        lines.append(f"{key}: {value if plain else _yaml(value)}")
    return "\n".join(lines) + "\n---\n"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def safe_file_name(name: str, fallback: str) -> str:
    """A file name that is one plain path component: letters, digits, '.', '_', '-'."""
    import unicodedata

    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, ext = posixpath.splitext(ascii_name)
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:80]
    ext = re.sub(r"[^A-Za-z0-9]", "", ext)[:10].lower()
    return f"{stem or fallback}{'.' + ext if ext else ''}"


class _Taken:
    """Names in use in each folder of --to: on disk (whoever wrote them) and planned in this run."""

    def __init__(self, to: Path) -> None:
        self.to = to
        self.disk: dict[str, set[str]] = {}
        self.planned: dict[str, set[str]] = {}

    def _disk(self, folder: str) -> set[str]:
        if folder not in self.disk:
            found: set[str] = {"index.md", "README.md"}  # a folder's own landing page
            try:
                found.update(e.name for e in os.scandir(self.to / folder if folder else self.to))
            except OSError:
                pass
            if not folder:
                found |= RESERVED_TOP
            self.disk[folder] = found
        return self.disk[folder]

    def free(self, folder: str, names: tuple[str, ...], own: set[str]) -> bool:
        """`names` are free in `folder`; `own` are names this item wrote there last time."""
        planned = self.planned.setdefault(folder, set())
        disk = self._disk(folder)
        return not any(n in planned or (n in disk and n not in own) for n in names)

    def take(self, folder: str, names: tuple[str, ...]) -> None:
        self.planned.setdefault(folder, set()).update(names)


class Importer:
    """Builds the plan for one export and one locale."""

    def __init__(self, export: Export, to: Path, locale: str | None, manifest_paths: dict[str, str]) -> None:
        self.export = export
        self.to = to
        self.wanted_locale = locale
        self.prev = manifest_paths  # owner -> .md path of the previous import
        self.taken = _Taken(to)
        self.categories: dict[int, _Item] = {}
        self.sections: dict[int, _Item] = {}
        self.articles: dict[int, _Item] = {}
        self.hosts: set[str] = set()
        self.locale = locale or "en-us"
        self.attachments: dict[int, list[dict[str, Any]]] = {}  # article id -> its attachment records
        self.plan = Plan(self.locale)

    # ----- reading ----------------------------------------------------------------------------
    def read(self) -> None:
        ex = self.export
        raw_articles = list(ex.pages("articles.json", "articles", required=True))
        if self.wanted_locale is None:
            locales = [a.get("locale") or a.get("source_locale") for _, a, _ in raw_articles]
            self.locale = next((x for x in locales if isinstance(x, str) and x), "en-us")
            self.plan.locale = self.locale
        for rel, data, line in ex.pages("categories.json", "categories", required=False):
            self._add(self.categories, "category", rel, data, line)
        if not (ex.root / "categories.json").exists():
            ex.problem("categories.json", 1, "ZD100", "missing: sections are placed in 'uncategorized/'", "warning")
        for rel, data, line in ex.pages("sections.json", "sections", required=False):
            self._add(self.sections, "section", rel, data, line)
        if not (ex.root / "sections.json").exists():
            ex.problem("sections.json", 1, "ZD100", "missing: articles are placed in 'uncategorized/'", "warning")
        for rel, data, line in raw_articles:
            self._add(self.articles, "article", rel, data, line)
        meta, _ = ex.json("article_attachments.json") if (ex.root / "article_attachments.json").exists() else (None, "")
        if isinstance(meta, dict) and isinstance(meta.get("article_attachments"), list):
            for rec in meta["article_attachments"]:
                aid = _int_id(rec.get("article_id")) if isinstance(rec, dict) else None
                if aid:
                    self.attachments.setdefault(aid, []).append(rec)
        elif meta is not None:
            ex.problem("article_attachments.json", 1, "ZD102", "expected an object with an 'article_attachments' list")

    def _add(self, into: dict[int, _Item], kind: str, rel: str, data: dict[str, Any], line: int) -> None:
        ex = self.export
        zid = _int_id(data.get("id"))
        if zid is None:
            ex.problem(
                rel,
                line,
                "ZD102",
                f"{'an' if kind == 'article' else 'a'} {kind} without a numeric 'id' "
                f"({str(data.get('id'))[:40]!r}): skipped",
                kind=kind,
            )
            self.plan.skipped += kind == "article"
            return
        if zid in into:
            first = into[zid]
            ex.problem(
                rel,
                line,
                "ZD103",
                f"{kind} {zid} appears twice (first in {ex.shown(first.file)}:{first.line}): this copy is skipped",
                kind=kind,
                zid=zid,
            )
            return
        item = _Item(kind, zid, data, rel, line)
        url = data.get("html_url")
        if isinstance(url, str) and urlsplit(url).netloc:
            item.html_url = url
            self.hosts.add(urlsplit(url).netloc.lower())
        source = data
        if kind == "article" and (data.get("locale") or data.get("source_locale") or self.locale) != self.locale:
            source = self._translation("articles", zid, data) or {}
            if not source:
                ex.problem(
                    rel,
                    line,
                    "ZD113",
                    f"article {zid} has no '{self.locale}' version: not imported",
                    "warning",
                    kind=kind,
                    zid=zid,
                )
                self.plan.skipped += 1
                return
            if isinstance(source.get("html_url"), str):
                item.html_url = source["html_url"]
        elif kind != "article" and (data.get("locale") or self.locale) != self.locale:
            plural = "sections" if kind == "section" else "categories"
            source = self._translation(plural, zid, data) or data
        title = _one_line(source.get("title") if kind == "article" else source.get("name") or source.get("title"))
        if not title:
            ex.problem(
                rel,
                line,
                "ZD102",
                f"{kind} {zid} has no {'title' if kind == 'article' else 'name'}: skipped",
                kind=kind,
                zid=zid,
            )
            self.plan.skipped += kind == "article"
            return
        item.title = title
        item.description = _one_line(source.get("description"))
        if kind == "article":
            body = source.get("body")
            item.body = body if isinstance(body, str) else ""
            size = len(item.body.encode("utf-8", "replace"))
            if size > MAX_BODY_BYTES:
                ex.problem(
                    rel,
                    line,
                    "ZD120",
                    f"article {zid} '{title[:60]}': body is {size / 1e6:.1f} MB, over the "
                    f"{MAX_BODY_BYTES / 1e6:.0f} MB limit: not imported (split it in Zendesk, or copy it by hand)",
                    kind=kind,
                    zid=zid,
                )
                self.plan.skipped += 1
                return
            item.draft = source.get("draft") is True
            item.updated = _date(source.get("edited_at") or data.get("edited_at") or source.get("updated_at"))
        into[zid] = item

    def _translation(self, kind: str, zid: int, data: dict[str, Any]) -> dict[str, Any] | None:
        found = data.get("translations")
        if not isinstance(found, list):
            rel = f"translations/{kind}/{zid}.json"
            if not (self.export.root / rel).exists() and not (self.export.root / rel).is_symlink():
                return None
            loaded, _ = self.export.json(rel)
            found = loaded.get("translations") if isinstance(loaded, dict) else None
            if not isinstance(found, list):
                if loaded is not None:
                    self.export.problem(rel, 1, "ZD102", "expected an object with a 'translations' list")
                return None
        return next((t for t in found if isinstance(t, dict) and t.get("locale") == self.locale), None)

    # ----- the tree -------------------------------------------------------------------------
    def layout(self) -> None:
        """Give every category and section a folder and every article a file name."""
        ex = self.export
        for cat in sorted(self.categories.values(), key=_order):
            cat.folder = self._name("", cat, f"category:{cat.id}", folder=True)
        orphan_cat: _Item | None = None
        for sec in self.sections.values():
            cid = _int_id(sec.data.get("category_id"))
            if cid not in self.categories:
                ex.problem(
                    sec.file,
                    sec.line,
                    "ZD110",
                    f"section {sec.id} '{sec.title}': category {cid} is not in the export: placed in 'uncategorized/'",
                    "warning",
                    "section",
                    sec.id,
                )
                orphan_cat = orphan_cat or self._uncategorized()
                sec.parent = orphan_cat
            else:
                sec.parent = self.categories[cid]
        for sec in self.sections.values():
            pid = _int_id(sec.data.get("parent_section_id"))
            if pid is None:
                continue
            if pid not in self.sections:
                ex.problem(
                    sec.file,
                    sec.line,
                    "ZD111",
                    f"section {sec.id} '{sec.title}': parent section {pid} is not "
                    "in the export: placed at the top of its category",
                    "warning",
                    "section",
                    sec.id,
                )
                continue
            # a cycle of parents would nest forever: the section that closes it stays at the top
            seen: set[int] = {sec.id}
            cur: int | None = pid
            while cur is not None and cur in self.sections and cur not in seen:
                seen.add(cur)
                cur = _int_id(self.sections[cur].data.get("parent_section_id"))
            if cur in seen:
                ex.problem(
                    sec.file,
                    sec.line,
                    "ZD111",
                    f"section {sec.id} '{sec.title}': its parent sections form a "
                    "loop: placed at the top of its category",
                    "warning",
                    "section",
                    sec.id,
                )
                continue
            sec.parent = self.sections[pid]
        for sec in sorted(self.sections.values(), key=lambda s: (_depth(s), _order(s))):
            parent_folder = sec.parent.folder if sec.parent else ""
            sec.folder = self._name(parent_folder, sec, f"section:{sec.id}", folder=True)
        orphans = [a for a in self.articles.values() if _int_id(a.data.get("section_id")) not in self.sections]
        for art in orphans:
            ex.problem(
                art.file,
                art.line,
                "ZD112",
                f"article {art.id} '{art.title}': section "
                f"{art.data.get('section_id')} is not in the export: placed in 'uncategorized/'",
                "warning",
                "article",
                art.id,
            )
            orphan_cat = orphan_cat or self._uncategorized()
        for art in sorted(self.articles.values(), key=_order):
            home = self.sections.get(_int_id(art.data.get("section_id")) or 0)
            folder = home.folder if home else (orphan_cat.folder if orphan_cat else "uncategorized")
            art.parent = home or orphan_cat
            art.path = self._name(folder, art, f"article:{art.id}", folder=False)

    def _uncategorized(self) -> _Item:
        item = _Item("category", 0, {}, "sections.json", 1, title="Uncategorized")
        item.folder = self._name("", item, "category:0", folder=True)
        self.categories[0] = item
        return item

    def _name(self, parent: str, item: _Item, owner: str, folder: bool) -> str:
        """A stable, free name in `parent`: the previous import's, else the slug, else slug-<id>."""
        slug = title_slug(item.title) or f"{item.kind}-{item.id}"
        candidates = [slug, f"{slug}-{item.id}"] + [f"{slug}-{item.id}-{k}" for k in range(2, 50)]
        own: set[str] = set()
        prev = self.prev.get(owner)
        if prev:
            p = PurePosixPath(prev)
            prev_name, prev_parent = (p.parent.name, p.parent.parent) if folder else (p.stem, p.parent)
            if ("" if str(prev_parent) == "." else str(prev_parent)) == parent and prev_name in candidates:
                candidates.remove(prev_name)
                candidates.insert(0, prev_name)
                own = {prev_name} if folder else {f"{prev_name}.md", prev_name, f"{prev_name}.files"}
        for name in candidates:
            names = (name,) if folder else (f"{name}.md", name, f"{name}.files")
            if not self.taken.free(parent, names, own):
                continue
            self.taken.take(parent, names)
            if name != slug and f"{name}.md" not in own and name not in own:
                where = f"'{parent}/'" if parent else "the top folder"
                self.export.problem(
                    item.file,
                    item.line,
                    "ZD211",
                    f"{item.kind} {item.id} '{item.title[:60]}': the "
                    f"name '{slug}' is already used in {where}: named '{name}'",
                    "warning",
                    item.kind,
                    item.id,
                )
            joined = f"{parent}/{name}" if parent else name
            return joined if folder else f"{joined}.md"
        raise AssertionError("no free name")  # pragma: no cover - 50 tries in one folder

    # ----- writing the plan -------------------------------------------------------------------
    def build(self) -> Plan:
        self.read()
        self.layout()
        planned_md: dict[str, Article] = {}  # each converted file, read back as `kb lint` reads it
        for cat in self.categories.values():
            self._index(cat, "categories", planned_md)
        for sec in self.sections.values():
            self._index(sec, "sections", planned_md)
        for art in sorted(self.articles.values(), key=lambda a: a.path):
            self._article(art, planned_md)
        self._check_links(planned_md)
        self.plan.findings = self.export.findings
        return self.plan

    def _aliases(self, item: _Item, kind: str) -> list[str]:
        out = []
        if item.html_url:
            path = unquote(urlsplit(item.html_url).path).strip("/")
            # a slug with blanks, quotes or control characters would make a strange file name: skip it
            if _HC_ITEM.match("/" + path) and not re.search(r"[\x00-\x20\x7f\"<>`\\]", path):
                out.append(path)
        if item.id:
            short = f"hc/{self.locale}/{kind}/{item.id}"
            if short not in out:
                out.append(short)
        return out

    def _index(self, item: _Item, kind: str, planned: dict[str, Article]) -> None:
        path = f"{item.folder}/index.md"
        item.path = path
        fm = front_matter(
            [
                ("title", item.title),
                ("id", f"zd-{item.kind}-{item.id}" if item.id else None),
                ("type", "documentation"),
                ("description", item.description),
                ("aliases", self._aliases(item, kind)),
            ]
        )
        body = (plain_text(item.description) + "\n\n" if item.description else "") + "<!-- kb:section-listing -->\n"
        data = (fm + "\n" + body).encode("utf-8")
        owner = f"{item.kind}:{item.id}"
        self._add_file(PlannedFile(owner, "md", path, data), planned)
        self.plan.owners[owner] = f"{item.kind} {item.id} '{item.title}'"
        if item.kind == "category":
            self.plan.categories += item.id != 0
        else:
            self.plan.sections += 1

    def _add_file(self, pf: PlannedFile, planned: dict[str, Article]) -> None:
        if not pf.sha256:
            pf.sha256 = sha256(pf.data) if pf.data is not None else file_sha256(pf.source)  # type: ignore[arg-type]
        if pf.data is not None and pf.slot == "md":
            planned[pf.path] = load_article(pf.path, pf.data)
        self.plan.files.append(pf)

    def _article(self, art: _Item, planned: dict[str, Article]) -> None:
        ex = self.export
        owner = f"article:{art.id}"
        self.plan.owners[owner] = f"article {art.id} '{art.title}'"
        for issue in well_formed_problems(art.body):
            ex.problem(
                art.file,
                art.line,
                "ZD200",
                f"article {art.id}: HTML not well-formed: {issue}; converted as a "
                "browser would read it: check the result",
                "warning",
                "article",
                art.id,
                art.path,
            )
        links = _Links(self, art)
        converted = html_to_markdown(art.body, links)
        for note in converted.notes + links.notes:
            ex.problem(
                art.file,
                art.line,
                note.code,
                f"article {art.id} ({art.path}): {note.message}",
                "warning",
                "article",
                art.id,
                art.path,
            )
        body = converted.markdown
        listed = self._listed_attachments(art, links)
        if listed:
            body += "\n## Attachments\n\n" + "".join(f"- {line}\n" for line in listed)
        labels = [_one_line(x) for x in art.data.get("label_names") or [] if isinstance(x, (str, int))]
        tags = list(dict.fromkeys(t for t in labels if t))
        restricted = art.data.get("user_segment_id") not in (None, "")
        if restricted:
            ex.problem(
                art.file,
                art.line,
                "ZD114",
                f"article {art.id} ({art.path}) is visible only to a user segment "
                "in Zendesk: imported as a draft without aliases, so that neither it nor its old address is "
                "published by accident",
                "warning",
                "article",
                art.id,
                art.path,
            )
        draft = art.draft or restricted
        promoted = art.data.get("promoted") is True
        fm = front_matter(
            [
                ("title", art.title),
                ("id", f"zd-{art.id}"),
                ("type", _type_of(tags, converted.headings)),
                ("description", art.description),
                ("updated", art.updated),
                ("tags", tags),
                ("status", "draft" if draft else "published"),
                ("promoted", True if promoted else None),
                ("aliases", [] if restricted else self._aliases(art, "articles")),
            ]
        )
        data = (fm + "\n" + body).encode("utf-8")
        self._add_file(PlannedFile(owner, "md", art.path, data), planned)
        for pf in links.assets.values():
            self._add_file(pf, planned)
        self.plan.articles += 1
        self.plan.drafts += draft
        self.plan.promoted += promoted and not draft
        errors = [p for p in planned[art.path].problems if p.severity == "error"]
        for p in errors:
            ex.problem(
                art.file,
                art.line,
                "ZD299",
                f"article {art.id}: the converted file does not pass the article model: {p}",
                "error",
                "article",
                art.id,
                art.path,
            )

    def _listed_attachments(self, art: _Item, links: _Links) -> list[str]:
        out = []
        for rec in self.attachments.get(art.id, []):
            if not isinstance(rec, dict) or rec.get("inline") is True:
                continue
            aid = _int_id(rec.get("id"))
            name, url = (v if isinstance(v, str) else "" for v in (rec.get("file_name"), rec.get("content_url")))
            if not aid:
                continue
            target = links.attachment(str(aid), name or None, url, link=True)
            if target:
                out.append(f"[{plain_text(posixpath.basename(target))}]({target})")
        return out

    def _check_links(self, arts: dict[str, Article]) -> None:
        """The same link and anchor checks as `kb lint`, on the converted files, before writing."""
        assets = {f.path for f in self.plan.files if f.slot != "md"}
        folders = {str(a) for p in arts for a in PurePosixPath(p).parents}
        kb = checks.Kb(arts, assets, folders)
        by_path = {a.path: a for a in self.articles.values()}
        for p in checks.links(kb)[0]:
            art = by_path.get(p.path)
            if art is None:
                continue
            self.export.problem(
                art.file,
                art.line,
                "ZD207",
                f"article {art.id} ({p.path}:{p.line}): {p.code} {p.message}",
                "warning",
                "article",
                art.id,
                p.path,
            )


def _order(item: _Item) -> tuple[int, int]:
    pos = item.data.get("position")
    return (pos if isinstance(pos, int) and not isinstance(pos, bool) else 1 << 30, item.id)


def _depth(sec: _Item) -> int:
    depth, cur = 0, sec.parent
    while cur is not None and cur.kind == "section" and depth < 100:
        depth, cur = depth + 1, cur.parent
    return depth


def _type_of(tags: list[str], headings: list[str]) -> str:
    have = {h.strip().lower() for h in headings}
    for tag in tags:
        t = tag.lower()
        if t == "solution" and all(s.lower() in have for s in SOLUTION_SECTIONS):
            return "solution"
        if t in TYPE_LABELS:
            return TYPE_LABELS[t]
    return "documentation"


class _Links:
    """The importer's `Resolver` for one article: links, images and attachments after the import."""

    def __init__(self, imp: Importer, art: _Item) -> None:
        self.imp = imp
        self.art = art
        self.notes: list[Note] = []
        self.assets: dict[str, PlannedFile] = {}  # attachment key -> file
        self.names: set[str] = set()
        host = next(iter(sorted(imp.hosts)), LOCAL_HOST)
        self.base = art.html_url or f"https://{host}/hc/{imp.locale}/articles/{art.id}"
        self.stem = PurePosixPath(art.path).stem

    def _internal(self, url: str) -> tuple[str, str] | None:
        """(path, fragment) of a URL on the old help center, else None."""
        parts = urlsplit(urljoin(self.base, url))
        netloc = parts.netloc.lower()
        if netloc in self.imp.hosts or netloc == LOCAL_HOST:
            return parts.path, parts.fragment
        return None

    def _old(self, url: str) -> str | None:
        """The absolute address on the old help center (None when the export names no host)."""
        full = urljoin(self.base, url)
        return None if urlsplit(full).netloc == LOCAL_HOST else full

    def _rel(self, target: str) -> str:
        rel = posixpath.relpath(target, posixpath.dirname(self.art.path) or ".")
        return rel + "/" if target.endswith("/") else rel

    def link(self, href: str) -> str:
        if href.startswith("#"):
            return href
        inside = self._internal(href)
        if inside is None:
            return href
        path, fragment = inside
        frag = f"#{fragment}" if fragment else ""
        m = _HC_ITEM.match(path)
        if m:
            kind, zid = m.group("kind"), int(m.group("id"))
            table = {"articles": self.imp.articles, "sections": self.imp.sections, "categories": self.imp.categories}[
                kind
            ]
            target = table.get(zid)
            if target is not None and target.path:
                return self._rel(target.path) + frag
            return self._gone(href, f"link to {kind[:-1]} {zid}, which is not in the export")
        m = _HC_FILE.match(path)
        if m:
            got = self.attachment(m.group("id"), unquote(m.group("name")) if m.group("name") else None, href, link=True)
            return got or href
        if _HC_REQUEST.match(path):
            return self._rel("request/index.md")  # the kb-request plugin generates it
        return self._gone(href, "link to a help-center page that is not an article, section or category")

    def _gone(self, href: str, why: str) -> str:
        old = self._old(href)
        if old is None:
            self.notes.append(Note("ZD206", f"{why}: kept as '{href[:100]}' (the export names no help-center host)"))
            return href
        self.notes.append(Note("ZD206", f"{why}: points at the old help center, {old[:120]}"))
        return old

    def image(self, src: str) -> tuple[str, bool]:
        m = DATA_IMAGE.match(src)
        if m:
            return self._data_image(m.group(1).lower(), m.group(2)), True
        if src.lower().startswith("data:"):
            self.notes.append(Note("ZD205", "embedded image in a format other than PNG, JPEG, GIF or WebP: removed"))
            return "", False
        inside = self._internal(src)
        if inside is not None:
            m2 = _HC_FILE.match(inside[0])
            if m2:
                got = self.attachment(
                    m2.group("id"), unquote(m2.group("name")) if m2.group("name") else None, src, link=False
                )
                if got:
                    return got, True
                old = self._old(src)
                return (old or src), False
            old = self._old(src) or src
            self.notes.append(
                Note("ZD205", f"image {src[:100]} is not an attachment of the export: a link to it instead")
            )
            return old, False
        self.notes.append(
            Note(
                "ZD205",
                f"image from another site ({urlsplit(src).netloc or src[:60]}) not copied: "
                "a link to it instead, so the page makes no request to another host",
            )
        )
        return src, False

    def embed(self, src: str) -> str:
        return self._old(src) or src if self._internal(src) else src

    def _data_image(self, ext: str, payload: str) -> str:
        try:
            data = base64.b64decode("".join(payload.split()), validate=True)
        except (binascii.Error, ValueError):
            self.notes.append(Note("ZD205", "embedded image is not valid base64: removed"))
            return ""
        if len(data) > MAX_ATTACHMENT_BYTES:
            self.notes.append(Note("ZD209", f"embedded image of {len(data) / 1e6:.1f} MB: removed"))
            return ""
        digest = sha256(data)
        key = f"data:{digest}"
        if key not in self.assets:
            name = self._free_name(f"embedded-{digest[:10]}.{'jpg' if ext == 'jpeg' else ext}", digest[:10])
            self.assets[key] = PlannedFile(
                f"article:{self.art.id}", f"asset:{name}", self._asset_path(name), data=data, sha256=digest
            )
        return self._rel(self.assets[key].path)

    def _asset_path(self, name: str) -> str:
        return f"{posixpath.dirname(self.art.path)}/{self.stem}.files/{name}".lstrip("/")

    def _free_name(self, name: str, prefix: str) -> str:
        if name in self.names:
            name = f"{prefix}-{name}"
        self.names.add(name)
        return name

    def attachment(self, aid: str, name: str | None, url: str, link: bool) -> str | None:
        """Copy attachment `aid` next to the article and return its relative path (None: not there)."""
        ex = self.imp.export
        art = self.art
        key = f"att:{aid}"
        if key in self.assets:
            return self._rel(self.assets[key].path)
        if name is not None and (name in (".", "..") or any(c in name for c in "/\\\x00")):
            # the id names the attachment; a name that climbs out of its folder is only a bad hint
            ex.problem(
                art.file,
                art.line,
                "ZD208",
                f"article {art.id} ({art.path}): attachment {aid} names the file "
                f"{name[:80]!r}, a path out of its folder: the name is ignored",
                "warning",
                "attachment",
                aid,
                art.path,
            )
            name = None
        folder = f"attachments/{aid}"
        source: Path | None = None
        if (ex.root / folder).is_dir() or (ex.root / folder).is_symlink():
            if ex.inside(folder) is None:
                ex.problem(
                    folder,
                    1,
                    "ZD104",
                    f"symbolic link leads outside the export: attachment {aid} of article {art.id} not copied",
                    kind="attachment",
                    zid=aid,
                    output=art.path,
                )
                return None
            if name and ((ex.root / folder / name).exists() or (ex.root / folder / name).is_symlink()):
                source = ex.file(f"{folder}/{name}", limit=MAX_ATTACHMENT_BYTES, kind="attachment", zid=aid)
                if source is None:
                    return None
            else:
                entries = sorted(p.name for p in (ex.root / folder).iterdir())
                if len(entries) == 1:
                    source = ex.file(f"{folder}/{entries[0]}", limit=MAX_ATTACHMENT_BYTES, kind="attachment", zid=aid)
                    if source is None:
                        return None
                    name = name or entries[0]
        if source is None:
            old = self._old(url) if url else None
            self.notes.append(
                Note(
                    "ZD208",
                    f"attachment {aid}{' (' + name + ')' if name else ''} is not in "
                    f"{folder}/: " + (f"linked to the old help center, {old[:120]}" if old else "left out"),
                )
            )
            return None
        file_name = name or source.name
        if posixpath.splitext(file_name.lower())[1] in ACTIVE_EXTENSIONS:
            ex.problem(
                f"{folder}/{source.name}",
                1,
                "ZD209",
                f"attachment {aid} of article {art.id} is a web page or "
                "script: not published (a browser would run it on the site)",
                "warning",
                "attachment",
                aid,
                art.path,
            )
            return None
        if file_name.lower().endswith(".svg"):
            with open(source, "rb") as fh:
                if _SVG_ACTIVE.search(fh.read()):
                    ex.problem(
                        f"{folder}/{source.name}",
                        1,
                        "ZD209",
                        f"attachment {aid} of article {art.id} is an SVG with scripts or event handlers: not published",
                        "warning",
                        "attachment",
                        aid,
                        art.path,
                    )
                    return None
        safe = self._free_name(safe_file_name(file_name, f"attachment-{aid}"), aid)
        self.assets[key] = PlannedFile(f"article:{art.id}", f"asset:{safe}", self._asset_path(safe), source=source)
        return self._rel(self.assets[key].path)


def plan_import(
    export_dir: Path, to: Path, locale: str | None, previous: dict[str, str], display: str | None = None
) -> Plan:
    """Read the export and return what the import would write (nothing is written here).

    `previous` maps an owner ("article:123") to the .md path the last import wrote for it,
    so names stay put from one import to the next.
    """
    export = Export(export_dir, display if display is not None else str(export_dir))
    return Importer(export, to, locale, previous).build()
