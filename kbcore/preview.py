"""How the help-center plugins take part in the incremental preview (`mkdocs serve`).

The `kb` plugin drives the preview: after a save it re-reads the changed articles, re-renders
the pages the change affects, and then asks every other plugin to bring its own outputs up to
date through the hook that plugin registered on the build context (`BuildContext.preview_hooks`,
by plugin name). A hook gets an `Update` and returns the slow work it wants done after the
browser has reloaded (`Job`s: run in a child process; their results come back to `done` in a
later rebuild, which re-renders the pages `done` names). A plugin that registers no hook keeps
the preview off: every save then rebuilds the whole site, as plain `mkdocs serve` does.

This module is the contract only; the preview itself is `kbtools.build.preview`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Update:
    """What one incremental rebuild changed (source paths relative to docs_dir)."""

    files: Any  # mkdocs.structure.files.Files of the build, pages with their `page`
    site_dir: str
    changed: frozenset[str]  # pages whose source was re-read (edited or new)
    removed: frozenset[str]  # pages that are gone
    rendered: frozenset[str]  # pages written again by this rebuild
    # False when no page was added, removed or moved and no title shown in the navigation or
    # the breadcrumbs changed: only the `changed` pages' own content is new.
    navigation: bool = True


@dataclass
class Job:
    """Slow work for after the reload: `run` in a child process (its result must pickle),
    then `done(result)` back in the preview, returning the pages to render again."""

    name: str
    run: Callable[[], Any]
    done: Callable[[Any], set[str]] = field(default=lambda result: set())
    # Whether a result needs the preview called again (and the browser reloaded) at once; a
    # result that changes nothing waits for the next save.
    wake: Callable[[Any], bool] = field(default=lambda result: True)


Hook = Callable[[Update], list[Job]]
