"""Fixtures of the staff screens' tests: one seeded desk per module, served over real HTTP on
127.0.0.1 with a clock the test sets, a signed-in HTTP client, and the wizard's hostile list."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from desk import config
from desk.app import create_app
from desk.storage import Store
from testkit.desk_seed import STAFF, Seeded, seed

sys.path.insert(0, str(Path(__file__).parent))
from staffkit import Clock, sign_in


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


@pytest.fixture(scope="module")
def staff_desk(desk_server, policy, site_dir, tmp_path_factory) -> Iterator[StaffDesk]:
    """A desk seeded with testkit.desk_seed (no hostile rows), looked at on Monday 2026-03-09 10:30 PDT."""
    d = start(desk_server, tmp_path_factory.mktemp("staff"), policy, site_dir)
    yield d
    d.served.close()
