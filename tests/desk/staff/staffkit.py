"""What the staff tests share: the wizard's hostile list, a settable clock, signing in over HTTP."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import io
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from desk import config
from desk.app import create_app
from desk.storage import Store
from testkit.desk_seed import STAFF, Seeded, seed
from testkit.paths import REPO

WIZARD_HOSTILE = REPO / "tests" / "intake" / "wizard" / "test_wizard_hostile.py"


def hostile_texts() -> list[str]:
    """The wizard tests' hostile list itself (not a copy), so both grow together."""
    spec = importlib.util.spec_from_file_location("wizard_hostile_list", WIZARD_HOSTILE)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return list(mod.HOSTILE)


class Clock:
    """The desk's "now", set by the test."""

    def __init__(self, at: dt.datetime):
        self.at = at

    def __call__(self) -> dt.datetime:
        return self.at


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


def sign_in(c: httpx.Client, name: str, password: str, next_: str = "") -> httpx.Response:
    form = c.get("/desk/sign-in")
    return c.post("/desk/sign-in", data={"csrf": csrf_of(form.text), "name": name, "password": password, "next": next_})


class StaffDesk:
    def __init__(self, served, seeded: Seeded, clock: Clock):
        self.served, self.seeded, self.clock = served, seeded, clock
        self.url = served.url
        self.store: Store = served.store

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30, follow_redirects=False)

    def signed_in(self, name: str = STAFF[0], password: str = STAFF[1]) -> httpx.Client:
        c = self.client()
        res = sign_in(c, name, password)
        assert res.status_code == 303, res.text
        return c


def start(served_cls, tmp: Path, policy: dict, site_dir: Path, hostile: list[str] | None = None) -> StaffDesk:
    url = f"sqlite:///{tmp / 'desk.sqlite3'}"
    seeded = seed(url, policy, hostile)
    clock = Clock(seeded.now)
    settings = config.load(url, site_dir=site_dir, limits=config.Limits(rate=0))
    store = Store(url)
    return StaffDesk(served_cls(create_app(settings, store, clock=clock), store), seeded, clock)


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


def kb(*args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None) -> Ran:
    """`kb ARGS` run in this process (the console script's own entry point, no start-up cost)."""
    from kbtools.cli import main

    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_cwd, saved_in = dict(os.environ), os.getcwd(), sys.stdin
    try:
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin = io.StringIO(stdin or "")
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        sys.stdin = saved_in
    return Ran(rc, out.getvalue(), err.getvalue())
