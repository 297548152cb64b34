"""`python -m testkit.wizard_screenshots DIR`: a PNG of every page of the request wizard.

Builds the shipped site into a temporary folder, serves it on 127.0.0.1, and walks every
flow with the keyboard driver (driver.py): each page once (light scheme), the error summary
of the first question, and the end pages (confirmation, partner, not covered, special
services, escalation, deflection), plus the first question and the confirmation in the dark
scheme. Files are named `NN-<flow>-<page>.png`. Does not check anything: the tests do.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import tempfile
import threading
from pathlib import Path

from kbcore.problems import KbError

from .wizard_driver import FLOWS, WizardDriver

CHROMIUM = "/usr/bin/chromium"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _build(dest: Path) -> Path:
    from testkit.project import build, make_project

    res = build(make_project(dest))
    if res.returncode != 0:
        raise KbError(f"building the site failed:\n{res.stderr[-2000:]}")
    return dest / "site"


def take(out: Path, site: Path | None = None) -> list[Path]:
    """Write the screenshots into `out`; return their paths."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = site or _build(Path(tmp))
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{srv.server_address[1]}/"
        written: list[Path] = []
        seen_pages: set[str] = set()
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"])
                for scheme in ("light", "dark"):
                    ctx = browser.new_context(viewport={"width": 1100, "height": 900}, color_scheme=scheme)
                    page = ctx.new_page()
                    drv = WizardDriver(page, base)
                    flows = FLOWS if scheme == "light" else {"P1": FLOWS["P1"]}
                    for name, plan in flows.items():
                        drv.open()

                        def shot(sid: str, name: str = name, scheme: str = scheme) -> None:
                            key = f"{scheme}/{sid}"
                            if key in seen_pages and sid not in ("sent", "deflected"):
                                return
                            seen_pages.add(key)
                            if sid == "kb":
                                page.wait_for_selector(".kb-wz-count:not(:empty)")
                            page.evaluate("window.scrollTo(0, 0)")  # focus may have scrolled under the sticky header
                            path = out / f"{len(written) + 1:02d}-{scheme}-{name}-{sid}.png"
                            page.screenshot(path=str(path), full_page=True)
                            written.append(path)
                            if sid == "kind" and f"{scheme}/errors" not in seen_pages:
                                seen_pages.add(f"{scheme}/errors")
                                drv.press_continue()  # nothing chosen: the error summary
                                page.evaluate("window.scrollTo(0, 0)")
                                path = out / f"{len(written) + 1:02d}-{scheme}-{name}-kind-error-summary.png"
                                page.screenshot(path=str(path), full_page=True)
                                written.append(path)

                        drv.run(plan, on_page=shot)
                    ctx.close()
                browser.close()
        finally:
            srv.shutdown()
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python -m testkit.wizard_screenshots DIR", file=sys.stderr)
        return 2
    if not os.path.exists(CHROMIUM):
        print(f"ERROR: {CHROMIUM} is missing: run `make browser-deps`", file=sys.stderr)
        return 1
    try:
        paths = take(Path(args[0]))
    except KbError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        return exc.exit_code
    print(f"wrote {len(paths)} screenshots to {args[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
