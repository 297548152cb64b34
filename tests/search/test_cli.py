"""`kb search`: readable and JSON output over a built site, errors for people."""

from __future__ import annotations

import json
import re

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


def test_titles_reach_the_terminal_without_control_characters(tmp_path, capsys):
    """A title comes from an article (or a tampered index): terminal escapes (ESC, C1 CSI,
    BEL), bidi overrides and line breaks in it are printed as spaces, never as themselves."""
    from .conftest import doc, make_site

    title = "Outlook\x1b[2J\x1b]0;owned\x07 crashes\x9b31m \u202eevil\u202c\r\n  2. Fake result\u2028end"
    site = make_site(tmp_path, [doc("hostile-title", title, "Outlook crashes when it starts.")])
    control = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2028\u2029]")
    assert main(["search", "--site", str(site), "outlook"]) == 0
    out = capsys.readouterr().out
    assert not control.search(out)
    lines = out.splitlines()
    assert len(lines) == 3  # the title's line breaks forged no second result
    assert lines[1] == "  1. Outlook [2J ]0;owned  crashes 31m  evil     2. Fake result end  [solution]"
    assert main(["search", "--site", str(site), "--json", "outlook"]) == 0
    out = capsys.readouterr().out
    assert not control.search(out)
    assert json.loads(out)[0]["title"] == title  # still the same data, escaped as JSON
