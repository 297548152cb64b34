"""The build context: what the help-center plugins of one MkDocs build share.

Each plugin reads and writes only through this object, found with `of(config)`: the policy
file (read once), the articles the `kb` plugin read (by source path), the generated-block
renderers, and the compiled policy once `kb-intake` made it. MkDocs makes a new config for
every build (and every rebuild under `mkdocs serve`), so a context never outlives its build.
This module knows no plugin; plugins know this module.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .blocks import Blocks
from .lifecycle import Product
from .policyfile import PolicyFile, read
from .preview import Hook


class ArticleInfo(Protocol):
    """What other plugins may read of an article (`kbtools.articles.Article` has more)."""

    src_uri: str
    id: str
    title: str
    type: str
    status: str

    @property
    def published(self) -> bool: ...


@dataclass
class BuildContext:
    root: Path  # the folder of mkdocs.yml: relative paths in options start here
    policy_path: Path | None = None  # set by the `kb` plugin's `policy_file`
    policy_display: str = ""  # the path as the writer wrote it, for messages
    articles: dict[str, Any] = field(default_factory=dict)  # src_uri -> article, set by `kb`
    blocks: Blocks = field(default_factory=Blocks)
    compiled_policy: dict[str, Any] | None = None  # set by `kb-intake`
    # The incremental preview (`kbcore.preview`): True while `kb` rebuilds only what a change
    # affects (a plugin then skips its whole-site work in the build events), and the hook each
    # plugin registers to update its own outputs instead.
    incremental: bool = False
    preview_hooks: dict[str, Hook] = field(default_factory=dict)
    preview_dirty: set[str] = field(default_factory=set)  # pages a plugin needs written again
    # Files other than the pages that plugins read (the policy file, kb-search's synonyms): absolute
    # path -> what it is. The incremental preview rebuilds everything when one of them changes.
    read_files: dict[str, str] = field(default_factory=dict)
    _policy: PolicyFile | None = None

    def use_policy_file(self, option: str) -> None:
        self.policy_path = self.root / option
        self.policy_display = option
        self.reads(self.policy_path, "policy file")

    def reads(self, path: Path, what: str) -> None:
        """A plugin reads this file (not a page): a change to it needs a full rebuild."""
        self.read_files[os.path.abspath(path)] = what

    def policy(self) -> PolicyFile | None:
        """The policy file, read on first use; None when no plugin declared one."""
        if self.policy_path is None:
            return None
        if self._policy is None:
            self._policy = read(self.policy_path, self.policy_display)
        return self._policy

    def products(self) -> dict[str, Product]:
        policy = self.policy()
        return policy.lifecycle[0] if policy is not None else {}

    def article(self, src_uri: str) -> ArticleInfo | None:
        art = self.articles.get(src_uri)
        return art


_ATTR = "_kb_build_context"


def of(config: Any) -> BuildContext:
    """The context of the build this MkDocs config belongs to (made on first use)."""
    ctx = getattr(config, _ATTR, None)
    if ctx is None:
        ctx = BuildContext(Path(config.config_file_path or ".").resolve().parent)
        setattr(config, _ATTR, ctx)
    return ctx
