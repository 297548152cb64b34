"""Shared fixtures: built sites (built once per test run, shared across xdist workers),
a static file server, and a real headless Chromium driven by Playwright."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from testkit.chromium import CHROMIUM, launch
from testkit.paths import CORPUS, REPO
from testkit.project import build, make_project
from testkit.server import Server
from testkit.server import serve as serve_folder

CACHE = Path(os.environ.get("KB_TEST_CACHE", REPO / ".pytest_cache" / "kb-sites"))


def build_once(name: str, categories: dict[str, Path] | None = None, **kw) -> Path:
    """Build a site once per test run (a lock makes xdist workers share it); return site dir."""
    CACHE.mkdir(parents=True, exist_ok=True)
    run_id = os.environ.get("PYTEST_XDIST_TESTRUNUID") or str(os.getppid())
    root = CACHE / name
    with open(CACHE / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        stamp = root / "built-for"
        if stamp.exists() and stamp.read_text() == run_id:
            return root / "site"
        root.mkdir(parents=True, exist_ok=True)
        cfg = make_project(root, categories, **kw)
        res = build(cfg)
        if res.returncode != 0:
            raise RuntimeError(f"building {name} failed:\n{res.stdout}\n{res.stderr}")
        stamp.write_text(run_id)
        return root / "site"


@pytest.fixture(scope="session")
def shipped_site() -> Path:
    return build_once("shipped")


@pytest.fixture(scope="session")
def corpus_site() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS} (set KB_CORPUS)")
    return build_once("corpus", {"office-support": CORPUS})


@pytest.fixture(scope="session")
def serve():
    """serve(dir) -> base URL of a static server for that folder (one server per folder)."""
    servers: dict[Path, Server] = {}

    def start(directory: Path) -> str:
        directory = Path(directory)
        if directory not in servers:
            servers[directory] = serve_folder(directory)
        return servers[directory].url

    yield start
    for srv in servers.values():
        srv.stop()


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


class PageLog:
    """What a page did: every request URL, console messages, page errors."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.console: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def page(browser):
    ctx = browser.new_context()
    pg = ctx.new_page()
    pg.kb_log = PageLog(pg)
    yield pg
    ctx.close()


AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe():
    """axe(page) -> list of WCAG 2.1 A/AA violations found by axe-core in that page."""
    return axe_violations


def axe_violations(page, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list[dict]:
    """Run axe-core in the page; return violations (id, impact, nodes' targets)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `make browser-deps` (npm install axe-core)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", list(tags)
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
