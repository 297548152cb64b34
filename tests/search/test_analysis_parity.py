"""The browser analyzer (analysis.js, stemmer.js) and the build's (analysis.py) agree on
every text of the real corpus and on every word of its vocabulary."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from kbtools.articles import read_article
from kbtools.search.analysis import STOP_WORDS, analyze, term, words
from kbtools.search.documents import from_article
from testkit.paths import CORPUS

from .conftest import SMALL_KB

HERE = Path(__file__).parent
TRICKY = [
    "Don't DON’T l'été",
    "İstanbul ΟΔΟΣ straße",
    "𝐀𝐁𝐂 𝟏𝟐𝟑 x²",
    "a-b-c 1.2.3 _x_ x__y",
    "0x80070005 0xABC 0X1234",
    "e-mail Wi-Fi add-in .NET C# c++",
    "١٢٣ ٤٥",
    "日本語のテキスト",
    "\u0301e\u0301",
    "\ud800 lone",
    "yelling yyy",
]


def _node(payload: dict) -> dict:
    if shutil.which("node") is None:
        pytest.fail("node is needed for the analyzer parity test")
    out = subprocess.run(
        ["node", str(HERE / "analysis_parity.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(out.stdout)


def _compare(texts: list[str]) -> int:
    vocab = sorted({w for t in texts for w in words(t)})
    res = _node({"stop_words": sorted(STOP_WORDS), "texts": texts, "words": vocab})
    mismatched = [
        t
        for t, h in zip(texts, res["streams"])
        if hashlib.sha1(" ".join(f"{w}@{p}" for w, p in analyze(t)).encode("utf-8", "surrogatepass")).hexdigest() != h
    ]
    assert not mismatched, f"{len(mismatched)} text(s) analyzed differently, first: {mismatched[0][:300]!r}"
    py_terms = [term(w) for w in vocab]
    diff = [(w, a, b) for w, a, b in zip(vocab, py_terms, res["terms"]) if a != b]
    assert not diff, f"{len(diff)} word(s) analyzed differently, e.g. {diff[:10]}"
    return len(vocab)


def test_tricky_texts_analyze_the_same():
    texts = [t for t in TRICKY if "\ud800" not in t]  # JSON cannot carry a lone surrogate to node
    assert _compare(texts + [f for d in SMALL_KB for f in d.fields().values()]) > 40


@pytest.mark.corpus
def test_the_whole_real_corpus_analyzes_the_same():
    if not CORPUS.is_dir():
        pytest.skip(f"real corpus not found at {CORPUS} (set KB_CORPUS)")
    texts = []
    for name in sorted(os.listdir(CORPUS)):
        if name.endswith(".md"):
            texts += from_article(read_article(str(CORPUS), name), "x/").fields().values()
    assert _compare(texts) > 20000  # the whole vocabulary, not a sample
