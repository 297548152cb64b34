"""Support hours as data: holidays expanded for years, business intervals in UTC, UTC offsets.

This is the only place that uses a time-zone database (`zoneinfo`). It turns the policy's
calendar into plain numbers so that the Python and the browser engines only walk sorted
lists and can never disagree about DST. It does not decide deadlines (`intake.engine`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from kbcore.schemacheck import parse_range

from .schema import WEEKDAYS

HOUR = 3600


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date | None:
    """The nth (1-5, or -1 = last) given weekday (0 = Monday) of a month; None if there is no 5th."""
    if nth > 0:
        first = dt.date(year, month, 1)
        day = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
        return day if day.month == month else None
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def observed(day: dt.date) -> dt.date:
    """US federal rule: a Saturday holiday is observed on Friday, a Sunday one on Monday."""
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


def expand_holidays(specs: list[dict[str, Any]], first_year: int, last_year: int) -> list[tuple[dt.date, str]]:
    """Every holiday (observed date, name) falling in [first_year, last_year], sorted."""
    out: dict[dt.date, str] = {}
    for spec in specs:
        days: list[dt.date] = []
        if "date" in spec:
            days = [dt.date.fromisoformat(spec["date"])]
        else:
            for year in range(first_year - 1, last_year + 2):  # observed dates may cross a year end
                if "day" in spec:
                    try:
                        d = dt.date(year, spec["month"], spec["day"])
                    except ValueError:  # 29 February in a common year
                        continue
                    days.append(observed(d) if spec.get("observed") == "nearest_weekday" else d)
                else:
                    d2 = nth_weekday(year, spec["month"], WEEKDAYS.index(spec["weekday"]), spec["nth"])
                    if d2 is not None:
                        days.append(d2)
        for d in days:
            if first_year <= d.year <= last_year:
                out[d] = f"{out[d]}; {spec['name']}" if d in out and spec["name"] not in out[d] else spec["name"]
    return sorted(out.items())


def _epoch(d: dt.datetime) -> int:
    return int(d.timestamp())


def _local(day: dt.date, minutes: int, tz: zoneinfo.ZoneInfo) -> int:
    """Epoch seconds of a wall-clock time; 24:00 is next day's midnight; fold=0 for ambiguous times."""
    base = dt.datetime.combine(day, dt.time(0), tzinfo=tz) + dt.timedelta(minutes=minutes)
    # timedelta arithmetic on aware datetimes is wall-clock: re-attach to resolve the offset
    wall = dt.datetime(base.year, base.month, base.day, base.hour, base.minute, tzinfo=tz)
    return _epoch(wall)


def offsets(tz: zoneinfo.ZoneInfo, start: int, end: int) -> list[list[int]]:
    """[[from_epoch_s, offset_minutes], ...]: the first entry covers everything before `start`."""

    def off(t: int) -> int:
        u = dt.datetime.fromtimestamp(t, dt.UTC).astimezone(tz).utcoffset()
        return int(u.total_seconds() // 60) if u is not None else 0

    out = [[-(2**53) + 1, off(start)]]
    t, cur = start, off(start)
    while t < end:
        nxt = min(t + HOUR, end)
        if off(nxt) != cur:
            lo, hi = t, nxt  # bisect to the exact second of the change
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if off(mid) == cur:
                    lo = mid
                else:
                    hi = mid
            cur = off(hi)
            out.append([hi, cur])
        t = nxt
    return out


def compile_calendar(cal: dict[str, Any], today: dt.date, also_years: tuple[int, ...] = ()) -> dict[str, Any]:
    """The calendar for the build year's window, widened to `also_years` (the golden examples'
    years, so that an example never falls out of the calendar as time passes)."""
    tz = zoneinfo.ZoneInfo(cal["timezone"])
    first_year = min([today.year - cal["expand"]["years_before"], *also_years])
    last_year = max([today.year + cal["expand"]["years_ahead"], *(y + 1 for y in also_years)])
    weekly = {day: [parse_range(r) for r in cal["weekly"].get(day, [])] for day in WEEKDAYS}
    hols = expand_holidays(cal.get("holidays", []), first_year, last_year)
    closed = {d for d, _ in hols}
    start_day, end_day = dt.date(first_year, 1, 1), dt.date(last_year + 1, 1, 1)
    start = _epoch(dt.datetime.combine(start_day, dt.time(0), tzinfo=tz))
    end = _epoch(dt.datetime.combine(end_day, dt.time(0), tzinfo=tz))
    intervals: list[list[int]] = []
    day = start_day
    while day < end_day:
        if day not in closed:
            for rng in sorted(r for r in weekly[WEEKDAYS[day.weekday()]] if r):
                a, b = _local(day, rng[0], tz), _local(day, rng[1], tz)
                if b <= a:
                    continue
                if intervals and intervals[-1][1] >= a:  # touching or overlapping ranges: one interval
                    intervals[-1][1] = max(intervals[-1][1], b)
                else:
                    intervals.append([a, b])
        day += dt.timedelta(days=1)
    return {
        "timezone": cal["timezone"],
        "default_to_set": bool(cal.get("default_to_set", False)),
        "weekly": {d: [list(cal_range.split("-")) for cal_range in cal["weekly"].get(d, [])] for d in WEEKDAYS},
        "holidays": [{"date": d.isoformat(), "name": n} for d, n in hols],
        "range": {
            "start": dt.datetime.fromtimestamp(start, tz).isoformat(),
            "end": dt.datetime.fromtimestamp(end, tz).isoformat(),
            "start_s": start,
            "end_s": end,
        },
        "open": intervals,
        "offsets": offsets(tz, start, end),
    }
