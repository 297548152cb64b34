"""Read YAML into plain data plus the line of every key and list item.

Only parsing lives here (what the keys mean is `intake.schema`). Dates stay strings so a
bad one is reported at its key; duplicate keys are problems, not silently merged. A path
is a tuple of keys and list indexes, e.g. `("calendar", "holidays", 2, "date")`.
"""

from __future__ import annotations

from typing import Any

import yaml

from .problems import Problem

Path = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    pass


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(text: str, filename: str) -> tuple[Any, dict[Path, int], list[Problem]]:
    """Return (data, lines, problems). On a syntax error data is None and one problem says where."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        ctx_mark = getattr(exc, "context_mark", None)
        context = getattr(exc, "context", None)
        if context and ctx_mark is not None and ctx_mark.line + 1 != line:
            reason += f" ({context} on line {ctx_mark.line + 1})"
        return None, {}, [Problem(filename, line, "POL100", f"not valid YAML: {reason}")]
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    if node is None:
        return {}, lines, problems
    data = _build(node, (), lines, problems, filename, loader)
    return data, lines, problems


def _build(node: yaml.Node, path: Path, lines: dict[Path, int], problems: list[Problem],
           filename: str, loader: _Loader) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for src in sources:
                    sub = _build(src, path, {}, problems, filename, loader)
                    if isinstance(sub, dict):
                        for k, v in sub.items():
                            merged.setdefault(k, v)
                            lines.setdefault(path + (k,), src.start_mark.line + 1)
                continue
            key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key in out:
                problems.append(Problem(filename, key_node.start_mark.line + 1, "POL100",
                                        f"duplicate key '{key}' (first on line {lines[path + (key,)]})",
                                        key=_dotted(path + (key,))))
                continue
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, path + (key,), lines, problems, filename, loader)
        for k, v in merged.items():
            out.setdefault(k, v)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, path + (i,), lines, problems, filename, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node)


def _dotted(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def line_of(lines: dict[Path, int], path: Path) -> int:
    """The line of `path`, or of its nearest ancestor that has one."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)
