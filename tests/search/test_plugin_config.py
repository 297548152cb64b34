"""The kb-search plugin's options: validated at load, every problem reported."""

from __future__ import annotations

import pytest
from mkdocs.exceptions import PluginError

from kbtools.search.plugin import _ranking


def test_weights_and_knobs_are_applied():
    r = _ranking({"title": 7, "body": 0.5}, {"coord": 2, "prefix_max": 3})
    assert r.weights["title"] == 7.0 and r.weights["body"] == 0.5 and r.weights["headings"] == 2.0
    assert r.coord == 2.0 and r.prefix_max == 3


def test_every_problem_is_reported_with_a_suggestion():
    with pytest.raises(PluginError) as exc:
        _ranking({"titel": 3, "body": -1, "tags": "x"}, {"cord": 1, "prefix_max": 2.5})
    msg = str(exc.value)
    assert "weights.titel: unknown field (did you mean 'title'?)" in msg
    assert "weights.body: expected a number >= 0, got -1" in msg
    assert "weights.tags: expected a number >= 0, got 'x'" in msg
    assert "ranking.cord: unknown option (did you mean 'coord'?)" in msg
    assert "ranking.prefix_max: expected an integer >= 0, got 2.5" in msg


def test_shares_above_one_are_refused():
    with pytest.raises(PluginError) as exc:
        _ranking({}, {"max_unknown": 1.5, "min_cover": 2, "assoc": 3})
    msg = str(exc.value)
    assert "ranking.max_unknown: expected a share between 0 and 1, got 1.5" in msg
    assert "ranking.min_cover: expected a share between 0 and 1, got 2" in msg
    assert "assoc" not in msg  # a weight, not a share


def test_all_weights_zero_is_refused():
    with pytest.raises(PluginError, match="at least one field"):
        _ranking({f: 0 for f in ("title", "headings", "tags", "description", "body")}, {})


def test_an_indexing_failure_fails_the_build_with_a_message(tmp_path):
    from kbtools.search.plugin import KbSearchPlugin

    from .conftest import SMALL_KB

    blocker = tmp_path / "site"
    blocker.write_text("a file where the site folder should be")
    plugin = KbSearchPlugin()
    plugin.load_config({})
    plugin.docs = SMALL_KB
    plugin.worker, plugin.job = None, (SMALL_KB, str(blocker), plugin.ranking, {}, {})
    with pytest.raises(PluginError, match="kb-search: could not build the search index: .*Error"):
        plugin.on_post_build(config=None)
