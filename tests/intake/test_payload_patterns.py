"""The payload schemas' `pattern`s give the same answer in Python (`re.search`, what jsonschema
uses) and in JavaScript (`new RegExp(p, "u")`, what a browser-side validator such as ajv uses),
on hostile strings: a final newline (Python's `$` matches before one), other line breaks,
controls, lone surrogates, non-ASCII digits (Python's `\\d` matches them)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from intake import payload as P

NODE = shutil.which("node")
STRINGS = [
    "",
    "a",
    "Batch export fails",
    "Batch export fails\n",
    "\nBatch",
    "a\r",
    "a\rb",
    "a\r\nb",
    "a\tb",
    "a\u2028b",
    "a\u2029",
    "a\x85b",
    "a\x00",
    "a\x1b[2J",
    "a\x7f",
    "a\x9b",
    "a\x0b",
    "a\x0c",
    "a\x1c",
    "café",
    "Zoë \U0001f600",
    "\ud83d",
    "x\ude00",
    "\ude00\ud83d",
    "\U0001f600" * 2,
    "٣",
    "a\u00a0b",
    "\ufeffa",
    "ada@example.com",
    "ada@example.com\n",
    "ada@example.com, eve@evil.example",
    "Eve <eve@evil.example>",
    "ada.b+c@sub.example-x.co",
    "ada@example",
    "ada@-example.com",
    "a..b@example.com",
    ".a@example.com",
    "2026-03-10T09:15:00-07:00",
    "2026-03-10T09:15:00Z\n",
    "٢٠٢٦-03-10T09:15:00Z",
    "2026-03-10T09:15:00.123+05:30",
    "7K3M-Q9XA",
    "7K3M-Q9XA\n",
    "7k3m-q9xa",
    "7K3M-Q9XI",
    "3f2c9a1e-7b4d-4c8e-9a51-2d6f0b7c1e44",
    "3f2c9a1e-7b4d-4c8e-9a51-2d6f0b7c1e44\n",
    "sev-production-many",
    "sev_production\n",
    "P1",
    "P1\n",
    "P١",
    "0" * 64,
    "0" * 64 + "\n",
    "A" * 300,
]


def patterns() -> list[str]:
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                found.append(node["pattern"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for version in P.SCHEMA_VERSIONS:
        walk(P.schema(version))
    return sorted(set(found))


JS = """
const {patterns, strings} = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(patterns.map((p) => strings.map((s) => new RegExp(p, "u").test(s)))));
"""


def test_schema_patterns_agree_in_python_and_javascript():
    if NODE is None:
        pytest.fail("node is not installed (Node.js 20 checks the schema patterns)")
    pats = patterns()
    assert len(pats) >= 8
    # json.dumps writes a lone surrogate as an escape, which JSON.parse turns back into one
    proc = subprocess.run(
        [NODE, "-e", JS],
        input=json.dumps({"patterns": pats, "strings": STRINGS}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    js = json.loads(proc.stdout)
    differ = [(p, s) for p, row in zip(pats, js) for s, j in zip(STRINGS, row) if (re.search(p, s) is not None) != j]
    assert differ == []
    # and the hostile strings are refused where they must be
    line = P.schema(1)["$defs"]["line"]["pattern"]
    assert [s for s in STRINGS if re.search(line, s) and re.search("[\r\n\x85\u2028\u2029]", s)] == []
