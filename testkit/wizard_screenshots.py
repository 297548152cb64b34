"""`python -m testkit.wizard_screenshots DIR`: a PNG of every screen of every flow of the wizard.

Builds the shipped site into a temporary folder, serves it on 127.0.0.1, and walks every
flow of the keyboard driver (wizard_driver.py) in the light and the dark scheme, on a desktop
(1280 px) and a phone (390 px) viewport: each screen of each flow as the customer leaves
it (answered), the error summary of every question screen (Continue with nothing answered,
on the P1 flow), and the end pages.
A screen that shows exactly what an earlier flow's screen showed is written once; `index.txt`
lists, per flow, the file of each of its screens. Files are named
`<scheme>-<viewport>/NN-<flow>-<screen>.png`. Does not check anything: the tests do.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from kbcore.problems import KbError

from .chromium import CHROMIUM, launch
from .server import serve
from .wizard_driver import FLOWS, WizardDriver

VIEWPORTS: dict[str, Any] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 390, "height": 844},
}


def _build(dest: Path) -> Path:
    from testkit.project import build, make_project

    res = build(make_project(dest))
    if res.returncode != 0:
        raise KbError(f"building the site failed:\n{res.stderr[-2000:]}")
    return dest / "site"


class _Album:
    """The screenshots of one scheme and viewport: a screen already shown is not written again."""

    def __init__(self, drv: WizardDriver, folder: Path, out: Path) -> None:
        self.drv, self.folder, self.out = drv, folder, out
        self.seen: dict[str, Path] = {}

    def snap(self, name: str) -> str:
        page = self.drv.page
        if self.drv.kind() == "kb":
            page.wait_for_selector(".kb-wz-count:not(:empty)")
        shown = page.evaluate(
            "() => document.querySelector('.kb-wz').innerText + JSON.stringify("
            "[...document.querySelectorAll('.kb-wz input, .kb-wz textarea')]"
            ".map(e => [e.value, e.checked]))"
        )
        key = hashlib.sha256((self.drv.step() + shown).encode()).hexdigest()
        if key not in self.seen:
            page.evaluate("window.scrollTo(0, 0)")  # focus may have scrolled under the sticky header
            path = self.folder / f"{len(self.seen) + 1:02d}-{name}.png"
            page.screenshot(path=str(path), full_page=True)
            self.seen[key] = path
        return self.seen[key].relative_to(self.out).as_posix()

    def flow(self, flow: str, plan: dict) -> list[str]:
        """Walk one flow, a screenshot of every screen; returns the files, in order."""
        drv = self.drv
        shots: list[str] = []

        def shot(sid: str) -> None:
            if drv.kind() == "question":
                if flow == "P1" and _first_visit(drv):
                    drv.press_continue()  # nothing answered: the error summary
                    if drv.page.query_selector(".kb-wz-errors"):
                        shots.append(self.snap(f"{flow}-{sid}-error-summary"))
                    elif drv.step() != sid:  # nothing was required: back to it
                        drv.page.go_back()
                        drv.page.wait_for_selector(f".kb-wz[data-step='{sid}']")
                drv.answer_only(plan)  # the screen as the customer leaves it
            shots.append(self.snap(f"{flow}-{sid}"))

        drv.open()
        drv.run(plan, on_page=shot)
        return shots


def take(out: Path, site: Path | None = None, flows: dict | None = None) -> list[Path]:
    """Write the screenshots into `out`; return their paths."""
    from playwright.sync_api import sync_playwright

    flows = flows or FLOWS
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    index: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        site = site or _build(Path(tmp))
        srv = serve(site)
        base = srv.url
        try:
            with sync_playwright() as pw:
                browser = launch(pw)
                for scheme in ("light", "dark"):
                    for view, size in VIEWPORTS.items():
                        folder = out / f"{scheme}-{view}"
                        folder.mkdir(exist_ok=True)
                        ctx = browser.new_context(viewport=size, color_scheme=scheme)
                        album = _Album(WizardDriver(ctx.new_page(), base), folder, out)
                        for flow, plan in flows.items():
                            index.append(f"{scheme}-{view} {flow}: " + " ".join(album.flow(flow, plan)))
                        written += album.seen.values()
                        ctx.close()
                browser.close()
        finally:
            srv.stop()
    (out / "index.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    return written


def _first_visit(drv: WizardDriver) -> bool:
    """Nothing answered yet on this screen (so Continue shows the error summary)."""
    return not drv.page.evaluate(
        "[...document.querySelectorAll('.kb-wz input:not([type=hidden]), .kb-wz textarea')]"
        ".some(e => (e.type === 'radio' || e.type === 'checkbox') ? e.checked : e.value !== '')"
    )


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
    print(f"wrote {len(paths)} screenshots to {args[0]} (index.txt lists each flow's screens)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
