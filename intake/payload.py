"""Request payloads: parse, validate against the published JSON Schemas, and verify.

Two schema versions are read (dispatch on `schema_version`): 1, a request with its answers
and classification, and 2, an escalation that carries only the original request's
reference, a reason, a justification and the contact (intake/FORMATS.md §6).

`parse` refuses what a JSON reader in another language would read differently or could not
write back: numbers beyond JavaScript's exact integers (a 5,000-digit number would also hit
Python's int-string limit), NaN and Infinity, a key given twice, half of a UTF-16 surrogate
pair. `validate` applies the schema (one-line fields refuse any line break, every string
refuses control characters). `verify` re-classifies a version 1 payload's answers at
`created_at` and lists every field that differs (a priority raised by hand is caught); for
version 2 it checks the policy and that the reason is one the policy defines. Problems that
make a payload unreadable raise `PayloadError` (exit 2), each with its JSON path.
Exporting to help desks is `intake.exports`.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

import jsonschema
from jsonschema.exceptions import best_match

from . import engine
from .compiler import sha256
from .errors import AnswersError, KbError, PayloadError

SCHEMAS = Path(__file__).parent / "schemas"
SCHEMA_VERSIONS = (1, 2)
SCHEMA_VERSION = 1  # what `build` writes (a new request)
MAX_BYTES = 1_000_000
MAX_SAFE_INTEGER = 2**53 - 1  # the largest integer JavaScript holds exactly
MAX_NUMBER_CHARS = 40
_SURROGATE = re.compile("[\ud800-\udfff]")
# Shown escaped in messages: controls, line/paragraph separators, surrogates (a terminal or
# log line must not be broken or driven by what a payload says).
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
HALF_CHARACTER = "contains half of a character (a lone UTF-16 surrogate)"
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def schema_path(version: int) -> Path:
    return SCHEMAS / f"request-payload.v{version}.json"


@cache
def schema(version: int = SCHEMA_VERSION) -> dict[str, Any]:
    return json.loads(schema_path(version).read_text(encoding="utf-8"))


def shown(text: str) -> str:
    """`text` with what a terminal would act on written as \\uXXXX."""
    return _UNSHOWABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def json_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        elif _PLAIN_KEY.fullmatch(str(p)):
            out += f".{p}"
        else:
            out += "[" + shown(json.dumps(str(p), ensure_ascii=False)) + "]"
    return out


# ----- parse ----------------------------------------------------------------------------------
class _Refused:
    """Stands in, while parsing, for a value that is refused; `walk` reports it with its path."""

    def __init__(self, why: str) -> None:
        self.why = why


class _Object(dict):
    """A parsed JSON object that remembers the keys it was given more than once."""

    duplicates: list[str]


def _number_text(s: str) -> str:
    return s if len(s) <= 24 else f"{s[:12]}...{s[-4:]} ({len(s)} characters)"


def _int(s: str) -> Any:
    # Python refuses int() of more than 4,300 digits with a ValueError and no position.
    if len(s) > MAX_NUMBER_CHARS or abs(int(s)) > MAX_SAFE_INTEGER:
        return _Refused(f"the number {_number_text(s)} is out of range (integers are limited to +-{MAX_SAFE_INTEGER})")
    return int(s)


def _float(s: str) -> Any:
    value = float(s) if len(s) <= MAX_NUMBER_CHARS else math.inf
    if not math.isfinite(value):
        return _Refused(f"the number {_number_text(s)} is out of range")
    return value


def _constant(s: str) -> Any:
    return _Refused(f"{s} is not a JSON number")


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    out = _Object()
    out.duplicates = []
    for k, v in pairs:
        if k in out:
            out.duplicates.append(k)
        out[k] = v
    return out


def _refusals(value: Any) -> list[tuple[str, str]]:
    """Every refused value, doubled key and lone surrogate, with its JSON path (no recursion)."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), value)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, _Refused):
            problems.append((json_path(path), v.why))
        elif isinstance(v, str):
            if _SURROGATE.search(v):
                problems.append(
                    (
                        json_path(path),
                        "contains half of a character, e.g. an emoji cut in two (a lone UTF-16 surrogate)",
                    )
                )
        elif isinstance(v, dict):
            for k in getattr(v, "duplicates", []):
                problems.append((json_path(path + (k,)), "given more than once"))
            for k, item in v.items():
                if _SURROGATE.search(k):
                    problems.append((json_path(path + (k,)), "this key " + HALF_CHARACTER))
                stack.append((path + (k,), item))
        elif isinstance(v, list):
            stack.extend((path + (i,), item) for i, item in enumerate(v))
    return sorted(set(problems))


def _plain(value: Any) -> Any:
    """The parsed value with plain dicts (no recursion)."""
    if not isinstance(value, (dict, list)):
        return value
    root: list[Any] = [None]
    stack: list[tuple[Any, Any, Any]] = [(root, 0, value)]
    while stack:
        parent, key, v = stack.pop()
        if isinstance(v, dict):
            parent[key] = dict.fromkeys(v)  # keys in the order given: a policy's sha256 depends on it
            stack.extend((parent[key], k, item) for k, item in v.items())
        elif isinstance(v, list):
            parent[key] = [None] * len(v)
            stack.extend((parent[key], i, item) for i, item in enumerate(v))
        else:
            parent[key] = v
    return root[0]


def parse(raw: bytes | str, name: str = "payload") -> Any:
    """JSON text -> value; PayloadError (exit 2) when too large, not JSON, or not safe to read."""
    size = len(raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw)
    if size > MAX_BYTES:
        raise PayloadError([("$", f"{size} bytes; the limit is {MAX_BYTES} bytes")], name)
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        value = json.loads(
            text,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
            object_pairs_hook=_object,
        )
    except UnicodeDecodeError:
        raise PayloadError([("$", "not UTF-8 text")], name) from None
    except json.JSONDecodeError as exc:
        raise PayloadError([("$", f"not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")], name) from None
    except RecursionError:
        raise PayloadError([("$", "not JSON: nested too deeply")], name) from None
    problems = _refusals(value)
    if problems:
        raise PayloadError(problems, name)
    return _plain(value)


# ----- validate -------------------------------------------------------------------------------
def version_of(payload: Any) -> int | None:
    v = payload.get("schema_version") if isinstance(payload, dict) else None
    return v if v in SCHEMA_VERSIONS and not isinstance(v, bool) else None


def validate(payload: Any) -> None:
    """Raise PayloadError listing every schema violation, each with its JSON path."""
    version = version_of(payload)
    if version is None and isinstance(payload, dict):
        got = _short(payload.get("schema_version"), 60)
        known = " or ".join(map(str, SCHEMA_VERSIONS))
        raise PayloadError([("$.schema_version", f"must be {known}, got {got}")])
    validator = jsonschema.Draft202012Validator(schema(version or SCHEMA_VERSION))
    errors = sorted(validator.iter_errors(payload), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        raise PayloadError(list(dict.fromkeys(_located(e) for e in errors)))


def _located(e: jsonschema.ValidationError) -> tuple[str, str]:
    # jsonschema reports a `false` property schema inside if/else at the parent's path
    if e.validator is None and list(e.absolute_schema_path)[:1] == ["else"]:
        return "$.escalation", 'only allowed when kind is "escalation"'
    if e.validator in ("oneOf", "anyOf") and isinstance(e.instance, str):
        # text failing a text branch (too long, a line break): say that, not "expected text or null"
        fitting = [c for c in e.context or [] if c.validator not in ("type", "oneOf", "anyOf")]
        if fitting:
            return _located(best_match(fitting))
    return json_path(e.absolute_path), _message(e)


def _message(e: jsonschema.ValidationError) -> str:
    """One sentence per violation, without dumping the whole payload."""
    shown_value = _short(e.instance, 60)
    if e.validator == "additionalProperties":
        schema: Any = e.schema
        extra = sorted(set(cast(dict[str, Any], e.instance)) - set(schema.get("properties", {})))
        return f"unexpected field(s): {shown(', '.join(extra))}"
    if e.validator == "required":
        return e.message.replace("is a required property", "is missing")
    if e.validator in ("maxLength", "maxItems", "maxProperties"):
        return f"too long (at most {e.validator_value})"
    if e.validator == "minLength":
        return "must not be empty"
    if e.validator == "pattern":
        return f"{shown_value} has the wrong format{_why_pattern(e)}"
    if e.validator == "const":
        return f"must be {json.dumps(e.validator_value)}, got {shown_value}"
    if e.validator == "type":
        return f"expected {' or '.join(_names(e.validator_value))}, got {shown_value}"
    if e.validator in ("oneOf", "anyOf"):
        kinds = [
            " or ".join(_names(s.get("type", s.get("$ref", "?").rsplit("/", 1)[-1])))
            for s in cast(list[dict[str, Any]], e.validator_value)
        ]
        return f"expected {' or '.join(kinds)}, got {shown_value}"
    return shown(e.message if len(e.message) < 200 else e.message[:200] + "...")


_LINE_BREAK = re.compile("[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def _why_pattern(e: jsonschema.ValidationError) -> str:
    """Say which character broke a text pattern (line breaks and controls are invisible)."""
    if not isinstance(e.instance, str):
        return ""
    one_line = re.search(str(e.validator_value), "a\nb") is None
    if one_line and _LINE_BREAK.search(e.instance):
        return ": a one-line field cannot contain a line break"
    bad = _CONTROL.search(e.instance)
    return f": character U+{ord(bad.group(0)):04X} is not allowed" if bad else ""


def _names(types: Any) -> list[str]:
    names = {
        "string": "text",
        "null": "null",
        "object": "an object",
        "array": "a list",
        "boolean": "true or false",
        "number": "a number",
        "integer": "an integer",
        "id": "an id",
        "instant": "a date-time with offset",
        "line": "one line of text",
        "text": "text",
        "reference": "a reference like 7K3M-Q9XA",
        "request_id": "a request id",
    }
    return [names.get(str(t), str(t)) for t in (types if isinstance(types, list) else [types])]


# ----- verify ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Difference:
    field: str
    payload: Any
    expected: Any

    def __str__(self) -> str:
        payload, expected = _short(self.payload), _short(self.expected)
        return f"{self.field}: payload has {payload}, the policy gives {expected}"


def _short(v: Any, limit: int = 100) -> str:
    text = shown(json.dumps(v, ensure_ascii=False))
    return text if len(text) <= limit else text[: limit - 3] + "..."


def verify(payload: Any, policy: dict[str, Any]) -> list[Difference]:
    """Differences between the payload and the policy (empty: all agrees)."""
    validate(payload)
    try:
        engine.to_epoch(payload["created_at"])  # a real date and time (exports print it)
    except KbError as exc:
        raise PayloadError([("$.created_at", str(exc))]) from None
    if payload["schema_version"] == 2:
        return _policy_differences(payload, policy) + _reason_differences(payload, policy)
    try:
        expected = engine.classify(policy, payload["answers"], payload["created_at"])
    except AnswersError as exc:
        raise PayloadError(exc.problems) from None
    except KbError as exc:
        raise PayloadError([("$.created_at", str(exc))]) from None
    diffs = [
        Difference(f"classification.{k}", payload["classification"][k], v)
        for k, v in expected.items()
        if payload["classification"].get(k) != v
    ]
    diffs += _policy_differences(payload, policy) + _consistency(payload, policy)
    if payload["kind"] == "escalation":
        diffs += _reason_differences(payload, policy)
    return diffs


def _policy_differences(payload: dict[str, Any], policy: dict[str, Any]) -> list[Difference]:
    diffs = []
    if payload["policy"]["version"] != policy["policy_version"]:
        diffs.append(Difference("policy.version", payload["policy"]["version"], policy["policy_version"]))
    digest = sha256(policy)
    if payload["policy"]["sha256"] != digest:
        diffs.append(Difference("policy.sha256", payload["policy"]["sha256"], digest))
    return diffs


def _reason_differences(payload: dict[str, Any], policy: dict[str, Any]) -> list[Difference]:
    reasons = [r["id"] for r in policy["escalation"]["reasons"]]
    got = payload["escalation"]["reason"]
    return [] if got in reasons else [Difference("escalation.reason", got, reasons)]


def _consistency(payload: dict[str, Any], policy: dict[str, Any]) -> list[Difference]:
    """Fields the payload repeats from the answers (policy `payload_fields`) must agree."""
    out = []
    for field, question in policy["payload_fields"].items():
        section, key = field.split(".")
        got = payload[section][key]
        answer = payload["answers"].get(question)
        want = (answer == "yes") if isinstance(got, bool) else answer
        if got != want:
            out.append(Difference(field, got, want))
    return out


# ----- build (tests, docs) --------------------------------------------------------------------
DEFAULT_ID = "00000000-0000-4000-8000-000000000000"
DEFAULT_REQUESTER = {
    "name": "Ada Example",
    "email": "ada@example.com",
    "organisation": "Example Corp",
}


def build(
    policy: dict[str, Any],
    answers: dict[str, Any],
    created_at: str,
    *,
    id: str = DEFAULT_ID,
    problem: dict[str, Any] | None = None,
    requester: dict[str, Any] | None = None,
    kind: str = "new",
    escalation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A complete, valid version 1 payload for these answers (what the wizard assembles)."""
    payload: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "id": id,
        "created_at": created_at,
        "policy": {"version": policy["policy_version"], "sha256": sha256(policy)},
        "kind": kind,
        "requester": {
            **DEFAULT_REQUESTER,
            "role": None,
            "purchase_channel": None,
            "partner": None,
            **(requester or {}),
        },
        "product": {"id": None, "version": None, "deployment": None},
        "support_contract": {"active": False, "id": None},
        "answers": dict(answers),
        "problem": {
            "summary": "Batch export fails",
            "description": "The nightly export stops with an error.",
            "steps_to_reproduce": "",
            "error_messages": "",
            "environment": {"os": "", "database": "", "application_server": "", "browser": ""},
            **(problem or {}),
        },
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
        payload["escalation"] = escalation or {
            "request_id": "REQ-1",
            "reason": policy["escalation"]["reasons"][0]["id"],
            "justification": "More users are affected now.",
        }
    return payload


def build_escalation(
    policy: dict[str, Any],
    created_at: str,
    reference: str,
    *,
    id: str = DEFAULT_ID,
    reason: str | None = None,
    justification: str = "More users are affected now.",
    requester: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A complete, valid version 2 payload: the escalation of request `reference`."""
    return {
        "schema_version": 2,
        "id": id,
        "created_at": created_at,
        "policy": {"version": policy["policy_version"], "sha256": sha256(policy)},
        "kind": "escalation",
        "escalation": {
            "reference": reference,
            "reason": reason or policy["escalation"]["reasons"][0]["id"],
            "justification": justification,
        },
        "requester": {**DEFAULT_REQUESTER, **(requester or {})},
    }
