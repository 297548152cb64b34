"""The support calendar: holidays expanded years ahead, business intervals from zoneinfo,
and the response clock (weekends, holidays, outside hours, DST both ways, exact edges)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from intake import calendar, engine
from intake.checks import read_policy
from intake.compiler import compile_policy

LA = zoneinfo.ZoneInfo("America/Los_Angeles")


@pytest.fixture(scope="module")
def data() -> dict:
    from intake import policy_path

    d, ctx = read_policy(policy_path())
    assert not ctx.problems
    return d


@pytest.fixture(scope="module")
def policy(data) -> dict:
    return compile_policy(data, dt.date(2026, 11, 26))


def at(y, mo, d, h=0, mi=0, s=0, tz=LA) -> int:
    return int(dt.datetime(y, mo, d, h, mi, s, tzinfo=tz).timestamp())


def iso(policy, t) -> str:
    return engine.format_instant(policy, t)


# ----- holidays -------------------------------------------------------------------------
def test_us_federal_holidays_2026(policy):
    got = {h["date"] for h in policy["calendar"]["holidays"] if h["date"].startswith("2026")}
    assert got == {
        "2026-01-01",
        "2026-01-19",
        "2026-02-16",
        "2026-05-25",
        "2026-06-19",
        "2026-07-03",
        "2026-09-07",
        "2026-10-12",
        "2026-11-11",
        "2026-11-26",
        "2026-12-25",
    }  # 4 July 2026 is a Saturday: observed Friday 3rd


def test_observed_dates_cross_the_year_end(data):
    hols = dict(calendar.expand_holidays(data["calendar"]["holidays"], 2021, 2022))
    # 1 January 2022 is a Saturday: observed on Friday 31 December 2021
    assert hols[dt.date(2021, 12, 31)] == "New Year's Day"
    assert dt.date(2022, 1, 1) not in hols
    assert hols[dt.date(2022, 12, 26)] == "Christmas Day"  # Sunday 25th -> Monday 26th


def test_holidays_are_expanded_years_ahead(policy):
    years = {h["date"][:4] for h in policy["calendar"]["holidays"]}
    assert years == {str(y) for y in range(2025, 2032)}
    assert policy["calendar"]["range"]["end"] == "2032-01-01T00:00:00-08:00"


def test_nth_weekday():
    assert calendar.nth_weekday(2026, 5, 0, -1) == dt.date(2026, 5, 25)  # last Monday of May
    assert calendar.nth_weekday(2026, 11, 3, 4) == dt.date(2026, 11, 26)  # 4th Thursday of November
    assert calendar.nth_weekday(2026, 2, 0, 5) is None  # no 5th Monday in February 2026


# ----- intervals and offsets agree with zoneinfo ---------------------------------------------
def test_every_open_interval_is_08_to_17_local_on_a_working_day(policy):
    holidays = {h["date"] for h in policy["calendar"]["holidays"]}
    days = set()
    for a, b in policy["calendar"]["open"]:
        start, end = dt.datetime.fromtimestamp(a, LA), dt.datetime.fromtimestamp(b, LA)
        assert (start.time(), end.time()) == (dt.time(8), dt.time(17))
        assert start.date() == end.date() and start.weekday() < 5
        assert start.date().isoformat() not in holidays
        days.add(start.date())
    first, last = min(days), max(days)
    expected = {first + dt.timedelta(n) for n in range((last - first).days + 1)}
    expected = {d for d in expected if d.weekday() < 5 and d.isoformat() not in holidays}
    assert days == expected  # no working day missing


def test_offsets_match_zoneinfo_every_hour_around_dst(policy):
    for t in range(at(2026, 3, 7), at(2026, 3, 10), 600):
        assert engine.offset_at(policy, t) * 60 == dt.datetime.fromtimestamp(t, LA).utcoffset().total_seconds()
    for t in range(at(2026, 10, 31), at(2026, 11, 3), 600):
        assert engine.offset_at(policy, t) * 60 == dt.datetime.fromtimestamp(t, LA).utcoffset().total_seconds()


def test_format_instant_matches_zoneinfo(policy):
    for t in range(policy["calendar"]["range"]["start_s"], policy["calendar"]["range"]["end_s"], 86400 * 3 + 3607):
        assert iso(policy, t) == dt.datetime.fromtimestamp(t, LA).isoformat()


# ----- the response clock ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "submitted, hours, starts, due",
    [
        # inside hours
        ((2026, 3, 10, 9, 15), 2, "2026-03-10T09:15:00-07:00", "2026-03-10T11:15:00-07:00"),
        # exact opening second starts the clock at once
        ((2026, 3, 10, 8, 0), 4, "2026-03-10T08:00:00-07:00", "2026-03-10T12:00:00-07:00"),
        # one second before opening waits for the opening
        ((2026, 3, 10, 7, 59, 59), 2, "2026-03-10T08:00:00-07:00", "2026-03-10T10:00:00-07:00"),
        # exact closing second is outside hours: next opening
        ((2026, 3, 10, 17, 0), 2, "2026-03-11T08:00:00-07:00", "2026-03-11T10:00:00-07:00"),
        # one second before closing: 1 s today, the rest tomorrow
        ((2026, 3, 10, 16, 59, 59), 2, "2026-03-10T16:59:59-07:00", "2026-03-11T09:59:59-07:00"),
        # a deadline landing exactly on the closing time is that closing time
        ((2026, 3, 10, 15, 0), 2, "2026-03-10T15:00:00-07:00", "2026-03-10T17:00:00-07:00"),
        # midnight
        ((2026, 3, 10, 0, 0), 3, "2026-03-10T08:00:00-07:00", "2026-03-10T11:00:00-07:00"),
        # Friday afternoon into Monday, across the spring-forward weekend (8 March 2026)
        ((2026, 3, 6, 16, 0), 3, "2026-03-06T16:00:00-08:00", "2026-03-09T10:00:00-07:00"),
        # Saturday on the fall-back weekend (1 November 2026): starts Monday in standard time
        ((2026, 10, 31, 12, 0), 2, "2026-11-02T08:00:00-08:00", "2026-11-02T10:00:00-08:00"),
        # during the repeated hour of the fall-back night
        ((2026, 11, 1, 1, 30), 4, "2026-11-02T08:00:00-08:00", "2026-11-02T12:00:00-08:00"),
        # Thanksgiving (Thursday) then the Friday after, then the weekend
        ((2026, 11, 26, 10, 0), 4, "2026-11-27T08:00:00-08:00", "2026-11-27T12:00:00-08:00"),
        ((2026, 11, 27, 15, 0), 4, "2026-11-27T15:00:00-08:00", "2026-11-30T10:00:00-08:00"),
        # observed Independence Day (Friday 3 July 2026) and the weekend
        ((2026, 7, 2, 16, 30), 2, "2026-07-02T16:30:00-07:00", "2026-07-06T09:30:00-07:00"),
        # Christmas Eve afternoon across Christmas Day and the weekend
        ((2026, 12, 24, 16, 0), 4, "2026-12-24T16:00:00-08:00", "2026-12-28T11:00:00-08:00"),
    ],
)
def test_response_window(policy, submitted, hours, starts, due):
    s, d = engine.response_window(policy, at(*submitted), hours)
    assert (iso(policy, s), iso(policy, d)) == (starts, due)


def test_submission_time_offset_does_not_matter(policy):
    a = engine.to_epoch("2026-03-10T16:15:00Z")
    b = engine.to_epoch("2026-03-10T09:15:00-07:00")
    c = engine.to_epoch(dt.datetime(2026, 3, 10, 21, 45, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))))
    assert a == b == c


def test_a_calendar_with_24_hour_days_spans_dst(data):
    d = dict(
        data,
        calendar={
            **data["calendar"],
            "weekly": {k: ["00:00-24:00"] for k in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")},
            "holidays": [],
        },
    )
    p = compile_policy(d, dt.date(2026, 11, 26))
    # 23-hour day on 8 March: 24 business hours from Saturday 12:00 end Sunday 13:00 (wall clock)
    s, due = engine.response_window(p, at(2026, 3, 7, 12), 24)
    assert iso(p, due) == "2026-03-08T13:00:00-07:00"
    # 25-hour day on 1 November: 24 business hours from Saturday 12:00 end Sunday 11:00
    s, due = engine.response_window(p, at(2026, 10, 31, 12), 24)
    assert iso(p, due) == "2026-11-01T11:00:00-08:00"


def test_golden_examples_stay_inside_the_calendar_as_years_pass(data):
    later = compile_policy(data, dt.date(2031, 6, 1))  # the examples are dated 2026
    assert later["calendar"]["range"]["start"] == "2026-01-01T00:00:00-08:00"
    ex = later["examples"][0]
    r = engine.classify(later, {k: v for k, v in ex["answers"].items() if v is not None}, ex["at"])
    assert r["respond_by"] == ex["expect"]["respond_by"]
