"""One file for the browser: the search modules and the index manifest in `assets/search/search.js`.

Owns: joining the ES modules of `kbtools/theme/assets/search/` (from `ui.js` down its imports)
into a single module, each kept in a function scope of its own, and putting the manifest of the
exported index in it (the module `embedded.js`), so that a page gets the search code and the
manifest in one request instead of a chain of imports and a manifest fetch (cold start).
Does not own: the modules (they stay plain ES modules, published one by one as well, for the
wizard and for node), the index (`export.py`) or when it is written (`plugin.py`).

Only what the modules use is understood, and anything else is refused with its file and line:
`import { a, b as c } from "./x.js";` and `export` before one `function`, `async function`,
`class`, `const` or `let` declaration, or `export { a, b };`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .export import INDEX_DIR, LIMITS

SOURCES = Path(__file__).resolve().parent.parent / "theme" / "assets" / "search"
ENTRY = "ui.js"
BUNDLE = "assets/search/search.js"  # relative to the site; the index is at BUNDLE's index/
EMBEDDED = "embedded.js"  # the module whose MANIFEST_TEXT the build fills in

_IMPORT = re.compile(r'^import\s*\{([^}]*)\}\s*from\s*"\./([\w.-]+\.js)"\s*;?[ \t]*$', re.MULTILINE)
_EXPORT_DECL = re.compile(r"^export\s+((?:async\s+)?function\*?|class|const|let)\s+([\w$]+)", re.MULTILINE)
_EXPORT_LIST = re.compile(r"^export\s*\{([^}]*)\}\s*;?[ \t]*$", re.MULTILINE)
_OTHER = re.compile(r"^\s*(import|export)\b(?!\s*[.(])", re.MULTILINE)  # not import.meta, import()
_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")


class BundleError(Exception):
    """A module uses a form of import or export the bundler does not handle."""


def _names(spec: str, where: str) -> list[tuple[str, str]]:
    """`a, b as c` -> [(a, a), (b, c)]."""
    out = []
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        bits = part.split()
        if len(bits) == 1 and _NAME.match(bits[0]):
            out.append((bits[0], bits[0]))
        elif len(bits) == 3 and bits[1] == "as" and _NAME.match(bits[0]) and _NAME.match(bits[2]):
            out.append((bits[0], bits[2]))
        else:
            raise BundleError(f"{where}: cannot bundle `{part}`")
    return out


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _scope(name: str) -> str:
    return "__kb_" + re.sub(r"\W", "_", name[:-3])


def _wrap(name: str, text: str) -> tuple[str, list[str]]:
    """A module as `const __kb_<name> = (() => { ... return {exports}; })();` and its imports."""
    deps: list[str] = []
    exports: list[tuple[str, str]] = []  # (local, exported)

    def imp(m: re.Match) -> str:
        deps.append(m.group(2))
        pairs = _names(m.group(1), f"{name}:{_line(text, m.start())}")
        inner = ", ".join(a if a == b else f"{a}: {b}" for a, b in pairs)
        return f"const {{ {inner} }} = {_scope(m.group(2))};"

    def decl(m: re.Match) -> str:
        exports.append((m.group(2), m.group(2)))
        return f"{m.group(1)} {m.group(2)}"

    def lst(m: re.Match) -> str:
        exports.extend(_names(m.group(1), f"{name}:{_line(text, m.start())}"))
        return ""

    body = _IMPORT.sub(imp, text)
    body = _EXPORT_DECL.sub(decl, body)
    body = _EXPORT_LIST.sub(lst, body)
    left = _OTHER.search(body)
    if left:
        raise BundleError(
            f"{name}:{_line(body, left.start())}: cannot bundle this {left.group(1)} "
            "(see kbtools/search/bundle.py for the forms it handles)"
        )
    ret = ", ".join(a if a == b else f"{b}: {a}" for a, b in exports)
    return f"// ---- {name}\nconst {_scope(name)} = (() => {{\n{body.rstrip()}\nreturn {{ {ret} }};\n}})();\n", deps


def js_string(text: str) -> str:
    """`text` as a single-quoted JavaScript string literal (JSON keeps its size: its quotes are double)."""
    out = text.replace("\\", "\\\\").replace("'", "\\'")
    out = re.sub(r"[\x00-\x1f\u2028\u2029]", lambda m: f"\\u{ord(m.group()):04x}", out)
    return f"'{out}'"


def embedded_module(manifest: bytes | None) -> str:
    """The source of `embedded.js` carrying `manifest` (null when there is none to embed: the page
    then fetches manifest.json and reports what is wrong with it, as it would without a bundle)."""
    text = None
    if manifest is not None and len(manifest) <= LIMITS["manifest"]:
        try:
            text = manifest.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    value = "null" if text is None else js_string(text)
    return (
        "// Embedded by the build (kbtools/search/bundle.py): the manifest of ./index/.\nexport const "
        f"MANIFEST_TEXT = {value};\n"
    )


def bundle(manifest: bytes | None, sources: Path = SOURCES, entry: str = ENTRY) -> str:
    """The single module: every module `entry` imports (dependencies first), then `entry`."""
    order: list[str] = []
    parts: dict[str, str] = {}
    visiting: list[str] = []

    def visit(name: str) -> None:
        if name in parts:
            return
        if name in visiting:
            raise BundleError(f"{visiting[-1]}: imports form a cycle: {' -> '.join(visiting + [name])}")
        path = sources / name
        if not path.is_file():
            raise BundleError(f"{visiting[-1] if visiting else name}: imports {name}, which is not in {sources}")
        text = embedded_module(manifest) if name == EMBEDDED else path.read_text(encoding="utf-8")
        visiting.append(name)
        wrapped, deps = _wrap(name, text)
        for dep in deps:
            visit(dep)
        visiting.pop()
        parts[name] = wrapped
        order.append(name)

    visit(entry)
    head = (
        f"// Generated by kbtools/search/bundle.py from {', '.join(order)} and the index manifest.\n"
        "// Do not edit: edit those modules.\n"
    )
    return head + "".join(parts[n] for n in order)


def write(site_dir: str | Path) -> int:
    """Write `assets/search/search.js` of a site from its exported index (after `export`);
    return its size. Call it again after changing the index's manifest."""
    site = Path(site_dir)
    mf = site / INDEX_DIR / "manifest.json"
    manifest = mf.read_bytes() if mf.is_file() else None
    data = bundle(manifest).encode("utf-8")
    out = site / BUNDLE
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, out)  # a page never loads half a bundle
    return len(data)
