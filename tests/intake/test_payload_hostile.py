"""Issue 14's payload and export findings, one test each: a payload that `verify` accepts must
export, and one that it refuses must not be exported (nor crash anything).

Before: a hand-raised priority exported as Zendesk "urgent"; a trailing newline, U+2028, NEL
or half an emoji in a one-line field passed the schema and crashed the email export; a
5,000-digit number crashed `verify`; a requester's name could add addresses to From.
"""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

import intake
from intake import payload as P
from kbtools.cli import main


@pytest.fixture(scope="module")
def policy() -> dict:
    return intake.compiled_policy()


def _answers(policy: dict, n: int) -> tuple[dict, str]:
    ex = policy["examples"][n]
    return {k: v for k, v in ex["answers"].items() if v is not None}, ex["at"]


@pytest.fixture()
def good(policy) -> dict:
    return P.build(policy, *_answers(policy, 0))


def run(args: list[str], payload: dict | str, tmp_path: Path, capsys) -> tuple[int, str, str]:
    f = tmp_path / "payload.json"
    f.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    code = main([*args, str(f)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err.replace(str(f), "{file}")


def refused_everywhere(payload: dict | str, tmp_path: Path, capsys) -> str:
    """`verify` and every export refuse it (exit 2, nothing on stdout); returns stderr."""
    code, out, err = run(["intake", "verify"], payload, tmp_path, capsys)
    assert (code, out) == (2, "") and err.startswith("ERROR: invalid payload:\n")
    for target in ("zendesk", "jira", "email"):
        for force in ([], ["--force"]):
            assert run(["intake", "export", "--to", target, *force], payload, tmp_path, capsys) == (
                2,
                "",
                err,
            )
    return err


def test_hand_raised_priority_is_not_exported_as_urgent(policy, tmp_path, capsys):
    payload = P.build(policy, *_answers(policy, 1))  # P2
    payload["classification"].update(priority="P1", priority_label="Critical")
    code, out, err = run(["intake", "export", "--to", "zendesk"], payload, tmp_path, capsys)
    assert (code, out) == (1, "")
    assert err == (
        "ERROR: 2 field(s) differ from the policy:\n"
        'classification.priority: payload has "P1", the policy gives "P2"\n'
        'classification.priority_label: payload has "Critical", the policy gives "High"\n'
        "Not exported: check the payload, or export it marked as unverified with --force.\n"
    )
    # --force exports it, marked as unverified in every format, with the differences
    code, out, _ = run(["intake", "export", "--to", "zendesk", "--force"], payload, tmp_path, capsys)
    ticket = json.loads(out)["ticket"]
    assert code == 0 and ticket["subject"].startswith("[UNVERIFIED] ")
    assert "kb-intake-unverified" in ticket["tags"]
    assert ticket["comment"]["body"].startswith("UNVERIFIED: this request does not agree with policy")
    assert 'classification.priority: payload has "P1", the policy gives "P2"' in ticket["comment"]["body"]
    code, out, _ = run(["intake", "export", "--to", "jira", "--force"], payload, tmp_path, capsys)
    fields = json.loads(out)["requestFieldValues"]
    assert fields["summary"].startswith("[UNVERIFIED] ") and "kb-intake-unverified" in fields["labels"]
    assert fields["description"].startswith("UNVERIFIED:")
    code, out, _ = run(["intake", "export", "--to", "email", "--force"], payload, tmp_path, capsys)
    msg = email.message_from_string(out, policy=email.policy.default)
    assert msg["X-KB-Intake-Verified"] == "no" and msg["Subject"].startswith("[UNVERIFIED] [P1 Critical]")
    assert msg.get_body(("plain",)).get_content().startswith("UNVERIFIED:")
    # a payload that verifies is exported as verified
    code, out, _ = run(
        ["intake", "export", "--to", "email"],
        P.build(policy, *_answers(policy, 1)),
        tmp_path,
        capsys,
    )
    assert code == 0 and email.message_from_string(out)["X-KB-Intake-Verified"] == "yes"


ONE_LINE_FIELDS = [
    "problem.summary",
    "requester.name",
    "requester.organisation",
    "requester.email",
    "problem.environment.os",
    "support_contract.id",
    "created_at",
    "id",
]


def _set(doc: dict, path: str, value) -> None:
    *parents, key = path.split(".")
    for p in parents:
        doc = doc[p]
    doc[key] = value


def _get(doc: dict, path: str):
    for p in path.split("."):
        doc = doc[p]
    return doc


@pytest.mark.parametrize("field", ONE_LINE_FIELDS)
def test_trailing_newline_in_a_one_line_field(good, field, tmp_path, capsys):
    good["support_contract"]["id"] = "SC-1042"
    _set(good, field, _get(good, field) + "\n")
    err = refused_everywhere(good, tmp_path, capsys)
    assert err.startswith(f"ERROR: invalid payload:\n$.{field}: ")
    assert "has the wrong format" in err and "\\n" in err  # the newline is shown, not printed


@pytest.mark.parametrize(
    "field",
    [
        "problem.summary",
        "requester.name",
        "problem.description",
        "problem.steps_to_reproduce",
        "escalation.justification",
    ],
)
def test_line_separator_u2028(policy, good, field, tmp_path, capsys):
    if field.startswith("escalation"):
        good = P.build(policy, *_answers(policy, 0), kind="escalation")
    _set(good, field, "Export\u2028fails")
    err = refused_everywhere(good, tmp_path, capsys)
    assert f'$.{field}: "Export\\u2028fails" has the wrong format' in err
    assert "\u2028" not in err


@pytest.mark.parametrize(
    "field, reason",
    [
        ("problem.summary", "a one-line field cannot contain a line break"),
        ("requester.organisation", "a one-line field cannot contain a line break"),
        ("problem.error_messages", "character U+0085 is not allowed"),
    ],
)
def test_next_line_nel(good, field, reason, tmp_path, capsys):
    _set(good, field, "Export\x85fails")
    err = refused_everywhere(good, tmp_path, capsys)
    shown = '"Export\\u0085fails"'
    assert err == f"ERROR: invalid payload:\n$.{field}: {shown} has the wrong format: {reason}\n"


def test_half_cut_emoji(good, tmp_path, capsys):
    text = json.dumps(good).replace('"Batch export fails"', '"Batch export fails \\ud83d"')
    err = refused_everywhere(text, tmp_path, capsys)
    assert err == (
        "ERROR: invalid payload:\n$.problem.summary: contains half of a character, e.g. an emoji "
        "cut in two (a lone UTF-16 surrogate)\n"
    )
    # the low half alone, and half an emoji in a key, are refused the same way
    assert "lone UTF-16" in refused_everywhere(text.replace("\\ud83d", "\\ude00"), tmp_path, capsys)
    keyed = json.dumps(good).replace('"answers": {', '"answers": {"x\\ud83d": null, ')
    assert '$.answers["x\\ud83d"]: this key contains half of a character' in refused_everywhere(keyed, tmp_path, capsys)


def test_whole_emoji_and_accents_still_export(good, tmp_path, capsys):
    good["problem"]["summary"] = "Export fails \U0001f600 café"
    good["requester"]["name"] = "Zoë Ødegård"
    assert run(["intake", "verify"], good, tmp_path, capsys)[0] == 0
    for target in ("zendesk", "jira", "email"):
        code, out, _ = run(["intake", "export", "--to", target], good, tmp_path, capsys)
        assert code == 0 and out
    msg = email.message_from_string(out, policy=email.policy.default)
    assert msg["Subject"] == "[P1 Critical] Export fails \U0001f600 café"
    assert msg["From"].addresses[0].display_name == "Zoë Ødegård"


@pytest.mark.parametrize(
    "number, shown",
    [
        ("9" * 5000, "the number 999999999999...9999 (5000 characters) is out of range"),
        ("-" + "1" * 4301, "is out of range"),
        (
            "9007199254740993",
            "the number 9007199254740993 is out of range (integers are limited to",
        ),
        ("1e999", "the number 1e999 is out of range"),
        ("NaN", "NaN is not a JSON number"),
        ("-Infinity", "-Infinity is not a JSON number"),
    ],
)
def test_huge_number(good, number, shown, tmp_path, capsys):
    text = json.dumps(good).replace('"response_hours": 2', f'"response_hours": {number}')
    assert text != json.dumps(good)
    err = refused_everywhere(text, tmp_path, capsys)
    assert err.startswith("ERROR: invalid payload:\n$.classification.response_hours: ") and shown in err
    assert len(err) < 300  # the number is not printed whole


def test_a_key_given_twice(good, tmp_path, capsys):
    text = json.dumps(good).replace('"kind": "new"', '"kind": "new", "kind": "escalation"')
    assert refused_everywhere(text, tmp_path, capsys) == "ERROR: invalid payload:\n$.kind: given more than once\n"


def test_extra_addresses_in_from(good, tmp_path, capsys):
    good["requester"]["name"] = 'Eve <eve@evil.example>, "Mallory" <mallory@evil.example>; x@y.example'
    code, out, _ = run(["intake", "export", "--to", "email"], good, tmp_path, capsys)
    assert code == 0
    msg = email.message_from_string(out, policy=email.policy.default)
    (sender,) = msg["From"].addresses
    assert sender.addr_spec == "ada@example.com" and sender.display_name == good["requester"]["name"]
    assert [a.addr_spec for a in msg["To"].addresses] == [intake.compiled_policy()["exports"]["email_to"]]
    # an email field that is itself a list (or carries a display name) is refused before export
    for bad in (
        "ada@example.com, eve@evil.example",
        "Eve <eve@evil.example>",
        "ada@example.com>",
        "ada@[127.0.0.1]",
        "ada@example..com",
    ):
        good["requester"]["email"] = bad
        assert "$.requester.email: " in refused_everywhere(good, tmp_path, capsys)


def test_reading_back_keeps_key_order_and_values(policy):
    """`parse` is how `--policy compiled-policy.json` is read: the sha256 a payload carries must
    come out the same."""
    from intake import compiler

    raw = compiler.to_bytes(policy)
    again = P.parse(raw, "compiled policy")
    assert compiler.to_bytes(again) == raw
    assert list(again) == list(policy) and list(again["calendar"]) == list(policy["calendar"])
