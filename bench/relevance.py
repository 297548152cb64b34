#!/usr/bin/env python3
"""Relevance of each search engine on judged query sets: MRR@10 and success@3, per query kind.

Owns: reading judged query sets (bench/queries/*.jsonl: {"q", "kind", "relevant": [ids]}), the
metrics, the untuned Whoosh baseline (BM25F over title + body, terms ORed, Whoosh's default
analyzer), and getting each engine's top 10:
  ours      `kbtools.search.search(site, q, limit=10)` (the same ranking as `kb search --json`),
            falling back to the `kb search --json` CLI;
  whoosh    the baseline above, built here straight from the Markdown;
  material  mkdocs-material's real search JS (lunr in its web worker) in headless Chromium;
  pagefind  Pagefind's JS API in headless Chromium over a Pagefind-indexed build;
  prev      an earlier commit's engine (`--prev-src`: a source tree of it, e.g. `git archive 6492ed5`)
            over that commit's own build of the KB (`--prev-site`), run in a subprocess with the
            source tree first on PYTHONPATH, so its `kbtools.search.search` answers.
Does not own: the builds (bench/build_kb.py) or the browser plumbing (bench/browser.py).

    python bench/relevance.py --kb corpus --queries bench/queries/corpus.jsonl \
        [--engines ours,whoosh,material,pagefind,prev] [--work DIR] [--show-misses] [--paired ours,prev]
    python bench/relevance.py --kb corpus --queries bench/queries/customer.jsonl --split heldout \
        --unanswerable --engines ours,prev,whoosh,material,pagefind --prev-src DIR --prev-site SITE
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))

KINDS = ("symptom", "error", "howto", "typo", "synonym", "short")
SPLITS = ("dev", "heldout")
ALL_ENGINES = ("ours", "whoosh", "material", "pagefind")
PREV = {"src": None, "site": None}  # the earlier engine to compare with (--prev-src, --prev-site)
QUERY_SETS = {
    "corpus": BENCH / "queries" / "corpus.jsonl",
    "shipped": BENCH / "queries" / "shipped.jsonl",
    "customer": BENCH / "queries" / "customer.jsonl",
    "customer-b": BENCH / "queries" / "customer-b.jsonl",
    "customer-c": BENCH / "queries" / "customer-c.jsonl",
    "1000": BENCH / "queries" / "generated-1000.jsonl",
    "10000": BENCH / "queries" / "generated-10000.jsonl",
}


UNANSWERABLE = BENCH / "queries" / "unanswerable.jsonl"


def load_queries(path: Path, split: str | None = None) -> list[dict]:
    """Judged queries of a file, only those of `split` (dev, heldout) when given.

    A question the KB cannot answer has kind "unanswerable" and an empty `relevant`."""
    out = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        q = json.loads(line)
        unanswerable = q.get("kind") == "unanswerable" and q.get("relevant") == []
        if not (isinstance(q.get("q"), str) and (unanswerable or (q.get("kind") in KINDS and q.get("relevant")))):
            raise ValueError(f"{path}:{n}: needs q, kind (one of {', '.join(KINDS)}) and relevant")
        if "split" in q and q["split"] not in SPLITS:
            raise ValueError(f"{path}:{n}: split must be one of {', '.join(SPLITS)}")
        if split is None or q.get("split") == split:
            out.append(q)
    return out


def no_answer_rate(ranked: list[list[str]]) -> float:
    """The share of queries that got no result at all (for questions the KB cannot answer)."""
    return sum(not r for r in ranked) / len(ranked) if ranked else 0.0


def reciprocal_rank(ranked: list[str], relevant: list[str] | set[str], k: int = 10) -> float:
    """1/rank of the first relevant id within the top k, else 0."""
    rel = set(relevant)
    for i, rid in enumerate(ranked[:k], 1):
        if rid in rel:
            return 1.0 / i
    return 0.0


def success_at(ranked: list[str], relevant: list[str] | set[str], k: int = 3) -> float:
    """1 if any relevant id is in the top k, else 0."""
    return 1.0 if set(ranked[:k]) & set(relevant) else 0.0


def score(queries: list[dict], ranked: list[list[str]]) -> dict[str, dict]:
    """{kind or 'all': {"mrr": MRR@10, "s3": success@3, "n": count}}."""
    groups: dict[str, list[tuple[float, float]]] = {"all": []}
    for q, r in zip(queries, ranked):
        pair = (reciprocal_rank(r, q["relevant"]), success_at(r, q["relevant"]))
        groups["all"].append(pair)
        groups.setdefault(q["kind"], []).append(pair)
    return {
        k: {"mrr": sum(p[0] for p in v) / len(v), "s3": sum(p[1] for p in v) / len(v), "n": len(v)}
        for k, v in groups.items()
        if v
    }


# --- engines -----------------------------------------------------------------------------


def rank_ours(site: Path, queries: list[str]) -> list[list[str]]:
    try:
        from kbtools.search import search  # the public API the contract names
    except ImportError:
        search = None
    out = []
    for q in queries:
        if search is not None:
            hits = search(site, q, limit=10)
        else:
            res = subprocess.run(
                [str(REPO / ".venv" / "bin" / "kb"), "search", "--json", q, "--site", str(site), "--limit", "10"],
                capture_output=True,
                text=True,
            )
            if res.returncode != 0:
                raise RuntimeError(f"kb search failed: {res.stderr.strip()}")
            hits = json.loads(res.stdout)
        out.append([h["id"] for h in hits])
    return out


_PREV_RANK = """
import json, sys
from kbtools.search import search
print(json.dumps([[h["id"] for h in search(sys.argv[1], q, limit=10)] for q in json.load(sys.stdin)]))
"""


def rank_prev(src: Path, site: Path, queries: list[str]) -> list[list[str]]:
    """Top-10 ids from an earlier commit's engine: its source tree first on the path."""
    import os

    env = dict(os.environ, PYTHONPATH=str(src))
    res = subprocess.run(
        [sys.executable, "-c", _PREV_RANK, str(site)],
        input=json.dumps(queries),
        capture_output=True,
        text=True,
        env=env,
        cwd=str(src),
        check=False,
    )
    if res.returncode != 0:
        raise RuntimeError(f"previous engine failed: {res.stderr.strip()[-500:]}")
    return json.loads(res.stdout)


def _source_articles(categories: dict[str, Path], shipped: bool, with_path: bool = False):
    """(id, title, body[, src_uri]) for every published article the KB would contain."""
    from kbtools.articles import load_article

    roots = ([("", REPO / "docs")] if shipped else []) + [(name, Path(src)) for name, src in categories.items()]
    for prefix, root in roots:
        for f in sorted(root.rglob("*.md")):
            rel = f.relative_to(root).as_posix()
            if rel.startswith("_data/"):
                continue
            art = load_article(f"{prefix}/{rel}" if prefix else rel, f.read_bytes())
            if art.published:
                yield (art.id, art.title, art.body) + ((art.src_uri,) if with_path else ())


def slug_to_id(kb: str) -> dict[str, str]:
    """A page URL's last folder -> the article id (they differ where front matter sets `id`)."""
    from build_kb import kb_sources

    out = {}
    for aid, _, _, src in _source_articles(*kb_sources(kb), with_path=True):
        p = Path(src)
        out[p.parent.name if p.stem in ("index", "README") else p.stem] = aid
    return out


_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"<[^>]+>|[*_`#>|]+|^\s*[-+]\s|^\s*\d+\.\s|^(!!!|\?\?\?)\s*\w+", re.M)


def plain_text(markdown: str) -> str:
    """Markdown as a reader sees it: link text kept, emphasis/code/heading/table marks dropped.

    Whoosh's default tokenizer would otherwise index `**Deskew**` as one token '**deskew**'.
    """
    return _MD_MARKS.sub(" ", _MD_LINK.sub(r"\1", markdown))


def whoosh_baseline(kb: str, work: Path):
    """Open (building once) the untuned Whoosh index for a KB; return a ranking function."""
    from build_kb import kb_sources
    from whoosh import index
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup

    where = work / f"whoosh-baseline-v2-{kb}"
    if not (where / ".complete").exists():
        where.mkdir(parents=True, exist_ok=True)
        schema = Schema(id=ID(stored=True, unique=True), title=TEXT, body=TEXT)
        ix = index.create_in(str(where), schema)
        w = ix.writer(limitmb=256)
        for aid, title, body in _source_articles(*kb_sources(kb)):
            w.add_document(id=aid, title=title, body=plain_text(body))
        w.commit()
        (where / ".complete").write_text("ok")
    ix = index.open_dir(str(where))
    parser = MultifieldParser(["title", "body"], ix.schema, group=OrGroup)
    searcher = ix.searcher()  # BM25F, Whoosh's default weighting

    def rank(queries: list[str]) -> list[list[str]]:
        out = []
        for q in queries:
            # Query syntax characters would make "error: x" a field query; a plain box has no syntax.
            text = re.sub(r"[:()\[\]{}^~*?\"'+\-!/\\]", " ", q)
            hits = searcher.search(parser.parse(text), limit=10)
            out.append([h["id"] for h in hits])
        return out

    return rank


def run_engines(
    kb: str, queries: list[dict], engines: list[str], work: Path, browser=None
) -> dict[str, list[list[str]] | str]:
    """{engine: top-10 id lists, or a string saying why it could not run}."""
    texts = [q["q"] for q in queries]
    results: dict[str, list[list[str]] | str] = {}
    with contextlib.ExitStack() as stack:  # one Chromium, opened only if an engine needs it
        _run(kb, texts, engines, work, browser, stack, results)
    return results


def _run(kb, texts, engines, work, browser, stack, results) -> None:
    import browser as B
    from build_kb import build, have_ours

    for engine in engines:
        print(f"  relevance: {engine} on {kb} ({len(texts)} queries)", file=sys.stderr, flush=True)
        if engine == "whoosh":
            results[engine] = whoosh_baseline(kb, work)(texts)
            continue
        if engine == "prev":
            src, site = PREV["src"], PREV["site"]
            if not (src and (Path(src) / "kbtools" / "search").is_dir() and site and Path(site).is_dir()):
                results[engine] = "needs --prev-src (a source tree) and --prev-site (its build)"
            else:
                results[engine] = rank_prev(Path(src).resolve(), Path(site).resolve(), texts)
            continue
        if engine == "ours" and not have_ours():
            results[engine] = "kb-search plugin not installed"
            continue
        site = work / f"{kb}-{engine}" / "site"
        if not site.is_dir():
            b = build(kb, engine, work)
            if not b.ok:
                results[engine] = f"build failed: {b.error[-300:]}"
                continue
        if engine == "ours":
            results[engine] = rank_ours(site, texts)
            continue
        if browser is None:
            browser = stack.enter_context(B.chromium())
        with B.serve(site) as base:
            rank = B.rank_material if engine == "material" else B.rank_pagefind
            ids = slug_to_id(kb)
            results[engine] = [[ids.get(s, s) for s in r] for r in rank(browser, base, texts)]


def table(queries: list[dict], results: dict) -> str:
    from build_kb import fmt_table

    kinds = [k for k in KINDS if any(q["kind"] == k for q in queries)]
    header = (
        ["engine"] + [f"{k} (n={sum(q['kind'] == k for q in queries)})" for k in kinds] + [f"ALL (n={len(queries)})"]
    )
    rows = []
    for engine, ranked in results.items():
        if isinstance(ranked, str):
            rows.append([engine] + ["n/a"] * len(kinds) + [ranked])
            continue
        s = score(queries, ranked)
        rows.append([engine] + [f"{s[k]['mrr']:.2f} / {s[k]['s3']:.2f}" for k in kinds + ["all"]])
    return "MRR@10 / success@3\n" + fmt_table(rows, header)


def paired(queries: list[dict], a: list[list[str]], b: list[list[str]], rounds: int = 10000) -> str:
    """Per kind, engine a's MRR@10 minus engine b's on the same questions, with a 95 % interval
    from a paired bootstrap (questions resampled within the kind, seeded): with 8 questions a
    kind moves by 0.06-0.12 on one question, and the interval says whether a gap is more than that."""
    from build_kb import fmt_table

    rng = random.Random(0)
    kinds = [k for k in KINDS if any(q["kind"] == k for q in queries)] + ["all"]
    rows = []
    for k in kinds:
        d = [
            reciprocal_rank(x, q["relevant"]) - reciprocal_rank(y, q["relevant"])
            for q, x, y in zip(queries, a, b)
            if k in ("all", q["kind"])
        ]
        means = sorted(sum(rng.choice(d) for _ in d) / len(d) for _ in range(rounds))
        lo, hi = means[int(0.025 * rounds)], means[int(0.975 * rounds) - 1]
        better, worse = sum(x > 1e-9 for x in d), sum(x < -1e-9 for x in d)
        rows.append([k, str(len(d)), f"{sum(d) / len(d):+.3f}", f"[{lo:+.3f}, {hi:+.3f}]", f"{better} / {worse}"])
    return fmt_table(rows, ["kind", "n", "MRR@10 difference", "95 % interval", "questions better / worse"])


def main(argv: list[str] | None = None) -> int:
    import build_kb

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kb", default="corpus", help="corpus, shipped, 1000, 10000")
    ap.add_argument("--queries", type=Path)
    ap.add_argument("--split", choices=SPLITS, help="only the dev or the held-out half of a split set")
    ap.add_argument(
        "--unanswerable",
        action="store_true",
        help="also run the unanswerable questions (of --split) and print the no-result rate",
    )
    ap.add_argument("--engines", default=",".join(ALL_ENGINES))
    ap.add_argument("--work", type=Path, default=build_kb.WORK)
    ap.add_argument("--show-misses", action="store_true", help="print queries an engine missed in its top 3")
    ap.add_argument("--prev-src", type=Path, help="engine prev: a source tree of the earlier commit")
    ap.add_argument("--prev-site", type=Path, help="engine prev: that commit's build of the same KB")
    ap.add_argument(
        "--paired", metavar="A,B", help="also print A's MRR@10 minus B's per kind, with a bootstrap interval"
    )
    a = ap.parse_args(argv)
    PREV.update(src=a.prev_src, site=a.prev_site)
    build_kb.WORK = a.work
    a.work.mkdir(parents=True, exist_ok=True)
    queries = load_queries(a.queries or QUERY_SETS[a.kb], a.split)
    nones = load_queries(UNANSWERABLE, a.split) if a.unanswerable else []
    results = run_engines(a.kb, queries + nones, a.engines.split(","), a.work)
    answered = {e: r if isinstance(r, str) else r[: len(queries)] for e, r in results.items()}
    print(f"Relevance on {a.kb} ({len(queries)} judged queries{', ' + a.split if a.split else ''})")
    print(table(queries, answered))
    for engine, ranked in results.items():
        if nones and not isinstance(ranked, str):
            rate = no_answer_rate(ranked[len(queries) :])
            print(f"  no result for {rate:.0%} of {len(nones)} unanswerable questions: {engine}")
    results = answered
    if a.paired:
        ea, eb = a.paired.split(",")
        ra, rb = results.get(ea), results.get(eb)
        if isinstance(ra, list) and isinstance(rb, list):
            print(f"{ea} minus {eb}, paired by question (bootstrap, 10,000 rounds)")
            print(paired(queries, ra, rb))
        else:
            print(f"  --paired {a.paired}: both engines must be in --engines and have run")
    if a.show_misses:
        for engine, ranked in results.items():
            if isinstance(ranked, str):
                continue
            for q, r in zip(queries, ranked):
                if not success_at(r, q["relevant"]):
                    print(f"  {engine} miss [{q['kind']}] {q['q']!r}: got {r[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
