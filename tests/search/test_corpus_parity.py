"""The browser and `kb search --json` return the same top 10, in the same order, over the
real corpus (built once per run by the `corpus_site` fixture)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from kbtools.cli import main

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

# Customer-style questions of every kind: symptoms, error codes and messages, how-to,
# typos, other words than the articles', short queries, a word being typed, phrases, filters-free.
QUERIES = [
    "outlook crashes when I open it",
    "outlook keeps asking for my password",
    "excel file is corrupted and won't open",
    "teams meeting has no audio",
    "onedrive is not syncing my files",
    "sharepoint access denied when opening a site",
    "word document prints blank pages",
    "my mailbox is full",
    "emails stuck in the outbox",
    "calendar invites show the wrong time zone",
    "0x8007007A",
    "0x80070057",
    "0xc004f038",
    "550 5.1.10",
    "error 0x8004def7 onedrive",
    "554 5.7.1 message rejected",
    "We couldn't verify you have permission",
    "The operation failed. An object cannot be found",
    "AADSTS50076",
    "how to reset an outlook profile",
    "how do I create a new pst file",
    "how to turn off autocorrect in word",
    "set up an out of office reply",
    "share a calendar with a colleague",
    "recover a deleted email",
    "add a shared mailbox",
    "outlok crahses",
    "pasword reset",
    "sharepiont permisions",
    "exel formula not calculating",
    "onedirve sync",
    "teams meting",
    "mail app freezes",
    "laptop can't connect to mail server",
    "program stops responding",
    "spreadsheet slow",
    "activation",
    "licence",
    "ost",
    "pst",
    "autodiscover",
    "mfa",
    "calendar",
    "offline address book",
    "outlook sea",
    "shared mail",
    "excel macr",
    "teams not",
    '"offline address book"',
    '"not responding"',
    '"free/busy"',
    '"sign in" teams',
    "windows 10 office 2016 activation error",
    "exchange online mailbox migration failed",
    "outlook 2013 search not working",
    "the add-in could not be started",
    "KB4011090",
    "Event ID 1000",
    "MAPI_E_NETWORK_ERROR",
    "x" * 600,
]


def cli_top10(site, q: str, capsys) -> list[str]:
    assert main(["search", "--json", "--limit", "10", "--site", str(site), q]) == 0
    return [h["id"] for h in json.loads(capsys.readouterr().out)]


def test_browser_and_cli_rank_the_same_top_10(page, serve, corpus_site, capsys):
    base = serve(corpus_site)
    compared = nonempty = 0
    for q in QUERIES:
        page.goto(base + "search/?q=" + quote(q, safe=""))
        page.wait_for_function(
            "q => document.querySelector('[data-kb-search-page]')?.dataset.kbQuery === q", arg=q, timeout=60000
        )
        browser = page.eval_on_selector_all(
            "[data-kb-results] [data-kb-result]", "els => els.map(e => e.dataset.kbId)"
        )[:10]
        assert browser == cli_top10(corpus_site, q, capsys), q
        compared += 1
        nonempty += bool(browser)
    assert compared >= 50 and nonempty >= 50
    assert page.kb_log.errors == [] and page.kb_log.console == []
