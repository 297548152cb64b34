"""The build publishes assets/kb/articles.json: every published article's id, title, url and
review_by (what the desk's report reads; drafts are not in it)."""

from __future__ import annotations

import json


def test_the_article_list_matches_the_built_pages(shipped_site):
    data = json.loads((shipped_site / "assets" / "kb" / "articles.json").read_text(encoding="utf-8"))
    assert data["version"] == 1
    arts = {a["id"]: a for a in data["articles"]}
    assert len(arts) == len(data["articles"]) >= 10
    for a in arts.values():
        assert set(a) == {"id", "title", "url", "review_by", "updated", "type"}
        page = shipped_site / a["url"] / "index.html" if a["url"] else shipped_site / "index.html"
        assert page.is_file(), a["url"]
        assert a["review_by"] is None or len(a["review_by"]) == 10
    assert "batch-class-templates" not in arts  # a draft: left out of the build, and of the list
    assert arts["scanner-not-detected"]["review_by"] == "2027-04-20"  # as its front matter says
