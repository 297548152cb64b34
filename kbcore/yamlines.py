"""The one YAML loader: plain data plus the line of every key and list item.

Every YAML file the project reads from a writer (article front matter, the support policy,
the wizard's form definition) goes through `load`, so they share one set of rules:
- a syntax error is one `Problem` at its line, never an exception;
- duplicate keys are problems, not silently merged;
- dates stay strings, so a bad one is reported at its key by the schema check;
- anchors and aliases (`&name`, `*name`) are refused unless the caller allows them, and then
  the expanded document is capped (`max_nodes`): a 500-byte "billion laughs" file cannot eat
  the machine's memory;
- nesting deeper than `max_depth` is a problem, not a RecursionError.
Only parsing lives here; what the keys mean is the caller's JSON Schema (`kbcore.schemacheck`).
A path is a tuple of keys and list indexes, e.g. `("calendar", "holidays", 2, "date")`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from .problems import Problem

Path = tuple[Any, ...]
_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster at 10,000 articles


class _Loader(_Base):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_MERGE = "tag:yaml.org,2002:merge"


@dataclass
class Loaded:
    """What `load` read: `data` (None after a syntax error), `lines` by path, `problems`."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path) -> int:
        return line_of(self.lines, path)


class _TooBig(Exception):
    pass


@dataclass
class _Walk:
    filename: str
    code: str
    first_line: int
    allow_aliases: bool
    max_depth: int
    max_nodes: int
    loader: Any
    lines: dict[Path, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    nodes: int = 0
    seen: set[int] = field(default_factory=set)
    aliased: bool = False

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.first_line

    def problem(self, node: yaml.Node, message: str, path: Path = ()) -> None:
        self.problems.append(Problem(self.filename, self.line(node), self.code, message, key=dotted(path) or None))

    def build(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        self.nodes += 1
        if self.nodes > self.max_nodes:
            raise _TooBig
        if not self.allow_aliases:  # an alias is the anchored node itself, met a second time
            if id(node) in self.seen:
                if not self.aliased:  # once per file: one alias is as wrong as a thousand
                    self.aliased = True
                    self.problem(
                        node, "YAML anchors and aliases (&name, *name) are not allowed here: write the value out", path
                    )
                return None
            self.seen.add(id(node))
        if depth > self.max_depth:
            self.problem(node, f"nested more than {self.max_depth} levels deep", path)
            return None
        self.lines.setdefault(path, self.line(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        try:
            return self.loader.construct_object(node)
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            self.problem(node, f"not a valid value: {getattr(exc, 'problem', None) or exc}", path)
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                if not self.allow_aliases:
                    self.problem(key_node, "YAML merge keys (<<) are not allowed here: write the keys out", path)
                    continue
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for src in sources:
                    sub = self.build(src, path, depth + 1)
                    if isinstance(sub, dict):
                        for k, v in sub.items():
                            merged.setdefault(k, v)
                            self.lines.setdefault(path + (k,), self.line(src))
                continue
            if isinstance(key_node, yaml.ScalarNode):
                key = self.build(key_node, path, depth + 1)
            else:
                self.problem(key_node, "a key must be a plain value, not a list or mapping", path)
                continue
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                key = str(key)
            if key in out:
                first = self.lines.get(path + (key,), 0)
                self.problem(key_node, f"duplicate key '{key}' (first on line {first})", path + (key,))
                continue
            self.lines[path + (key,)] = self.line(key_node)
            out[key] = self.build(value_node, path + (key,), depth + 1)
        for k, v in merged.items():
            out.setdefault(k, v)
        return out


def load(
    text: str,
    filename: str,
    *,
    code: str = "YAML100",
    first_line: int = 1,
    allow_aliases: bool = False,
    max_depth: int = 64,
    max_nodes: int = 200_000,
    what: str = "YAML",
    invalid: str | None = None,
) -> Loaded:
    """Parse `text`; every problem (syntax, duplicate key, alias, depth, size) is returned,
    none raised. `first_line` is the file line of the text's first line (front matter starts
    after its opening `---`); `code`, `what` and `invalid` (the syntax error's opening words,
    default "not valid YAML") name the problem in the caller's terms."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.YAMLError as exc:
            prefix = invalid or f"not valid {what}"
            return Loaded(None, {}, [_syntax_problem(exc, text, filename, code, first_line, prefix)])
        if node is None:
            return Loaded({}, {}, [])
        walk = _Walk(filename, code, first_line, allow_aliases, max_depth, max_nodes, loader)
        try:
            data = walk.build(node, ())
        except _TooBig:
            return Loaded(
                None,
                {},
                [
                    Problem(
                        filename,
                        first_line,
                        code,
                        f"the {what} expands to more than {max_nodes:,} values "
                        "(anchors and aliases repeated?); refusing to read it",
                    )
                ],
            )
        return Loaded(data, walk.lines, walk.problems)
    finally:
        loader.dispose()


def _syntax_problem(exc: yaml.YAMLError, text: str, filename: str, code: str, first_line: int, prefix: str) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    context = getattr(exc, "context", None)
    if (
        context_mark is not None
        and mark is not None
        and mark.line >= text.count("\n") - 1
        and context_mark.line != mark.line
    ):
        mark = context_mark  # "[oops" runs to the end of the text: point at where it opened
        context = None
    line = mark.line + first_line if mark else first_line
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    if context and context_mark is not None and context_mark.line + first_line != line:
        reason += f" ({context} on line {context_mark.line + first_line})"
    return Problem(filename, line, code, f"{prefix}: {reason}")


def dotted(path: Path) -> str:
    """`calendar.holidays[2].date`"""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of `path`, or of its nearest ancestor that has one."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


def load_file(
    path: Any, display: str | None = None, *, code: str = "YAML100", allow_aliases: bool = False, what: str = "YAML"
) -> Loaded:
    """`load` for a file: an unreadable file or invalid UTF-8 is a problem too, never raised."""
    from pathlib import Path as FsPath

    name = display or str(path)
    try:
        raw = FsPath(path).read_bytes()
    except OSError as exc:
        return Loaded(None, {}, [Problem(name, 1, code, f"cannot read the file: {exc.strerror}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Loaded(None, {}, [Problem(name, line, code, "invalid UTF-8; save the file as UTF-8")])
    return load(text, name, code=code, allow_aliases=allow_aliases, what=what)
