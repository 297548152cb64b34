"""What the staff tests share: the wizard's hostile list, a settable clock, signing in over HTTP."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re

import httpx

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
    return c.post("/desk/sign-in", data={"csrf": csrf_of(form.text), "name": name, "password": password,
                                         "next": next_})
