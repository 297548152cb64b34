"""`kb lint` on tests/fixtures/lint-planted: every planted problem, at its file:line, with its code.

The fixture's files say what is wrong with them; PLANTED below is the list, written by hand
from the fixture (not from lint's output). The CLI is driven through `kbtools.cli.main`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kbtools.cli import main

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "lint-planted"
TODAY = "2026-06-01"  # install.md has review_by 2026-03-01

# (path, line, code, what the message must say). Paths as printed from the fixture folder.
PLANTED = [
    ("docs/faq/empty.md", 1, "KB105", "no title"),
    ("docs/faq/empty.md", 1, "KB106", "no 'type'"),
    ("docs/faq/latin1.md", 6, "KB101", "invalid UTF-8 (byte 0xe9"),
    ("docs/faq/no-front-matter.md", 1, "KB106", "no 'type'"),
    ("docs/faq/published-todo.md", 4, "KB212", "placeholder 'TODO:' left in the description of a published article"),
    (
        "docs/faq/published-todo.md",
        12,
        "KB212",
        "placeholder 'TODO:' left in a published article; finish it or set 'status: draft'",
    ),
    (
        "docs/faq/title-differs.md",
        2,
        "KB219",
        "the title 'Renew a licence' and the heading '# Extend your subscription' (line 7) disagree",
    ),
    ("docs/faq/unknown-product.md", 4, "KB108", "unknown product 'psicaptur' (did you mean 'psicapture'?)"),
    ("docs/guides/broken-links.md", 9, "KB203", "missing page 'instal.md' (did you mean 'install.md'?)"),
    (
        "docs/guides/broken-links.md",
        10,
        "KB204",
        "'install.md' has no heading or id '#install-step' (did you mean 'install-steps'?)",
    ),
    (
        "docs/guides/broken-links.md",
        11,
        "KB204",
        "no heading or id '#link-that-go-nowhere' on this page (did you mean 'links-that-go-nowhere'?)",
    ),
    ("docs/guides/broken-links.md", 12, "KB205", "missing image 'img/setup.jpg' (did you mean 'img/setup.png'?)"),
    ("docs/guides/broken-links.md", 13, "KB209", "'../../README.md' points outside the docs folder"),
    ("docs/guides/broken-links.md", 14, "KB210", "absolute link '/index.md'"),
    ("docs/guides/img/unused.png", 1, "KB206", "image not used by any article"),
    (
        "docs/guides/index.md",
        9,
        "KB213",
        "link to the draft '../faq/draft-todo.md': drafts are left out of the published site",
    ),
    ("docs/guides/install.md", 2, "KB201", "duplicate id 'install' (also docs/guides/dup-id.md:4)"),
    ("docs/guides/install.md", 3, "KB202", "duplicate title 'Install the product' (also docs/guides/dup-title.md:2)"),
    ("docs/guides/install.md", 9, "KB208", "review_by 2026-03-01 is 92 day(s) ago"),
    ("docs/index.md", 8, "KB211", "link to the folder 'guides/': link to 'guides/index.md'"),
    ("docs/troubleshooting/bad-front-matter.md", 4, "KB102", "malformed front matter: mapping values are not allowed"),
    ("docs/troubleshooting/scanner-jams.md", 3, "KB107", "missing: Cause"),
    ("docs/troubleshooting/typos.md", 2, "KB103", "unknown key 'tittle' (did you mean 'title'?)"),
    (
        "docs/troubleshooting/typos.md",
        3,
        "KB104",
        "type: 'solutoin' is not one of documentation, how-to, solution, faq, tip, technique, policy, release-notes (did you mean 'solution'?)",  # noqa: E501
    ),
    ("docs/troubleshooting/typos.md", 4, "KB104", "id: 'Bad ID' is not an id: lower-case letters"),
    ("docs/troubleshooting/typos.md", 5, "KB104", "updated: '2024-13-01' is not a date (YYYY-MM-DD)"),
    ("docs/troubleshooting/typos.md", 7, "KB109", "unknown version '8.2' of psicapture (did you mean '8.1'?)"),
    ("docs/troubleshooting/unclosed.md", 1, "KB102", "no closing '---' line"),
]
WARNINGS = {"KB105", "KB106", "KB202", "KB206", "KB208", "KB210", "KB211", "KB213", "KB219"}
# Published, not an index page, and no other article links to them (see the fixture's links).
ORPHANS = [
    "docs/faq/empty.md",
    "docs/faq/latin1.md",
    "docs/faq/no-front-matter.md",
    "docs/faq/published-todo.md",
    "docs/faq/title-differs.md",
    "docs/faq/unknown-product.md",
    "docs/guides/dup-id.md",
    "docs/guides/dup-title.md",
    "docs/troubleshooting/bad-front-matter.md",
    "docs/troubleshooting/scanner-jams.md",
    "docs/troubleshooting/typos.md",
    "docs/troubleshooting/unclosed.md",
]
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def parsed(out: str) -> list[dict]:
    rows = []
    for text in out.splitlines():
        m = LINE.match(text)
        if m:
            rows.append({**m.groupdict(), "line": int(m["line"]), "text": text})
    return rows


@pytest.fixture
def in_fixture(monkeypatch):
    monkeypatch.chdir(FIXTURE)


def test_fixture_plants_at_least_twenty_distinct_problems():
    assert len(set(PLANTED)) == len(PLANTED) >= 20
    assert len({code for _, _, code, _ in PLANTED}) >= 18


def test_every_planted_problem_is_reported_at_its_file_and_line(in_fixture, capsys):
    rc, out, err = run(capsys, "lint", "--today", TODAY)
    assert rc == 1
    assert err == ""
    article_rows = [r for r in parsed(out) if r["path"].startswith("docs/")]
    assert [(r["path"], r["line"], r["code"]) for r in article_rows] == [(p, n, c) for p, n, c, _ in PLANTED]
    for row, (_, _, code, fragment) in zip(article_rows, PLANTED):
        assert fragment in row["message"], row["text"]
        assert row["message"].endswith("(warning)") == (code in WARNINGS), row["text"]
    assert "Traceback" not in out + err


def test_the_policy_file_is_checked_by_the_policy_checks(in_fixture, capsys):
    """The fixture's policy has only products: intake's checks say what else it needs."""
    _, out, _ = run(capsys, "lint", "--today", TODAY)
    policy_rows = [r for r in parsed(out) if r["path"] == "policy.yml"]
    assert policy_rows, out
    assert all(r["code"].startswith("POL") for r in policy_rows)


def test_summary_line_counts_errors_and_warnings(in_fixture, capsys):
    _, out, _ = run(capsys, "lint", "--today", TODAY)
    rows = parsed(out)
    errors = sum(not r["message"].endswith("(warning)") for r in rows)
    assert out.splitlines()[-1] == f"kb lint: 17 article(s), {errors} error(s), {len(rows) - errors} warning(s)"


def test_output_is_sorted_by_path_then_line(in_fixture, capsys):
    _, out, _ = run(capsys, "lint", "--today", TODAY)
    keys = [(r["path"], r["line"], r["code"]) for r in parsed(out)]
    assert keys == sorted(keys)


def test_json_format_lists_the_same_problems(in_fixture, capsys):
    _, text_out, _ = run(capsys, "lint", "--today", TODAY)
    rc, out, err = run(capsys, "lint", "--today", TODAY, "--format", "json")
    assert rc == 1
    items = json.loads(out)
    assert [
        f"{i['path']}:{i['line']}: {i['code']} {i['message']}" + ("" if i["severity"] == "error" else " (warning)")
        for i in items
    ] == [r["text"] for r in parsed(text_out)]
    assert set(items[0]) == {"path", "line", "code", "message", "severity", "key"}
    dup = next(i for i in items if i["code"] == "KB201")
    assert (dup["severity"], dup["key"]) == ("error", "id")
    assert err.startswith("kb lint: 17 article(s)")


def test_orphans_are_reported_only_when_asked(in_fixture, capsys):
    _, out, _ = run(capsys, "lint", "--today", TODAY)
    assert "KB207" not in out
    _, out, _ = run(capsys, "lint", "--today", TODAY, "--orphans")
    orphans = [r for r in parsed(out) if r["code"] == "KB207"]
    assert [r["path"] for r in orphans] == ORPHANS
    assert all(r["line"] == 1 and r["message"] == "orphan page: no other article links here (warning)" for r in orphans)


def test_review_by_is_not_overdue_before_its_date(in_fixture, capsys):
    _, out, _ = run(capsys, "lint", "--today", "2026-03-01")
    assert "KB208" not in out
    _, out, _ = run(capsys, "lint", "--today", "2026-03-02")
    assert "docs/guides/install.md:9: KB208 review overdue: review_by 2026-03-01 is 1 day(s) ago (warning)" in out


def test_linting_the_docs_folder_finds_its_mkdocs_yml(in_fixture, capsys):
    """`kb lint docs` reads the mkdocs.yml whose docs_dir is docs/: products are checked."""
    _, out, _ = run(capsys, "lint", "docs", "--today", TODAY)
    assert (
        "docs/faq/unknown-product.md:4: KB108 unknown product 'psicaptur' (did you mean 'psicapture'?)"
        in out.splitlines()
    )


def test_paths_are_shown_relative_to_the_working_folder(monkeypatch, capsys):
    monkeypatch.chdir(FIXTURE / "docs")
    _, out, _ = run(capsys, "lint", "guides", "--today", TODAY)
    assert (
        "broken-links.md:9: KB203 link to a missing page 'instal.md' (did you mean 'install.md'?)"
        not in out.splitlines()
    )
    assert (
        "guides/broken-links.md:9: KB203 link to a missing page 'instal.md' (did you mean 'install.md'?)"
        in out.splitlines()
    )


def test_bad_today_is_a_usage_error(in_fixture, capsys):
    rc, _, err = run(capsys, "lint", "--today", "2026-13-01")
    assert rc == 2
    assert "'2026-13-01' is not a date written YYYY-MM-DD" in err


def test_a_folder_inside_the_kb_reports_only_its_own_problems(in_fixture, capsys):
    """Links need the whole KB, so it is all read; only docs/guides/ is reported, not the policy."""
    rc, out, _ = run(capsys, "lint", "docs/guides", "--today", TODAY)
    assert rc == 1
    assert [(r["path"], r["line"], r["code"]) for r in parsed(out)] == [
        (p, n, c) for p, n, c, _ in PLANTED if p.startswith("docs/guides/")
    ]
    assert out.splitlines()[-1].startswith("kb lint: 5 article(s), 6 error(s), ")


def test_paths_are_relative_from_inside_the_kb(monkeypatch, capsys):
    monkeypatch.chdir(FIXTURE / "docs" / "faq")
    _, out, _ = run(capsys, "lint", ".", "--today", TODAY)
    assert (
        "../faq/unknown-product.md:4: KB108 unknown product 'psicaptur' (did you mean 'psicapture'?)"
        in out.splitlines()
    )
