"""Search: a Whoosh index built with the site, exported as static files, queried the same
way by the browser (`assets/search/engine.js`) and by Python (`kb search`).

Public API (see README.md in this folder for the index format):
    search(site_dir, query, limit=10, filters=None) -> [{id, title, url, score}], best first
`filters` maps a facet (`type`, `product`, `version`) to the accepted values.
"""

from __future__ import annotations

from .engine import search

__all__ = ["search"]
