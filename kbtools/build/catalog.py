"""`assets/kb/articles.json`: the KB's published articles as data for tools outside the build.

The desk's report reads it for overdue `review_by` dates (the desk must not import
`kbtools`), and anything else may: `{"version": 1, "articles": [{"id", "title", "url",
"review_by", "updated", "type"}]}`, `url` relative to the site root, dates `YYYY-MM-DD` or null.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ..articles import Article
from ..urls import target_url

PATH = "assets/kb/articles.json"


def articles_json(articles: Iterable[Article], use_directory_urls: bool) -> str:
    rows = [
        {
            "id": a.id,
            "title": a.title,
            "url": target_url(a.src_uri, use_directory_urls),
            "review_by": a.review_by.isoformat() if a.review_by else None,
            "updated": a.updated.isoformat() if a.updated else None,
            "type": a.type,
        }
        for a in sorted(articles, key=lambda a: a.id)
        if a.status == "published"
    ]
    return json.dumps({"version": 1, "articles": rows}, ensure_ascii=False, separators=(",", ":"))
