"""How long the staff pages take on a desk with many requests (SQLite, in this process).

`python bench/desk_staff.py [N]` stores N requests (default 2,000) as received over a month,
votes and deflections, then times GET /desk/ (the first 500 rows, each with its support-time
countdown), a request's page and /desk/reports (plots included) over real HTTP on 127.0.0.1,
and prints the first fetch (the report computed) and the median of 4 more (the report is
reused for 30 s; the queue and a request are computed every time).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import intake
from desk import config
from desk.app import create_app
from desk.migrations import upgrade
from desk.staff.accounts import Accounts
from desk.storage import Store
from testkit.desk_seed import STAFF, instant, receive, vendor_variants
from testkit.desk_server import Served


def main(n: int) -> None:
    policy = intake.compiled_policy()
    variants = list(vendor_variants(policy).values())
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'desk.sqlite3'}"
        upgrade(url)
        store = Store(url)
        settings = config.load(url)
        start, t0 = instant("2026-02-09T08:00:00-08:00"), time.perf_counter()
        refs = []
        for i in range(n):
            at = start + dt.timedelta(minutes=i * 28 * 24 * 60 // n)  # spread over four weeks
            body = receive(
                store, settings, policy, at, variants[i % len(variants)], problem={"summary": f"Request {i}"}
            )
            refs.append(body["reference"])
        for i in range(n):
            store.add_vote(f"article-{i % 300}", i % 3 == 0, "2026-03-01T12:00:00Z", True)
        print(f"stored {n} requests and {n} votes in {time.perf_counter() - t0:.1f} s")
        Accounts(store).add_user(*STAFF)
        now = instant("2026-03-09T10:30:00-07:00")
        served = Served(create_app(settings, store, clock=lambda: now), store)
        try:
            c = httpx.Client(base_url=served.url, timeout=120)
            form = c.get("/desk/sign-in").text
            csrf = form.split('name="csrf" value="')[1].split('"')[0]
            c.post("/desk/sign-in", data={"csrf": csrf, "name": STAFF[0], "password": STAFF[1]})
            print(f"{'page':<28} {'first ms':>10} {'then, median ms':>16}")
            for name, path in (
                ("queue (500 rows)", "/desk/?status=all"),
                ("a request", f"/desk/requests/{refs[n // 2]}"),
                ("reports", "/desk/reports"),
                ("one plot", "/desk/reports/votes.svg"),
            ):
                times = []
                for _ in range(5):
                    t = time.perf_counter()
                    res = c.get(path)
                    times.append((time.perf_counter() - t) * 1000)
                    assert res.status_code == 200, (path, res.status_code)
                print(f"{name:<28} {times[0]:>10.0f} {statistics.median(times[1:]):>16.0f}")
        finally:
            served.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
