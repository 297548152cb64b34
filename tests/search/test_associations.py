"""Mined term associations (kbtools/search/associations.py): what is mined, how it travels in
the index, and how both engines use it as a soft expansion."""

from __future__ import annotations

import pytest

from kbtools.search import associations
from kbtools.search.engine import Index, run
from kbtools.search.export import Ranking

from .conftest import doc, make_site

FILLER = [
    doc(f"filler-{i}", f"Topic {i} printing", f"Print page {i} of the report on paper tray {i}.") for i in range(26)
]
WEATHER_KB = [
    doc("weather-bar", "Weather bar missing", "The weather forecast bar is gone from the calendar."),
    doc("weather-units", "Weather in Fahrenheit", "Change the units of the weather forecast."),
    doc("weather-settings", "Weather settings are missing", "The weather options are not shown in calendar options."),
    doc("calendar-colors", "Calendar colors", "Double-click a calendar to change its color."),
] + FILLER


def test_words_that_stand_beside_each_other_in_several_articles_are_associated():
    links = associations.mine([d.fields().values() for d in WEATHER_KB], texts=list)
    assert links["forecast"] == [("weather", 100)]  # both articles saying "forecast" say "weather" beside it
    assert "weather" not in links  # 3 of 30 articles: too common to need an expansion (SOURCE_SHARE)


def test_a_pair_seen_in_one_article_only_is_not_an_association():
    links = associations.mine([d.fields().values() for d in WEATHER_KB], texts=list)
    assert "fahrenheit" not in links  # one article: chance, not usage


def test_the_parts_of_a_compound_and_common_words_are_not_associations():
    docs = [["Double-click the icon", "Double-click it again"], ["double-click here"]] + [["paper report"]] * 30
    links = associations.mine(docs, texts=list)
    assert not any(t.startswith(("doubl", "click")) for t in links)
    assert "paper" not in links and all("paper" not in [o for o, _ in v] for v in links.values())


@pytest.fixture(scope="module")
def weather_site(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("weather"), WEATHER_KB)


def test_an_association_finds_an_article_the_word_itself_does_not(weather_site):
    ix = Index(weather_site)
    docs = [ix.meta(d)[0] for d, _ in run(ix, "forecast ")["hits"]]
    assert set(docs[:2]) == {"weather-bar", "weather-units"} and docs[2] == "weather-settings"


def test_associations_are_off_with_weight_zero(tmp_path):
    site = make_site(tmp_path, WEATHER_KB, Ranking(assoc=0.0))
    ix = Index(site)
    assert "weather-settings" not in [ix.meta(d)[0] for d, _ in run(ix, "forecast ")["hits"]]
