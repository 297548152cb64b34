"""Redirect pages for article `aliases`: old URLs keep working on any static host."""

from __future__ import annotations

import html
import json
import os
import posixpath
from typing import Iterable

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Moved</title>
<meta http-equiv="refresh" content="0; url={url}">
<link rel="canonical" href="{url}">
<script>location.replace({js} + location.search + location.hash)</script>
</head><body><p>This article moved to <a href="{url}">{url}</a>.</p></body></html>
"""


def target_url(src_uri: str, use_directory_urls: bool) -> str:
    stem, _ = posixpath.splitext(src_uri)
    if not use_directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) in ("index", "README"):
        d = posixpath.dirname(stem)
        return d + "/" if d else ""
    return stem + "/"


def alias_path(alias: str) -> str:
    """Where an alias's redirect page lives inside the site (an alias may end in .html or /)."""
    a = alias.strip().lstrip("/")
    if a.endswith(".md"):
        a = a[:-3] + "/"
    if a.endswith(".html") or a.endswith(".htm"):
        return a
    return a.rstrip("/") + "/index.html"


def write_redirects(pairs: Iterable[tuple[str, str]], site_dir: str, use_directory_urls: bool) -> int:
    n = 0
    for alias, src_uri in pairs:
        rel_file = alias_path(alias)
        dest = os.path.normpath(os.path.join(site_dir, rel_file))
        if not dest.startswith(os.path.normpath(site_dir) + os.sep):
            continue  # an alias may not escape the site
        target = "/" + target_url(src_uri, use_directory_urls)
        # relative URL so the site works under any base path
        rel = posixpath.relpath(target, "/" + posixpath.dirname(rel_file))
        rel = rel + "/" if target.endswith("/") and not rel.endswith("/") else rel
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as fh:
            fh.write(_PAGE.format(url=html.escape(rel, quote=True), js=json.dumps(rel).replace("<", "\\u003c")))
        n += 1
    return n
