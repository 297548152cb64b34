"""Related articles (kbtools/related.py): an index updated in place after an edit gives the same
lists, to the bit, as a new index of the edited articles (what a full build computes)."""

from __future__ import annotations

import random

from kbtools.articles import load_article
from kbtools.related import RelatedIndex, related_articles

# A vocabulary large enough that most words are in few articles: only those relate articles.
WORDS = [f"term{k}" for k in range(900)]


def article(i: int, rng: random.Random, extra: str = ""):
    title = " ".join(rng.sample(WORDS, 3)).capitalize()
    body = " ".join(rng.choice(WORDS) for _ in range(25))
    tags = ", ".join(rng.sample(WORDS, 2))
    head = f"---\ntitle: {title} {i}\ntype: how-to\ntags: [{tags}]\n---\n"
    text = f"{head}# {title} {i}\n\n## {rng.choice(WORDS)}\n\n{body} {extra}\n"
    return load_article(f"kb/s{i % 7}/a{i:03d}.md", text.encode())


def test_an_edit_updated_in_place_gives_the_lists_of_a_new_index():
    rng = random.Random(7)
    articles = [article(i, rng) for i in range(150)]
    index = RelatedIndex(articles, 5)
    assert index.rows() == related_articles(articles, 5)
    assert sum(map(len, index.rows().values())) > 100  # the fixture relates articles
    for k in range(8):  # edits that add, drop and reweigh terms, some only a handful use
        i = rng.randrange(len(articles))
        edited = article(i, random.Random(100 + k), extra=" ".join([f"rare{k}"] * (k % 3)))
        edited.src_uri = articles[i].src_uri
        index.replace(edited)
        articles[i] = edited
        fresh = RelatedIndex(articles, 5)
        assert index.rows() == fresh.rows()
        assert index.idf == fresh.idf
        assert index.vectors == fresh.vectors


def test_one_row_is_the_row_of_every_row():
    rng = random.Random(3)
    articles = [article(i, rng) for i in range(60)]
    index = RelatedIndex(articles, 4)
    rows = index.rows()
    assert all(index.row(i) == rows[a.id] for i, a in enumerate(articles))
    assert any(rows.values())  # the fixture relates something


def test_term_bags_are_reused_for_the_same_article_object():
    rng = random.Random(5)
    articles = [article(i, rng) for i in range(20)]
    bags: dict = {}
    first = RelatedIndex(articles, 3, bags)
    second = RelatedIndex(articles, 3, bags)
    assert all(a is b for a, b in zip(first.bags, second.bags))
    assert second.rows() == first.rows()


def test_a_build_lets_the_related_index_go_once_every_list_is_computed():
    """A build computes every related list at once and needs the index no more (at 10,000
    articles it held about 60 MB to the end of the build); the preview keeps it to update."""
    from mkdocs.structure.files import Files

    from kbtools.build.page import PageContext

    rng = random.Random(9)
    articles = [article(i, rng) for i in range(40)]
    by_id = {a.id: a for a in articles}
    for keep in (False, True):
        pages = PageContext(by_id, {}, Files([]), 5, "", "", bags={}, keep_index=keep)
        pages.related(articles[0])
        assert pages.rows == related_articles(articles, 5)
        assert (pages.index is not None, bool(pages.bags)) == (keep, keep)


def test_an_index_that_is_not_updated_gives_the_same_lists_without_its_bags():
    rng = random.Random(11)
    articles = [article(i, rng) for i in range(50)]
    cache: dict = {}
    light = RelatedIndex(articles, 5, cache, updatable=False)
    assert light.rows() == RelatedIndex(articles, 5).rows()
    assert (light.bags, cache) == ([], {})  # nothing kept for a `replace` that will not come
