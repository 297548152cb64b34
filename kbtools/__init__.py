"""Build tools for the help center: article model, lint, search index, MkDocs plugin, `kb` CLI."""

__version__ = "0.1.0"
