"""kbtools/search/tools/make_thesaurus.py over a tiny WordNet written in WordNet's own file
format: which senses and words it keeps, and its message when WordNet is not there."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kbtools.search.tools import make_thesaurus as mt

LICENCE = "  1 This software and database is being provided to you, the LICENSEE, by  \n"
# offset lex_filenum ss_type w_cnt(hex) word lex_id ... p_cnt | gloss
DATA = {
    "verb": [
        "00000010 30 v 03 vanish 0 disappear 0 go_away 0 000 | get lost",
        "00000020 30 v 02 fix 0 repair 0 000 | restore to a good condition",
        "00000030 30 v 02 mend 0 repair 0 000 | as fix",
    ],
    "noun": [
        "00000040 26 n 02 fix 0 jam 0 000 | a bad situation",
        "00000050 13 n 02 bread 0 breadstuff 0 000 | food made from dough",
        "00000060 10 n 02 recipe 0 formula 0 000 | directions for making something",
        "00000070 06 n 02 photo 0 picture 0 000 | a picture taken with a camera",
    ],
    "adj": [],
    "adv": [],
}
# lemma pos synset_cnt p_cnt sense_cnt tagsense_cnt offsets (most used sense first)
INDEX = {
    "verb": [
        "fix v 1 0 1 1 00000020",
        "mend v 1 0 1 1 00000030",
        "vanish v 1 0 1 1 00000010",
        "disappear v 1 0 1 1 00000010",
        "repair v 2 0 2 2 00000020 00000030",
        "go_away v 1 0 1 0 00000010",
    ],
    "noun": [
        "bread n 1 0 1 1 00000050",
        "fix n 1 0 1 1 00000040",
        "photo n 1 0 1 1 00000070",
        "picture n 1 0 1 1 00000070",
        "recipe n 1 0 1 1 00000060",
    ],
    "adj": [],
    "adv": [],
}
COUNTS = ["fix%2:30:00:: 1 20", "fix%1:26:00:: 1 2", "photo%1:06:00:: 1 5"]


def tiny_wordnet(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for pos in ("noun", "verb", "adj", "adv"):
        (root / f"data.{pos}").write_text(LICENCE + "".join(line + "  \n" for line in DATA[pos]))
        (root / f"index.{pos}").write_text(LICENCE + "".join(line + "  \n" for line in INDEX[pos]))
    (root / "cntlist.rev").write_text("".join(line + "\n" for line in COUNTS))
    return root


def test_close_synonyms_of_the_senses_people_mean(tmp_path):
    th = mt.compile_thesaurus(tiny_wordnet(tmp_path / "wn"))
    assert th["vanish"] == ["disappear"]  # "go away" is a phrase: single words only
    assert th["mend"] == ["repair"] and th["repair"] == ["fix"]  # never tagged: its first sense only
    assert th["fix"] == ["repair"]  # the verb is tagged 10 times as often as the noun "a jam"
    assert th["photo"] == ["picture"] and th["recipe"] == ["formula"]
    assert "bread" not in th  # food: no help center means it


def test_the_written_file_is_what_the_build_reads(tmp_path):
    from kbtools.search import thesaurus

    out = tmp_path / "th.txt.gz"
    assert mt.main(["--wordnet", str(tiny_wordnet(tmp_path / "wn")), "--out", str(out)]) == 0
    assert thesaurus.load(out)["vanish"] == ["disappear"]
    first = out.read_bytes()
    mt.main(["--wordnet", str(tmp_path / "wn"), "--out", str(out)])
    assert out.read_bytes() == first  # reproducible: no time stamp in the gzip header
    assert gzip.decompress(first).decode().startswith("# kb search thesaurus")


def test_without_wordnet_it_says_what_to_install_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "th.txt.gz"
    assert mt.main(["--wordnet", str(tmp_path / "none"), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ERROR: ") and "apt-get install wordnet-base" in err and "Traceback" not in err
    assert not out.exists()


def test_a_damaged_wordnet_file_is_named_with_its_line(tmp_path):
    root = tiny_wordnet(tmp_path / "wn")
    (root / "data.noun").write_text(LICENCE + "00000040 xx n\n")
    with pytest.raises(mt.WordNetError, match=r"data\.noun:2: not a WordNet synset line"):
        mt.compile_thesaurus(root)
