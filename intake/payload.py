"""Request payloads: parse, validate against the published JSON Schema, and verify.

`verify` re-classifies the raw answers at `created_at` with the compiled policy and lists
every field that differs from what the payload claims (a priority raised by hand is
caught). Schema violations, non-JSON and absurd sizes raise `PayloadError` (exit 2) with
the JSON path. Exporting to help desks is `intake.export`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from . import engine
from .compiler import sha256
from .errors import AnswersError, KbError, PayloadError

SCHEMA_PATH = Path(__file__).parent / "schemas" / "request-payload.v1.json"
SCHEMA_VERSION = 1
MAX_BYTES = 1_000_000


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def json_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def parse(raw: bytes | str, name: str = "payload") -> Any:
    """JSON text -> value; PayloadError (exit 2) when too large or not JSON."""
    size = len(raw.encode("utf-8") if isinstance(raw, str) else raw)
    if size > MAX_BYTES:
        raise PayloadError([("$", f"{size} bytes; the limit is {MAX_BYTES} bytes")], name)
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except UnicodeDecodeError:
        raise PayloadError([("$", "not UTF-8 text")], name)
    except json.JSONDecodeError as exc:
        raise PayloadError([("$", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")], name)
    except RecursionError:
        raise PayloadError([("$", "not JSON: nested too deeply")], name)


def validate(payload: Any) -> None:
    """Raise PayloadError listing every schema violation, each with its JSON path."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(payload), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        raise PayloadError([_located(e) for e in errors])


def _located(e: jsonschema.ValidationError) -> tuple[str, str]:
    # jsonschema reports a `false` property schema inside if/else at the parent's path
    if e.validator is None and list(e.absolute_schema_path)[:1] == ["else"]:
        return "$.escalation", 'only allowed when kind is "escalation"'
    return json_path(e.absolute_path), _message(e)


def _message(e: jsonschema.ValidationError) -> str:
    """One sentence per violation, without dumping the whole payload."""
    shown = _short(e.instance, 60)
    if e.validator == "additionalProperties":
        extra = sorted(set(e.instance) - set(e.schema.get("properties", {})))
        return f"unexpected field(s): {', '.join(extra)}"
    if e.validator == "required":
        return e.message.replace("is a required property", "is missing")
    if e.validator in ("maxLength", "maxItems", "maxProperties"):
        return f"too long (at most {e.validator_value})"
    if e.validator == "minLength":
        return "must not be empty"
    if e.validator == "pattern":
        return f"{shown} has the wrong format"
    if e.validator == "const":
        return f"must be {json.dumps(e.validator_value)}, got {shown}"
    if e.validator == "type":
        return f"expected {' or '.join(_names(e.validator_value))}, got {shown}"
    if e.validator == "oneOf":
        kinds = [" or ".join(_names(s.get("type", s.get("$ref", "?").rsplit("/", 1)[-1]))) for s in e.validator_value]
        return f"expected {' or '.join(kinds)}, got {shown}"
    return e.message if len(e.message) < 200 else e.message[:200] + "..."


def _names(types: Any) -> list[str]:
    names = {"string": "text", "null": "null", "object": "an object", "array": "a list", "boolean": "true or false",
             "number": "a number", "integer": "an integer", "id": "an id", "instant": "a date-time with offset"}
    return [names.get(t, t) for t in (types if isinstance(types, list) else [types])]


@dataclass(frozen=True)
class Difference:
    field: str
    payload: Any
    expected: Any

    def __str__(self) -> str:
        return f"{self.field}: payload has {_short(self.payload)}, the policy gives {_short(self.expected)}"


def _short(v: Any, limit: int = 100) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def verify(payload: Any, policy: dict[str, Any]) -> list[Difference]:
    """Differences between the payload and a re-classification (empty: all agrees)."""
    validate(payload)
    try:
        expected = engine.classify(policy, payload["answers"], payload["created_at"])
    except AnswersError as exc:
        raise PayloadError(exc.problems)
    except KbError as exc:
        raise PayloadError([("$.created_at", str(exc))])
    diffs = [Difference(f"classification.{k}", payload["classification"][k], v)
             for k, v in expected.items() if payload["classification"].get(k) != v]
    if payload["policy"]["version"] != policy["policy_version"]:
        diffs.append(Difference("policy.version", payload["policy"]["version"], policy["policy_version"]))
    digest = sha256(policy)
    if payload["policy"]["sha256"] != digest:
        diffs.append(Difference("policy.sha256", payload["policy"]["sha256"], digest))
    diffs += _consistency(payload, policy)
    if payload["kind"] == "escalation":
        reasons = [r["id"] for r in policy["escalation"]["reasons"]]
        if payload["escalation"]["reason"] not in reasons:
            diffs.append(Difference("escalation.reason", payload["escalation"]["reason"], reasons))
    return diffs


def _consistency(payload: dict[str, Any], policy: dict[str, Any]) -> list[Difference]:
    """Fields the payload repeats from the answers (policy `payload_fields`) must agree with them."""
    out = []
    for field, question in policy["payload_fields"].items():
        section, key = field.split(".")
        got = payload[section][key]
        answer = payload["answers"].get(question)
        want = (answer == "yes") if isinstance(got, bool) else answer
        if got != want:
            out.append(Difference(field, got, want))
    return out


def build(policy: dict[str, Any], answers: dict[str, Any], created_at: str, *, id: str = "00000000-0000-4000-8000-000000000000",
          problem: dict[str, Any] | None = None, requester: dict[str, Any] | None = None,
          kind: str = "new", escalation: dict[str, Any] | None = None) -> dict[str, Any]:
    """A complete, valid payload for these answers (what the wizard assembles; used by tests and docs)."""
    payload: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": id,
        "created_at": created_at,
        "policy": {"version": policy["policy_version"], "sha256": sha256(policy)},
        "kind": kind,
        "requester": {"name": "Ada Example", "email": "ada@example.com", "organisation": "Example Corp",
                      "role": None, "purchase_channel": None, "partner": None, **(requester or {})},
        "product": {"id": None, "version": None, "deployment": None},
        "support_contract": {"active": False, "id": None},
        "answers": dict(answers),
        "problem": {"summary": "Batch export fails", "description": "The nightly export stops with an error.",
                    "steps_to_reproduce": "", "error_messages": "",
                    "environment": {"os": "", "database": "", "application_server": "", "browser": ""}, **(problem or {})},
        "kb_attempt": {"queries": [], "suggested": [], "opened": [], "helped": None},
        "attestations": {"information_accurate": True, "authorised": True},
        "classification": engine.classify(policy, answers, created_at),
    }
    for field, question in policy["payload_fields"].items():
        section, key = field.split(".")
        answer = answers.get(question)
        payload[section][key] = (answer == "yes") if key == "active" else answer
    if payload["product"]["id"] is None:
        payload["product"]["id"] = "other"
    if kind == "escalation":
        payload["escalation"] = escalation or {"request_id": "REQ-1", "reason": policy["escalation"]["reasons"][0]["id"],
                                               "justification": "More users are affected now."}
    return payload
