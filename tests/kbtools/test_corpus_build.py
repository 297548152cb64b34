"""The real corpus (2,446 articles nobody here wrote) builds as a category of the KB."""

from __future__ import annotations

import html
import re

import pytest

pytestmark = pytest.mark.corpus


def test_every_corpus_article_becomes_a_page(corpus_site):
    pages = list((corpus_site / "office-support").glob("*/index.html"))
    articles = [p for p in pages if not p.parent.name.startswith("kb-page-")]
    assert len(articles) >= 2446


def test_corpus_landing_page_is_paginated_and_bounded(corpus_site):
    landing = (corpus_site / "office-support" / "index.html").read_text()
    listing = landing.split('class="kb-listing"', 1)[1].split("</ul>", 1)[0]
    items = re.findall(r'<li><a href="[^"]+/">', listing)
    assert 0 < len(items) <= 200
    assert 'rel="next" href="kb-page-2/"' in landing


def test_no_page_carries_the_whole_category(corpus_site):
    # A sidebar listing every article would make each page >500 kB; the biggest article is ~60 kB of text.
    page = (corpus_site / "office-support" / "profile-picture-not-showing" / "index.html").read_text()
    nav_links = re.findall(r'class="md-nav__link[^"]*"\s+href="\.\./[a-z0-9-]+/"', page)
    assert len(nav_links) <= 30
    assert len(page) < 120_000


def test_corpus_titles_come_from_front_matter_and_get_related_articles(corpus_site):
    page = (corpus_site / "office-support" / "profile-picture-not-showing" / "index.html").read_text()
    title = html.unescape(re.search(r"<title>(.*?)</title>", page).group(1))
    assert title.startswith("Profile picture isn't shown in SharePoint Online - ")
    assert "Related articles" in page
