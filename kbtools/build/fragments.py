"""The HTML pieces the `kb` plugin generates (listings, pager, categories, lifecycle table,
redirect pages) come from Jinja2 templates under the theme folder's `kb/`, rendered with
autoescape on: Python passes data, never markup. A KB can override any of them by putting a
template of the same name in its `theme.custom_dir` (the theme's folders are searched first).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jinja2


class Fragments:
    def __init__(self, theme_dirs: Sequence[str]) -> None:
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(list(theme_dirs)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,  # a misspelt variable fails the build, not the page
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )

    def render(self, name: str, **data: Any) -> str:
        return self.env.get_template(f"kb/{name}").render(**data)
