"""The product lifecycle table, rendered from the policy file's `products:` data."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any, Mapping


def render(products: Mapping[str, Any], today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    if not products:
        return "*No products are defined in the policy file.*\n"
    rows = [
        '<table class="kb-lifecycle">',
        "<thead><tr><th scope=\"col\">Product</th><th scope=\"col\">Version</th><th scope=\"col\">Deployment</th>"
        "<th scope=\"col\">Released</th><th scope=\"col\">Support ends</th><th scope=\"col\">Status today</th></tr></thead><tbody>",
    ]
    for p in products.values():
        for v in sorted(p.versions, key=lambda v: v.released, reverse=True):
            status = "Supported" if v.supported_on(today) else ("Not yet released" if today < v.released else "End of support")
            ends = v.support_ends.isoformat() if v.support_ends else "Not announced"
            rows.append(
                f"<tr><td>{html.escape(p.name)}</td><td>{html.escape(v.version)}</td>"
                f"<td>{html.escape(', '.join(p.deployments))}</td><td>{v.released.isoformat()}</td>"
                f"<td>{ends}</td><td class=\"kb-status kb-status--{status.split()[0].lower()}\">{status}</td></tr>"
            )
    rows.append("</tbody></table>")
    return "\n".join(rows) + f"\n\n*Status computed when the site was built ({today.isoformat()}).*\n"
