"""Payloads: verify (0 agrees / 1 differences / 2 cannot be checked), export, and bad payloads.

Every fixture under fixtures/bad-payload/ turns a valid payload (built from the policy's
first golden example) into a broken one: `raw` / `raw_repeat` replace the whole file,
`set` / `delete` change JSON paths (`{repeat: [s, n]}` = s*n, `{repeat_list: [s, n]}` = [s]*n).
`kb intake verify` must exit with `exit` and print exactly `stderr`; never a traceback.
KB_RECORD=1 rewrites `exit`/`stderr` from the current output (then review the diff).
"""

from __future__ import annotations

import copy
import datetime as dt
import email
import json
import os
from pathlib import Path

import pytest
import yaml

import intake
from intake import payload as P
from kbtools.cli import main

FIXTURES = sorted((Path(__file__).parent / "fixtures" / "bad-payload").glob("*.yml"))


@pytest.fixture(scope="module")
def policy() -> dict:
    return intake.compiled_policy()


@pytest.fixture()
def good(policy) -> dict:
    ex = policy["examples"][0]
    return P.build(policy, {k: v for k, v in ex["answers"].items() if v is not None}, ex["at"])


def _value(v):
    if isinstance(v, dict) and "repeat" in v:
        return v["repeat"][0] * v["repeat"][1]
    if isinstance(v, dict) and "repeat_list" in v:
        return [v["repeat_list"][0]] * v["repeat_list"][1]
    return v


def _walk(doc: dict, path: str):
    parts = path.removeprefix("$.").split(".")
    for p in parts[:-1]:
        doc = doc[p]
    return doc, parts[-1]


def materialise(fixture: dict, good: dict) -> bytes:
    if "raw" in fixture:
        return fixture["raw"].encode()
    if "raw_repeat" in fixture:
        return (fixture["raw_repeat"][0] * fixture["raw_repeat"][1]).encode()
    doc = copy.deepcopy(good)
    for path, v in (fixture.get("set") or {}).items():
        parent, key = _walk(doc, path)
        parent[key] = _value(v)
    for path in fixture.get("delete") or []:
        parent, key = _walk(doc, path)
        del parent[key]
    return json.dumps(doc).encode()


def verify_cli(data: bytes, tmp_path: Path, capsys) -> tuple[int, str, str]:
    f = tmp_path / "payload.json"
    f.write_bytes(data)
    code = main(["intake", "verify", str(f)])
    out = capsys.readouterr()
    return code, out.out.replace(str(f), "{file}"), out.err.replace(str(f), "{file}")


def test_there_are_at_least_15_bad_payload_fixtures():
    assert len(FIXTURES) >= 15


@pytest.mark.parametrize("fixture_path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_bad_payload(fixture_path: Path, good, tmp_path, capsys):
    fixture = yaml.safe_load(fixture_path.read_text(encoding="utf-8"))
    code, out, err = verify_cli(materialise(fixture, good), tmp_path, capsys)
    if os.environ.get("KB_RECORD"):
        fixture["exit"], fixture["stderr"] = code, err
        head = "".join(line for line in fixture_path.read_text().splitlines(True) if line.startswith("#"))
        keep = {k: fixture[k] for k in ("raw", "raw_repeat", "set", "delete", "exit", "stderr") if k in fixture}
        fixture_path.write_text(head + yaml.safe_dump(keep, sort_keys=False, allow_unicode=True, width=200))
        pytest.skip("recorded")
    assert "Traceback" not in err
    assert (code, err) == (fixture["exit"], fixture["stderr"])
    assert code == 2 and out == ""


def test_valid_payload_verifies(good, tmp_path, capsys):
    code, out, err = verify_cli(json.dumps(good).encode(), tmp_path, capsys)
    assert (code, out, err) == (0, f"{{file}}: payload agrees with policy {good['policy']['version']}\n", "")


def test_priority_raised_by_hand_is_caught(policy, tmp_path, capsys):
    ex = policy["examples"][1]  # P2
    payload = P.build(policy, {k: v for k, v in ex["answers"].items() if v is not None}, ex["at"])
    assert payload["classification"]["priority"] == "P2"
    payload["classification"]["priority"] = "P1"
    payload["classification"]["priority_label"] = "Critical"
    code, out, err = verify_cli(json.dumps(payload).encode(), tmp_path, capsys)
    assert code == 1
    assert err == (
        "ERROR: 2 field(s) differ from the policy:\n"
        'classification.priority: payload has "P1", the policy gives "P2"\n'
        'classification.priority_label: payload has "Critical", the policy gives "High"\n'
    )


def test_respond_by_moved_and_answers_contradicting_payload_fields(good, policy):
    good["classification"]["respond_by"] = "2026-03-10T10:15:00-07:00"
    good["requester"]["role"] = "reseller"
    good["support_contract"]["active"] = False
    diffs = [str(d) for d in intake.verify(good, policy)]
    assert diffs == [
        'classification.respond_by: payload has "2026-03-10T10:15:00-07:00", the policy gives "2026-03-10T11:15:00-07:00"',  # noqa: E501
        'requester.role: payload has "reseller", the policy gives "customer"',
        "support_contract.active: payload has false, the policy gives true",
    ]


def test_answers_changed_after_classification(good, policy):
    good["answers"]["environment"] = "non_production"
    del good["answers"]["users_affected"]
    fields = [d.field for d in intake.verify(good, policy)]
    assert fields[:4] == [
        "classification.priority",
        "classification.priority_label",
        "classification.response_hours",
        "classification.respond_by",
    ]


def test_payload_from_another_policy_build(good, policy):
    good["policy"]["sha256"] = "0" * 64
    good["policy"]["version"] = "2025.1"
    assert [d.field for d in intake.verify(good, policy)] == ["policy.version", "policy.sha256"]


def test_escalation_payload(policy):
    ex = policy["examples"][0]
    answers = {k: v for k, v in ex["answers"].items() if v is not None}
    esc = P.build(policy, answers, ex["at"], kind="escalation")
    assert intake.verify(esc, policy) == []
    esc["escalation"]["reason"] = "angry"
    assert [str(d) for d in intake.verify(esc, policy)] == [
        'escalation.reason: payload has "angry", the policy gives ["raise_priority", "inadequate_response_time"]'
    ]


# ----- export ----------------------------------------------------------------------------
def test_zendesk_export(policy):
    for ex, prio, kind in ((policy["examples"][0], "urgent", "problem"), (policy["examples"][2], "low", "question")):
        payload = P.build(policy, {k: v for k, v in ex["answers"].items() if v is not None}, ex["at"])
        t = json.loads(intake.export(payload, "zendesk", policy))["ticket"]
        assert (t["priority"], t["type"]) == (prio, kind)
        fields = {f["id"]: f["value"] for f in t["custom_fields"]}
        assert fields[policy["exports"]["zendesk_fields"]["respond_by"]] == payload["classification"]["respond_by"]
        assert payload["classification"]["priority"].lower() in t["tags"]
        assert t["external_id"] == payload["id"]


def test_jira_export(good, policy):
    body = json.loads(intake.export(good, "jira", policy))
    assert body["requestFieldValues"]["priority"] == {"name": "Highest"}
    assert (
        body["requestFieldValues"][policy["exports"]["jira"]["respond_by_field"]]
        == good["classification"]["respond_by"]
    )
    assert body["raiseOnBehalfOf"] == good["requester"]["email"]


def test_email_export_attaches_the_payload_and_goes_to_the_partner(policy):
    ex = policy["examples"][3]  # routed to a reseller
    payload = P.build(policy, {k: v for k, v in ex["answers"].items() if v is not None}, ex["at"])
    msg = email.message_from_string(intake.export(payload, "email", policy))
    partner = next(p for p in policy["partners"]["directory"] if p["id"] == payload["classification"]["route"])
    assert msg["To"] == partner["email"]
    assert msg["Subject"] == "[P1 Critical] Batch export fails"
    assert msg["Date"] == "Mon, 01 Jun 2026 12:00:00 -0700"
    parts = [p for p in msg.walk() if p.get_content_type() == "application/json"]
    assert json.loads(parts[0].get_payload(decode=True)) == payload


def test_export_cli_refuses_an_invalid_payload(good, tmp_path, capsys):
    good["kind"] = "urgent"
    f = tmp_path / "p.json"
    f.write_text(json.dumps(good))
    assert main(["intake", "export", "--to", "zendesk", str(f)]) == 2
    assert capsys.readouterr().err == "ERROR: invalid payload:\n$.kind: 'urgent' is not one of ['new', 'escalation']\n"


# ----- classify CLI ------------------------------------------------------------------------
def test_classify_cli(policy, tmp_path, capsys):
    ex = policy["examples"][1]
    f = tmp_path / "answers.json"
    f.write_text(json.dumps({k: v for k, v in ex["answers"].items() if v is not None}))
    assert main(["intake", "classify", str(f), "--at", ex["at"]]) == 0
    got = json.loads(capsys.readouterr().out)
    assert {k: got[k] for k in ex["expect"]} == ex["expect"]


def test_classify_cli_bad_answers(tmp_path, capsys):
    f = tmp_path / "answers.json"
    f.write_text(json.dumps({"requester_role": "ceo", "impakt": "question"}))
    assert main(["intake", "classify", str(f), "--at", "2026-03-10T09:15:00-07:00"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        "ERROR: invalid answers:\n$.answers.impakt: unknown question 'impakt' (did you mean 'impact'?)\n"
        "$.answers.requester_role: 'ceo' is not an option of 'requester_role' (options: customer, distributor, reseller)\n"  # noqa: E501
    )
    assert "$.answers.product: question 'product' is not answered" in err


def test_classify_cli_time_without_offset(tmp_path, capsys):
    f = tmp_path / "answers.json"
    f.write_text("{}")
    assert main(["intake", "classify", str(f), "--at", "2026-03-10 09:15"]) == 1
    assert capsys.readouterr().err == (
        "ERROR: time '2026-03-10 09:15' is not ISO 8601 with an offset (e.g. 2026-03-10T09:15:00-07:00)\n"
    )


def test_classify_outside_the_compiled_calendar(policy):
    ex = policy["examples"][0]
    answers = {k: v for k, v in ex["answers"].items() if v is not None}
    end = dt.date.fromisoformat(policy["calendar"]["range"]["end"][:10])
    with pytest.raises(intake.errors.CalendarRangeError, match="outside the compiled support calendar"):
        intake.classify(answers, f"{end.year + 1}-03-10T09:15:00-07:00", policy)
