"""`kb desk report --out DIR` on a seeded database: the page's tables agree with the desk's
export (two numbers recomputed here), every plot draws its table's numbers, the folder is
replaced whole, and `kb lint --feedback` marks the article readers found not helpful."""

from __future__ import annotations

import html
import json
import re

import pytest
from staffkit import kb

from desk.staff.accounts import Accounts
from testkit.desk_seed import instant
from testkit.paths import REPO

AT = "2026-03-09T10:30:00-07:00"


def tables(page: str) -> dict[str, tuple[str, list[list[str]]]]:
    """caption -> (plot file, rows of cell texts) of the report page (rows[0]: plotted columns)."""
    out = {}
    for fig in re.finditer(r"<figure[^>]*>\s*<figcaption>(.*?)</figcaption>(.*?)</figure>", page, re.DOTALL):
        t = re.search(
            r'<table class="numbers" data-plot="([^"]*)" data-values="([^"]*)">(.*?)</table>', fig.group(2), re.DOTALL
        )
        if not t:
            continue
        body = t.group(3).split("<tbody>")[1]
        rows = [
            [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.DOTALL)]
            for r in re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
        ]
        out[html.unescape(fig.group(1))] = (t.group(1), [[int(c) for c in t.group(2).split()], *rows])
    return out


def bar_lengths(svg: str) -> dict[tuple[int, int], float]:
    """(row, series) -> the bar's drawn length, read from the SVG path of <g id="bar-ROW-SERIES">."""
    out = {}
    for m in re.finditer(r'<g id="bar-(\d+)-(\d+)">\s*<path d="([^"]+)"', svg):
        xs = [float(x) for x in re.findall(r"[ML] ([-\d.]+) [-\d.]+", m.group(3))]
        out[(int(m.group(1)), int(m.group(2)))] = max(xs) - min(xs)
    return out


@pytest.fixture(scope="module")
def report(staff_desk, tmp_path_factory):
    """(folder, page text, export lines, votes lines) for the seeded desk, as of Monday 10:30 PDT."""
    work = tmp_path_factory.mktemp("report")
    catalog = work / "articles.json"
    catalog.write_text(
        json.dumps(
            {
                "version": 1,
                "articles": [
                    {
                        "id": "scanner-not-detected",
                        "title": "Scanner not detected",
                        "url": "t/s/",
                        "review_by": "2026-01-31",
                    },
                    {"id": "fresh", "title": "Fresh", "url": "f/", "review_by": "2027-01-01"},
                    {
                        "id": "<img src=x onerror=__xss(1)>",
                        "title": "<script>__xss(2)</script>",
                        "url": "x/",
                        "review_by": "2025-01-01",
                    },
                ],
            }
        )
    )
    out = work / "report"
    res = kb("desk", "report", "--db", staff_desk.store.url, "--out", str(out), "--at", AT, "--kb-export", str(catalog))
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in kb("desk", "export", "--db", staff_desk.store.url).stdout.splitlines()]
    votes = [
        json.loads(x) for x in kb("desk", "export", "--db", staff_desk.store.url, "--what", "votes").stdout.splitlines()
    ]
    return out, (out / "index.html").read_text(encoding="utf-8"), lines, votes


def test_attainment_recomputed_from_the_export(report, policy):
    _out, page, lines, _votes = report
    at = instant(AT)
    counts: dict[str, dict[str, int]] = {}
    for x in lines:
        due = x["classification"]["respond_by"]
        if not due:
            continue
        acked = x["acknowledged_at"]
        late = (acked and instant(acked) > instant(due)) or (not acked and at > instant(due))
        outcome = "met" if acked and not late else "missed" if late else "pending"
        counts.setdefault(x["classification"]["priority"], {"met": 0, "missed": 0, "pending": 0})[outcome] += 1
    shown = {r[0].split()[0]: r for r in tables(page)["Attainment per priority"][1][1:]}
    assert set(shown) == set(counts)
    for prio, c in counts.items():
        assert [int(v) for v in shown[prio][1:4]] == [c["met"], c["missed"], c["pending"]], prio
        pct = "—" if not c["met"] + c["missed"] else str(round(100 * c["met"] / (c["met"] + c["missed"]), 1))
        assert shown[prio][4] == pct
    assert counts["P2"]["met"] == 1 and counts["P1"]["missed"] >= 2  # the seed's acknowledgements show


def test_votes_recomputed_from_the_export(report):
    _out, page, _lines, votes = report
    want = {v["article_id"]: (v["helpful"], v["not_helpful"]) for v in votes}
    shown = {r[0]: (int(r[1]), int(r[2])) for r in tables(page)["Votes per article"][1][1:]}
    assert shown == want and shown["scanner-not-detected"] == (2, 5)


def test_every_plot_draws_its_tables_numbers(report):
    out, page, _lines, _votes = report
    checked = 0
    for caption, (plot, rows) in tables(page).items():
        if not plot:
            continue
        svg = (out / plot).read_text(encoding="utf-8")
        assert f'src="{plot}"' in page, caption
        lengths = bar_lengths(svg)
        columns, rows = rows[0], rows[1:]
        drawn = [r for r in rows if all(r[c] != "\u2014" for c in columns)]  # rows without a number are not drawn
        values = {(i, s): float(r[c]) for i, r in enumerate(drawn) for s, c in enumerate(columns)}
        assert set(lengths) == set(values), caption
        scale = {lengths[k] / v for k, v in values.items() if v}
        assert scale and max(scale) / min(scale) < 1.01, (caption, lengths, values)
        assert all(lengths[k] < 0.5 for k, v in values.items() if not v), caption
        checked += 1
    assert checked >= 5


def test_review_dates_and_hostile_catalog_text_are_shown_escaped(report):
    _out, page, _lines, _votes = report
    overdue = tables(page)["Articles past their review date"][1][1:]
    assert ["scanner-not-detected", "Scanner not detected", "2026-01-31", "37"] in overdue
    assert "fresh" not in [r[0] for r in overdue]
    assert "<script>__xss" not in page and "<img src=x" not in page
    assert "&lt;script&gt;__xss(2)&lt;/script&gt;" in page


def test_the_folder_is_replaced_whole_and_a_foreign_folder_is_refused(staff_desk, report, tmp_path):
    out, _page, _l, _v = report
    again = kb("desk", "report", "--db", staff_desk.store.url, "--out", str(out), "--at", AT)
    assert again.returncode == 0 and (out / "index.html").is_file()
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".report.")]
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    res = kb("desk", "report", "--db", staff_desk.store.url, "--out", str(mine))
    assert res.returncode == 1 and "is not a previous desk report" in res.stderr
    assert [p.name for p in mine.iterdir()] == ["keep.txt"]
    bad = kb("desk", "report", "--db", staff_desk.store.url, "--out", str(tmp_path / "x"), "--at", "2026-03-09T10:30")
    assert bad.returncode == 2 and "has no UTC offset" in bad.stderr and "Traceback" not in bad.stderr


def test_lint_feedback_from_the_export_and_from_the_desk(staff_desk, tmp_path):
    votes = tmp_path / "votes.jsonl"
    assert kb("desk", "export", "--db", staff_desk.store.url, "--what", "votes", "--out", str(votes)).returncode == 0
    line = "docs/troubleshooting/scanning/scanner-not-detected.md:2: KB218 readers found this article not helpful 5 time(s)"  # noqa: E501
    from_file = kb("lint", "--feedback", str(votes), "docs", cwd=REPO)
    assert line in from_file.stdout, from_file.stdout[-2000:]
    token = Accounts(staff_desk.store).add_read_token("lint")
    from_desk = kb("lint", "--feedback", staff_desk.url, "docs", cwd=REPO, env={"KB_DESK_TOKEN": token})
    assert line in from_desk.stdout, from_desk.stderr
    no_token = kb("lint", "--feedback", staff_desk.url, "docs", cwd=REPO, env={"KB_DESK_TOKEN": ""})
    assert no_token.returncode == 1
    assert "the desk answered 401 (set KB_DESK_TOKEN to a token from `kb desk token add NAME`)" in no_token.stderr
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"article_id": "a", "helpful": 1, "not_helpful": 2}\n{"article_id": 3}\n')
    res = kb("lint", "--feedback", str(broken), "docs", cwd=REPO)
    assert res.returncode == 1 and f"{broken}:2: expected" in res.stderr and "Traceback" not in res.stderr
