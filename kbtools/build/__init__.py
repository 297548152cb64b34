"""The `kb` MkDocs plugin, one module per job (the plugin class only routes MkDocs events):

| module | job |
|---|---|
| `config.py` | the plugin's options, declared with bounds (MkDocs reports every bad one) |
| `reading.py` | read and check every article (all problems in one run), drafts and archived pages |
| `listings.py` | category/section landing pages, paginated listings, the categories and promoted blocks |
| `navigation.py` | section titles from data, escaped; the sidebar window around the current page |
| `page.py` | what an article page's template gets: breadcrumbs data, badges, related, feedback |
| `catalog.py` | `assets/kb/articles.json`: id, title, url, review_by of the published articles (for the desk) |
| `redirects.py` | redirect pages for `aliases` |
| `staging.py` | build into a sibling folder; swap it in only when the whole build succeeded |
| `fragments.py` | the autoescaped Jinja environment for the HTML pieces we generate |
| `plugin.py` | `KbPlugin`: MkDocs events -> the jobs above, through the shared build context |
"""
