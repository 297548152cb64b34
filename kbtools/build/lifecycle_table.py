"""The product lifecycle table (`<!-- kb:lifecycle -->`): the policy file's products, newest
release first, with each version's status on the day the site is built."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from kbcore.lifecycle import Product

from .fragments import Fragments


def rows(products: Mapping[str, Product], today: dt.date) -> list[dict[str, str]]:
    out = []
    for p in products.values():
        for v in sorted(p.versions, key=lambda v: v.released, reverse=True):
            if v.supported_on(today):
                status = "Supported"
            elif today < v.released:
                status = "Not yet released"
            else:
                status = "End of support"
            out.append(
                {
                    "product": p.name,
                    "version": v.version,
                    "deployments": ", ".join(p.deployments),
                    "released": v.released.isoformat(),
                    "support_ends": v.support_ends.isoformat() if v.support_ends else "",
                    "status": status,
                    "status_class": status.split()[0].lower(),
                }
            )
    return out


def render(fragments: Fragments, products: Mapping[str, Product], today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    return fragments.render("lifecycle.html", rows=rows(products, today), today=today.isoformat())
