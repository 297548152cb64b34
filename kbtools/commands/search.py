"""`kb search QUERY`: search a built site's index, with the ranking the browser uses.

Reads the exported index files of a built site (`--site`, default: the project's
`site/`), through `kbtools.search.engine`. Prints a readable list, or with `--json` a
JSON list of `{id, title, url, score}`, best first.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from kbcore.problems import KbError

# Titles and URLs come from articles (untrusted): no control character (C0, DEL, C1), bidi
# override or line/paragraph separator reaches the terminal.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with every control character replaced by a space (safe to print)."""
    return _CONTROL.sub(" ", text)


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option(
    "--site",
    "site_dir",
    default="site",
    show_default=True,
    type=click.Path(file_okay=False),
    help="A built site (mkdocs build) whose index to search.",
)
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id, title, url, score}.")
@click.option("--type", "types", multiple=True, help="Only articles of this type (repeatable).")
@click.option("--product", "products", multiple=True, help="Only articles for this product (repeatable).")
@click.option("--version", "versions", multiple=True, help="Only articles for this version (repeatable).")
def search(
    query: tuple[str, ...],
    site_dir: str,
    limit: int,
    as_json: bool,
    types: tuple[str, ...],
    products: tuple[str, ...],
    versions: tuple[str, ...],
) -> None:
    """Search the knowledge base of a built site."""
    from ..search.engine import Index, run  # imported here: `kb --help` stays fast

    if not Path(site_dir).is_dir():
        raise KbError(f"{site_dir}: no built site here; run `mkdocs build` first or pass --site DIR")
    text = " ".join(query)
    ix = Index(site_dir)
    filters = {"type": list(types), "product": list(products), "version": list(versions)}
    res = run(ix, text, limit, filters)
    hits = []
    for doc, score in res["hits"]:
        d = ix.meta(doc)
        hits.append({"id": d[0], "title": d[1], "url": d[2], "score": round(score, 6), "type": d[3]})
    if as_json:
        out = json.dumps(
            [{k: h[k] for k in ("id", "title", "url", "score")} for h in hits], ensure_ascii=False, indent=1
        )
        # json.dumps escapes C0 inside strings; the rest is escaped here (still JSON, the same data)
        click.echo(_CONTROL.sub(lambda m: m.group() if m.group() == "\n" else f"\\u{ord(m.group()):04x}", out))
        return
    shown = printable(repr(text))
    if res["did_you_mean"]:
        click.echo(f"Did you mean: {printable(res['did_you_mean'])}")
    if not hits:
        click.echo(f"No results for {shown}. Try other words, or submit a request (request/).")
        return
    click.echo(
        f"{res['total']} result(s) for {shown}" + (f", showing {len(hits)}" if res["total"] > len(hits) else "") + ":"
    )
    for i, h in enumerate(hits, 1):
        h = {k: printable(str(v)) for k, v in h.items()} | {"score": h["score"]}
        click.echo(f"{i:>3}. {h['title']}  [{h['type']}]\n     {h['url']}  (score {h['score']:.3f}, id {h['id']})")
