"""Write an import plan under `--to`, again and again, without harming what writers changed.

Owns: the manifest (`<to>/.zendesk-import.json`: for each Zendesk item, the files written and
the SHA-256 of what was written) and what a run does with each planned file:

- new, and nothing there: written;                      - identical file there already: adopted;
- unchanged since the last import: left alone;           - changed in Zendesk only: updated;
- moved/renamed in Zendesk, not edited here: moved;
- edited here (hash differs from the manifest) and changed in Zendesk: NOT overwritten; the new
  version is written beside it as `.<name>.zendesk.md` (a dot file: MkDocs and `kb lint` skip
  it), once per Zendesk version;
- deleted here: not re-created; gone from the export: left in place. Both are said.

Every write is atomic (temporary file, then `os.replace`), inside `--to` only: a symbolic link
on the way out of `--to`, or in place of a file, is refused and reported, never followed.
Does not own: what the files say (`kbtools.importers.zendesk`).
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kbcore.problems import KbError, Problem, Severity

from .zendesk import Finding, Plan, PlannedFile, file_sha256

MANIFEST = ".zendesk-import.json"
REPORT = ".zendesk-import-report.json"
FORMAT = "kb-zendesk-import"
VERSION = 1


@dataclass
class Action:
    action: str  # new, updated, moved, unchanged, adopted, kept, beside, deleted-here, removed, gone, refused
    path: str
    owner: str
    detail: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"action": self.action, "path": self.path, "owner": self.owner, "detail": self.detail}


@dataclass
class Manifest:
    path: Path
    locale: str | None = None
    items: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # owner -> slot -> record

    def md_paths(self) -> dict[str, str]:
        return {owner: slots["md"]["path"] for owner, slots in self.items.items() if "md" in slots}


def load_manifest(to: Path) -> Manifest:
    """The previous import's manifest, or an empty one. A damaged one stops the import."""
    path = to / MANIFEST
    if not path.exists():
        return Manifest(path)
    if path.is_symlink() or not path.is_file():
        raise KbError(f"{path}: not a regular file; the import will not read or replace it")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise KbError(
            f"{path}: cannot read the import manifest ({exc}); without it local edits cannot be told "
            "from Zendesk's. Restore it from git, or delete it to treat every existing file as a "
            "writer's own"
        ) from None
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(items, dict):
        raise KbError(f"{path}: not a manifest written by `kb import zendesk` (format '{FORMAT}')")
    clean: dict[str, dict[str, dict[str, str]]] = {}
    for owner, slots in items.items():
        if not isinstance(slots, dict):
            continue
        good = {
            s: r
            for s, r in slots.items()
            if isinstance(r, dict)
            and isinstance(r.get("path"), str)
            and isinstance(r.get("sha256"), str)
            and _relative_ok(r["path"])
        }
        if good:
            clean[str(owner)] = good
    locale = data.get("locale") if isinstance(data.get("locale"), str) else None
    return Manifest(path, locale, clean)


def _relative_ok(rel: str) -> bool:
    p = PurePosixPath(rel)
    return bool(rel) and not p.is_absolute() and ".." not in p.parts and "\\" not in rel


class Sync:
    """Applies one plan to `--to` (or, with dry_run, says what it would do)."""

    def __init__(self, to: Path, manifest: Manifest, dry_run: bool) -> None:
        self.to = to
        self.real = Path(os.path.realpath(to))
        self.manifest = manifest
        self.dry_run = dry_run
        self.actions: list[Action] = []
        self.findings: list[Finding] = []
        self.new_items: dict[str, dict[str, dict[str, str]]] = {}
        self._dirs: dict[Path, Path | None] = {}  # folder -> its real path when inside --to

    def _finding(self, code: str, path: str, message: str, owner: str, severity: Severity = "warning") -> None:
        kind, _, zid = owner.partition(":")
        self.findings.append(
            Finding(
                Problem(self._shown(path), 1, code, message, severity),
                kind or "export",
                zid or None,
                path,
            )
        )

    def _shown(self, rel: str) -> str:
        return str(self.to / rel)

    # ----- safety -----------------------------------------------------------------------------
    def _safe(self, rel: str) -> Path | None:
        """`to/rel` when every existing folder on the way stays inside --to and rel is no link."""
        if not _relative_ok(rel):
            return None
        cur: Path | None = self.real
        for part in PurePosixPath(rel).parent.parts:
            cur = self._dir(cur / part)  # type: ignore[operator]
            if cur is None:
                return None
        assert cur is not None
        target = cur / PurePosixPath(rel).name
        if target.is_symlink():
            return None
        return target

    def _dir(self, path: Path) -> Path | None:
        """The real folder `path` (or `path` itself if it does not exist yet), None when it leads out."""
        if path not in self._dirs:
            real: Path | None = path
            if os.path.lexists(path):
                real = Path(os.path.realpath(path))
                if (real != self.real and self.real not in real.parents) or not real.is_dir():
                    real = None
            self._dirs[path] = real
        return self._dirs[path]

    def _local_sha(self, target: Path) -> str | None:
        try:
            st = target.lstat()
        except FileNotFoundError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return "not-a-file"
        return file_sha256(target)

    def _write(self, target: Path, pf: PlannedFile) -> None:
        if self.dry_run:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                if pf.data is not None:
                    fh.write(pf.data)
                else:
                    assert pf.source is not None
                    with open(pf.source, "rb") as src:
                        shutil.copyfileobj(src, fh)
            os.replace(tmp, target)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def _remove(self, target: Path) -> None:
        if self.dry_run:
            return
        target.unlink()
        parent = target.parent
        while parent != self.real and self.real in parent.parents:
            try:
                parent.rmdir()  # only when empty
            except OSError:
                break
            parent = parent.parent

    # ----- the run ----------------------------------------------------------------------------
    def run(self, plan: Plan) -> None:
        by_owner: dict[str, list[PlannedFile]] = {}
        for pf in plan.files:
            by_owner.setdefault(pf.owner, []).append(pf)
        try:
            for owner, files in by_owner.items():
                self._owner(owner, sorted(files, key=lambda f: f.slot != "md"), plan.owners.get(owner, owner))
            for owner, slots in self.manifest.items.items():
                if owner not in by_owner:
                    path = slots.get("md", next(iter(slots.values())))["path"]
                    self.actions.append(Action("gone", path, owner))
                    self._finding(
                        "ZD303",
                        path,
                        f"{owner.replace(':', ' ')} is no longer in the export (or has no "
                        f"'{plan.locale}' version): {path} left as it is; delete it yourself if it should go",
                        owner,
                    )
                    self.new_items[owner] = slots
        finally:
            if not self.dry_run:
                self._save(plan.locale)

    def _owner(self, owner: str, files: list[PlannedFile], label: str) -> None:
        prev = self.manifest.items.get(owner, {})
        record: dict[str, dict[str, str]] = {}
        self.new_items[owner] = record
        md_prev = prev.get("md")
        if md_prev is not None and self._safe(md_prev["path"]) is None:
            self.actions.append(Action("refused", md_prev["path"], owner))
            self._finding(
                "ZD300",
                md_prev["path"],
                f"{label}: {md_prev['path']} is a symbolic link or lies behind one that leads out of --to: not written",
                owner,
                "error",
            )
            record.update(prev)
            return
        if md_prev is not None and not os.path.lexists(self.to / md_prev["path"]):
            # the writer deleted it: respect that, keep remembering it
            self.actions.append(Action("deleted-here", md_prev["path"], owner))
            self._finding(
                "ZD302",
                md_prev["path"],
                f"{label}: {md_prev['path']} was deleted here since the last "
                "import: not re-created (delete its entry from the manifest to import it again)",
                owner,
            )
            record.update(prev)
            return
        keep_old_assets = False
        for pf in files:
            result = self._file(owner, pf, prev.get(pf.slot), label)
            if pf.slot == "md" and result in ("kept", "beside"):
                keep_old_assets = True  # the local version may still use the old attachment files
            rec = self._record(pf, prev.get(pf.slot), result)
            if rec is not None:
                record[pf.slot] = rec
        for slot, old in prev.items():
            if slot in record:
                continue
            target = self._safe(old["path"])
            if target is None or keep_old_assets:
                record[slot] = old
                continue
            local = self._local_sha(target)
            if local is None:
                continue
            if local == old["sha256"]:
                self._remove(target)
                self.actions.append(Action("removed", old["path"], owner, "no longer used by the article"))
            else:
                record[slot] = old
                self._finding(
                    "ZD303",
                    old["path"],
                    f"{label}: {old['path']} is no longer used by the Zendesk version "
                    "but was edited here: left in place",
                    owner,
                )

    def _record(self, pf: PlannedFile, old: dict[str, str] | None, result: str) -> dict[str, str] | None:
        """What the manifest remembers: the hash of what the import wrote, and the last version offered."""
        if result == "refused":
            return old
        if result in ("kept", "beside"):
            # sha256 "" marks a file the import never wrote: it is always the writer's
            return {**(old or {"path": pf.path, "sha256": ""}), "offered": pf.sha256}
        return {"path": pf.path, "sha256": pf.sha256}

    def _file(self, owner: str, pf: PlannedFile, old: dict[str, str] | None, label: str) -> str:
        target = self._safe(pf.path)
        if target is None:
            self.actions.append(Action("refused", pf.path, owner))
            self._finding(
                "ZD300",
                pf.path,
                f"{label}: {pf.path} is a symbolic link or lies behind one that leads out of --to: not written",
                owner,
                "error",
            )
            return "refused"
        here = self._local_sha(target)
        if old is None:
            if here is None:
                self._write(target, pf)
                return self._did("new", pf, owner)
            if here == pf.sha256:
                return self._did("adopted", pf, owner)
            if pf.slot == "md" and PurePosixPath(pf.path).name in ("index.md", "README.md"):
                self._finding(
                    "ZD304",
                    pf.path,
                    f"{label}: {pf.path} was not written by the import: kept as it is "
                    "(its title and description stay yours)",
                    owner,
                )
                self.actions.append(Action("kept", pf.path, owner, "not written by the import"))
                return "kept"
            return self._beside(target, pf, owner, label, "is a file the import did not write")
        old_target = self._safe(old["path"])
        old_here = self._local_sha(old_target) if old_target is not None else "not-a-file"
        if old_here is not None and old_here != old["sha256"]:  # edited here since the last import
            if pf.sha256 in (old["sha256"], old.get("offered")):
                self.actions.append(Action("kept", old["path"], owner, "local edits; nothing new from Zendesk"))
                return "kept"
            assert old_target is not None
            return self._beside(old_target, pf, owner, label, "was edited here since the last import")
        if old["path"] == pf.path:
            if here == pf.sha256:
                return self._did("unchanged", pf, owner)
            self._write(target, pf)
            return self._did("updated", pf, owner)
        # moved or renamed in Zendesk, not edited here
        if here is not None and here != pf.sha256:
            return self._beside(target, pf, owner, label, "is a file the import did not write")
        if here is None:
            self._write(target, pf)
        if old_target is not None and old_here is not None:
            self._remove(old_target)
        return self._did("moved", pf, owner, f"from {old['path']}")

    def _did(self, action: str, pf: PlannedFile, owner: str, detail: str = "") -> str:
        self.actions.append(Action(action, pf.path, owner, detail))
        return action

    def _beside(self, target: Path, pf: PlannedFile, owner: str, label: str, why: str) -> str:
        rel = target.relative_to(self.real).as_posix() if self.real in target.parents else pf.path
        if pf.slot != "md":
            self.actions.append(Action("kept", rel, owner, why))
            self._finding("ZD301", rel, f"{label}: {rel} {why}: the Zendesk version is not copied over it", owner)
            return "kept"
        beside_rel = str(PurePosixPath(rel).with_name(f".{PurePosixPath(rel).stem}.zendesk.md"))
        beside = self._safe(beside_rel)
        if beside is None:
            self.actions.append(Action("refused", beside_rel, owner))
            return "refused"
        if self._local_sha(beside) != pf.sha256:
            self._write(beside, pf)
        self.actions.append(Action("beside", beside_rel, owner, why))
        self._finding(
            "ZD301",
            rel,
            f"{label}: {rel} {why}; not overwritten. The Zendesk version is in "
            f"{beside_rel}: merge what you want from it, then delete it",
            owner,
        )
        return "beside"

    def _save(self, locale: str) -> None:
        data: dict[str, Any] = {
            "format": FORMAT,
            "version": VERSION,
            "locale": locale,
            "items": dict(sorted(self.new_items.items())),
        }
        text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
        target = self._safe(MANIFEST)
        if target is None:
            raise KbError(f"{self.to / MANIFEST}: is a symbolic link: the manifest was not written")
        if target.exists() and target.read_text(encoding="utf-8") == text:
            return  # a run that changed nothing touches nothing
        self._write(target, PlannedFile("manifest", "md", MANIFEST, data=text.encode("utf-8")))
