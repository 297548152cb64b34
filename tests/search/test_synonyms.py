"""Synonym groups (kbtools/search/synonyms.py): the package's list, a KB's own file through the
`synonyms` option of kb-search, and the errors a writer gets for a bad line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kbtools.search import synonyms
from kbtools.search.engine import Index, run
from testkit.project import build, make_project


def groups(tmp_path: Path, text: str | bytes) -> list[list[str]]:
    f = tmp_path / "synonyms.txt"
    f.write_bytes(text.encode() if isinstance(text, str) else text)
    return synonyms.read(f, "docs/_data/synonyms.txt")


def test_the_package_list_reads_clean_and_words_are_analyzed_like_articles():
    merged = synonyms.load()
    assert "uninstal" in merged["remov"] and "delet" in merged["remov"]  # in two groups: both
    assert merged["e-mail"] == ["email", "mail"]  # a hyphenated word is one entry, its whole token


def test_a_kb_file_adds_groups_and_comments_are_skipped(tmp_path):
    assert groups(tmp_path, "# ours\n\nPSIcapture, capture-suite\nlot, batches\n") == [
        ["psicaptur", "capture-suite"],  # stemmed like the articles
        ["lot", "batch"],
    ]


def test_every_bad_line_is_reported_with_its_line_and_what_to_do(tmp_path):
    with pytest.raises(synonyms.SynonymsError) as exc:
        groups(tmp_path, "batch, lot\naddress book, contacts\nscan,, capture\nthe, a\ninvite, invitation\nalone\n")
    msg = str(exc.value)
    assert "docs/_data/synonyms.txt:2: 'address book' is not one word" in msg
    assert "docs/_data/synonyms.txt:3: an empty entry" in msg
    assert "docs/_data/synonyms.txt:4: 'the' is a stop word" in msg
    assert "docs/_data/synonyms.txt:5: a group needs two or more different words" in msg  # one stem
    assert "docs/_data/synonyms.txt:6: a group needs two or more different words" in msg
    assert ":1:" not in msg


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"scan, capture\n\xff\xfe\n", "docs/_data/synonyms.txt: not UTF-8 text (byte 14)"),
        (b"a, b\n" * 60_000, "docs/_data/synonyms.txt: more than 256 kB"),
        ((", ".join(f"w{i}x" for i in range(40)) + "\n").encode(), "docs/_data/synonyms.txt:1: 40 words"),
    ],
)
def test_files_that_are_not_a_list_of_groups_are_refused(tmp_path, content, expected):
    with pytest.raises(synonyms.SynonymsError, match=re.escape(expected)):
        groups(tmp_path, content)


def _project(tmp_path: Path, text: str | None) -> Path:
    cfg = make_project(tmp_path / "kb", plugin_options={"kb-search": {"synonyms": "docs/_data/synonyms.txt"}})
    if text is not None:
        (tmp_path / "kb" / "docs" / "_data" / "synonyms.txt").write_text(text)
    return cfg


def test_the_build_puts_the_kbs_groups_in_the_index(tmp_path):
    cfg = _project(tmp_path, "# our customers' names for things\nzorblat, batch\n")
    res = build(cfg)
    assert res.returncode == 0, res.stderr[-2000:]
    ix = Index(tmp_path / "kb" / "site")
    assert ix.manifest["synonyms"]["zorblat"] == ["batch"] and "uninstal" in ix.manifest["synonyms"]["remov"]
    found = [d for d, _ in run(ix, "zorblat ")["hits"]]
    assert found and found == [d for d, _ in run(ix, "batch ")["hits"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("zorblat, batch\naddress book, contacts\n", "docs/_data/synonyms.txt:2: 'address book' is not one word"),
        (None, "docs/_data/synonyms.txt: synonyms file not found (plugins.kb-search.synonyms in mkdocs.yml)"),
    ],
)
def test_a_bad_synonyms_file_fails_the_build_at_its_line_and_writes_no_site(tmp_path, text, expected):
    res = build(_project(tmp_path, text))
    assert res.returncode != 0
    assert expected in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "kb" / "site" / "index.html").exists()
