#!/usr/bin/env python3
"""How many screens each flow of the request wizard takes, and what the browser downloads.

    python bench/wizard_screens.py [SITE_DIR]

Walks every flow of the keyboard driver (testkit/wizard_driver.py, which answers by question
and field id) in headless Chromium and prints, per flow, the screens before "Check your
answers" and the screens themselves; then the wizard's JS and CSS, gzipped file by file, as
published and as written. Without SITE_DIR it builds the shipped site in a temporary folder.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from testkit.chromium import launch
from testkit.project import REPO, build, make_project
from testkit.server import serve
from testkit.wizard_driver import FLOWS, WizardDriver

SOURCES = REPO / "intake" / "wizard" / "theme" / "assets" / "intake" / "wizard"


def gzipped(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.suffix in (".js", ".css")]
    return len(files), sum(len(gzip.compress(p.read_bytes(), 9)) for p in files)


def main(site: Path) -> None:
    from playwright.sync_api import sync_playwright

    srv = serve(site)
    try:
        with sync_playwright() as pw:
            browser = launch(pw)
            drv = WizardDriver(browser.new_page(), srv.url)
            print(f"{'flow':<18} {'screens before check':>20}  screens")
            for name, plan in FLOWS.items():
                drv.open()
                seen = drv.run(plan)
                n = seen.index("check") if "check" in seen else len(seen) - 1
                print(f"{name:<18} {n:>20}  {' '.join(seen)}")
            browser.close()
    finally:
        srv.stop()
    files, published = gzipped(site / "assets" / "intake" / "wizard")
    _, written = gzipped(SOURCES)
    print(f"wizard JS+CSS, {files} files, gzip each: {published} bytes published, {written} bytes as written")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(Path(sys.argv[1]))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            res = build(make_project(Path(tmp)))
            if res.returncode != 0:
                sys.exit(res.stderr[-2000:])
            main(Path(tmp) / "site")
