"""The article model on in-memory files: every problem found, each at its file:line."""

import datetime as dt

from kbtools.articles import default_id, load_article, scan_body

PRODUCTS = {"psicapture": ["8.0", "8.1"], "psiextract": ["4.0"]}


def codes(art):
    return sorted((p.line, p.code) for p in art.problems)


def test_valid_article_reads_every_field():
    art = load_article(
        "sec/a.md",
        b"""---
title: Scanner not found
type: solution
id: scanner-not-found
description: One line.
products: [psicapture]
versions: ["8.1"]
tags: [scanner, twain]
updated: 2026-01-02
review_by: 2027-01-02
owner: docs
status: published
aliases: [old/scanner/]
---
# Scanner not found
## Symptoms
## Cause
## Resolution
""",
        PRODUCTS,
    )
    assert art.problems == []
    assert (art.id, art.title, art.type) == ("scanner-not-found", "Scanner not found", "solution")
    assert art.updated == dt.date(2026, 1, 2) and art.review_by == dt.date(2027, 1, 2)
    assert art.versions == ["8.1"] and art.aliases == ["old/scanner/"]
    assert [h.anchor for h in art.headings] == ["scanner-not-found", "symptoms", "cause", "resolution"]
    assert art.headings[1].line == 16


def test_a_title_and_a_heading_that_disagree_are_a_warning_naming_both():
    def kb218(title: str, heading: str) -> list[str]:
        art = load_article("a.md", f"---\ntitle: {title}\ntype: faq\n---\n\n# {heading}\n".encode())
        return [f"{p.line}: {p.message} ({p.severity})" for p in art.problems if p.code == "KB219"]

    assert kb218("Renew a licence", "Extend your *subscription*") == [
        "2: the title 'Renew a licence' and the heading '# Extend your subscription' (line 6) disagree: "
        "navigation and search show the title, the page shows the heading; make them the same (warning)"
    ]
    assert kb218("Renew a licence", "Renew a  licence") == []  # the same words
    assert kb218("Error 42", "Error 42: the scanner is offline") == []  # a shortened form, on purpose
    assert kb218("Scanner offline (error 42)", "Error 42") == []


def test_no_front_matter_takes_title_from_first_heading_and_defaults():
    art = load_article("guides/Setup Guide.md", b"Intro\n\n# Set it up\n\ntext\n")
    assert art.title == "Set it up"
    assert art.type == "documentation"
    assert art.id == "setup-guide"
    assert [p.code for p in art.problems] == ["KB106"]
    assert art.problems[0].severity == "warning"


def test_every_front_matter_problem_is_reported_with_its_line():
    art = load_article(
        "x.md",
        b"""---
title: ""
tpye: faq
type: sollution
updated: 2024-13-01
products: [psicaptur]
tags: scanner
status: live
---
# T
""",
        PRODUCTS,
    )
    assert codes(art) == [
        (2, "KB104"),
        (3, "KB103"),
        (4, "KB104"),
        (5, "KB104"),
        (6, "KB108"),
        (7, "KB104"),
        (8, "KB104"),
    ]
    msgs = {p.line: p.message for p in art.problems}
    assert "did you mean 'type'" in msgs[3]
    assert "did you mean 'solution'" in msgs[4]
    assert "did you mean 'psicapture'" in msgs[6]
    assert "did you mean 'draft'" not in msgs[8] and "one of draft, published, archived" in msgs[8]


def test_malformed_yaml_is_a_problem_not_an_exception():
    art = load_article("x.md", b"---\ntitle: ok\ntags: [a, b\n---\n# T\n")
    (p,) = [p for p in art.problems if p.code == "KB102"]
    assert p.path == "x.md" and p.line >= 3 and "malformed front matter" in p.message


def test_unclosed_front_matter_and_non_mapping():
    assert [p.code for p in load_article("x.md", b"---\ntitle: a\n# T\n").problems if p.severity == "error"] == [
        "KB102"
    ]
    assert [p.code for p in load_article("x.md", b"---\n- a\n- b\n---\n# T\n").problems if p.severity == "error"] == [
        "KB102"
    ]


def test_duplicate_key_names_both_lines():
    art = load_article("x.md", b"---\ntitle: a\ntype: faq\ntitle: b\n---\n")
    (p,) = [p for p in art.problems if p.code == "KB102"]
    assert p.line == 4 and "duplicate key 'title' (first on line 2)" in p.message


def test_invalid_utf8_names_the_line():
    art = load_article("x.md", b"---\ntype: faq\n---\n# T\nok\nbad \xff byte\n")
    (p,) = [p for p in art.problems if p.code == "KB101"]
    assert p.line == 6


def test_solution_needs_symptoms_cause_resolution():
    art = load_article("x.md", b"---\ntitle: t\ntype: solution\n---\n## Symptoms\n## Fix\n")
    (p,) = [p for p in art.problems if p.code == "KB107"]
    assert p.line == 3 and "Cause, Resolution" in p.message


def test_versions_checked_against_the_articles_products():
    art = load_article(
        "x.md", b"---\ntitle: t\ntype: faq\nproducts: [psiextract]\nversions: ['8.1', '4.0']\n---\n", PRODUCTS
    )
    assert [(p.line, p.code) for p in art.problems] == [(5, "KB109")]
    assert "'8.1'" in art.problems[0].message


def test_headings_skip_code_fences_and_dedupe_anchors():
    heads, links = scan_body(
        "# A\n```\n# not a heading\n[x](y.md)\n```\n## Cause\n## Cause\n[l](z.md#cause)\n![i](img.png)\n", 10
    )
    assert [(h.text, h.anchor, h.line) for h in heads] == [
        ("A", "a", 10),
        ("Cause", "cause", 15),
        ("Cause", "cause_1", 16),
    ]
    assert [(k.target, k.line, k.image) for k in links] == [("z.md#cause", 17, False), ("img.png", 18, True)]


def test_default_id_uses_folder_for_index_pages():
    assert default_id("faq/licensing/index.md") == "licensing"
    assert default_id("faq/Licensing FAQ.md") == "licensing-faq"
