"""Where a page lives in the built site: an article's URL, an alias's redirect file.

Pure path arithmetic shared by the build (which writes redirect pages) and `kb lint` (which
checks that aliases are site paths and collide with nothing).
"""

from __future__ import annotations

import posixpath


def target_url(src_uri: str, use_directory_urls: bool) -> str:
    stem, _ = posixpath.splitext(src_uri)
    if not use_directory_urls:
        return stem + ".html"
    if posixpath.basename(stem) in ("index", "README"):
        d = posixpath.dirname(stem)
        return d + "/" if d else ""
    return stem + "/"


def site_file(src_uri: str, use_directory_urls: bool) -> str:
    """The HTML file an article becomes (`guides/setup/index.html`)."""
    url = target_url(src_uri, use_directory_urls)
    return url if url.endswith(".html") else url + "index.html"


def alias_path(alias: str) -> str:
    """Where an alias's redirect page lives inside the site (an alias may end in .html or /)."""
    a = alias.strip().lstrip("/")
    if a.endswith(".md"):
        a = a[:-3] + "/"
    if a.endswith(".html") or a.endswith(".htm"):
        return a
    return a.rstrip("/") + "/index.html"
