"""`kb new --type TYPE "Title"`: start an article from its type's template.

Owns: turning a title into a file name and id, filling `kbtools/templates/` (the shared
front matter plus one body per type), and refusing anything that would give the KB a
problem (an existing file, an id already used, an unknown type or product). The new
article is a draft full of `TODO:` lines; `kb lint` accepts drafts with TODOs and warns
once the article is published with TODOs left (KB212).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import re
import string
import subprocess
import unicodedata
from pathlib import Path

import click

from kbcore.problems import KbError, ProblemsError, did_you_mean

from ..articles import ID_EXPECTED, ID_PATTERN, TYPES, default_id, load_article
from ..frontmatter import decode, parse
from ..lint import locate, products_of
from ..lint.source import KbSource, walk

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def slug(title: str) -> str:
    """File name and id for a title: ASCII letters and digits joined by '-', at most 80."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].rstrip("-")


def render(
    type_: str, title: str, id_: str, owner: str, today: dt.date, products: list[str], versions: list[str]
) -> str:
    """The new article's text: shared front matter, then the type's body."""
    front = (TEMPLATES / "_front-matter.md").read_text(encoding="utf-8")
    body = (TEMPLATES / f"{type_}.md").read_text(encoding="utf-8")
    lists = "".join(
        f"{key}: {json.dumps(values, ensure_ascii=False)}\n"
        for key, values in (("products", products), ("versions", versions))
        if values
    )
    values = {
        "id": id_,
        # JSON strings are YAML double-quoted strings: any title survives, colons included.
        "title_yaml": json.dumps(title, ensure_ascii=False),
        "title": title,
        "type": type_,
        "products": lists,
        "today": today.isoformat(),
        "review_by": (today + dt.timedelta(days=365)).isoformat(),
        "owner_yaml": json.dumps(owner, ensure_ascii=False),
    }
    return string.Template(front + body).substitute(values)


def _default_owner() -> str:
    try:
        name = subprocess.run(
            ["git", "config", "user.name"], capture_output=True, text=True, timeout=5, check=False
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        name = ""
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment
        return "TODO"


def _kb_of(folder: Path) -> KbSource:
    """The KB the new file joins: ./mkdocs.yml's when its docs_dir holds `folder`, else `folder`."""
    if Path("mkdocs.yml").is_file():
        source = locate(None)
        docs = source.docs_dir.resolve()
        if folder.resolve() == docs or docs in folder.resolve().parents:
            return source
    return locate(str(folder)) if folder.is_dir() else KbSource(folder, str(folder))


def _ids_in(docs: Path) -> dict[str, str]:
    """id -> src_uri of every article already in the KB."""
    ids: dict[str, str] = {}
    if not docs.is_dir():
        return ids
    for uri in walk(KbSource(docs, str(docs))).markdown:
        try:
            text, _ = decode((docs / uri).read_bytes(), uri)
        except OSError:
            continue
        fm = parse(text, uri)
        value = fm.data.get("id")
        ids.setdefault(value if isinstance(value, str) else default_id(uri), uri)
    return ids


def _split(values: tuple[str, ...]) -> list[str]:
    return [v.strip() for item in values for v in item.split(",") if v.strip()]


@click.command()
@click.argument("title")
@click.option("-t", "--type", "type_", required=True, metavar="TYPE", help=f"One of: {', '.join(TYPES)}.")
@click.option("-d", "--dir", "folder", help="Folder for the new file (default: docs_dir of ./mkdocs.yml, else here).")
@click.option("--id", "id_", help="Id and file name (default: made from the title).")
@click.option("-p", "--products", multiple=True, help="Product id(s) it applies to; repeat or separate with commas.")
@click.option("--versions", multiple=True, help="Version(s) of those products; repeat or separate with commas.")
@click.option("--owner", help="Who keeps it up to date (default: git user.name).")
def new(
    title: str,
    type_: str,
    folder: str | None,
    id_: str | None,
    products: tuple[str, ...],
    versions: tuple[str, ...],
    owner: str | None,
) -> None:
    """Create a draft article titled TITLE from the template for its type; print its path."""
    if type_ not in TYPES:
        raise KbError(f"unknown type '{type_}'{did_you_mean(type_, TYPES)}; choose one of {', '.join(TYPES)}")
    title = title.strip()
    if not title or "\n" in title or "\r" in title:
        raise KbError("the title must be one non-empty line")
    id_ = id_ or slug(title)
    if not id_:
        raise KbError(f"cannot make a file name from the title '{title}'; give one with --id")
    if not ID_PATTERN.match(id_):
        raise KbError(f"--id '{id_}' must be {ID_EXPECTED.removeprefix('an id: ')}")
    folder_path = Path(folder) if folder else (locate(None).docs_dir if Path("mkdocs.yml").is_file() else Path("."))
    if folder_path.exists() and not folder_path.is_dir():
        raise KbError(f"{folder_path}: not a folder")
    path = folder_path / f"{id_}.md"
    if path.exists() or path.is_symlink():
        raise KbError(f"{path}: already exists; not overwritten (choose another title or --id)")
    source = _kb_of(folder_path)
    taken = _ids_in(source.docs_dir).get(id_)
    if taken:
        raise KbError(f"id '{id_}' is already used by {source.display(taken)}; choose another with --id")
    text = render(type_, title, id_, owner or _default_owner(), dt.date.today(), _split(products), _split(versions))
    # The article model checks what the writer gave (products, versions, owner) as lint will.
    known, _ = products_of(source, check=False)
    errors = [p for p in load_article(os.fspath(path), text.encode("utf-8"), known).problems if p.severity == "error"]
    if errors:
        raise ProblemsError(errors, "the new article; nothing was written")
    folder_path.mkdir(parents=True, exist_ok=True)
    # 'x': never overwrite, even if the file appeared since the check above.
    try:
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise KbError(f"{path}: already exists; not overwritten (choose another title or --id)") from None
    except OSError as exc:
        raise KbError(f"{path}: cannot write: {exc.strerror}") from None
    click.echo(os.fspath(path))
