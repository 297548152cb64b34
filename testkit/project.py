"""Make a throw-away KB project: the shipped KB plus extra folders mounted as categories.

Tests and benchmarks use this to build the real corpus or a generated KB "as a category
of the KB" without copying thousands of files: extra folders are hard-linked into a copy
of `docs/`, and the project's `mkdocs.yml` is inherited.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .paths import REPO


def make_project(
    dest: str | Path,
    categories: dict[str, str | Path] | None = None,
    include_shipped: bool = True,
    extra_config: str = "",
    plugin_options: dict[str, dict] | None = None,
) -> Path:
    """Lay out `dest/docs` and `dest/mkdocs.yml`; return the config path.

    `plugin_options` changes options of the project's plugins (`{"kb": {"feedback_endpoint": "/x"}}`)
    and keeps the rest of the plugin list, which a `plugins:` in `extra_config` would replace.
    """
    dest = Path(dest)
    docs = dest / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    if include_shipped:
        shutil.copytree(REPO / "docs", docs, symlinks=True)
    else:
        docs.mkdir(parents=True)
        (docs / "_data").mkdir()
        shutil.copy(REPO / "docs" / "_data" / "support-policy.yml", docs / "_data")
        (docs / "index.md").write_text("---\ntype: documentation\n---\n# Help Center\n\n<!-- kb:categories -->\n")
    for name, src in (categories or {}).items():
        # Hard links, not a symbolic link: the build refuses links that leave docs/ (KB214).
        shutil.copytree(Path(src).resolve(), docs / name, copy_function=_link_or_copy)
    if plugin_options:
        extra_config += _plugins_with(plugin_options)
    cfg = dest / "mkdocs.yml"
    cfg.write_text(f"INHERIT: {REPO / 'mkdocs.yml'}\ndocs_dir: {docs}\nsite_dir: {dest / 'site'}\n" + extra_config)
    return cfg


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(src, dst)


def build(config_file: str | Path, strict: bool = False, timeout: float = 3000) -> subprocess.CompletedProcess:
    """Run `mkdocs build` in a subprocess, as a writer would."""
    # not -q: it hides warnings from --strict, which then passes a build it should fail
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(config_file)]
    if strict:
        cmd.append("--strict")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


def _plugins_with(options: dict[str, dict]) -> str:
    import yaml
    from mkdocs.utils.yaml import yaml_load  # resolves mkdocs.yml's !ENV tags (the desk endpoints)

    base = yaml_load((REPO / "mkdocs.yml").read_text()).get("plugins", [])
    plugins = []
    for entry in base:
        name, opts = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        plugins.append({name: {**(opts or {}), **options.get(name, {})}})
    return yaml.safe_dump({"plugins": plugins}, sort_keys=False)
