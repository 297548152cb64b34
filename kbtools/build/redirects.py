"""Redirect pages for article `aliases`: old URLs keep working on any static host.

The aliases were checked while the articles were read (`kb lint`'s KB215-KB217: relative site
paths that replace no page); this writes one small page per alias, from `kb/redirect.html`.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable

from ..urls import alias_path, target_url
from .fragments import Fragments


def redirect_pages(pairs: Iterable[tuple[str, str]], use_directory_urls: bool, fragments: Fragments) -> dict[str, str]:
    """Site file -> redirect page, for (alias, target article's src_uri) pairs."""
    out: dict[str, str] = {}
    for alias, src_uri in pairs:
        rel_file = alias_path(alias)
        if posixpath.normpath(rel_file).startswith(("../", "/")) or rel_file in out:
            continue  # checked before the build (KB215, KB216): never escape the site
        target = "/" + target_url(src_uri, use_directory_urls)
        # A relative URL, so the site works under any base path.
        rel = posixpath.relpath(target, "/" + posixpath.dirname(rel_file))
        rel = rel + "/" if target.endswith("/") and not rel.endswith("/") else rel
        out[rel_file] = fragments.render("redirect.html", url=rel)
    return out


def write_redirects(pages: dict[str, str], site_dir: str) -> int:
    n = 0
    root = os.path.normpath(site_dir)
    for rel_file, text in pages.items():
        dest = os.path.normpath(os.path.join(root, rel_file))
        if not dest.startswith(root + os.sep) or os.path.exists(dest):
            continue  # checked before the build; never escape the site or replace a page
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as fh:
            fh.write(text)
        n += 1
    return n
