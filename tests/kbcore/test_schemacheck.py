"""JSON Schema problems in the project's words, at the line of the key, every one at once."""

from __future__ import annotations

from kbcore.schemacheck import Codes, check
from kbcore.yamlines import load

CODES = Codes(unknown="T101", missing="T102", type="T103", value="T104")
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "zone"],
    "properties": {
        "name": {"type": "string", "pattern": "\\S", "x-expected": "a non-empty text"},
        "zone": {"type": "string", "format": "iana-timezone", "x-code": "T105"},
        "day": {"type": "string", "format": "date"},
        "kind": {"enum": ["solution", "how-to"]},
        "items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"id": {"type": "string"}, "n": {"type": "integer", "minimum": 1}},
            },
        },
    },
}


def problems(text: str) -> list[str]:
    got = load(text, "f.yml")
    return [str(p) for p in check(got.data, SCHEMA, got.lines, "f.yml", CODES)]


def test_every_problem_at_its_line_in_file_order():
    assert problems("nmae: x\nzone: Europe/Londn\nday: 2024-02-30\nkind: soluton\nitems: [{id: a, n: 0}]\n") == [
        "f.yml:1: T102 missing required key 'name'",
        "f.yml:1: T101 unknown key 'nmae' (did you mean 'name'?)",
        "f.yml:2: T105 zone: unknown time zone 'Europe/Londn' (did you mean 'Europe/London'?)",
        "f.yml:3: T104 day: '2024-02-30' is not a date (YYYY-MM-DD)",
        "f.yml:4: T104 kind: 'soluton' is not one of solution, how-to (did you mean 'solution'?)",
        "f.yml:5: T104 items[a].n: 0 is too small (at least 1)",
    ]


def test_types_are_named_for_a_writer():
    assert problems("name: 3\nzone: UTC\n") == [
        'f.yml:1: T103 name: expected a non-empty text, got number 3 (quote it: "3")'
    ]
    assert problems("name: ' '\nzone: UTC\nitems: {}\n") == [
        "f.yml:1: T104 name: ' ' is not a non-empty text",
        "f.yml:3: T103 items: expected a list, got a mapping",
    ]
