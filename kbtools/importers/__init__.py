"""Importers: another help center's export in, a folder of KB articles out.

- `zendesk`: reads a Zendesk Help Center export and plans the files (`kb import zendesk`);
- `html_to_markdown`: the HTML -> Markdown rules (markdownify plus what it misses);
- `sync`: writes a plan under `--to` idempotently, keeping local edits out of harm's way.
"""
