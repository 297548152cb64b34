"""`kb search`: readable and JSON output over a built site, errors for people."""

from __future__ import annotations

import json

from kbtools.cli import main
from kbtools.search import search


def test_json_lists_id_title_url_score_best_first(shipped_site, capsys):
    assert main(["search", "--site", str(shipped_site), "--json", "install", "psicapture"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and hits[0]["id"] == "install-psicapture"
    assert all(set(h) == {"id", "title", "url", "score"} for h in hits)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert hits == search(shipped_site, "install psicapture")


def test_limit_and_readable_output(shipped_site, capsys):
    assert main(["search", "--site", str(shipped_site), "--limit", "1", "scanner"]) == 0
    out = capsys.readouterr().out
    assert out.count("  1. ") == 1 and "  2. " not in out
    assert "scanner" in out.lower()


def test_no_results_suggests_a_request(shipped_site, capsys):
    assert main(["search", "--site", str(shipped_site), "zzqxv"]) == 0
    assert "No results for 'zzqxv'" in capsys.readouterr().out


def test_missing_site_is_an_error_for_people(tmp_path, capsys):
    assert main(["search", "--site", str(tmp_path / "nope"), "x"]) == 1
    assert capsys.readouterr().err.startswith(f"ERROR: {tmp_path / 'nope'}: no built site here")


def test_site_without_index_is_an_error_for_people(tmp_path, capsys):
    assert main(["search", "--site", str(tmp_path), "x"]) == 1
    assert "no search index here; build the site first" in capsys.readouterr().err
