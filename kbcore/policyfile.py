"""The support-policy file, read once per build and shared: data, line map, and the products.

Both the KB (lifecycle page, article products) and the policy plugins need this file; a
`PolicyFile` is read once (by `kbcore.context.BuildContext.policy`) and handed to each. It
knows only the file and the product lifecycle's shape; the policy's own schema and rules
are `intake`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from . import lifecycle, schemacheck
from .problems import Problem
from .yamlines import Loaded, load_file

# The policy's codes (intake/FORMATS.md): file and syntax, unknown key, missing key, type, value.
CODES = schemacheck.Codes(unknown="POL101", missing="POL102", type="POL103", value="POL104")


@dataclass
class PolicyFile:
    path: Path
    display: str
    loaded: Loaded

    @property
    def data(self) -> Any:
        return self.loaded.data

    @property
    def lines(self) -> dict[Any, int]:
        return self.loaded.lines

    @property
    def problems(self) -> list[Problem]:
        """Reading problems (syntax, duplicate keys, not a mapping); the schema's are intake's."""
        return self.loaded.problems

    @cached_property
    def lifecycle(self) -> tuple[dict[str, lifecycle.Product], list[Problem]]:
        """(products by id, problems of the `products:` section): products only when it is sound."""
        if not isinstance(self.data, dict):
            return {}, []  # nothing to read: `problems` says why
        if "products" not in self.data:
            return {}, [Problem(self.display, 1, "POL102", "missing required key 'products'")]
        problems = schemacheck.check(
            self.data["products"], lifecycle.SCHEMA, self.lines, self.display, CODES, at=("products",), root=self.data
        )
        if problems:
            return {}, problems
        return lifecycle.products_from_data(self.data), []


def read(path: str | Path, display: str | None = None) -> PolicyFile:
    """Read and parse the policy file; problems are recorded, never raised."""
    shown = display or str(path)
    loaded = load_file(path, shown, code="POL100", allow_aliases=True)  # option lists are shared with &name
    if loaded.data is not None and not isinstance(loaded.data, dict):
        loaded = Loaded(
            None,
            loaded.lines,
            loaded.problems + [Problem(shown, 1, "POL103", "the policy file must be a mapping of keys to values")],
        )
    return PolicyFile(Path(path), shown, loaded)
