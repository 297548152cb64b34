"""Alembic migrations of the desk's database, run programmatically (no alembic.ini).

`upgrade(url)` brings a database (empty or older) to the latest revision; `kb desk serve`
calls it at start-up and `kb desk migrate` on its own. A new revision goes in `versions/`
with the next number and `down_revision` set to the previous one; `desk/storage.py` must
then declare the same tables (tests/desk/test_migrations.py compares them).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ..storage import make_engine

HERE = Path(__file__).resolve().parent


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head() or ""


def current(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def upgrade(url: str, revision: str = "head") -> str:
    """Migrate the database at `url`; returns the revision it is at afterwards."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            cfg = _config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    finally:
        engine.dispose()
    return current(url) or ""
