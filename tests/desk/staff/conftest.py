"""Fixtures of the staff screens' tests: one seeded desk per module, served over real HTTP on
127.0.0.1 with a clock the test sets, a signed-in HTTP client, and the wizard's hostile list."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from staffkit import StaffDesk, start


@pytest.fixture(scope="module")
def staff_desk(desk_server, policy, site_dir, tmp_path_factory) -> Iterator[StaffDesk]:
    """A desk seeded with testkit.desk_seed (no hostile rows), looked at on Monday 2026-03-09 10:30 PDT."""
    d = start(desk_server, tmp_path_factory.mktemp("staff"), policy, site_dir)
    yield d
    d.served.close()
