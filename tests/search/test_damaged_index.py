"""A damaged search index, one case per kind of damage (tests/search/damage.py), in both
engines: Python raises the one-line error `kb search` prints (exit 1, no traceback); the
browser engine throws IndexFormatError (the page's "search is unavailable"), and neither hangs."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from kbcore.problems import KbError
from kbtools.cli import main
from kbtools.search import search
from kbtools.search.export import INDEX_DIR

from .damage import CASES, PYTHON_CASES, query_of, target

HERE = Path(__file__).parent
QUERY = "outlook crashes"


@pytest.fixture(scope="module")
def good(small_site):
    return small_site, target(small_site, QUERY)


def damaged(tmp_path: Path, good, name: str) -> tuple[Path, str, dict]:
    site, t = good
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    damage, how = CASES[name]
    damage(copy / INDEX_DIR, t)
    q, filters = query_of(t, how)
    return copy, q, filters


def test_every_case_reads_a_good_index_fine(good):
    site, t = good
    for _, how in CASES.values():
        q, filters = query_of(t, how)
        search(site, q, filters=filters)  # the query itself is fine on a good index


@pytest.mark.parametrize("name", PYTHON_CASES)
def test_python_engine_raises_a_message_naming_the_damage(tmp_path, good, name):
    site, q, filters = damaged(tmp_path, good, name)
    with pytest.raises(KbError) as exc:
        search(site, q, filters=filters)
    assert "search index" in str(exc.value) and "\n" not in str(exc.value)


@pytest.mark.parametrize("name", PYTHON_CASES)
def test_kb_search_prints_one_error_line_and_exits_1(tmp_path, good, name, capsys):
    site, q, filters = damaged(tmp_path, good, name)
    args = ["search", "--site", str(site), q] + [f"--{k}={v}" for k, vs in filters.items() for v in vs]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("ERROR: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("name", sorted(CASES))
def test_browser_engine_throws_index_format_error(tmp_path, good, name):
    if shutil.which("node") is None:
        pytest.fail("node is needed for the browser engine tests")
    site, q, filters = damaged(tmp_path, good, name)
    out = subprocess.run(
        ["node", str(HERE / "damaged_index.mjs"), str(site / INDEX_DIR), json.dumps({"q": q, "filters": filters})],
        capture_output=True,
        text=True,
        timeout=30,
    )
    res = json.loads(out.stdout)
    assert res.get("error") == "IndexFormatError", res
