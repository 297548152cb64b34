"""Fixtures of the desk's tests: the compiled policy, payloads, a desk served over real HTTP on
127.0.0.1 (in this process, or as a `kb desk serve` child for the fault tests), a throw-away
PostgreSQL cluster, and a fake Zendesk / Jira Service Management (tests/desk/fakes.py)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import intake
from intake.compiler import to_bytes
from intake.payload import build
from testkit.desk_server import Served
from testkit.paths import REPO

sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(Path(__file__).parent))  # fakes.py
import desk_harness

from desk import config
from desk.app import create_app
from desk.migrations import upgrade
from desk.storage import Store


@pytest.fixture(scope="session")
def policy() -> dict[str, Any]:
    return intake.compiled_policy()


@pytest.fixture(scope="session")
def policy_file(policy, tmp_path_factory) -> Path:
    """The compiled policy as a built site publishes it (what `--policy` or `--site` reads)."""
    path = tmp_path_factory.mktemp("policy") / "compiled-policy.json"
    path.write_bytes(to_bytes(policy))
    return path


@pytest.fixture(scope="session")
def site_dir(policy, tmp_path_factory) -> Path:
    """The two things the desk reads from a built site: its compiled policy and its article ids."""
    from intake.wizard.plugin import ARTICLES_DIR

    site = tmp_path_factory.mktemp("site")
    (site / "policy").mkdir()
    (site / "policy" / "compiled-policy.json").write_bytes(to_bytes(policy))
    (site / ARTICLES_DIR).mkdir(parents=True)
    (site / ARTICLES_DIR / "0.json").write_text(
        json.dumps({"version": 2, "articles": {"scanner-not-detected": ["Scanner not detected", "t/s/"]}})
    )
    return site


@pytest.fixture
def make_payload(policy) -> Callable[..., dict[str, Any]]:
    """make_payload(answers=None, **changes) -> a fresh valid payload (new id), classified now.

    Default answers: the policy's first example (P1); `answers` changes some of them."""
    base = desk_harness.vendor_answers(policy)[0]

    def make(answers: dict[str, str] | None = None, **changes: Any) -> dict[str, Any]:
        at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        p = build(policy, {**base, **(answers or {})}, at, id=str(uuid.uuid4()))
        p.update(changes)
        return p

    return make


@pytest.fixture(scope="session")
def pg() -> Iterator[desk_harness.PgCluster]:
    """A throw-away PostgreSQL cluster; skipped without PostgreSQL, except in CI, where it fails."""
    try:
        cluster = desk_harness.PgCluster(fsync=False)
    except desk_harness.PgUnavailable as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is needed in CI: {exc}")
        pytest.skip(str(exc))
    yield cluster
    cluster.close()


_dbs = iter(range(10**6))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """An empty, migrated database of each kind."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    else:
        url = request.getfixturevalue("pg").create_db(f"t{os.getpid()}_{next(_dbs)}")
    upgrade(url)
    return url


def _start(db: str, site_dir: Path, outbox=None, **kw: Any) -> Served:
    kw.setdefault("site_dir", site_dir)
    kw.setdefault("site_origins", ("http://127.0.0.1:8000",))
    settings = config.load(db, **kw)
    store = Store(db)
    return Served(create_app(settings, store, outbox), store)


@pytest.fixture
def serve_desk(site_dir) -> Iterator[Callable[..., Served]]:
    """serve_desk(db_url, **settings) -> a running desk (stopped after the test)."""
    running: list[Served] = []

    def start(db: str, outbox=None, **kw: Any) -> Served:
        running.append(_start(db, site_dir, outbox, **kw))
        return running[-1]

    yield start
    for s in running:
        s.close()


@pytest.fixture(scope="module")
def module_desk(site_dir, tmp_path_factory) -> Iterator[Served]:
    """One desk on SQLite for a whole test module (no rate limit)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('desk') / 'desk.sqlite3'}"
    upgrade(url)
    served = _start(url, site_dir, limits=config.Limits(rate=0))
    yield served
    served.close()


@pytest.fixture(scope="session")
def desk_server() -> type[Served]:
    """Served itself, for fixtures in sub-folders (tests/desk/staff) that build their own app."""
    return Served
