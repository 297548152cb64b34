"""The queue and a request's page over HTTP: respond_by order, support-time countdowns that
match `kb intake classify` for the same answers and time (a Friday evening; the March DST
change), filters, the request's page, and "Acknowledged" (once, met or missed)."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from staffkit import kb

from intake import engine
from testkit.desk_seed import instant


def rows(page: str) -> list[dict[str, str]]:
    """The queue table as {reference, due, left} per row, in page order."""
    out = []
    for m in re.finditer(r'<tr data-reference="([^"]+)">(.*?)</tr>', page, re.DOTALL):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", m.group(2), re.DOTALL)
        left = re.search(r'<span class="clock[^"]*">([^<]*)</span>', m.group(2))
        out.append(
            {
                "reference": m.group(1),
                "due": html.unescape(cells[1]).strip(),
                "left": html.unescape(left.group(1)) if left else "",
            }
        )
    return out


@pytest.fixture
def at(staff_desk):
    """at(iso) sets the desk's clock for this test; restored afterwards."""
    before = staff_desk.clock.at

    def set_(text: str) -> None:
        staff_desk.clock.at = instant(text)

    yield set_
    staff_desk.clock.at = before


def classify_cli(answers: dict, when: str, policy_file: Path, tmp_path: Path) -> dict:
    f = tmp_path / "answers.json"
    f.write_text(json.dumps(answers))
    res = kb("intake", "classify", str(f), "--at", when, "--policy", str(policy_file))
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_queue_is_in_respond_by_order(staff_desk):
    c = staff_desk.signed_in()
    shown = rows(c.get("/desk/").text)
    refs = staff_desk.seeded.references
    open_ = [n for n in refs if n not in ("thursday-p2", "last-week-p1")]
    by_due = sorted(open_, key=lambda n: staff_desk.store.request(staff_desk.seeded.ids[n])["respond_by"])
    assert [r["reference"] for r in shown] == [refs[n] for n in by_due]


@pytest.mark.parametrize(
    "name, now, left",
    [
        # Friday 16:30 PST, P1 (2 h): 30 min on Friday, then Monday 08:00 PDT after the DST change
        ("friday-evening-p1", "2026-03-06T16:45:00-08:00", "1 h 45 min of support time left"),
        ("friday-evening-p1", "2026-03-07T12:00:00-08:00", "1 h 30 min of support time left"),  # weekend: frozen
        ("friday-evening-p1", "2026-03-09T09:00:00-07:00", "30 min of support time left"),
        ("friday-evening-p1", "2026-03-09T10:30:00-07:00", "overdue by 1 h 0 min of support time"),
        (
            "friday-evening-p1",
            "2026-03-10T08:30:00-07:00",
            "overdue by 8 h 0 min of support time",
        ),  # 7 h 30 Monday + 30 min Tuesday
        ("monday-p1", "2026-03-09T09:45:00-07:00", "2 h 0 min of support time left"),
    ],
)
def test_countdown_matches_kb_intake_classify(staff_desk, at, policy, policy_file, tmp_path, name, now, left):
    seeded = staff_desk.seeded
    cli = classify_cli(seeded.answers[name], seeded.received[name], policy_file, tmp_path)
    at(now)
    row = next(r for r in rows(staff_desk.signed_in().get("/desk/").text) if r["reference"] == seeded.references[name])
    # the due time the queue shows is the one `kb intake classify` gives for the same answers and time
    assert row["due"] == engine.local_text(policy, engine.to_epoch(cli["respond_by"]))
    assert row["left"] == left
    if now == seeded.received[name]:  # at receipt: the whole window is left
        assert left.startswith(f"{int(cli['response_hours'])} h 0 min")


def test_filters(staff_desk):
    c = staff_desk.signed_in()
    refs = staff_desk.seeded.references
    p1 = {r["reference"] for r in rows(c.get("/desk/?priority=P1").text)}
    assert p1 == {refs["friday-evening-p1"], refs["monday-p1"]}
    acked = {r["reference"] for r in rows(c.get("/desk/?status=acknowledged").text)}
    assert acked == {refs["thursday-p2"], refs["last-week-p1"]}
    every = rows(c.get("/desk/?status=all").text)
    assert len(every) == len(refs)
    assert rows(c.get("/desk/?eligibility=not_covered&status=all").text) == []
    assert rows(c.get("/desk/?product=no-such-product").text) == []
    assert len(rows(c.get("/desk/?state=received&status=all").text)) == len(refs)
    page = c.get("/desk/?priority=<script>&status=bogus").text  # unknown values: nothing matches, shown escaped
    assert "<script>" not in page and rows(page) == []


def test_request_page_shows_answers_reading_and_events(staff_desk, policy):
    c = staff_desk.signed_in()
    ref = staff_desk.seeded.references["monday-p1"]
    page = c.get(f"/desk/requests/{ref.lower()}").text  # typed any way: still found
    assert "Server down after update" in page
    for article in ("scanner-not-detected", "batch-scanning-basics", "scanner batch stops", "error 42"):
        assert article in page
    first_q = next(q for q in policy["questions"] if q["id"] in staff_desk.seeded.answers["monday-p1"])
    assert html.escape(first_q["text"]) in page
    assert "received" in page and "verified" in page
    assert c.get("/desk/requests/0000-0000").status_code == 404


def test_unverified_request_shows_its_differences(staff_desk, make_payload):
    p = make_payload()
    p["classification"]["priority"] = "P4"  # the page claimed less than the desk finds
    res = staff_desk.served.post(p)
    assert res.status_code == 201 and res.json()["verified"] is False
    page = staff_desk.signed_in().get(f"/desk/requests/{res.json()['reference']}").text
    assert "Differences: the customer's page and the desk" in page
    assert re.search(r"<td>classification\.priority</td><td[^>]*><bdi>P4</bdi></td><td[^>]*><bdi>P1</bdi>", page)


def test_acknowledge_records_the_first_response_once(staff_desk, at, policy):
    c = staff_desk.signed_in()
    refs = staff_desk.seeded.references
    at("2026-03-09T10:00:00-07:00")  # monday-p1 is due 11:45: met
    page = c.get(f"/desk/requests/{refs['monday-p1']}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    res = c.post(f"/desk/requests/{refs['monday-p1']}/acknowledge", data={"csrf": csrf}, follow_redirects=True)
    assert "within the commitment" in res.text and "1 h 45 min to spare" in res.text
    row = staff_desk.store.request(staff_desk.seeded.ids["monday-p1"])
    assert row["met"] is True and row["acknowledged_by"] == "sam"
    at("2026-03-09T12:00:00-07:00")
    again = c.post(f"/desk/requests/{refs['monday-p1']}/acknowledge", data={"csrf": csrf}, follow_redirects=True)
    assert "already acknowledged" in again.text
    evs = [e for e in staff_desk.store.events(staff_desk.seeded.ids["monday-p1"]) if e["type"] == "acknowledged"]
    assert len(evs) == 1 and evs[0]["detail"]["met"] is True and evs[0]["detail"]["support_seconds_to_spare"] == 6300
    # late: the Friday-evening P1, answered at 10:30 Monday, missed by 1 h of support time
    at("2026-03-09T10:30:00-07:00")
    res = c.post(f"/desk/requests/{refs['friday-evening-p1']}/acknowledge", data={"csrf": csrf}, follow_redirects=True)
    assert "after the due time" in res.text and "late by 1 h 0 min of support time" in res.text
    assert staff_desk.store.request(staff_desk.seeded.ids["friday-evening-p1"])["met"] is False
    assert refs["monday-p1"] not in {r["reference"] for r in rows(c.get("/desk/").text)}  # left the open queue


def test_the_same_queue_and_report_on_postgresql(pg, policy, staff_desk):
    """The staff queries on PostgreSQL give what they give on SQLite for the same seed."""
    from desk.export import vote_lines
    from desk.staff import queue, reports
    from desk.storage import Store
    from testkit.desk_seed import seed

    url = pg.create_db("staff_queue")
    seeded = seed(url, policy)
    store = Store(url)
    try:
        rows, total = queue.queue(store, policy, queue.Filters(status="all"), seeded.now)
        lite, _ = queue.queue(staff_desk.store, policy, queue.Filters(status="all"), seeded.now)
        names = {v: k for k, v in seeded.references.items()}
        lite_names = {v: k for k, v in staff_desk.seeded.references.items()}
        # the same order as on SQLite (where other tests of this module may have added rows)
        assert total == len(seeded.references)
        assert [names[r.reference] for r in rows] == [
            lite_names[r.reference] for r in lite if r.reference in lite_names
        ]
        assert [r.clock.text for r in rows if names[r.reference] == "monday-p2"] == ["45 min of support time left"]
        rep = reports.build(store, policy, {}, "", at=seeded.now)
        by_prio = {r[0].split()[0]: r[1:4] for r in rep.sections[0].tables[0].rows}
        assert by_prio["P2"] == [1, 0, 1] and by_prio["P1"][1] == 2  # Thursday met, Monday pending; two P1s missed
        assert next(iter(vote_lines(store))) == {
            "article_id": "scanner-not-detected",
            "helpful": 2,
            "not_helpful": 5,
            "known": True,
        }
    finally:
        store.close()
