"""`kb lint --feedback SRC`: KB218 on articles that readers often find not helpful.

SRC is the desk's votes export (`kb desk export --what votes`: JSON lines
`{"article_id", "helpful", "not_helpful", ...}`) or the desk's URL (`GET
/api/staff/feedback`, with a read token from `KB_DESK_TOKEN`: `kb desk token add NAME`).
Only the formats are shared with the desk; no desk code is imported.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from kbcore.problems import KbError, Problem

API = "/api/staff/feedback"
MIN_NOT_HELPFUL = 5  # at least this many "not helpful" votes ...
# ... and more of them than "helpful" ones: then writers should look.

Votes = dict[str, tuple[int, int]]  # article id -> (helpful, not helpful)


def load(src: str, timeout: float = 20) -> Votes:
    if src.startswith(("http://", "https://")):
        return _parse_rows(_fetch(src, timeout), src)
    path = Path(src)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise KbError(f"{src}: cannot read the feedback file: {exc.strerror or exc}") from exc
    except UnicodeDecodeError:
        raise KbError(f"{src}: not UTF-8 text (expected `kb desk export --what votes` JSON lines)") from None
    rows = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rows.append((f"{src}:{n}", json.loads(line)))
        except ValueError as exc:
            raise KbError(f"{src}:{n}: not a JSON line ({exc})") from exc
    return _parse_rows(rows, src)


def _fetch(url: str, timeout: float) -> list[tuple[str, Any]]:
    parts = urllib.parse.urlsplit(url)
    if parts.path in ("", "/"):
        url = urllib.parse.urlunsplit((parts.scheme, parts.netloc, API, "", ""))
    token = os.environ.get("KB_DESK_TOKEN", "")
    req = urllib.request.Request(
        url, headers={"Accept": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            data = json.loads(res.read(20_000_000))
    except urllib.error.HTTPError as exc:
        hint = " (set KB_DESK_TOKEN to a token from `kb desk token add NAME`)" if exc.code == 401 else ""
        raise KbError(f"{url}: the desk answered {exc.code}{hint}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise KbError(f"{url}: cannot read the desk's feedback: {getattr(exc, 'reason', exc)}") from exc
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("articles"), list):
        raise KbError(f'{url}: not the desk\'s feedback (expected {{"version": 1, "articles": [...]}})')
    return [(f"{url} $.articles[{i}]", row) for i, row in enumerate(data["articles"])]


def _parse_rows(rows: list[tuple[str, Any]], src: str) -> Votes:
    out: Votes = {}
    for where, row in rows:
        ok = (
            isinstance(row, dict)
            and isinstance(row.get("article_id"), str)
            and all(
                isinstance(row.get(k), int) and not isinstance(row.get(k), bool) and row[k] >= 0
                for k in ("helpful", "not_helpful")
            )
        )
        if not ok:
            raise KbError(f'{where}: expected {{"article_id": string, "helpful": count, "not_helpful": count}}')
        h, n = out.get(row["article_id"], (0, 0))
        out[row["article_id"]] = (h + row["helpful"], n + row["not_helpful"])
    return out


def not_helpful(articles: dict[str, Any], votes: Votes, minimum: int = MIN_NOT_HELPFUL) -> list[Problem]:
    """KB218 (warning) on each published article with >= `minimum` "not helpful" votes outnumbering "helpful"."""
    out = []
    for uri, art in articles.items():
        helpful, nope = votes.get(art.id, (0, 0))
        if nope >= minimum and nope > helpful and art.status != "archived":
            share = round(100 * nope / (helpful + nope))
            out.append(
                Problem(
                    uri,
                    art.line_of("title"),
                    "KB218",
                    f"readers found this article not helpful {nope} time(s) and helpful {helpful} "
                    f"time(s) ({share} % not helpful): see the desk's report",
                    "warning",
                )
            )
    return out
