"""The thesaurus (kbtools/search/thesaurus.py): what a KB's index takes from the shipped file,
how it travels (an entry without postings for a word the KB lacks) and how the engine uses it:
a soft expansion, and a word that is no longer unknown to the no-answer rule."""

from __future__ import annotations

import gzip

import pytest

from kbtools.search import thesaurus
from kbtools.search.engine import Index, run
from kbtools.search.export import Ranking

from .conftest import doc, make_site
from .test_associations import FILLER

TH_KB = [
    doc("weather-gone", "Weather bar is gone", "The weather bar disappears from the calendar after an update."),
    doc("repair-pst", "Fix a damaged data file", "Run the inbox repair tool on the data file."),
    doc("photo-size", "Shrink a photo before sending", "Large photos make the message too big to send."),
    doc("calendar-color", "Calendar colors", "Change the color of a calendar."),
    doc("disk-space", "Free up mailbox space", "Delete large attachments to free space."),
] + FILLER


@pytest.fixture(scope="module")
def th_site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("thesaurus"), TH_KB, Ranking(thesaurus=0.5))  # opted in


def ids(site, q):
    ix = Index(site)
    return [ix.meta(d)[0] for d, _ in run(ix, q)["hits"]]


def test_the_shipped_thesaurus_is_single_words_with_close_synonyms():
    th = thesaurus.load()
    assert 10_000 < len(th) < 60_000
    assert thesaurus.THESAURUS.stat().st_size < 400_000  # package data: a few hundred kB at most
    assert "disappear" in th["vanish"] and "repair" in th["mend"] and "favorite" in th["favourite"]
    assert all(w.isalpha() and w.islower() and all(s.isalpha() and s.islower() for s in syns) for w, syns in th.items())
    assert "bread" not in th and "tomato" not in th  # food and plants: no help center means them
    assert (thesaurus.THESAURUS.parent / "THESAURUS-LICENSE.txt").read_text().count("WordNet 3.0 Copyright") == 1


def test_a_kb_gets_words_it_lacks_or_hardly_uses_mapped_to_informative_terms_it_has():
    dfmax = {"disappear": 30, "repair": 5, "fix": 400, "big": 2, "larg": 60}  # index terms (stems)
    th = {
        "vanish": ["disappear"],
        "mend": ["repair", "fix", "patch"],
        "disappear": ["vanish"],
        "big": ["large"],
        "large": ["big"],
    }
    # "fix" is in 40 % of the articles: it says too little to stand for "mend"; "patch" is not in
    # the KB; "big" is in 2 articles of 1,000 ("large" in 60): mostly another word choice than the KB's.
    assert thesaurus.for_kb(dfmax, 1000, th) == {"vanish": ["disappear"], "mend": ["repair"], "big": ["larg"]}


def test_a_damaged_thesaurus_file_is_named_with_its_line(tmp_path):
    bad = tmp_path / "t.txt.gz"
    bad.write_bytes(gzip.compress(b"# header\nvanish\tdisappear\nmend\n"))
    with pytest.raises(thesaurus.ThesaurusError, match=r"t\.txt\.gz:3: expected"):
        thesaurus.load(bad)
    (tmp_path / "junk.txt.gz").write_bytes(b"not gzip")
    with pytest.raises(thesaurus.ThesaurusError, match="cannot be read"):
        thesaurus.load(tmp_path / "junk.txt.gz")


def test_the_index_carries_a_word_the_kb_lacks_without_postings(th_site):
    ix = Index(th_site)
    assert ix.lookup("vanish") is None  # not a word of the KB ...
    entry = ix.entry("vanish")
    assert entry is not None and not any(entry[2]) and entry[7] == ["disappear"]  # ... but it stands for one
    assert ix.entry("disappear")[7] == []  # a word the KB has gets no thesaurus terms
    assert ix.entry("bread") is None  # nothing for a word the thesaurus has no KB term for
    assert all(any(e[2]) for e in ix.with_prefix("vani"))  # never completed to a word the KB lacks


def test_a_word_the_kb_lacks_finds_the_articles_of_its_synonym(th_site):
    assert ids(th_site, "weather bar vanished ")[0] == "weather-gone"
    assert ids(th_site, "vanished ") == ["weather-gone"]
    assert ids(th_site, "mend damaged data file ")[0] == "repair-pst"
    assert ids(th_site, "mend ") == ["repair-pst"]
    assert "calendar-color" in ids(th_site, "alteration ")  # the thesaurus's "change"


def test_a_word_the_kb_hardly_uses_also_stands_for_its_synonyms(th_site):
    ix = Index(th_site)
    big = ix.entry("big")  # in one article of the KB ("too big to send"); "large" in two
    assert any(big[2]) and "larg" in big[7]
    assert ids(th_site, "big attachments ")[0] == "disk-space"
    assert "disk-space" in ids(th_site, "big ") and "photo-size" in ids(th_site, "big ")


def test_a_thesaurus_match_weighs_less_than_the_word_itself(th_site):
    ix = Index(th_site)
    ix.manifest["ranking"]["synonym"] = 0.0  # "vanish" is a hand-listed synonym too: the thesaurus alone here
    own = dict(run(ix, "disappears ")["hits"])
    other = dict(run(ix, "vanishes ")["hits"])
    doc = next(iter(own))
    assert other[doc] == pytest.approx(own[doc] * ix.manifest["ranking"]["thesaurus"])


def test_questions_the_kb_cannot_answer_still_get_nothing(th_site):
    for q in ("sourdough bread recipe ", "tomato plants vanished ", "hiking boots for winter "):
        assert ids(th_site, q) == [], q


def test_the_thesaurus_is_off_by_default(tmp_path):
    site = make_site(tmp_path, TH_KB)
    assert Index(site).entry("mend") is None and Index(site).entry("alteration") is None
    assert ids(site, "alteration ") == []  # "mend" is a hand-listed synonym of "repair" too: not a test of this
