"""The one YAML loader: lines of keys and items, and small files that must not wedge a build."""

from __future__ import annotations

from kbcore.yamlines import load, load_file

BOMB = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi")
)


def test_lines_of_keys_and_items():
    got = load("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yml")
    assert got.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert got.lines[("a",)] == 1 and got.lines[("b", 1, "c")] == 4 and got.problems == []


def test_dates_stay_text_and_duplicate_keys_are_problems():
    got = load("d: 2024-13-01\nk: 1\nk: 2\n", "f.yml", code="X100")
    assert got.data == {"d": "2024-13-01", "k": 1}
    assert [(p.line, p.code, p.message) for p in got.problems] == [(3, "X100", "duplicate key 'k' (first on line 2)")]


def test_a_syntax_error_is_one_problem_at_its_line():
    got = load("a: 1\nb: [unclosed\n", "f.yml", code="X100")
    assert got.data is None and len(got.problems) == 1 and got.problems[0].line == 2
    assert got.problems[0].message.startswith("not valid YAML: ")


def test_an_alias_bomb_is_refused_where_aliases_are_not_allowed():
    got = load(BOMB, "f.md", code="KB102")
    assert got.data is not None
    assert [p.message for p in got.problems] == [
        "YAML anchors and aliases (&name, *name) are not allowed here: write the value out"
    ]


def test_an_alias_bomb_is_capped_where_aliases_are_allowed():
    # 9 ** 9 = 387 million values if expanded: refused after max_nodes, in well under a second.
    got = load(BOMB, "policy.yml", code="POL100", allow_aliases=True)
    assert got.data is None
    assert got.problems[0].message.startswith("the YAML expands to more than 200,000 values")


def test_small_aliases_are_fine_where_allowed():
    got = load("opts: &o [a, b]\nq1: *o\nq2: *o\n", "p.yml", allow_aliases=True)
    assert got.data == {"opts": ["a", "b"], "q1": ["a", "b"], "q2": ["a", "b"]} and got.problems == []


def test_deep_nesting_is_a_problem_not_a_recursion_error():
    deep = "".join(" " * i + f"k{i}:\n" for i in range(200)) + " " * 200 + "v"
    got = load(deep, "f.yml", code="X100")
    assert any("nested more than 64 levels deep" in p.message for p in got.problems)
    flow = "a: " + "[" * 900 + "]" * 900
    assert load(flow, "f.yml").problems  # libyaml's own depth limit or ours: a problem either way


def test_unreadable_and_undecodable_files_are_problems(tmp_path):
    assert load_file(tmp_path / "missing.yml", code="X1").problems[0].message.startswith("cannot read the file")
    bad = tmp_path / "latin1.yml"
    bad.write_bytes(b"a: 1\nb: caf\xe9\n")
    got = load_file(bad, code="X1")
    assert (got.problems[0].line, got.problems[0].message) == (2, "invalid UTF-8; save the file as UTF-8")
