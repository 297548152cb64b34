"""`kb new`: every type scaffolds a draft that `kb lint --strict` accepts; mistakes are refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kbtools.articles import SOLUTION_SECTIONS, TYPES, load_article
from kbtools.cli import main
from kbtools.commands.new import TEMPLATES, slug

POLICY = (
    "products:\n"
    "  - {id: scanner, name: Scanner, deployments: [cloud], versions: [{version: '1.0', released: 2024-01-01}, {version: '2.0', released: 2025-01-01}]}\n"  # noqa: E501
)


@pytest.fixture
def kb(tmp_path, monkeypatch):
    """A KB project (mkdocs.yml, docs/, a products-only policy) as the working folder; only the
    `kb` plugin is listed, so `kb lint` reads the policy for its products, not as a support policy."""
    (tmp_path / "docs" / "guides").mkdir(parents=True)
    (tmp_path / "policy.yml").write_text(POLICY)
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - kb:\n      policy_file: policy.yml\n")
    (tmp_path / "docs" / "index.md").write_text("---\ntitle: Home\ntype: documentation\n---\n# Home\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    rc = main(list(args))
    out, err = capsys.readouterr()
    return rc, out, err


def test_there_is_one_template_per_type():
    assert {p.stem for p in TEMPLATES.glob("*.md") if not p.stem.startswith("_")} == set(TYPES)


@pytest.mark.parametrize("type_", sorted(TYPES))
def test_each_type_scaffolds_a_draft_that_lints_clean(kb, capsys, type_):
    rc, out, err = run(
        capsys,
        "new",
        "--type",
        type_,
        f"A new {type_} article",
        "--dir",
        "docs/guides",
        "--products",
        "scanner",
        "--versions",
        "2.0",
        "--owner",
        "Ann",
    )
    assert (rc, err) == (0, "")
    path = f"docs/guides/a-new-{type_}-article.md"
    assert out == path + "\n"
    art = load_article(path, Path(path).read_bytes())
    assert art.problems == []
    today = dt.date.today()
    assert (art.id, art.title, art.type, art.status, art.owner) == (
        f"a-new-{type_}-article",
        f"A new {type_} article",
        type_,
        "draft",
        "Ann",
    )
    assert (art.products, art.versions, art.updated) == (["scanner"], ["2.0"], today)
    assert art.review_by is not None and art.review_by > today
    assert art.description.startswith("TODO:")
    assert [h.text for h in art.headings if h.level == 1] == [f"A new {type_} article"]
    rc, out, _ = run(capsys, "lint", "--strict")
    assert (rc, out) == (0, "kb lint: 2 article(s), 0 error(s), 0 warning(s)\n")


def test_a_solution_has_symptoms_cause_and_resolution(kb, capsys):
    run(capsys, "new", "-t", "solution", "Scanner shows error 42", "--owner", "Ann")
    art = load_article("x.md", (kb / "docs" / "scanner-shows-error-42.md").read_bytes())
    assert [h.text for h in art.headings if h.level == 2][:3] == list(SOLUTION_SECTIONS)


def test_publishing_with_placeholders_left_is_an_error(kb, capsys):
    """A new article is a draft full of TODOs (lint is clean); once published, each TODO left
    is an error, and setting it back to draft makes lint clean again."""
    run(capsys, "new", "-t", "how-to", "Reset a password", "-d", "docs", "--owner", "Ann")
    path = kb / "docs" / "reset-a-password.md"
    draft = path.read_text()
    path.write_text(draft.replace("status: draft", "status: published"))
    rc, out, _ = run(capsys, "lint")
    assert rc == 1
    assert out.splitlines() == [
        "docs/reset-a-password.md:5: KB212 placeholder 'TODO:' left in the description of a published article",
        "docs/reset-a-password.md:15: KB212 placeholder 'TODO:' left in a published article; finish it or set 'status: draft'",  # noqa: E501
        "kb lint: 2 article(s), 2 error(s), 0 warning(s)",
    ]
    path.write_text(draft)
    assert run(capsys, "lint", "--strict")[0] == 0


def test_default_folder_is_the_docs_dir(kb, capsys):
    assert run(capsys, "new", "-t", "faq", "Billing questions", "--owner", "Ann") == (
        0,
        "docs/billing-questions.md\n",
        "",
    )


def test_unknown_type_suggests_the_close_one(kb, capsys):
    assert run(capsys, "new", "--type", "solutoin", "X") == (
        1,
        "",
        (
            "ERROR: unknown type 'solutoin' (did you mean 'solution'?); choose one of "
            "documentation, how-to, solution, faq, tip, technique, policy, release-notes\n"
        ),
    )


def test_refuses_to_overwrite(kb, capsys):
    run(capsys, "new", "-t", "faq", "Billing questions", "--owner", "Ann")
    path = kb / "docs" / "billing-questions.md"
    path.write_text("mine")
    assert run(capsys, "new", "-t", "tip", "Billing questions") == (
        1,
        "",
        "ERROR: docs/billing-questions.md: already exists; not overwritten (choose another title or --id)\n",
    )
    assert path.read_text() == "mine"


def test_refuses_an_id_used_elsewhere_in_the_kb(kb, capsys):
    (kb / "docs" / "guides" / "old.md").write_text("---\nid: billing\ntitle: Old\ntype: faq\n---\n# Old\n")
    assert run(capsys, "new", "-t", "faq", "Billing", "-d", "docs") == (
        1,
        "",
        "ERROR: id 'billing' is already used by docs/guides/old.md; choose another with --id\n",
    )
    assert run(capsys, "new", "-t", "faq", "Billing", "-d", "docs", "--id", "billing-2", "--owner", "Ann") == (
        0,
        "docs/billing-2.md\n",
        "",
    )


def test_unknown_products_and_versions_are_refused_before_writing(kb, capsys):
    rc, out, err = run(capsys, "new", "-t", "faq", "Scanner FAQ", "-p", "scaner")
    assert (rc, out) == (1, "")
    assert err == (
        "ERROR: 1 error(s) in the new article; nothing was written:\n"
        "docs/scanner-faq.md:6: KB108 unknown product 'scaner' (did you mean 'scanner'?)\n"
    )
    rc, _, err = run(capsys, "new", "-t", "faq", "Scanner FAQ", "-p", "scanner", "--versions", "1.0,3.0")
    assert rc == 1 and "docs/scanner-faq.md:7: KB109 unknown version '3.0' of scanner" in err
    assert not (kb / "docs" / "scanner-faq.md").exists()


def test_titles_with_yaml_characters_survive(kb, capsys):
    title = 'Error: "disk full" #3 — café [beta]'
    rc, out, _ = run(capsys, "new", "-t", "solution", title, "--owner", "O'Brien: ops")
    assert rc == 0
    art = load_article("x.md", Path(out.strip()).read_bytes())
    assert (art.title, art.owner, art.problems) == (title, "O'Brien: ops", [])
    assert out.strip() == "docs/error-disk-full-3-cafe-beta.md"


def test_a_title_without_letters_needs_an_id(kb, capsys):
    assert run(capsys, "new", "-t", "faq", "???") == (
        1,
        "",
        "ERROR: cannot make a file name from the title '???'; give one with --id\n",
    )
    assert run(capsys, "new", "-t", "faq", "???", "--id", "Bad Id")[2].startswith(
        "ERROR: --id 'Bad Id' must be lower-case"
    )


def test_outside_a_kb_project_it_writes_here(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "new", "-t", "tip", "Quick tip", "--owner", "Ann") == (0, "quick-tip.md\n", "")


@pytest.mark.parametrize(
    "title, expected",
    [
        ("Install PSIcapture 8.1", "install-psicapture-8-1"),
        ("  Crème brûlée!  ", "creme-brulee"),
        ("a" * 100, "a" * 80),
    ],
)
def test_slug(title, expected):
    assert slug(title) == expected
