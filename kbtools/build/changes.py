"""What changed on disk since the last build of a `mkdocs serve` session.

Owns: a snapshot of the files a build reads (every file under docs_dir, mkdocs.yml and the
folders the writer's theme and `watch:` name), and the difference between two snapshots,
sorted into what the incremental preview can redo and what needs a whole new build. The
snapshot is taken when a build starts, so a file saved during a build shows up in the next.
Does not own: deciding which pages a change affects (`affected.py`) or rebuilding them
(`preview.py`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field

Stat = tuple[int, int]  # (mtime in ns, size)


def scan(roots: Iterable[str]) -> dict[str, Stat]:
    """Every file under the roots (or the root itself, if it is a file), without following
    symbolic links out (the build refuses them anyway)."""
    out: dict[str, Stat] = {}
    stack = [os.path.abspath(r) for r in roots]
    while stack:
        path = stack.pop()
        try:
            if not os.path.isdir(path):
                st = os.stat(path)
                out[path] = (st.st_mtime_ns, st.st_size)
                continue
            with os.scandir(path) as entries:
                for e in entries:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(e.path)
                    else:
                        st = e.stat(follow_symlinks=True) if e.is_symlink() else e.stat(follow_symlinks=False)
                        out[e.path] = (st.st_mtime_ns, st.st_size)
        except OSError:
            continue  # gone between listing and stat: the next scan says so
    return out


@dataclass
class Changes:
    """The difference between two snapshots, as source paths relative to docs_dir (`/`)."""

    modified: set[str] = field(default_factory=set)
    added: set[str] = field(default_factory=set)
    removed: set[str] = field(default_factory=set)
    outside: list[str] = field(default_factory=list)  # absolute paths outside docs_dir

    def __bool__(self) -> bool:
        return bool(self.modified or self.added or self.removed or self.outside)

    def describe(self) -> str:
        parts = [
            f"{len(s)} {name}"
            for name, s in (
                ("edited", self.modified),
                ("new", self.added),
                ("deleted", self.removed),
            )
            if s
        ]
        return ", ".join(parts + [os.path.basename(p) for p in self.outside]) or "nothing"


def diff(before: dict[str, Stat], after: dict[str, Stat], docs_dir: str) -> Changes:
    docs = os.path.abspath(docs_dir) + os.sep
    out = Changes()

    def rel(path: str) -> str | None:
        if path.startswith(docs):
            return path[len(docs) :].replace(os.sep, "/")
        out.outside.append(path)
        return None

    for path, stat in after.items():
        old = before.get(path)
        if old == stat:
            continue
        uri = rel(path)
        if uri is not None:
            (out.added if old is None else out.modified).add(uri)
    for path in before.keys() - after.keys():
        uri = rel(path)
        if uri is not None:
            out.removed.add(uri)
    return out
