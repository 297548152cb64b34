"""Products and their support dates, read from the policy file's `products:` section.

The KB reads this to check articles' `products`/`versions` and to render the lifecycle
page; the policy engine reads it to decide "Supported Product on date D". One file, one
shape (`schemas/product-lifecycle.schema.json`, which the policy's own schema refers to).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Version:
    version: str
    released: dt.date
    support_ends: dt.date | None  # None: no end date announced

    def supported_on(self, day: dt.date) -> bool:
        return self.released <= day and (self.support_ends is None or day <= self.support_ends)


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    deployments: tuple[str, ...]
    versions: tuple[Version, ...] = field(default_factory=tuple)

    def version(self, v: str) -> Version | None:
        return next((x for x in self.versions if x.version == v), None)


def products_from_data(data: dict) -> dict[str, Product]:
    """Build products from an already-validated policy mapping."""
    out: dict[str, Product] = {}
    for p in data.get("products") or []:
        versions = tuple(
            Version(
                str(v["version"]),
                dt.date.fromisoformat(str(v["released"])),
                dt.date.fromisoformat(str(v["support_ends"])) if v.get("support_ends") else None,
            )
            for v in p.get("versions") or []
        )
        out[str(p["id"])] = Product(str(p["id"]), str(p["name"]), tuple(p.get("deployments") or ()), versions)
    return out


SCHEMA_FILE = Path(__file__).parent / "schemas" / "product-lifecycle.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
