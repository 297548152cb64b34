"""`python -m testkit.desk_screenshots DIR`: PNGs of the desk's staff screens from a seeded database.

Seeds a throw-away desk (testkit.desk_seed: a Friday evening and the March DST change), serves
it on 127.0.0.1, signs in with Chromium and writes `desk-queue.png`, `desk-request.png`,
`desk-request-unverified.png` and `desk-report.png` into DIR (`make screenshots` uses
`screenshots/`, which git ignores).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import intake
from desk import config
from desk.app import create_app
from desk.storage import Store

from .chromium import launch
from .desk_seed import STAFF, seed
from .desk_server import Served


def main(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    policy = intake.compiled_policy()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'desk.sqlite3'}"
        seeded = seed(url, policy)
        store = Store(url)
        served = Served(
            create_app(config.load(url, limits=config.Limits(rate=0)), store, clock=lambda: seeded.now), store
        )
        unverified = _unverified(served, seeded.references["monday-p1"], policy)
        written = []
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                page = browser.new_page(viewport={"width": 1360, "height": 900})
                page.goto(served.url + "/desk/sign-in")
                page.fill("#name", STAFF[0])
                page.fill("#password", STAFF[1])
                page.click("button[type=submit]")
                page.wait_for_url(served.url + "/desk/")
                shots = {
                    "desk-queue.png": "/desk/?status=all",
                    "desk-request.png": f"/desk/requests/{seeded.references['friday-evening-p1']}",
                    "desk-request-unverified.png": f"/desk/requests/{unverified}",
                    "desk-report.png": "/desk/reports",
                }
                for name, path in shots.items():
                    page.goto(served.url + path)
                    page.screenshot(path=str(out / name), full_page=True)
                    written.append(out / name)
                browser.close()
        finally:
            served.close()
    return written


def _unverified(served: Served, _like: str, policy: dict) -> str:
    """A request whose page claimed a lower priority than the desk finds (shows the differences)."""
    from .desk_seed import instant, receive, vendor_variants

    settings = config.load(served.store.url)
    body = receive(
        served.store,
        settings,
        policy,
        instant("2026-03-09T10:05:00-07:00"),
        vendor_variants(policy)["P2"],
        problem={"summary": "Export to SharePoint drops metadata"},
        tamper={"priority": "P4"},
    )
    return str(body["reference"])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m testkit.desk_screenshots DIR")
    for path in main(Path(sys.argv[1])):
        print(path)
