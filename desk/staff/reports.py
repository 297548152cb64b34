"""The report's numbers, computed from the desk's tables (and the KB's article list): no markup.

Sections: response-time attainment per priority and per week; requests by product and
version (with how many fell on an end-of-support version); deflection (requests abandoned
after "This solved it"); article health (votes per article, articles read just before a
request, overdue `review_by`). Every plot of the report is drawn from one `Table`'s rows, so
the numbers beside a plot are the plot's numbers.

Attainment: a request with a response clock has *met* the commitment when it was
acknowledged by its `respond_by`; it *missed* it when it was acknowledged later, or is still
open after `respond_by`; otherwise it is *pending* and not counted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from intake import engine
from kbcore.problems import KbError

from ..storage import Store, deflections, requests, utc, votes

CATALOG = Path("assets") / "kb" / "articles.json"  # published by the `kb` plugin
TOP = 15


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    plot: str | None = None  # file name of the SVG drawn from these rows
    labels: int = 0  # column of the plot's labels
    values: list[int] = field(default_factory=list)  # columns plotted (stacked when two)
    percent: bool = False  # plotted values are percentages (0-100)
    empty: str = "Nothing yet."


@dataclass
class Section:
    id: str
    title: str
    intro: str
    tables: list[Table]


@dataclass
class Report:
    generated: str
    timezone: str
    sections: list[Section]
    catalog_source: str


def _pct(met: int, missed: int) -> float | None:
    return round(100 * met / (met + missed), 1) if met + missed else None


def _outcome(r: Any, at: dt.datetime) -> str:
    if r.met is True:
        return "met"
    if r.met is False or at > utc(r.respond_by):  # type: ignore[operator]
        return "missed"
    return "pending"


def attainment(store: Store, policy: dict[str, Any], at: dt.datetime) -> Section:
    q = sa.select(
        requests.c.priority, requests.c.received_at, requests.c.respond_by, requests.c.met, requests.c.acknowledged_at
    ).where(requests.c.respond_by.is_not(None))
    by_prio: dict[str, Counter[str]] = defaultdict(Counter)
    by_week: dict[str, Counter[str]] = defaultdict(Counter)
    with store.engine.connect() as conn:
        for r in conn.execute(q):
            o = _outcome(r, at)
            by_prio[r.priority][o] += 1
            day = dt.date.fromisoformat(engine.local_date(policy, int(utc(r.received_at).timestamp())))  # type: ignore[union-attr]
            by_week[(day - dt.timedelta(days=day.weekday())).isoformat()][o] += 1

    def rows(groups: dict[str, Counter[str]], keys: list[str]) -> list[list[Any]]:
        return [
            [k, c["met"], c["missed"], c["pending"], _pct(c["met"], c["missed"])]
            for k in keys
            if (c := groups.get(k)) is not None
        ]

    labels = {p["id"]: p["label"] for p in policy["priorities"]}
    prio_rows = [
        [f"{r[0]} {labels.get(r[0], '')}".strip(), *r[1:]]
        for r in rows(by_prio, [p["id"] for p in policy["priorities"]])
    ]
    cols = ["met", "missed", "pending", "attainment %"]
    return Section(
        "attainment",
        "Response-time attainment",
        "A request is met when it was acknowledged by its respond_by time, missed when it was acknowledged "
        "later or is still open after it, pending otherwise (not counted). Times are support time of "
        f"the policy's calendar ({policy['calendar']['timezone']}).",
        [
            Table(
                "Attainment per priority",
                ["priority", *cols],
                prio_rows,
                "attainment-priority.svg",
                values=[4],
                percent=True,
                empty="No request with a response clock yet.",
            ),
            Table(
                "Attainment per week (week starting Monday, by receipt)",
                ["week", *cols],
                rows(by_week, sorted(by_week)),
                "attainment-week.svg",
                values=[4],
                percent=True,
                empty="No request with a response clock yet.",
            ),
        ],
    )


def products(store: Store) -> Section:
    q = sa.select(requests.c.product, requests.c.product_version, requests.c.classification)
    counts: Counter[tuple[str, str]] = Counter()
    ended: Counter[tuple[str, str]] = Counter()
    with store.engine.connect() as conn:
        for r in conn.execute(q):
            key = (r.product or "(none)", r.product_version or "(none)")
            counts[key] += 1
            if json.loads(r.classification).get("product_status") == "end_of_support":
                ended[key] += 1
    rows = [[f"{p} {v}", counts[(p, v)], ended[(p, v)]] for p, v in sorted(counts, key=lambda k: (-counts[k], k))]
    return Section(
        "products",
        "Requests by product and version",
        "Every request the desk stored, by the product and version the customer named; the last column "
        "counts those whose version was past its end of support on the day it was received.",
        [
            Table(
                "Requests per product and version",
                ["product and version", "requests", "on an end-of-support version"],
                rows,
                "products.svg",
                values=[1],
                empty="No requests yet.",
            )
        ],
    )


def deflection(store: Store) -> Section:
    with store.engine.connect() as conn:
        per = conn.execute(
            sa.select(deflections.c.article_id, sa.func.count())
            .group_by(deflections.c.article_id)
            .order_by(sa.func.count().desc(), deflections.c.article_id)
        ).all()
        asked = conn.execute(sa.select(sa.func.count()).select_from(requests)).scalar_one()
    solved = sum(n for _, n in per)
    rate = round(100 * solved / (solved + asked), 1) if solved + asked else None
    summary = Table(
        "Deflection overall",
        ["requests stored", "abandoned after \u201cThis solved it\u201d", "deflection %"],
        [[asked, solved, rate]],
    )
    return Section(
        "deflection",
        "Deflection",
        "Requests abandoned in the wizard after an article \u201csolved it\u201d (the wizard reports "
        "them to POST /api/deflections), against the requests that were sent.",
        [
            summary,
            Table(
                "Articles that solved it",
                ["article", "requests abandoned"],
                [[a, n] for a, n in per[:TOP]],
                "deflection.svg",
                values=[1],
                empty="No deflection reported yet.",
            ),
        ],
    )


def article_health(
    store: Store, policy: dict[str, Any], catalog: dict[str, dict[str, Any]], at: dt.datetime
) -> Section:
    with store.engine.connect() as conn:
        vote_rows = conn.execute(
            sa.select(votes.c.article_id, votes.c.helpful, sa.func.count()).group_by(
                votes.c.article_id, votes.c.helpful
            )
        ).all()
        bodies = conn.execute(sa.select(requests.c.body)).scalars().all()
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for article, helpful, n in vote_rows:
        tally[article][0 if helpful else 1] += n
    by_votes = sorted(tally.items(), key=lambda kv: (-kv[1][1], -sum(kv[1]), kv[0]))
    vote_table = [[a, h, n, round(100 * h / (h + n), 1)] for a, (h, n) in by_votes[: TOP * 2]]
    opened: Counter[str] = Counter()
    queries: Counter[str] = Counter()
    for body in bodies:
        attempt = json.loads(body).get("kb_attempt") or {}
        opened.update(set(attempt.get("opened") or []))
        queries.update({q.strip().lower() for q in attempt.get("queries") or [] if q.strip()})
    today = dt.date.fromisoformat(engine.local_date(policy, int(at.timestamp())))
    overdue: list[list[Any]] = []
    for aid, art in catalog.items():
        try:
            due = dt.date.fromisoformat(str(art.get("review_by") or ""))
        except ValueError:
            continue
        if due < today:
            overdue.append([aid, str(art.get("title", "")), due.isoformat(), (today - due).days])
    overdue.sort(key=lambda r: (-r[3], r[0]))
    return Section(
        "articles",
        "Article health",
        "Votes from \u201cWas this article helpful?\u201d (most \u201cnot helpful\u201d first), the articles "
        "customers opened just before they sent a request, and articles past their review date.",
        [
            Table(
                "Votes per article",
                ["article", "helpful", "not helpful", "helpful %"],
                vote_table,
                "votes.svg",
                values=[1, 2],
                empty="No votes yet.",
            ),
            Table(
                "Articles opened before a request was sent",
                ["article", "requests"],
                [[a, n] for a, n in opened.most_common(TOP)],
                "opened.svg",
                values=[1],
                empty="No request carried an opened article yet.",
            ),
            Table(
                "Searches before a request was sent",
                ["search", "requests"],
                [[q, n] for q, n in queries.most_common(TOP)],
                empty="No request carried a search yet.",
            ),
            Table(
                "Articles past their review date",
                ["article", "title", "review by", "days overdue"],
                overdue[:100],
                empty="None (or the KB's article list was not given).",
            ),
        ],
    )


def build(
    store: Store, policy: dict[str, Any], catalog: dict[str, dict[str, Any]], catalog_source: str, at: dt.datetime
) -> Report:
    return Report(
        generated=engine.local_text(policy, int(at.timestamp())),
        timezone=policy["calendar"]["timezone"],
        sections=[
            attainment(store, policy, at),
            products(store),
            deflection(store),
            article_health(store, policy, catalog, at),
        ],
        catalog_source=catalog_source,
    )


def load_catalog(path: Path | None) -> tuple[dict[str, dict[str, Any]], str]:
    """(the KB's articles: id -> title, url, review_by; the file read, or "" for none).

    `path`: a built site folder (its `assets/kb/articles.json`; a site built before the kb
    plugin published it has none: no review dates then) or the JSON file itself.
    """
    if path is None:
        return {}, ""
    file = path / CATALOG if path.is_dir() else path
    if path.is_dir() and not file.is_file():
        return {}, ""
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KbError(f"{file}: not found (a built site's assets/kb/articles.json)") from None
    except (OSError, ValueError) as exc:
        raise KbError(f"{file}: cannot read the KB's article list: {exc}") from exc
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("articles"), list):
        raise KbError(f'{file}: not a KB article list (expected {{"version": 1, "articles": [...]}})')
    out: dict[str, dict[str, Any]] = {}
    for i, art in enumerate(data["articles"]):
        if not isinstance(art, dict) or not isinstance(art.get("id"), str):
            raise KbError(f"{file}: $.articles[{i}]: expected an object with a string 'id'")
        out[art["id"]] = art
    return out, str(file)
