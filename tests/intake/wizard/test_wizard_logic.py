"""The wizard's pure modules (flow.js, draft.js, payload.js, text.js, reference.js) under node:
conditions, messages, the fields a screen shows, the path through the screens, the draft's
checksum, upgrade and migration, where answers go in the payload, text cut between
characters, and the phone-readable reference against Python's golden vectors."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from intake.reference import reference_for
from testkit.project import REPO

ASSETS = REPO / "intake" / "wizard" / "theme" / "assets" / "intake" / "wizard"


@pytest.fixture(scope="module")
def out(tmp_path_factory, golden_references) -> dict:
    node = shutil.which("node")
    if not node:
        pytest.fail("node is not installed: the wizard's logic runs under the machine's Node.js")
    vectors = tmp_path_factory.mktemp("vectors") / "golden.json"
    vectors.write_text(json.dumps(golden_references), encoding="utf-8")
    res = subprocess.run(
        [node, str(Path(__file__).with_name("logic_cases.mjs")), str(ASSETS), str(vectors)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


V2_KEYS = {"schema_version", "id", "created_at", "kind", "policy", "escalation", "requester"}


def test_conditions(out):
    assert out["conditions"] == {
        "is": True,
        "is_bool_vs_string": True,
        "not_unanswered": False,
        # An outcome the engine cannot give yet matches nothing, `not` included.
        "outcome_unknown_is": False,
        "outcome_unknown_not": False,
        "outcome_known_not": True,
        "all_any_not": True,
        "in_list": True,
        "prototype_key": False,
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
    assert e["reference_ok"] == e["reference_uuid_ok"] == ""
    assert e["reference_bad"].startswith("Enter the reference")


def test_none_of_these_is_exclusive_by_an_error_not_a_silent_choice(out):
    e = out["errors"]
    assert e["none_and_other"] == "Select “None” or the statements that apply, not both"
    assert e["none_alone"] == ""
    assert e["nothing_ticked"] == "Select the statements that apply, or select “None”"
    assert e["stale_tick_ignored"] == ""  # a tick of a statement no longer shown does not count
    # A list with no "None" box (the confirmations): none ticked is an answer, not visiting is not.
    assert e["optional_none_ticked"] == "" and e["not_visited"] != ""


def test_screens_show_what_the_answers_call_for(out):
    w = out["walk"]
    assert w["q2_revealed"] == ["kind", "q1", "q2"]
    assert w["q2_hidden"] == ["kind", "q1"]
    assert w["fresh"] == {"path": [], "stop": "one", "live": {}}
    assert w["esc"] == {
        "path": ["one"],
        "stop": "check",
        "live": {"kind": "esc", "ref": "R", "q1": "b"},
    }
    # An answer to a question no longer asked stays in the draft but is not live.
    assert "q2" not in w["stale_hidden_answer_not_live"]["live"]
    assert w["prototype_step"] is True


def test_single_answer_questions_are_answered_and_their_screen_skipped(out):
    w = out["walk"]["ticked_none"]
    assert "auto" not in w["path"] and w["live"]["only"] == "one"


def test_ticks_give_one_answer_per_question(out):
    w = out["walk"]
    # "None": every statement gets its unticked answer; a ticked one its `ticked` answer.
    assert (w["ticked_none"]["live"]["s1"], w["ticked_none"]["live"]["s2"]) == ("no", "yes")
    assert (w["ticked_s2"]["live"]["s1"], w["ticked_s2"]["live"]["s2"]) == ("no", "no")
    assert w["both"]["stop"] == "scope"  # "None" and a statement both ticked: not complete


def test_progress_counts_the_screens_the_answers_lead_to(out):
    assert out["walk"]["plan_fresh"] == ["one", "scope", "check"]
    assert out["walk"]["plan_esc"] == ["one", "check"]


def test_draft_checksum_and_reasons(out):
    d = out["draft"]
    assert d["roundtrip"] == {"a": "1"}
    assert d["edited"] == {"discarded": "it was changed outside this page"}
    assert d["corrupt"] == {"discarded": "it could not be read"}
    assert d["foreign"] == {"discarded": "it is not a saved request"}
    assert d["missing"] is None and d["uuid_ok"] is True


def test_migration_keeps_what_still_fits(out):
    m = out["migrate"]
    assert m["again"] == ["q1"]
    assert m["state"]["answers"] == {"t": "ok"} and m["state"]["seen"] == ["auto"]


def test_version_1_answers_become_ticks(out):
    u = out["upgrade"]
    assert u["all_answered"] == {
        "again": [],
        "answers": {"esc_reference": "abc", "scope": ["s2", "auth"]},
    }
    assert u["none_ticked"] == {"again": [], "answers": {"scope": ["__none__"]}}
    assert u["partly"] == {"again": ["Scope"], "answers": {}}  # the screen is named to answer again


def test_payload_v1_places_answers_by_the_policys_payload_fields(out):
    v1 = out["payload"]["v1"]
    assert v1["schema"] == 1
    assert v1["answers"] == {"q1": "a", "q2": "x", "only": "one", "s1": "no", "s2": "yes"}
    assert v1["requester"] == {"role": "a", "purchase_channel": None, "partner": None}
    assert v1["support_contract"] == {
        "active": False,
        "id": None,
    }  # a true/false field is true for "yes"
    assert v1["attestations"] == {
        "information_accurate": True,
        "authorised": True,
    }  # a ticked box with `payload`
    assert v1["helped"] is False
    assert out["payload"]["query"] == {"chars": 200, "well_formed": True}


def test_payload_v2_escalation_carries_reference_reason_and_contact_only(out):
    v2 = out["payload"]["v2"]
    assert set(v2) == V2_KEYS
    assert v2["schema_version"] == 2 and v2["kind"] == "escalation"
    # Several lines keep their breaks (normalised); one line never holds one.
    assert v2["escalation"] == {"reference": "7K3M-Q9XA", "justification": "line 1\nline 2\nthree"}
    assert v2["requester"] == {"name": "Ana Example"}


def test_text_is_cut_between_characters_and_one_line_fields_hold_one_line(out):
    t = out["text"]
    assert t["cut_emoji"] == "ab" and t["cut_keeps_cluster"] == "ab👩‍💻c" and t["cut_mark"] == "abc…"
    assert t["one_line"] == "a b c d ef g"
    assert t["lines"] == "a\nb\nc"
    assert t["lone_surrogate"] == "x\ufffdy" and t["own_proto"] is True


def test_reference_matches_python_golden_vectors_under_node(out, golden_references):
    assert out["reference"] == golden_references
    assert out["reference"] == {pid: reference_for(pid) for pid in golden_references}
    # The fallback SHA-256 (pages without crypto.subtle) agrees with hashlib.
    assert out["reference_fallback"] == {pid: hashlib.sha256(pid.encode()).hexdigest() for pid in golden_references}
    assert out["normalize"] == {
        "spaced": "42HN-PBVT",
        "letters": "40HN-PBVT",
        "u": None,
        "short": None,
    }


def test_mail_body_is_short_and_readable(out):
    assert out["mail"]["long"] < 2000
    assert out["mail"]["short"].startswith("Support request 7K3M-Q9XA\n\nSummary: a b\n")
