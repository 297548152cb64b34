"""The `kb` plugin's options (mkdocs.yml `plugins: - kb: ...`), declared once with their bounds."""

from __future__ import annotations

from mkdocs.config import config_options as c

from kbcore.options import Endpoint, Number, PluginConfig


class KbConfig(PluginConfig):
    enabled = c.Type(bool, default=True)
    # The support policy and product lifecycle (YAML), relative to mkdocs.yml; every plugin of
    # the help center reads it from here (declared once).
    policy_file = c.Optional(c.Type(str))
    # Where "Was this article helpful?" POSTs {article_id, helpful, ts}; "": no request at all.
    feedback_endpoint = Endpoint()
    request_page = c.Type(str, default="request/")
    related_count = Number(0, 50, default=5, integer=True)
    nav_window = Number(3, 1000, default=25, integer=True)
    section_page_size = Number(10, 100_000, default=200, integer=True)
    show_drafts = c.Optional(c.Type(bool))  # default: in `mkdocs serve` only
