"""bench/coldstart.py: the page variants differ only in their search script, round trips are
counted along the chain of requests, and each visit is paired with the bare page's."""

from __future__ import annotations

import sys

import pytest

from testkit.project import REPO

sys.path.insert(0, str(REPO / "bench"))
import coldstart  # noqa: E402

PAGE = """<html><head><link rel="stylesheet" href="../assets/stylesheets/main.css">
<link rel="stylesheet" href="../assets/search/search.css">
<script type="module" async src="../assets/search/search.js"></script></head>
<body><div data-kb-search-page data-index="../assets/search/index/"><ol data-kb-results></ol></div>
<script src="../assets/javascripts/bundle.js"></script></body></html>"""


def test_variants_keep_the_page_and_swap_only_the_search_script(tmp_path):
    (tmp_path / "search").mkdir()
    (tmp_path / "search" / "index.html").write_text(PAGE)
    coldstart.write_variants(tmp_path)
    bare = (tmp_path / "coldstart-none" / "index.html").read_text()
    pagefind = (tmp_path / "coldstart-pagefind" / "index.html").read_text()
    assert bare == PAGE.replace('<script type="module" async src="../assets/search/search.js"></script>', "")
    assert "search.css" in bare and "bundle.js" in bare  # the theme's look and scripts stay
    assert pagefind == bare.replace("</head>", coldstart.PAGEFIND_HEAD + "</head>")
    assert 'import * as pagefind from "../pagefind/pagefind.js"' in pagefind


def test_a_search_asset_that_cannot_be_stripped_stops_the_benchmark(tmp_path):
    (tmp_path / "search").mkdir()
    # A script tag the stripper does not recognise (not closed right after it opens).
    (tmp_path / "search" / "index.html").write_text(PAGE + '<script src="../assets/search/x.js" data-x></script >')
    with pytest.raises(SystemExit, match="could not strip our search assets"):
        coldstart.write_variants(tmp_path)


def req(i: str, path: str, sent: float, done: float) -> dict:
    return {"id": i, "url": "http://h" + path, "sent": sent, "done": done, "bytes": 1}


def test_round_trips_follow_requests_issued_after_another_search_request_arrived():
    reqs = [
        req("html", "/search/", 0, 50),
        req("css", "/assets/main.css", 60, 300),
        req("js", "/assets/search/search.js", 60, 200),
        req("b1", "/assets/search/index/b/1.bin", 210, 260),
        req("b2", "/assets/search/index/b/2.bin", 211, 280),
        req("m1", "/assets/search/index/m/1.json", 290, 330),
        req("m2", "/assets/search/index/m/2.json", 290, 340),
    ]
    assert coldstart.round_trips(reqs) == (
        3,
        ["/assets/search/search.js", "/assets/search/index/b/2.bin", "/assets/search/index/m/1.json"],
    )
    # A request queued behind others but issued at once is not a round trip further.
    assert coldstart.round_trips(reqs[:3] + [req("b3", "/assets/search/index/b/3.bin", 100, 400)])[0] == 1
    assert coldstart.round_trips([reqs[0], reqs[1]]) == (0, [])


def test_each_visit_is_paired_with_the_bare_page_of_its_query_and_round():
    V = coldstart.Visit
    visits = [
        V("kb", "none", "a", 0, ms=100),
        V("kb", "ours", "a", 0, ms=150),
        V("kb", "pagefind", "a", 0, ms=400),
        V("kb", "none", "b", 0, ms=300),
        V("kb", "ours", "b", 0, ms=320),
        V("kb", "pagefind", "b", 0, ms=700),
        V("kb", "pagefind", "c", 0, error="timeout"),
    ]
    s = coldstart.summarize(visits)
    assert s["ours"]["search_ms"] == 35  # median of 50 and 20
    assert s["pagefind"]["search_ms"] == 350  # median of 300 and 400
    assert s["pagefind"]["failed"] == 1 and s["pagefind"]["visits"] == 2
    assert "search_ms" not in s["none"]
