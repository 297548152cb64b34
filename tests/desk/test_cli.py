"""`kb desk migrate | export | serve` as a person runs them: messages, exit codes, no traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from desk.migrations import head, upgrade
from desk.storage import Store, make_engine, metadata

KB = str(Path(sys.executable).parent / "kb")


def kb(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([KB, *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False)


def test_migrations_build_exactly_the_declared_tables(db_url):
    engine = make_engine(db_url)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    assert diffs == []


def test_migrate_is_idempotent_and_says_the_revision(tmp_path):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    for _ in range(2):
        res = kb("desk", "migrate", "--db", url)
        assert res.returncode == 0 and res.stdout.strip().endswith(f"at revision {head()}")


def test_export_writes_every_request_with_its_events(tmp_path, serve_desk, make_payload):
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"
    upgrade(url)
    desk = serve_desk(url)
    sent = [make_payload() for _ in range(3)]
    for p in sent:
        desk.post(p)
    out = tmp_path / "backup.jsonl"
    res = kb("desk", "export", "--db", url, "--format", "jsonl", "--out", str(out))
    assert res.returncode == 0 and "exported 3 request(s)" in res.stderr
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["id"] for x in lines] == [p["id"] for p in sent]
    assert lines[0]["payload"] == sent[0] and lines[0]["verified"] is True
    assert [e["type"] for e in lines[0]["events"]] == ["received", "verified"]
    assert set(lines[0]) == {
        "id",
        "reference",
        "received_at",
        "kind",
        "parent_id",
        "state",
        "verified",
        "differences",
        "classification",
        "payload",
        "events",
        "outbox",
        "acknowledged_at",
        "acknowledged_by",
        "met",
    }


def test_export_of_something_that_is_not_a_desk_database_says_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    Store(url).close()
    out = tmp_path / "x.jsonl"
    res = kb("desk", "export", "--db", url, "--out", str(out))
    assert res.returncode == 1 and "is at revision none" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists()  # nothing half-written


def test_unreachable_postgresql_is_one_sentence(tmp_path):
    res = kb("desk", "migrate", "--db", "postgresql://desk:secret@127.0.0.1:1/nowhere")
    assert res.returncode == 1 and res.stderr.startswith(
        "ERROR: postgresql://desk:***@127.0.0.1:1/nowhere: cannot use the database"
    )
    assert "secret" not in res.stderr and "Traceback" not in res.stderr


def test_serve_reports_every_bad_setting_at_once(tmp_path):
    res = kb(
        "desk",
        "serve",
        "--db",
        "mysql://x",
        "--site-origin",
        "https://help.example.com/",
        "--forward",
        "zendesk",
        "--policy",
        str(tmp_path / "missing.yml"),
    )
    assert res.returncode == 2 and "Traceback" not in res.stderr
    for words in (
        "--db: 'mysql://x'",
        "--site-origin: 'https://help.example.com/'",
        "KB_DESK_ZENDESK_URL: not set",
        "--policy: ",
        "does not exist",
    ):
        assert words in res.stderr


def test_serve_migrates_an_empty_database_itself(tmp_path, policy_file):
    import desk_harness

    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    desk = desk_harness.DeskProcess(url, policy_file, log=tmp_path / "log").start()
    desk.stop()
    engine = make_engine(url)
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head()
        assert conn.execute(sa.text("SELECT count(*) FROM requests")).scalar_one() == 0
    engine.dispose()
