"""Fixtures for search tests: small exported indexes made from in-memory documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from kbtools.search import whoosh_index
from kbtools.search.documents import SearchDoc, Section
from kbtools.search.export import Ranking, export


def make_site(tmp: Path, docs: list[SearchDoc], ranking: Ranking | None = None) -> Path:
    """Index `docs` with Whoosh and export them into `tmp/site`; return the site dir."""
    inv = whoosh_index.build(docs, tmp / "whoosh")
    site = tmp / "site"
    export(inv, docs, site, ranking or Ranking(), {"product": {"psicapture": "PSIcapture"}})
    return site


def doc(
    id: str,
    title: str,
    body: str,
    type: str = "solution",
    heading: str = "Resolution",
    products=(),
    versions=(),
    description: str = "",
) -> SearchDoc:
    return SearchDoc(
        id=id,
        title=title,
        url=f"{id}/",
        type=type,
        description=description,
        products=list(products),
        versions=list(versions),
        breadcrumbs=["Help Center", "Section"],
        sections=[Section("", "", "Intro text."), Section(heading, heading.lower(), body)],
    )


SMALL_KB = [
    doc(
        "reset-password",
        "Reset your password",
        "To reset a forgotten password, open the sign-in page and select Forgot password.",
        type="how-to",
        products=["psicapture"],
        versions=["7.0"],
    ),
    doc(
        "outlook-crash",
        "Outlook crashes on startup",
        "Outlook stops responding and crashes when it starts. Start Outlook in safe mode.",
        products=["outlook"],
    ),
    doc(
        "oab-error",
        "0x8007007A when downloading the Offline Address Book",
        "You receive error 0x8007007A. Delete the 001e660e registry value.",
    ),
    doc(
        "ndr-550",
        "Email fails with 550 5.1.10 RecipientNotFound",
        "The message bounced with 550 5.1.10 because the recipient does not exist.",
        products=["exchange"],
    ),
    doc(
        "configure-scanner",
        "Configure the scanner",
        "Configuration of the scanner driver: select the TWAIN source in System.Net settings.",
        type="how-to",
        products=["psicapture"],
        versions=["6.5", "7.0"],
    ),
    doc(
        "cannot-activate",
        "Office cannot activate",
        "Activation fails: Office is not activated. Check the license and activate again.",
        type="faq",
    ),
    doc("turn-off-sync", "Turn off sync", "Turn off syncing of the calendar. Sync will not run when off.", type="tip"),
    doc("address-list", "Address list not updated", "The address list in the offline book is old: download it again."),
]


@pytest.fixture(scope="module")
def small_site(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("small"), SMALL_KB)
