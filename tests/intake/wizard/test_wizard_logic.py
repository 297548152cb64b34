"""The wizard's pure modules (flow.js, draft.js, payload.js) under node: conditions, messages,
the path through the steps, the draft's checksum and migration, where answers go in the payload."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from testkit.project import REPO

ASSETS = REPO / "intake" / "wizard" / "theme" / "assets" / "intake" / "wizard"


@pytest.fixture(scope="module")
def out() -> dict:
    node = shutil.which("node")
    if not node:
        pytest.fail("node is not installed: the wizard's logic runs under the machine's Node.js")
    res = subprocess.run([node, str(Path(__file__).with_name("logic_cases.mjs")), str(ASSETS)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def test_conditions(out):
    assert out["conditions"] == {
        "is": True, "is_bool_vs_string": True, "not_unanswered": False,
        # An outcome the engine cannot give yet matches nothing, `not` included.
        "outcome_unknown_is": False, "outcome_unknown_not": False, "outcome_known_not": True,
        "all_any_not": True, "in_list": True,
    }


def test_error_messages(out):
    e = out["errors"]
    assert e["empty"] == "Enter an answer to “Name”"
    assert e["optional_empty"] == ""
    assert e["too_long_emoji"] == "“Name” must be 5 characters or fewer (it has 6)"  # code points, not UTF-16 units
    assert e["five_emoji_ok"] == ""
    assert e["email_bad"].startswith("Enter an email address in the correct format")
    assert e["email_ok"] == ""
    assert e["radio_stale"] == "Select an answer to “R”"
    assert e["none_and_other"] == "Select “None” or the options that apply, not both"
    assert e["none_alone"] == ""


def test_walk(out):
    w = out["walk"]
    assert w["fresh"] == {"path": [], "stop": "a"}
    assert w["info_pending"] == {"path": ["a"], "stop": "b"}
    assert w["info_done"] == {"path": ["a", "b"], "stop": "c"}
    assert w["branch"] == {"path": ["a"], "stop": "c"}


def test_draft_checksum_and_reasons(out):
    d = out["draft"]
    assert d["roundtrip"] == {"a": "1"}
    assert d["edited"] == {"discarded": "it was changed outside this page"}
    assert d["corrupt"] == {"discarded": "it could not be read"}
    assert d["foreign"] == {"discarded": "it is not a saved request"}
    assert d["missing"] is None and d["uuid_ok"] is True


def test_migration_keeps_what_still_fits(out):
    m = out["migrate"]
    assert m["again"] == ["A"]
    assert m["state"]["answers"] == {"t": "ok"} and m["state"]["seen"] == ["b"]


def test_policy_answers_placed_by_the_compiled_policys_payload_fields(out):
    """The wizard names no policy question: payload_fields place the answers (true/false fields
    are true for "yes", as `kb intake verify` reads them); unanswered ones stay null."""
    assert out["payload"]["yes"] == {
        "requester": {"role": "customer", "purchase_channel": None, "partner": None},
        "product": {"id": "x", "version": None, "deployment": None},
        "support_contract": {"active": True, "id": None},
        "attestations": {"information_accurate": True},
    }
    assert out["payload"]["no"]["requester"]["partner"] == "acme"
    assert out["payload"]["no"]["support_contract"]["active"] is False
