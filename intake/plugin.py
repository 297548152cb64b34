"""The `kb-intake` MkDocs plugin: the support policy checked and published at every build.

- `on_config`: check the policy file (every problem, file:line: CODE key: message; the
  build fails and no site is written), compile it, and register the policy article's
  generated clauses (`<!-- kb:policy-... -->`, see `intake.article`);
- `on_post_build`: write `policy/compiled-policy.json`, the payload schemas
  `schemas/request-payload.v1.json` and `.v2.json`, the policy file's schema (and the lifecycle
  schema it refers to), and `assets/intake/engine.js` into the (staging) site.
It does not render the wizard (`kb-request`) or articles (`kb`).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from kbcore import context as build_context
from kbcore.lifecycle import SCHEMA_FILE as LIFECYCLE_SCHEMA
from kbcore.options import PluginConfig

from .article import RENDERERS
from .checks import compile_checked
from .compiler import to_bytes
from .errors import PolicyError
from .payload import SCHEMA_VERSIONS, schema_path
from .schema import SCHEMA_FILE

log = logging.getLogger("mkdocs.plugins.kb-intake")
HERE = Path(__file__).parent
COMPILED_PATH = "policy/compiled-policy.json"
SCHEMA_PATHS = {version: f"schemas/request-payload.v{version}.json" for version in SCHEMA_VERSIONS}
ENGINE_PATH = "assets/intake/engine.js"


class IntakeConfig(PluginConfig):
    enabled = c.Type(bool, default=True)
    # The policy file is declared once, as `plugins.kb.policy_file`; this plugin reads it from
    # the build context. `policy_file` here is for a site without the `kb` plugin.
    policy_file = c.Optional(c.Type(str))
    # Where the article's clause links point, relative to the policy article's URL.
    request_url = c.Type(str, default="../../request/")
    build_date = c.Optional(c.Type(str))  # YYYY-MM-DD: pin the calendar expansion (tests)


class IntakePlugin(BasePlugin[IntakeConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.compiled: dict | None = None

    @event_priority(-50)  # after the kb plugin has named the policy file in the build context
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return None
        ctx = build_context.of(config)
        if self.config.policy_file:
            if ctx.policy_path is not None and ctx.policy_path != ctx.root / self.config.policy_file:
                raise PluginError(
                    f"plugins.kb-intake.policy_file ({self.config.policy_file}) differs from "
                    f"plugins.kb.policy_file ({ctx.policy_display}): declare it once, on `kb`"
                )
            ctx.use_policy_file(self.config.policy_file)
        policy = ctx.policy()
        if policy is None:
            raise PluginError("kb-intake: no policy file: set plugins.kb.policy_file in mkdocs.yml")
        today = dt.date.fromisoformat(self.config.build_date) if self.config.build_date else None
        try:
            self.compiled = compile_checked(policy, today)
        except PolicyError as exc:
            raise PluginError(f"{exc}\nNothing was written: fix the policy file and build again.") from exc
        ctx.compiled_policy = self.compiled
        # The incremental preview has nothing to ask of this plugin: its outputs come from the
        # policy file alone, and a change of that file rebuilds the whole site.
        ctx.preview_hooks["kb-intake"] = lambda update: []
        for name, render in RENDERERS.items():
            ctx.blocks.register(name, self._block(render))
        return config

    def _block(self, render: Callable[[dict, str], str]) -> Callable[[str], str]:
        """A policy block bound to this build's compiled policy (the page's URI is not needed)."""
        compiled = self.compiled
        assert compiled is not None
        return lambda _uri: render(compiled, self.config.request_url)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled or self.compiled is None:
            return
        site = Path(config.site_dir)
        _write(site / COMPILED_PATH, to_bytes(self.compiled))
        for version, published in SCHEMA_PATHS.items():
            _write(site / published, schema_path(version).read_bytes())
        _write(site / ENGINE_PATH, (HERE / "assets" / "engine.js").read_bytes())
        # The policy file's own schema, and the lifecycle schema it refers to, side by side:
        # an editor pointed at the published policy schema completes the whole file.
        _write(site / "schemas" / SCHEMA_FILE.name, SCHEMA_FILE.read_bytes())
        _write(site / "schemas" / LIFECYCLE_SCHEMA.name, LIFECYCLE_SCHEMA.read_bytes())


def _write(path: Path, data: bytes) -> None:
    """Atomic: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
