"""Fixtures of the wizard's browser tests: the shipped site, a driver, a support desk.

`desk_site` is the shipped site served together with a local support desk on 127.0.0.1 that
keeps to the desk's wire contract (intake/wizard/README.md): `POST /api/requests` answers
the desk's reference and due time, `GET /api/requests/{reference}` looks one up, `POST
/api/deflections` records "this solved it". What it answers a test scripts (fail, hang,
redirect, refuse...). The built page is copied and only its embedded delivery options are
changed (endpoint, a 1 s timeout), so the same wizard code runs against a configured
endpoint without a second build.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from intake.reference import reference_for
from testkit.project import REPO
from testkit.server import Reply, Request
from testkit.server import serve as serve_site
from testkit.wizard_driver import WizardDriver

HOSTILE_TRAP = "window.__xss = (n) => { window.__xssHits = (window.__xssHits || 0) + 1; };"
DESK_RESPOND_BY = "2030-01-08T10:00:00-08:00"  # the desk's own due time: never one the browser computes


@pytest.fixture
def wizard(page, serve, shipped_site):
    """A keyboard driver on a fresh wizard (empty storage); `.base`, `.site` for tests."""
    page.add_init_script(HOSTILE_TRAP)
    drv = WizardDriver(page, serve(shipped_site))
    drv.site = shipped_site
    drv.open()
    return drv


class Desk:
    """What the desk does and what it received (thread-safe enough for one browser)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        # Per POST: "ok", "fail" (503), "hang" (answers after the client gave up, stored
        # anyway), "slow" (answers within the timeout), "slow-fail", "redirect" (302; "redirect-303": 303),
        # "refuse" (422 with errors), "conflict" (409).
        self.plan: list[str] = []
        self.posts: list[dict] = []
        self.headers: list[dict[str, str]] = []
        self.accepted: dict[str, dict] = {}  # reference -> payload, once per id (idempotent)
        self.lookups: list[str] = []
        self.deflections: list[dict] = []

    def answer(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict, dict[str, str]]:
        payload = json.loads(body)
        self.posts.append(payload)
        self.headers.append(headers)
        what = self.plan.pop(0) if self.plan else "ok"
        if what in ("slow", "slow-fail"):
            time.sleep(0.7)
        if what in ("fail", "slow-fail"):
            return 503, {"errors": [{"path": "$", "message": "try later"}]}, {}
        if what.startswith("redirect"):  # "redirect" is a 302; "redirect-303" says which
            return int(what.partition("-")[2] or 302), {}, {"Location": "/elsewhere/"}
        if what == "refuse":
            return (
                422,
                {
                    "errors": [
                        {
                            "path": "$.requester.name",
                            "message": "<img src=x onerror=__xss(1)> is not accepted",
                        }
                    ]
                },
                {},
            )
        if what == "conflict":
            return 409, {"errors": [{"path": "$.id", "message": "another request has this id"}]}, {}
        if what == "hang":
            time.sleep(1.6)  # longer than the page's 1 s timeout; stored anyway, like a slow desk
        ref = reference_for(payload["id"])
        self.accepted.setdefault(ref, payload)
        c = payload.get("classification") or {}
        return (
            201,
            {
                "reference": ref,
                "id": payload["id"],
                "priority": c.get("priority"),
                "priority_label": c.get("priority_label"),
                "response_hours": c.get("response_hours"),
                "respond_by": DESK_RESPOND_BY if c.get("response_hours") else None,
                "route": c.get("route"),
                "eligibility": c.get("eligibility"),
                "verified": True,
            },
            {},
        )

    def lookup(self, ref: str) -> tuple[int, dict]:
        self.lookups.append(ref)
        if ref in self.accepted:
            c = self.accepted[ref].get("classification") or {}
            return 200, {
                "reference": ref,
                "id": self.accepted[ref]["id"],
                "priority": c.get("priority"),
                "respond_by": DESK_RESPOND_BY,
                "state": "open",
            }
        return 404, {"errors": [{"path": "$", "message": "no such request"}]}


def _desk_handler(desk: Desk):
    """The desk's side of the wire contract; anything else is the site's static files."""

    def handle(request: Request) -> Reply | None:
        headers = {k.lower(): v for k, v in request.headers.items()}
        if request.method == "GET" and request.path.startswith("/api/requests/"):
            return desk.lookup(request.path.rsplit("/", 1)[1])
        if request.method == "GET" and request.path.startswith("/elsewhere/"):
            return 200, {"reference": "NOT-SENT"}  # where a redirect would lead: never the desk
        if request.method == "POST" and request.path == "/api/deflections":
            desk.deflections.append(request.json())
            return 204, None
        if request.method == "POST" and request.path == "/api/requests":
            return desk.answer(request.body, headers)
        if request.method == "POST":
            return 404, {"errors": [{"path": "$", "message": "not here"}]}
        return None

    return handle


@pytest.fixture(scope="session")
def desk_server(shipped_site, tmp_path_factory):
    """(base_url, desk): the shipped site with delivery to a local desk at /api/requests."""
    site = tmp_path_factory.mktemp("desk") / "site"
    shutil.copytree(shipped_site, site)
    page = site / "request" / "index.html"
    html = page.read_text(encoding="utf-8")
    options = ['"endpoint":""', '"timeout":15', '"deflection_endpoint":""']
    assert all(o in html for o in options), "the page's delivery options moved"
    html = html.replace(options[0], '"endpoint":"/api/requests"').replace(options[1], '"timeout":1')
    page.write_text(html.replace(options[2], '"deflection_endpoint":"/api/deflections"'), encoding="utf-8")
    desk = Desk()
    srv = serve_site(site, handler=_desk_handler(desk))
    yield srv.url, desk
    srv.stop()


@pytest.fixture
def desk_wizard(page, desk_server):
    """(driver, desk) on a fresh wizard that delivers to the local desk."""
    base, desk = desk_server
    desk.reset()
    page.add_init_script(HOSTILE_TRAP)
    drv = WizardDriver(page, base)
    drv.open()
    return drv, desk


@pytest.fixture(scope="session")
def golden_references() -> dict[str, str]:
    """The reference vectors of tests/intake/test_reference.py (one table for Python and JS)."""
    spec = importlib.util.spec_from_file_location("reference_vectors", REPO / "tests" / "intake" / "test_reference.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return dict(mod.GOLDEN)


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
        [
            str(Path(sys.executable).parent / "kb"),
            "intake",
            "verify",
            "--policy",
            str(site / "policy" / "compiled-policy.json"),
            str(f),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )


def no_errors(page) -> list[str]:
    """Console errors and page errors (warnings are allowed, e.g. a missing search index)."""
    return [c for c in page.kb_log.console if c.startswith("error")] + page.kb_log.errors
