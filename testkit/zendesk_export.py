"""A Zendesk Help Center export, written by the tests (into tmp_path) and the benchmark.

JSON in the Help Center API's shapes (categories, sections with `parent_section_id`, article
pages linked by `next_page`, translations, article attachments) plus downloaded attachment
files. `realistic_export` covers what issue 13 lists: nested sections, tables, images,
entities, non-ASCII titles, drafts, labels, cross-links, and the vendor's seed document
(`seed-product-support-commitment.txt`, a copy of shared/seed) as HTML. `write_export` is
the generic writer the bad-input tests and the benchmark use.
"""

from __future__ import annotations

import html
import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

HOST = "psigen.zendesk.com"
SEED = Path(__file__).parent / "seed-product-support-commitment.txt"  # a copy of shared/seed
LOCALE = "en-us"


def png(width: int = 2, height: int = 2, rgb: tuple[int, int, int] = (40, 80, 160)) -> bytes:
    """A small valid PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"  # noqa: E501


def zendesk_slug(title: str) -> str:
    """The slug Zendesk puts after the id in an article URL (percent-encoded as a browser sends it)."""
    from urllib.parse import quote

    return quote(re.sub(r"[\s\W]+", "-", title, flags=re.UNICODE).strip("-"), safe="-")


def url(kind: str, zid: int, title: str, locale: str = LOCALE) -> str:
    return f"https://{HOST}/hc/{locale}/{kind}/{zid}-{zendesk_slug(title)}"


def category(zid: int, name: str, position: int, description: str = "") -> dict[str, Any]:
    return {
        "id": zid,
        "url": f"https://{HOST}/api/v2/help_center/{LOCALE}/categories/{zid}.json",
        "html_url": url("categories", zid, name),
        "position": position,
        "created_at": "2019-03-01T10:00:00Z",
        "updated_at": "2024-01-10T10:00:00Z",
        "name": name,
        "description": description,
        "locale": LOCALE,
        "source_locale": LOCALE,
        "outdated": False,
    }


def section(
    zid: int, cat: int, name: str, position: int, parent: int | None = None, description: str = ""
) -> dict[str, Any]:
    return {
        "id": zid,
        "url": f"https://{HOST}/api/v2/help_center/{LOCALE}/sections/{zid}.json",
        "html_url": url("sections", zid, name),
        "category_id": cat,
        "position": position,
        "sorting": "manual",
        "created_at": "2019-03-01T10:00:00Z",
        "updated_at": "2024-01-10T10:00:00Z",
        "name": name,
        "description": description,
        "locale": LOCALE,
        "source_locale": LOCALE,
        "outdated": False,
        "parent_section_id": parent,
        "theme_template": "section_page",
    }


def article(
    zid: int,
    sec: int,
    title: str,
    body: str,
    labels: list[str] | None = None,
    draft: bool = False,
    promoted: bool = False,
    position: int = 0,
    edited: str = "2024-05-02T08:30:00Z",
    segment: int | None = None,
) -> dict[str, Any]:
    return {
        "id": zid,
        "url": f"https://{HOST}/api/v2/help_center/{LOCALE}/articles/{zid}.json",
        "html_url": url("articles", zid, title),
        "author_id": 360012345678,
        "comments_disabled": False,
        "draft": draft,
        "promoted": promoted,
        "position": position,
        "vote_sum": 3,
        "vote_count": 4,
        "section_id": sec,
        "created_at": "2020-02-01T09:00:00Z",
        "updated_at": edited,
        "name": title,
        "title": title,
        "source_locale": LOCALE,
        "locale": LOCALE,
        "outdated": False,
        "outdated_locales": [],
        "edited_at": edited,
        "user_segment_id": segment,
        "permission_group_id": 360000011111,
        "content_tag_ids": [],
        "label_names": labels or [],
        "body": body,
    }


def attachment(zid: int, art: int, name: str, content_type: str, inline: bool, size: int) -> dict[str, Any]:
    return {
        "id": zid,
        "url": f"https://{HOST}/api/v2/help_center/articles/attachments/{zid}.json",
        "article_id": art,
        "file_name": name,
        "content_url": f"https://{HOST}/hc/article_attachments/{zid}/{name}",
        "content_type": content_type,
        "size": size,
        "inline": inline,
        "locale": LOCALE,
        "created_at": "2020-02-01T09:00:00Z",
        "updated_at": "2020-02-01T09:00:00Z",
    }


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_pages(root: Path, name: str, key: str, items: list[dict[str, Any]], per_page: int) -> list[str]:
    """`name`.json, `name`-2.json, ... linked by next_page URLs as the API paginates."""
    pages = [items[i : i + per_page] for i in range(0, len(items), per_page)] or [[]]
    files = []
    for n, chunk in enumerate(pages, start=1):
        api = f"https://{HOST}/api/v2/help_center/{LOCALE}/{name}.json?page={{}}&per_page={per_page}"
        data = {
            key: chunk,
            "page": n,
            "per_page": per_page,
            "page_count": len(pages),
            "count": len(items),
            "next_page": api.format(n + 1) if n < len(pages) else None,
            "previous_page": api.format(n - 1) if n > 1 else None,
            "sort_by": "position",
            "sort_order": "asc",
        }
        fname = f"{name}.json" if n == 1 else f"{name}-{n}.json"
        write_json(root / fname, data)
        files.append(fname)
    return files


def write_export(
    root: Path,
    categories: list[dict[str, Any]],
    sections: list[dict[str, Any]],
    articles: list[dict[str, Any]],
    per_page: int = 100,
    files: dict[str, bytes] | None = None,
    attachments: list[dict[str, Any]] | None = None,
    translations: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """Write an export. `files`: path under attachments/ -> bytes; `translations`: 'articles/<id>' -> list."""
    root.mkdir(parents=True, exist_ok=True)
    write_pages(root, "categories", "categories", categories, per_page)
    write_pages(root, "sections", "sections", sections, per_page)
    write_pages(root, "articles", "articles", articles, per_page)
    for rel, data in (files or {}).items():
        path = root / "attachments" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if attachments is not None:
        write_json(root / "article_attachments.json", {"article_attachments": attachments})
    for rel, items in (translations or {}).items():
        write_json(root / "translations" / f"{rel}.json", {"translations": items})
    return root


# ----- the seed document as a Zendesk article -------------------------------------------------
SEED_TABLE_FIRST, SEED_TABLE_LAST = "Functionality Loss", "4 Business Hours"
SEED_TRAILER = "Was this article helpful?"


def seed_lines() -> list[str]:
    """The seed's text lines without its title and the page chrome after the article."""
    lines = SEED.read_text(encoding="utf-8").splitlines()[1:]
    return lines[: next(i for i, ln in enumerate(lines) if ln.strip() == SEED_TRAILER)]


def seed_html(links: dict[str, str]) -> str:
    """The seed as the HTML a Zendesk editor would hold: headings, nested lists, the response table.

    `links` maps a phrase of the text to the URL it links to (other articles of the export).
    """
    out: list[str] = []
    lines = seed_lines()
    list_depth = -1

    def close_lists(to: int) -> None:
        nonlocal list_depth
        while list_depth > to:
            out.append("</li></ul>")
            list_depth -= 1

    def inline(text: str) -> str:
        text = html.escape(text.strip().replace("\u00a0", " ").strip(), quote=False)
        text = re.sub(r"^((?:“)?[A-Z][^“”]{2,40}”) (means?)", r"<strong>\1</strong> \2", text)
        text = re.sub(r"^([A-Z][A-Za-z &]{3,30}) – ", r"<strong>\1</strong> – ", text)
        for phrase, target in links.items():
            text = text.replace(
                html.escape(phrase, quote=False),
                f'<a href="{html.escape(target)}">{html.escape(phrase, quote=False)}</a>',
            )
        return text

    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            i += 1
            continue
        if stripped == SEED_TABLE_FIRST:
            close_lists(-1)
            cells = []
            while True:
                if lines[i].strip():
                    cells.append(lines[i].strip())
                if lines[i].strip() == SEED_TABLE_LAST:
                    break
                i += 1
            head, rows = cells[:3], cells[3:]
            # The copy lost the first column's text for the first two rows: a merged, empty cell.
            out.append(
                '<table style="width: 100%;"><tbody><tr>'
                + "".join(f"<td><strong>{html.escape(c)}</strong></td>" for c in head)
                + "</tr>"
            )
            out.append(
                f'<tr><td rowspan="2">&nbsp;</td><td>{html.escape(rows[0])}</td><td>{html.escape(rows[1])}</td></tr>'
            )
            out.append(f"<tr><td>{html.escape(rows[2])}</td><td>{html.escape(rows[3])}</td></tr>")
            out.append(
                "<tr>" + "".join(f"<td><p>{html.escape(c)}</p></td>" for c in rows[4:7]) + "</tr></tbody></table>"
            )
            i += 1
            continue
        m = re.match(r"^( *)•\s*(.*)$", line)
        if m:
            depth = min(max(len(m.group(1)) // 2 - 1, 0), list_depth + 1)
            if depth > list_depth:
                out.append("<ul><li>")
                list_depth = depth
            else:
                close_lists(depth)
                out.append("</li><li>")
            out.append(inline(m.group(2)))
            i += 1
            continue
        close_lists(-1)
        if len(stripped) < 60 and not stripped.endswith((".", "!", ":")):
            out.append(f"<h2>{inline(stripped)}</h2>")
        else:
            out.append(f"<p>{inline(stripped)}</p>")
        i += 1
    close_lists(-1)
    return "\n".join(out)


# ----- the realistic export -------------------------------------------------------------------
C_START, C_TROUBLE, C_POLICY, C_DE = 360000100001, 360000100002, 360000100003, 360000100004
S_INSTALL, S_FIRST, S_SCAN, S_DRIVERS, S_TWAIN, S_POLICIES, S_LICENSE = range(360000200001, 360000200008)
(
    A_INSTALL,
    A_REQS,
    A_FIRST_BATCH,
    A_NOT_DETECTED,
    A_TWAIN,
    A_UPCOMING,
    A_SEED,
    A_LIFECYCLE,
    A_INCLUDED,
    A_LICENSE_DE,
    A_JA,
    A_SHORTCUTS,
    A_INTERNAL,
) = range(360000300001, 360000300014)
ATT_WIZARD, ATT_BATCH, ATT_TWAIN_PDF = 360000900001, 360000900002, 360000900003
TITLES = {
    A_INSTALL: "Install PSIcapture",
    A_REQS: "System requirements",
    A_FIRST_BATCH: "Scan your first batch",
    A_NOT_DETECTED: "Scanner not detected",
    A_TWAIN: "Configure the TWAIN driver",
    A_UPCOMING: "Upcoming scanner models",
    A_SEED: "Product Support Commitment",
    A_LIFECYCLE: "Product Lifecycle Policy",
    A_INCLUDED: "What’s Included: Support and Professional Services",
    A_LICENSE_DE: "Lizenzschlüssel ändern – Schritt für Schritt",
    A_JA: "ライセンスの確認",
    A_SHORTCUTS: "Keyboard shortcuts & [special] <characters>",
    A_INTERNAL: "Internal escalation contacts",
}
# Where each article lands under --to (the importer's naming rules, stated once for the tests).
PATHS = {
    A_INSTALL: "getting-started/installation/install-psicapture.md",
    A_REQS: "getting-started/installation/system-requirements.md",
    A_FIRST_BATCH: "getting-started/first-steps/scan-your-first-batch.md",
    A_SHORTCUTS: "getting-started/first-steps/keyboard-shortcuts-special-characters.md",
    A_INTERNAL: "getting-started/first-steps/internal-escalation-contacts.md",
    A_NOT_DETECTED: "troubleshooting/scanning/scanner-not-detected.md",
    A_UPCOMING: "troubleshooting/scanning/scanner-drivers/upcoming-scanner-models.md",
    A_TWAIN: "troubleshooting/scanning/scanner-drivers/twain/configure-the-twain-driver.md",
    A_SEED: "policies-legal/support-policies/product-support-commitment.md",
    A_LIFECYCLE: "policies-legal/support-policies/product-lifecycle-policy.md",
    A_INCLUDED: "policies-legal/support-policies/whats-included-support-and-professional-services.md",
    A_LICENSE_DE: "uber-psigen/lizenzierung/lizenzschlussel-andern-schritt-fur-schritt.md",
    A_JA: f"uber-psigen/lizenzierung/article-{A_JA}.md",
}
DRAFTS = {A_UPCOMING, A_INTERNAL}
# What the import must list as not converted faithfully: (article, code)
UNCONVERTIBLE = {
    (A_TWAIN, "ZD201"),
    (A_TWAIN, "ZD202"),
    (A_TWAIN, "ZD203"),
    (A_NOT_DETECTED, "ZD205"),
    (A_NOT_DETECTED, "ZD206"),
    (A_INTERNAL, "ZD114"),
}


def _a(zid: int, anchor: str = "") -> str:
    return f"/hc/{LOCALE}/articles/{zid}-{zendesk_slug(TITLES[zid])}" + (f"#{anchor}" if anchor else "")


def realistic_export(root: Path) -> Path:
    """The export the importer's end-to-end tests use (13 articles on 2 pages, 7 sections, 4 categories)."""
    data_png = "data:image/png;base64," + __import__("base64").b64encode(png(1, 1, (200, 0, 0))).decode()
    bodies = {
        A_INSTALL: f"""<p>PSIcapture installs in a few minutes. You need administrator rights and the
<a href="{_a(A_REQS, "h_01HREQMIN")}">minimum requirements</a>.</p>
<h2 id="h_01HINSTSTEPS">Steps</h2>
<ol>
<li>Download the installer from the <a href="https://www.psigen.example/downloads">downloads page</a>.</li>
<li>Run <code>PSIcapture-Setup.exe</code> as administrator:
<ul><li>choose <strong>Typical</strong> for one workstation;</li><li>choose <em>Custom</em> for a server.</li></ul></li>
<li><p>Check the service from PowerShell:</p>
<pre><code class="language-powershell">Get-Service -Name "PSIcapture*" | Where-Object {{ $_.Status -ne 'Running' }}
# a comment with &lt;angle brackets&gt; and ``` backticks</code></pre></li>
</ol>
<p><img src="/hc/article_attachments/{ATT_WIZARD}/install-wizard.png" alt="The setup wizard" width="600"></p>
<h3>After installing</h3>
<p>Read <a href="{_a(A_FIRST_BATCH)}">Scan your first batch</a> next.</p>""",
        A_REQS: """<p>PSIcapture runs on Windows&nbsp;10 and later. Prices &amp; licences: see your reseller.
Our &lt;admin&gt; guide uses the © sign and ‘curly’ quotes&#8217; as you see.</p>
<h2 id="h_01HREQMIN">Minimum requirements</h2>
<table><thead><tr><th>Component</th><th>Minimum</th><th>Recommended</th></tr></thead>
<tbody><tr><td>CPU</td><td>2 cores</td><td>4 cores | more</td></tr>
<tr><td>Memory</td><td>8&nbsp;GB</td><td><strong>16 GB</strong></td></tr>
<tr><td>Disk</td><td>20 GB <em>free</em></td><td>SSD, <a href="https://www.psigen.example/ssd">tested models</a></td></tr></tbody></table>""",  # noqa: E501
        A_FIRST_BATCH: f"""<div class="callout callout--info"><h4>Before you start</h4><p>Connect the scanner and
<a href="/hc/{LOCALE}/sections/{S_SCAN}-Scanning">check the scanning section</a> if it is not found.</p></div>
<p>Open PSIcapture and choose <strong>New batch</strong>.</p>
<p><img src="https://{HOST}/hc/article_attachments/{ATT_BATCH}/batch.png" alt="New batch dialog"></p>
<p class="alert alert-warning"><strong>Warning:</strong> do not unplug the scanner while a batch is open.</p>
<details><summary>What is a batch?</summary><p>A batch is a set of pages scanned together.</p></details>
<p>The status light: <img src="{data_png}" alt="red light"> means the scanner is busy.</p>
<p>Still stuck? <a href="/hc/{LOCALE}/requests/new">Submit a request</a>.</p>""",
        A_NOT_DETECTED: f"""<h2>Symptoms</h2><p>The scanner does not appear in the device list.</p>
<p><img src="https://cdn.example.net/diagrams/usb.png" alt="USB diagram"></p>
<h2>Cause</h2><p>The TWAIN driver is missing. See also <a href="/hc/{LOCALE}/articles/360009999999-Old-article">an
article that was removed</a>.</p>
<h2>Resolution</h2><ol><li>Install the driver: <a href="{_a(A_TWAIN)}">Configure the TWAIN driver</a>.</li>
<li>Restart the computer.</li></ol>""",
        A_TWAIN: """<p>Watch the video first:</p>
<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="TWAIN setup video" width="560" height="315"></iframe>
<script>window.trackVideo && trackVideo('twain');</script>
<zd-rating-widget article="twain">Rate this article</zd-rating-widget>
<div data-widget="contact-form"><p>Need help? Use the form below.</p></div>
<form action="/hc/en-us/requests" method="post"><input name="email"><button>Send</button></form>
<p>Then open <em>Settings › Devices</em> and choose the TWAIN source.</p>""",
        A_UPCOMING: "<p>New scanner models are coming next quarter.</p>",
        A_SEED: seed_html(
            {
                "Product Lifecycle Policy": _a(A_LIFECYCLE),
                "What's Included: Support and Professional Services": _a(A_INCLUDED),
            }
        ),
        A_LIFECYCLE: "<p>Each major version is supported for five years after its release.</p>",
        A_INCLUDED: """<p>What Support covers, and what needs Professional Services:</p>
<table><tbody><tr><td><strong>Service</strong></td><td><strong>Support</strong></td>
<td><strong>Professional Services</strong></td></tr>
<tr><td>Installation help</td><td colspan="2">Both, depending on the deployment</td></tr>
<tr><td>Custom scripts</td><td>No</td><td><ul><li>Design</li><li>Implementation</li></ul></td></tr></tbody></table>""",
        A_LICENSE_DE: f"""<p>So ändern Sie den Lizenzschlüssel – Schritt für Schritt. Größe: 5&nbsp;MB.</p>
<ol><li>Öffnen Sie <strong>Über PSIcapture</strong>.</li><li>Geben Sie den neuen Schlüssel ein.</li></ol>
<p>Siehe auch: <a href="{_a(A_INSTALL)}">Install PSIcapture</a>.</p>""",
        A_JA: "<p>ライセンスの状態は「ヘルプ」メニューで確認できます。</p>",
        A_SHORTCUTS: """<p>Type these as shown; none of them is markup: [Enter], *star*, _under_, `tick`,
&lt;b&gt;not bold&lt;/b&gt;, {#not-an-id}, &amp;amp; and a [link](javascript:alert(1)).</p>
<p># not a heading</p><p>1. not a list</p><p>&lt;!-- kb:categories --&gt;</p>
<table><thead><tr><th>Keys</th><th>Action</th></tr></thead><tbody>
<tr><td><kbd>Ctrl</kbd>+<kbd>Enter</kbd></td><td>Scan the next page</td></tr>
<tr><td><kbd>F5</kbd></td><td>Refresh | reload the preview</td></tr></tbody></table>""",
        A_INTERNAL: "<p>Escalation phone numbers for support staff only.</p>",
    }
    arts = [
        article(
            A_INSTALL, S_INSTALL, TITLES[A_INSTALL], bodies[A_INSTALL], ["install", "how-to"], promoted=True, position=1
        ),
        article(A_REQS, S_INSTALL, TITLES[A_REQS], bodies[A_REQS], ["requirements"], position=2),
        article(
            A_FIRST_BATCH, S_FIRST, TITLES[A_FIRST_BATCH], bodies[A_FIRST_BATCH], ["how-to", "scanning"], position=1
        ),
        article(A_NOT_DETECTED, S_SCAN, TITLES[A_NOT_DETECTED], bodies[A_NOT_DETECTED], ["solution", "usb"]),
        article(A_TWAIN, S_TWAIN, TITLES[A_TWAIN], bodies[A_TWAIN], ["twain"]),
        article(A_UPCOMING, S_DRIVERS, TITLES[A_UPCOMING], bodies[A_UPCOMING], draft=True),
        article(
            A_SEED,
            S_POLICIES,
            TITLES[A_SEED],
            bodies[A_SEED],
            ["policy", "support"],
            promoted=True,
            edited="2025-11-20T17:05:00Z",
        ),
        article(A_LIFECYCLE, S_POLICIES, TITLES[A_LIFECYCLE], bodies[A_LIFECYCLE], ["policy"]),
        article(A_INCLUDED, S_POLICIES, TITLES[A_INCLUDED], bodies[A_INCLUDED], ["policy"]),
        article(A_LICENSE_DE, S_LICENSE, TITLES[A_LICENSE_DE], bodies[A_LICENSE_DE], ["lizenz"]),
        article(A_JA, S_LICENSE, TITLES[A_JA], bodies[A_JA], ["ライセンス"]),
        article(A_SHORTCUTS, S_FIRST, TITLES[A_SHORTCUTS], bodies[A_SHORTCUTS], ["faq"], position=3),
        article(A_INTERNAL, S_FIRST, TITLES[A_INTERNAL], bodies[A_INTERNAL], segment=360000022222, position=4),
    ]
    cats = [
        category(C_START, "Getting Started", 1, "Install PSIcapture and scan your first batch."),
        category(C_TROUBLE, "Troubleshooting", 2, "Fix scanning, recognition & export problems."),
        category(C_POLICY, "Policies & Legal", 3, "How we support you."),
        category(C_DE, "Über PSIGEN", 4, "Häufige Fragen auf Deutsch."),
    ]
    secs = [
        section(S_INSTALL, C_START, "Installation", 1),
        section(S_FIRST, C_START, "First Steps", 2),
        section(S_SCAN, C_TROUBLE, "Scanning", 1, description="Scanners, drivers and TWAIN."),
        section(S_DRIVERS, C_TROUBLE, "Scanner Drivers", 1, parent=S_SCAN),
        section(S_TWAIN, C_TROUBLE, "TWAIN", 1, parent=S_DRIVERS),
        section(S_POLICIES, C_POLICY, "Support Policies", 1),
        section(S_LICENSE, C_DE, "Lizenzierung", 1),
    ]
    wizard, batch = png(4, 3), png(3, 2, (0, 120, 0))
    return write_export(
        root,
        cats,
        secs,
        arts,
        per_page=7,
        files={
            f"{ATT_WIZARD}/install-wizard.png": wizard,
            f"{ATT_BATCH}/batch.png": batch,
            f"{ATT_TWAIN_PDF}/twain-guide.pdf": PDF,
        },
        attachments=[
            attachment(ATT_WIZARD, A_INSTALL, "install-wizard.png", "image/png", True, len(wizard)),
            attachment(ATT_BATCH, A_FIRST_BATCH, "batch.png", "image/png", True, len(batch)),
            attachment(ATT_TWAIN_PDF, A_TWAIN, "twain-guide.pdf", "application/pdf", False, len(PDF)),
        ],
        translations={
            f"articles/{A_INSTALL}": [
                {
                    "id": 1,
                    "source_id": A_INSTALL,
                    "source_type": "Article",
                    "locale": "de",
                    "title": "PSIcapture installieren",
                    "body": "<p>PSIcapture ist in wenigen Minuten installiert.</p>",
                    "draft": False,
                    "outdated": False,
                    "html_url": url("articles", A_INSTALL, "PSIcapture installieren", "de"),
                    "updated_at": "2024-06-01T10:00:00Z",
                }
            ]
        },
    )
