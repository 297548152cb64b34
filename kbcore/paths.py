"""Content is read only from inside its folder: a symbolic link (to a file or a folder) whose
target lies outside is refused, never followed. Otherwise one link in `docs/` to
`/proc/self/environ` publishes the build machine's environment, tokens included."""

from __future__ import annotations

import os
from pathlib import Path


def escapes(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """True when `path`, with every link on the way resolved, lies outside `root`."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    return real != real_root and not real.startswith(real_root.rstrip(os.sep) + os.sep)


def first_link(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> tuple[str, str]:
    """(the first link on `path` below `root`, relative to `root`; where it points), so a linked
    folder is named once rather than once per file under it."""
    rel = Path(os.path.relpath(path, root))
    here = Path(root)
    for i, part in enumerate(rel.parts):
        here = here / part
        if here.is_symlink():
            return "/".join(rel.parts[: i + 1]), os.readlink(here)
    return rel.as_posix(), os.path.realpath(path)
