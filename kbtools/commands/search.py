"""`kb search QUERY`: search a built site's index, with the ranking the browser uses.

Reads the exported index files of a built site (`--site`, default: the project's
`site/`), through `kbtools.search.engine`. Prints a readable list, or with `--json` a
JSON list of `{id, title, url, score}`, best first.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from kbcore.problems import KbError


@click.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--site", "site_dir", default="site", show_default=True, type=click.Path(file_okay=False),
              help="A built site (mkdocs build) whose index to search.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {id, title, url, score}.")
@click.option("--type", "types", multiple=True, help="Only articles of this type (repeatable).")
@click.option("--product", "products", multiple=True, help="Only articles for this product (repeatable).")
@click.option("--version", "versions", multiple=True, help="Only articles for this version (repeatable).")
def search(query: tuple[str, ...], site_dir: str, limit: int, as_json: bool,
           types: tuple[str, ...], products: tuple[str, ...], versions: tuple[str, ...]) -> None:
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
        d = ix.json(f"d/{doc}.json")
        hits.append({"id": d["id"], "title": d["title"], "url": d["url"], "score": round(score, 6), "type": d["type"]})
    if as_json:
        click.echo(json.dumps([{k: h[k] for k in ("id", "title", "url", "score")} for h in hits], ensure_ascii=False, indent=1))
        return
    if res["did_you_mean"]:
        click.echo(f"Did you mean: {res['did_you_mean']}")
    if not hits:
        click.echo(f"No results for {text!r}. Try other words, or submit a request (request/).")
        return
    click.echo(f"{res['total']} result(s) for {text!r}" + (f", showing {len(hits)}" if res["total"] > len(hits) else "") + ":")
    for i, h in enumerate(hits, 1):
        click.echo(f"{i:>3}. {h['title']}  [{h['type']}]\n     {h['url']}  (score {h['score']:.3f}, id {h['id']})")
