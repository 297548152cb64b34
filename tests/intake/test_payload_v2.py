"""Payload schema version 2: an escalation that carries only the original request's reference,
the reason, a justification and the contact. `verify` and `export` take both versions."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import jsonschema
import pytest

import intake
from intake import payload as P
from intake.reference import reference_for
from kbtools.cli import main

AT = "2026-03-10T09:15:00-07:00"
REFERENCE = reference_for("3f2c9a1e-7b4d-4c8e-9a51-2d6f0b7c1e44")


@pytest.fixture(scope="module")
def policy() -> dict:
    return intake.compiled_policy()


@pytest.fixture()
def esc(policy) -> dict:
    return P.build_escalation(
        policy,
        AT,
        REFERENCE,
        reason="inadequate_response_time",
        justification="No answer after two days.\nThe line is down.",
    )


def run(args: list[str], payload: dict, tmp_path: Path, capsys) -> tuple[int, str, str]:
    f = tmp_path / "escalation.json"
    f.write_text(json.dumps(payload))
    code = main([*args, str(f)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out.replace(str(f), "{file}"), out.err


def test_shape_is_the_one_the_wizard_and_desk_build_against(esc):
    assert list(esc) == [
        "schema_version",
        "id",
        "created_at",
        "policy",
        "kind",
        "escalation",
        "requester",
    ]
    assert set(esc["escalation"]) == {"reference", "reason", "justification"}
    assert set(esc["requester"]) == {"name", "email", "organisation"}
    schema = P.schema(2)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(esc)
    assert P.schema(1)["$defs"]["line"] == schema["$defs"]["line"]  # one definition of text, twice written
    for name in ("id", "request_id", "text", "email", "instant", "policy"):
        assert P.schema(1)["$defs"][name] == schema["$defs"][name], name


def test_verify_accepts_version_2(esc, policy, tmp_path, capsys):
    assert intake.verify(esc, policy) == []
    assert run(["intake", "verify"], esc, tmp_path, capsys) == (
        0,
        f"{{file}}: payload agrees with policy {policy['policy_version']}\n",
        "",
    )


def test_version_1_is_still_read(policy, tmp_path, capsys):
    ex = policy["examples"][0]
    v1 = P.build(
        policy,
        {k: v for k, v in ex["answers"].items() if v is not None},
        ex["at"],
        kind="escalation",
    )
    assert run(["intake", "verify"], v1, tmp_path, capsys)[0] == 0
    assert run(["intake", "export", "--to", "zendesk"], v1, tmp_path, capsys)[0] == 0


def test_reason_must_be_one_the_policy_defines(esc, policy, tmp_path, capsys):
    esc["escalation"]["reason"] = "angry"
    assert run(["intake", "verify"], esc, tmp_path, capsys) == (
        1,
        "",
        (
            "ERROR: 1 field(s) differ from the policy:\n"
            'escalation.reason: payload has "angry", the policy gives '
            '["raise_priority", "inadequate_response_time"]\n'
        ),
    )


def test_policy_of_another_build_differs(esc, policy):
    esc["policy"] = {"version": "2025.1", "sha256": "0" * 64}
    assert [d.field for d in intake.verify(esc, policy)] == ["policy.version", "policy.sha256"]


@pytest.mark.parametrize("reference", [REFERENCE, "3f2c9a1e-7b4d-4c8e-9a51-2d6f0b7c1e44"])
def test_reference_is_the_short_reference_or_a_request_id(esc, policy, reference):
    esc["escalation"]["reference"] = reference
    assert intake.verify(esc, policy) == []


@pytest.mark.parametrize(
    "change, message",
    [
        (
            {"escalation.reference": "7K3M Q9XA"},
            '$.escalation.reference: "7K3M Q9XA" has the wrong format',
        ),
        ({"escalation.reference": REFERENCE + "\n"}, "$.escalation.reference: "),
        ({"escalation.justification": ""}, "$.escalation.justification: must not be empty"),
        ({"requester.name": "Ada\u2028Example"}, "$.requester.name: "),
        ({"kind": "new"}, '$.kind: must be "escalation", got "new"'),
        (
            {"created_at": "2026-02-30T10:00:00-08:00"},
            "$.created_at: time '2026-02-30T10:00:00-08:00' is not a valid date and time",
        ),
        (
            {"created_at": "2026-03-10T10:00:00+99:00"},
            "$.created_at: time '2026-03-10T10:00:00+99:00' is not a valid date and time",
        ),
        ({"answers": {}}, "$: unexpected field(s): answers"),
    ],
)
def test_bad_version_2_payloads(esc, change, message, tmp_path, capsys):
    for path, value in change.items():
        doc = esc
        *parents, key = path.split(".")
        for p in parents:
            doc = doc[p]
        doc[key] = value
    code, out, err = run(["intake", "verify"], esc, tmp_path, capsys)
    assert (code, out) == (2, "") and message in err
    assert run(["intake", "export", "--to", "email"], esc, tmp_path, capsys)[:2] == (2, "")


def test_export_version_2(esc, policy, tmp_path, capsys):
    code, out, _ = run(["intake", "export", "--to", "zendesk"], esc, tmp_path, capsys)
    ticket = json.loads(out)["ticket"]
    assert code == 0 and "priority" not in ticket  # an escalation carries no classification
    assert ticket["subject"] == f"Escalation of request {REFERENCE}: The response time is inadequate"
    assert ticket["tags"] == ["kb-intake", "escalation", "reason-inadequate_response_time"]
    assert ticket["comment"]["body"].startswith(
        f"ESCALATION of request {REFERENCE}: The response time is "
        "inadequate.\n\nNo answer after two days.\nThe line is down."
    )
    assert ticket["external_id"] == esc["id"]
    code, out, _ = run(["intake", "export", "--to", "jira"], esc, tmp_path, capsys)
    fields = json.loads(out)["requestFieldValues"]
    assert "priority" not in fields and fields["summary"] == ticket["subject"]
    code, out, _ = run(["intake", "export", "--to", "email"], esc, tmp_path, capsys)
    msg = email.message_from_string(out, policy=email.policy.default)
    assert msg["To"] == policy["exports"]["email_to"] and msg["X-KB-Intake-Escalates"] == REFERENCE
    assert msg["Date"] == "Tue, 10 Mar 2026 09:15:00 -0700"
    attached = next(p for p in msg.walk() if p.get_content_type() == "application/json")
    assert json.loads(attached.get_content()) == esc
