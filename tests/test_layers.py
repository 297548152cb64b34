"""The layers import one way (ARCHITECTURE.md): kbcore <- kbtools, kbcore <- intake <- desk.

Every import is read from the source, those inside functions included, so a lazy import
cannot hide an edge that points up or sideways. Runtime packages never import `testkit`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from testkit.paths import REPO

# package -> the project packages it may import (itself included)
ALLOWED = {
    "kbcore": {"kbcore"},
    "kbtools": {"kbcore", "kbtools"},
    "intake": {"kbcore", "intake"},
    "desk": {"kbcore", "intake", "desk"},
}
PROJECT = set(ALLOWED) | {"testkit", "tests", "bench"}


def imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = path.relative_to(REPO).parts[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            # a relative import stays inside its package
            out.append((node.lineno, package if node.level else (node.module or "").split(".")[0]))
    return [(line, name) for line, name in out if name in PROJECT]


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_point_down_only(package):
    wrong = []
    for path in sorted((REPO / package).rglob("*.py")):
        for line, name in imports(path):
            if name not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(REPO)}:{line}: imports {name}")
    assert wrong == []
