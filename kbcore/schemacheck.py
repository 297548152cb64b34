"""Check data read by `kbcore.yamlines` against a JSON Schema (draft 2020-12), every problem at once.

The schemas are files in the repository, published with the site so editors can complete
the YAML a writer types; this module turns `jsonschema`'s errors into the project's problems:
`path:line: CODE key: message`, with the line of the offending key (from the loader's line
map), a did-you-mean for unknown keys and values, and the words a schema gives with
`x-expected` ("a date written YYYY-MM-DD") instead of a regular expression. A subschema may
set `x-code` to give its problems a code of their own. What a value means across the file
(references between ids, decision tables) is the caller's business, in code.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from .problems import Problem, did_you_mean
from .yamlines import Path, line_of


@dataclass(frozen=True)
class Codes:
    """The problem code for each kind of schema finding, in the caller's numbering."""

    unknown: str  # a key the schema does not know
    missing: str  # a required key is absent
    type: str  # a value of the wrong type
    value: str  # a value of the right type that the schema refuses


def _is_date(v: object) -> bool:
    if not isinstance(v, str):
        return True  # a format applies to text; the type is the schema's other business
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return False
    try:
        dt.date.fromisoformat(v)
        return True
    except ValueError:
        return False


def _is_timezone(v: object) -> bool:
    if not isinstance(v, str):
        return True
    try:
        zoneinfo.ZoneInfo(v)
        return True
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False


def _is_instant(v: object) -> bool:
    if not isinstance(v, str):
        return True
    try:
        return dt.datetime.fromisoformat(v).tzinfo is not None
    except ValueError:
        return False


_RANGE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


def parse_range(v: object) -> tuple[int, int] | None:
    """'08:00-17:00' -> (480, 1020) minutes; None when malformed or empty."""
    m = _RANGE.match(v.strip()) if isinstance(v, str) else None
    if not m:
        return None
    h1, m1, h2, m2 = map(int, m.groups())
    a, b = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or b > 24 * 60 or a >= b:
        return None
    return a, b


# format name -> (check, message for a failing value); formats apply to strings only.
FORMATS: dict[str, tuple[Callable[[object], bool], Callable[[object], str]]] = {
    "date": (_is_date, lambda v: f"'{v}' is not a date (YYYY-MM-DD)"),
    "iana-timezone": (_is_timezone, lambda v: f"unknown time zone '{v}'{_zone_hint(str(v))}"),
    "date-time-offset": (
        _is_instant,
        lambda v: f"{type_name(v)} is not a date-time with offset (e.g. 2026-03-10T09:15:00-07:00)",
    ),
    "time-range": (
        lambda v: not isinstance(v, str) or parse_range(v) is not None,
        lambda v: f"{type_name(v)} is not an opening range like '08:00-17:00' (opening before closing, 24:00 at most)",
    ),
}


def _zone_hint(v: str) -> str:
    return did_you_mean(v, zoneinfo.available_timezones())


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker(formats=())
    for name, (check, _) in FORMATS.items():
        checker.checks(name)(check)
    return checker


@lru_cache(maxsize=16)
def _validator(schema_json: str, references_json: str) -> Any:
    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    # Other schemas this one refers to by a relative `$ref`, resolved against their `$id`s
    # (as an editor resolves them on the published site, where they sit side by side).
    registry: Registry = Registry().with_resources(
        (ref["$id"], Resource.from_contents(ref, default_specification=DRAFT202012))
        for ref in json.loads(references_json)
    )
    return cls(schema, format_checker=_format_checker(), registry=registry)


def type_name(v: Any) -> str:
    """How a YAML value is named to a writer: `string 'x'`, `number 3`, `a list`."""
    if v is None:
        return "nothing (null)"
    if isinstance(v, bool):
        return f"boolean {str(v).lower()}"
    if isinstance(v, (int, float)):
        return f"number {v}"
    if isinstance(v, str):
        return f"string '{v}'"
    if isinstance(v, list):
        return "a list of lists" if any(isinstance(x, list) for x in v) else "a list"
    if isinstance(v, dict):
        return "a mapping"
    return type(v).__name__


_TYPE_WORDS = {
    "string": "text",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


def key_of(data: Any, path: Path) -> str:
    """`questions[impact].options[0].value`: list items are named by their id when they have one."""
    out, node = "", data
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and part < len(node) else None
            name = item.get("id") if isinstance(item, dict) and isinstance(item.get("id"), str) else part
            out += f"[{name}]"
            node = item
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out


def check(
    data: Any,
    schema: Mapping[str, Any],
    lines: Mapping[Path, int],
    filename: str,
    codes: Codes,
    at: Path = (),
    root: Any = None,
    references: Iterable[Mapping[str, Any]] = (),
) -> list[Problem]:
    """Every schema problem of `data`, in file order, each at the line of its key.

    `data` may be one part of a file (`root`'s value at path `at`): lines and keys are then
    named from the file's top. `references`: the schemas `schema` refers to (each has an `$id`)."""
    validator = _validator(json.dumps(schema, sort_keys=True), json.dumps(list(references), sort_keys=True))
    problems: list[Problem] = []
    for error in validator.iter_errors(data):
        problems += _problems(error, data if root is None else root, lines, filename, codes, at)
    seen: set[tuple[int, str, str]] = set()
    out = []
    for p in sorted(problems, key=lambda p: (p.line, p.message)):
        if (p.line, p.code, p.message) not in seen:
            seen.add((p.line, p.code, p.message))
            out.append(p)
    return out


def _problems(
    error: ValidationError, data: Any, lines: Mapping[Path, int], filename: str, codes: Codes, at: Path = ()
) -> Iterable[Problem]:
    path: Path = at + tuple(error.absolute_path)
    sub = error.schema if isinstance(error.schema, dict) else {}

    def problem(at: Path, code: str, message: str, named: Path | None = None) -> Problem:
        # `named`: the path the message is about, when it differs from where it points
        key = key_of(data, at)
        shown = key_of(data, at if named is None else named)
        return Problem(
            filename,
            line_of(dict(lines), at),
            sub.get("x-code", code),
            f"{shown}: {message}" if shown else message,
            key=key or None,
        )

    kind = error.validator
    v = error.instance
    if kind == "additionalProperties" and isinstance(v, dict):
        known = [k for k in sub.get("properties", {})]
        allowed = set(known) | {k for k in v if _pattern_allows(sub, k)}
        for k in v:
            if k not in allowed:
                yield problem(path + (k,), codes.unknown, f"unknown key '{k}'{did_you_mean(str(k), known)}", path)
        return
    if kind == "unevaluatedProperties" and isinstance(v, dict):
        for k in _unevaluated(error):
            yield problem(path + (k,), codes.unknown, f"unknown key '{k}'", path)
        return
    if kind == "required":
        missing = re.match(r"'(.+)' is a required property", error.message)
        yield problem(path, codes.missing, f"missing required key '{missing.group(1) if missing else error.message}'")
        return
    if kind in ("oneOf", "anyOf") and error.context:
        deepest = best_match(error.context)
        if deepest is not None and len(deepest.absolute_path) > len(error.absolute_path):
            yield from _problems(deepest, data, lines, filename, codes, at)
            return
        if sub.get("x-expected"):
            yield problem(
                path,
                codes.type if not isinstance(v, (str, int, float, bool)) else codes.value,
                f"expected {sub['x-expected']}, got {type_name(v)}",
            )
            return
        if deepest is not None:
            yield from _problems(deepest, data, lines, filename, codes, at)
            return
    if kind == "type":
        wanted = sub.get("x-expected") or _type_words(error.validator_value)
        expected: Any = error.validator_value  # "string" or a list of type names
        wants_text = "string" in ([expected] if isinstance(expected, str) else expected)
        hint = f' (quote it: "{v}")' if wants_text and isinstance(v, (int, float)) and not isinstance(v, bool) else ""
        yield problem(path, codes.type, f"expected {wanted}, got {type_name(v)}{hint}")
        return
    if kind == "enum":
        choices: Any = error.validator_value
        options = [str(o) for o in choices if o is not None]
        yield problem(path, codes.value, f"'{v}' is not one of {', '.join(options)}{did_you_mean(str(v), options)}")
        return
    if kind == "const":
        yield problem(path, codes.value, f"must be {error.validator_value!r}, got {type_name(v)}")
        return
    if kind == "format" and error.validator_value in FORMATS:
        yield problem(path, codes.value, FORMATS[error.validator_value][1](v))
        return
    if kind == "pattern":
        what = sub.get("x-expected") or f"text matching {error.validator_value}"
        yield problem(path, codes.value, f"'{v}' is not {_article(what)}")
        return
    if kind == "minLength" and error.validator_value == 1:
        yield problem(path, codes.value, "must not be empty")
        return
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        lo = sub.get("minimum", sub.get("exclusiveMinimum"))
        hi = sub.get("maximum", sub.get("exclusiveMaximum"))
        if lo is not None and hi is not None:
            yield problem(path, codes.value, f"{v} is out of range ({lo} to {hi})")
        elif lo is not None:
            yield problem(path, codes.value, f"{v} is too small (at least {lo})")
        else:
            yield problem(path, codes.value, f"{v} is too large (at most {hi})")
        return
    if kind == "minItems":
        yield problem(path, codes.value, f"needs at least {error.validator_value} item(s)")
        return
    if kind == "maxItems":
        yield problem(path, codes.value, f"has more than {error.validator_value} item(s)")
        return
    if kind == "maxLength":
        yield problem(path, codes.value, f"is longer than {error.validator_value} characters")
        return
    if kind == "minProperties":
        yield problem(path, codes.value, "must not be empty")
        return
    if kind == "False schema":
        yield problem(path, codes.unknown, "is not allowed here")
        return
    if kind == "not" and sub.get("x-expected"):
        yield problem(path, codes.value, f"expected {sub['x-expected']}")
        return
    yield problem(path, codes.value, sub.get("x-message") or error.message)


def _article(what: str) -> str:
    """'a valid id', 'an email address': the schema's words, with an article when they lack one."""
    if what.split(" ", 1)[0] in ("a", "an", "the", "one"):
        return what
    return f"a valid {what}"


def _type_words(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_WORDS.get(n, n) for n in names)


def _pattern_allows(schema: Mapping[str, Any], key: Any) -> bool:
    return any(re.search(rx, str(key)) for rx in schema.get("patternProperties", {}))


def _unevaluated(error: ValidationError) -> list[str]:
    m = re.findall(r"'([^']+)'", error.message)
    return m or []
