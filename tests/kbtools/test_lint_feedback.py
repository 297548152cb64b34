"""kb lint --feedback: the votes file format, its errors, and when KB218 fires (no desk needed)."""

from __future__ import annotations

import json

import pytest

from kbcore.problems import KbError
from kbtools.articles import load_article
from kbtools.lint import feedback


def article(uri: str, status: str = "published") -> object:
    return load_article(uri, f"---\ntitle: T {uri}\nid: {uri[:-3]}\nstatus: {status}\ntype: faq\n---\n# T\n".encode())


def test_kb218_needs_five_not_helpful_votes_outnumbering_helpful_ones():
    arts = {f"{n}.md": article(f"{n}.md") for n in ("four", "five", "tied", "many", "gone")}
    arts["gone.md"] = article("gone.md", "archived")
    votes = {"four": (0, 4), "five": (4, 5), "tied": (6, 6), "many": (30, 29), "gone": (0, 9), "unknown": (0, 99)}
    got = feedback.not_helpful(arts, votes)
    assert [(p.path, p.code, p.severity) for p in got] == [("five.md", "KB218", "warning")]
    assert got[0].line == 2 and "not helpful 5 time(s) and helpful 4 time(s) (56 % not helpful)" in got[0].message


def test_votes_of_one_article_on_several_lines_add_up(tmp_path):
    f = tmp_path / "votes.jsonl"
    f.write_text(
        "\n".join(json.dumps({"article_id": "a", "helpful": h, "not_helpful": n}) for h, n in ((1, 2), (3, 4))) + "\n\n"
    )
    assert feedback.load(str(f)) == {"a": (4, 6)}


@pytest.mark.parametrize(
    "text, message",
    [
        ("not json\n", ":1: not a JSON line"),
        ('{"article_id": "a", "helpful": 1}\n', ':1: expected {"article_id": string'),
        ('{"article_id": "a", "helpful": true, "not_helpful": 1}\n', ":1: expected"),
        ('{"article_id": "a", "helpful": -1, "not_helpful": 1}\n', ":1: expected"),
        ("[1]\n", ":1: expected"),
    ],
)
def test_a_bad_votes_file_is_one_sentence_naming_the_line(tmp_path, text, message):
    f = tmp_path / "votes.jsonl"
    f.write_text(text)
    with pytest.raises(KbError) as exc:
        feedback.load(str(f))
    assert f"{f}{message}" in str(exc.value)


def test_missing_file_and_unreachable_desk(tmp_path):
    with pytest.raises(KbError, match="cannot read the feedback file"):
        feedback.load(str(tmp_path / "nope.jsonl"))
    with pytest.raises(KbError, match=r"http://127.0.0.1:9/api/staff/feedback: cannot read the desk's feedback"):
        feedback.load("http://127.0.0.1:9/", timeout=2)
