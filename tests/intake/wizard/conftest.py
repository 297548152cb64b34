"""Fixtures of the wizard's browser tests: the shipped site, a driver, a support desk.

`desk_site` is the shipped site served together with a local support-desk endpoint at
`/api/requests` whose answers a test scripts (fail, hang, succeed). The built page is
copied and only its embedded delivery options are changed (endpoint, a 1 s timeout), so
the same wizard code runs against a configured endpoint without a second build.
"""

from __future__ import annotations

import http.server
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from testkit.wizard_driver import WizardDriver
from testkit.project import REPO

HOSTILE_TRAP = "window.__xss = (n) => { window.__xssHits = (window.__xssHits || 0) + 1; };"


@pytest.fixture
def wizard(page, serve, shipped_site):
    """A keyboard driver on a fresh wizard (empty storage); `.base`, `.site` for tests."""
    page.add_init_script(HOSTILE_TRAP)
    drv = WizardDriver(page, serve(shipped_site))
    drv.site = shipped_site
    drv.open()
    return drv


class Desk:
    """What the endpoint does and what it received (thread-safe enough for one browser)."""

    def __init__(self) -> None:
        self.plan: list[str] = []  # per POST: "fail" (503), "hang" (answers after the client gave up), "ok"
        self.posts: list[dict] = []  # every body received, in order
        self.accepted: dict[str, dict] = {}  # id -> payload, once per id (idempotent)
        self.keys: list[str] = []

    def answer(self, body: bytes, key: str) -> tuple[int, dict]:
        payload = json.loads(body)
        self.posts.append(payload)
        self.keys.append(key)
        what = self.plan.pop(0) if self.plan else "ok"
        if what == "fail":
            return 503, {"error": "try later"}
        if what == "hang":
            time.sleep(1.6)  # longer than the page's 1 s timeout; stored anyway, like a slow desk
        self.accepted.setdefault(payload["id"], payload)
        return 200, {"reference": f"DESK-{len(self.accepted):04d}"}


def _handler(site: Path, desk: Desk):
    class H(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(site), **kw)

        def log_message(self, *args) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            if self.path != "/api/requests":
                self.send_error(404)
                return
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, out = desk.answer(body, self.headers.get("Idempotency-Key", ""))
            data = json.dumps(out).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page gave up waiting (the "hang" case)

    return H


@pytest.fixture(scope="session")
def desk_site(shipped_site, tmp_path_factory):
    """(base_url, desk): the shipped site with delivery to a local desk at /api/requests."""
    site = tmp_path_factory.mktemp("desk") / "site"
    shutil.copytree(shipped_site, site)
    page = site / "request" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert '"endpoint":""' in html and '"timeout":15' in html, "the page's delivery options moved"
    page.write_text(html.replace('"endpoint":""', '"endpoint":"/api/requests"').replace('"timeout":15', '"timeout":1'), encoding="utf-8")
    desk = Desk()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(site, desk))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/", desk
    srv.shutdown()


@pytest.fixture
def verify_payload(tmp_path):
    """verify_payload(payload, site) -> the finished `kb intake verify` process."""
    return lambda payload, site: verify(payload, site, tmp_path)


@pytest.fixture
def page_errors():
    """page_errors(page) -> console errors and page errors (warnings are allowed)."""
    return no_errors


def verify(payload: dict, site: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """`kb intake verify` on a payload, against the compiled policy the site published."""
    f = tmp_path / f"payload-{payload['id']}.json"
    f.write_text(json.dumps(payload), encoding="utf-8")
    return subprocess.run(
        [str(Path(sys.executable).parent / "kb"), "intake", "verify", "--policy", str(site / "policy" / "compiled-policy.json"), str(f)],
        capture_output=True, text=True, cwd=REPO,
    )


def no_errors(page) -> list[str]:
    """Console errors and page errors (warnings are allowed, e.g. a missing search index)."""
    return [c for c in page.kb_log.console if c.startswith("error")] + page.kb_log.errors
