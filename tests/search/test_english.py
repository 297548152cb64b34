"""The English word list: what it ships, and what one KB's index keeps of it (english.py)."""

from __future__ import annotations

import gzip

import pytest

from kbtools.search import english
from kbtools.search.analysis import stem


def test_the_list_holds_english_words_and_their_irregular_forms_not_typos():
    words = set(english.load())
    assert len(words) > 50_000
    assert {"helm", "hiking", "flip", "launch", "mice", "went"} <= words  # base forms and irregular inflections
    assert not {"lauech", "outlok", "recieve", "teh"} & words


def test_a_kb_keeps_the_index_terms_of_english_words_it_lacks_by_first_letter():
    got = english.lacking({"launch", stem("hiking")}, ["launch", "launches", "helm", "hiking", "hiked", "the", "flip"])
    assert got == {"f": ["flip"], "h": ["helm"]}  # launch, hike: the KB has them; the: a stop word


def test_a_damaged_list_says_which_file_to_reinstall(tmp_path):
    bad = tmp_path / "english.txt.gz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(english.EnglishError, match="english.txt.gz: cannot be read"):
        english.load(bad)
    bad.write_bytes(gzip.compress(b"fine\nNot Lower\n"))
    with pytest.raises(english.EnglishError, match="'Not Lower' is not a lower-case word"):
        english.load(bad)
