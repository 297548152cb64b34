"""Find a KB on disk and list its files, whatever state the folder is in.

Owns: deciding which folder is the KB (`mkdocs.yml`'s `docs_dir`, or any folder of
Markdown), which policy file goes with it, and walking the folder safely (symbolic-link
loops, broken links, unreadable folders become problems, never exceptions). Does not own:
what an article means (`kbtools.articles`) or any check across articles (`checks`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pathspec

from kbcore.paths import escapes
from kbcore.problems import KbError, Problem

IMAGE_EXTENSIONS = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp", ".ico"})
DEFAULT_POLICY = "_data/support-policy.yml"
# What `mkdocs build` leaves out of every site (mkdocs.structure.files._default_exclude).
_MKDOCS_EXCLUDE = [".*", "/templates/"]


@dataclass
class KbSource:
    """Where the KB is and how to show its paths."""

    docs_dir: Path
    display_root: str  # prefix for printed paths: docs_dir relative to the working folder
    config_file: Path | None = None
    policy_file: Path | None = None
    policy_declared: bool = False  # named in mkdocs.yml or on the command line: must exist
    exclude: list[str] = field(default_factory=list)
    config_refs: set[str] = field(default_factory=set)  # docs files mkdocs.yml uses (logo, css)
    only: str = ""  # report only problems in this folder of the KB (src_uri form; '' for all)
    plugins: set[str] | None = None  # the plugins mkdocs.yml lists (None: no mkdocs.yml)
    use_directory_urls: bool = True

    def reports(self, src_uri: str) -> bool:
        return not self.only or src_uri.startswith(self.only + "/")

    def display(self, src_uri: str) -> str:
        return src_uri if self.display_root in ("", ".") else f"{self.display_root}/{src_uri}"


@dataclass
class Listing:
    markdown: list[str]  # src_uris of Markdown files, sorted
    assets: list[str]  # every other file, sorted
    folders: set[str]  # every folder (src_uri form, '.' for the root)
    problems: list[Problem]


def _display_root(folder: Path) -> str:
    try:
        rel = os.path.relpath(folder, Path.cwd())
    except ValueError:  # another drive
        return str(folder)
    parts = rel.split(os.sep)
    # Relative when the KB is below the working folder or the working folder inside the KB.
    if parts[0] == ".." and not all(p == ".." for p in parts):
        return str(folder)
    return rel.replace(os.sep, "/")


def _read_config(config_file: Path) -> dict[str, Any]:
    from mkdocs.utils.yaml import yaml_load

    try:
        with open(config_file, "rb") as fh:
            data = yaml_load(fh)
    # OSError, ConfigurationError, and whatever a `!!python/name:` tag naming a missing module raises.
    except Exception as exc:  # noqa: BLE001
        raise KbError(f"{config_file}: cannot read the MkDocs configuration: {exc}") from None
    if not isinstance(data, dict):
        raise KbError(f"{config_file}: the MkDocs configuration must be a mapping")
    return data


def _plugins(config: dict[str, Any]) -> dict[str, Any]:
    """Plugin name -> its options, as mkdocs.yml lists them."""
    plugins = config.get("plugins") or []
    items = (
        plugins.items()
        if isinstance(plugins, dict)
        else (next(iter(p.items())) if isinstance(p, dict) and p else (p, {}) for p in plugins)
    )
    return {str(name): options if isinstance(options, dict) else {} for name, options in items}


def _config_refs(config: dict[str, Any]) -> set[str]:
    """Files under docs/ that mkdocs.yml itself uses: they are not orphans."""
    refs: set[str] = set()
    theme: dict[str, Any] = config["theme"] if isinstance(config.get("theme"), dict) else {}
    for key in ("logo", "favicon"):
        if isinstance(theme.get(key), str):
            refs.add(theme[key])
    for key in ("extra_css", "extra_javascript"):
        for item in config.get(key) or []:
            path = item.get("path") if isinstance(item, dict) else item
            if isinstance(path, str):
                refs.add(path)
    return {str(PurePosixPath(r.lstrip("/"))) for r in refs}


def _config_for(folder: Path) -> tuple[Path, Path] | None:
    """(mkdocs.yml, its docs_dir) when `folder` is that docs_dir or inside it.

    Looks at ./mkdocs.yml and at an mkdocs.yml in `folder`'s parents, nearest first.
    """
    real = folder.resolve()
    candidates = [Path.cwd() / "mkdocs.yml"] + [d / "mkdocs.yml" for d in real.parents]
    for candidate in candidates:
        if not candidate.is_file():
            continue
        try:
            config = _read_config(candidate)
        except KbError:
            continue
        docs = candidate.parent / str(config.get("docs_dir", "docs"))
        if docs.resolve() == real or docs.resolve() in real.parents:
            return candidate, docs
    return None


def locate(path: str | None = None, config_file: str | None = None, policy: str | None = None) -> KbSource:
    """Which KB to lint: PATH (a folder of Markdown, or an mkdocs.yml), else ./mkdocs.yml."""
    cfg_path: Path | None = Path(config_file) if config_file else None
    docs: Path | None = None
    only = ""
    if path is not None:
        p = Path(path)
        if p.is_file() and p.suffix in (".yml", ".yaml"):
            cfg_path = p
        elif p.is_dir():
            docs = p
            found = None if cfg_path else _config_for(p)
            if found:
                # A folder inside a KB: lint the whole KB (links need it), report only this folder.
                cfg_path, docs = found
                inside = p.resolve().relative_to(docs.resolve()).as_posix()
                only = "" if inside == "." else inside
        elif p.exists():
            raise KbError(f"{path}: not a folder of Markdown or an mkdocs.yml")
        else:
            raise KbError(f"{path}: no such folder")
    elif cfg_path is None:
        cfg_path = Path("mkdocs.yml")
        if not cfg_path.is_file():
            raise KbError("no mkdocs.yml here; run `kb lint` in a KB project or name a folder: `kb lint docs/`")
    config: dict[str, Any] = {}
    if cfg_path is not None:
        if not cfg_path.is_file():
            raise KbError(f"{cfg_path}: no such file")
        config = _read_config(cfg_path)
        if docs is None:
            docs = cfg_path.parent / str(config.get("docs_dir", "docs"))
            if not docs.is_dir():
                raise KbError(f"{cfg_path}: docs_dir '{config.get('docs_dir', 'docs')}' is not a folder")
    assert docs is not None
    source = KbSource(docs_dir=docs, display_root=_display_root(docs), config_file=cfg_path, only=only)
    exclude = config.get("exclude_docs")
    source.exclude = [ln for ln in str(exclude).splitlines() if ln.strip()] if exclude else []
    source.config_refs = _config_refs(config)
    plugins = _plugins(config)
    options = plugins.get("kb", {})
    source.plugins = set(plugins) if cfg_path is not None else None
    source.use_directory_urls = bool(config.get("use_directory_urls", True))
    if policy:
        source.policy_file, source.policy_declared = Path(policy), True
    elif isinstance(options.get("policy_file"), str) and cfg_path is not None:
        source.policy_file, source.policy_declared = cfg_path.parent / options["policy_file"], True
    elif (docs / DEFAULT_POLICY).is_file():
        source.policy_file = docs / DEFAULT_POLICY
    return source


def walk(source: KbSource) -> Listing:
    """Every file of the KB, following symbolic links once; loops and dead links are problems."""
    spec = pathspec.GitIgnoreSpec.from_lines(_MKDOCS_EXCLUDE + source.exclude)
    markdown: list[str] = []
    assets: list[str] = []
    folders: set[str] = set()
    problems: list[Problem] = []
    root = source.docs_dir
    try:
        seen: dict[str, str] = {os.path.realpath(root): "."}
    except OSError:
        seen = {}
    stack: list[tuple[Path, str]] = [(root, "")]
    while stack:
        folder, rel = stack.pop()
        folders.add(rel.rstrip("/") or ".")
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            problems.append(Problem(rel.rstrip("/") or ".", 1, "KB100", f"cannot read this folder: {exc.strerror}"))
            continue
        for entry in entries:
            uri = rel + entry.name
            if entry.is_symlink() and os.path.exists(entry.path) and escapes(entry.path, root):
                # Never followed: a link out of docs/ would publish that file (KB214, as in the build).
                problems.append(
                    Problem(
                        uri,
                        1,
                        "KB214",
                        f"is a symbolic link to '{os.readlink(entry.path)}', "
                        "outside the docs folder: content is read only from inside it; "
                        "copy it in instead",
                    )
                )
                continue
            try:
                is_dir = entry.is_dir()  # follows symbolic links
                is_file = entry.is_file()
            except OSError as exc:  # e.g. too many levels of symbolic links
                problems.append(Problem(uri, 1, "KB100", f"cannot read: {exc.strerror}"))
                continue
            if is_dir:
                if spec.match_file(uri + "/"):
                    continue
                real = os.path.realpath(entry.path)
                if real in seen:
                    problems.append(
                        Problem(
                            uri,
                            1,
                            "KB110",
                            f"symbolic link to a folder already in the KB ('{seen[real]}'); skipped",
                            "warning",
                        )
                    )
                    continue
                seen[real] = uri
                stack.append((Path(entry.path), uri + "/"))
            elif is_file:
                if spec.match_file(uri):
                    continue
                (markdown if entry.name.lower().endswith(".md") else assets).append(uri)
            elif entry.is_symlink():
                problems.append(Problem(uri, 1, "KB100", f"broken symbolic link to '{os.readlink(entry.path)}'"))
    return Listing(sorted(markdown), sorted(assets), folders, problems)


def is_image(src_uri: str) -> bool:
    return PurePosixPath(src_uri).suffix.lower() in IMAGE_EXTENSIONS
