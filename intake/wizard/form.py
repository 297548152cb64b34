"""The wizard's form definition (form.yml): load it with line numbers, check it, resolve it.

Owns: the form format (steps, fields, branching conditions; see README.md), its checks
(every problem reported with file:line and a "did you mean"), and `resolve()`, which fills
`options_from` with choices taken from the policy view and returns the JSON the browser
reads. Does not own: policy rules or classification (the policy engine), page rendering
(plugin.py and the ES modules).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kbcore.problems import Problem, did_you_mean

FORM_FILE = Path(__file__).parent / "form.yml"
FORMAT_VERSION = 1

STEP_KINDS = ("question", "policy", "info", "kb", "check", "confirmation", "deflected")
FIELD_TYPES = ("radios", "checkboxes", "text", "textarea", "email")
OUTCOMES = ("route", "eligibility", "priority")
STEP_KEYS = {"id", "kind", "title", "hint", "body", "show", "options", "continue", "fields", "next", "questions"}
# Option lists the browser fills from the compiled policy (key -> where in it).
OPTION_SOURCES = ("escalation_reasons",)
FIELD_KEYS = {
    "id", "type", "label", "hint", "optional", "payload", "options", "options_from",
    "depends_on", "none_option", "require_all", "max_length", "pattern", "messages", "autocomplete",
    "as", "empty",
}
PAYLOAD_SPEC_KEYS = {"answer", "as", "value"}
SHOWS = ("partner", "eligibility")
MESSAGE_KEYS = {"required", "pattern", "max_length"}


class _Lines(dict):
    """A mapping that remembers the file line of itself and of each key."""

    line = 1
    key_lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    pass


def _mapping(loader: _Loader, node: yaml.MappingNode) -> _Lines:
    out = _Lines()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _line(obj: Any, key: str | None = None) -> int:
    if isinstance(obj, _Lines):
        return obj.key_lines.get(key, obj.line) if key else obj.line
    return 1


def load(path: str | Path = FORM_FILE, policy_questions: list[str] | None = None) -> tuple[dict, list[Problem]]:
    """Read and check a form file; a YAML error is a problem at its line, never an exception."""
    path = Path(path)
    name = display_path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except OSError as exc:
        return {}, [Problem(name, 1, "WZ100", f"cannot read the form definition: {exc.strerror}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return {}, [Problem(name, mark.line + 1 if mark else 1, "WZ101", f"malformed YAML: {getattr(exc, 'problem', exc)}")]
    if not isinstance(data, dict):
        return {}, [Problem(name, 1, "WZ102", "the form definition must be a mapping with `version`, `start` and `steps`")]
    return data, check(data, name, policy_questions)


def display_path(path: Path) -> str:
    """The path as the writer knows it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def check(form: dict, name: str, policy_questions: list[str] | None = None) -> list[Problem]:
    """Every problem in a loaded form; with the policy's question ids (in asking order),
    also that the `kind: policy` steps ask each of them exactly once, in that order."""
    sources = set(OPTION_SOURCES)
    probs: list[Problem] = []

    def add(obj: Any, key: str | None, code: str, msg: str) -> None:
        probs.append(Problem(name, _line(obj, key), code, msg, key=key))

    for key in form:
        if key not in {"version", "title", "start", "steps", "payload"}:
            add(form, key, "WZ110", f"unknown key '{key}'{did_you_mean(key, ['version', 'title', 'start', 'steps', 'payload'])}")
    for path, spec in (form.get("payload") or {}).items():
        if not isinstance(spec, dict) or not spec or set(spec) - PAYLOAD_SPEC_KEYS or ("answer" in spec) == ("value" in spec):
            add(form.get("payload"), path, "WZ115", f"payload '{path}': needs either `answer: <policy question>` or `value: <constant>` (and optionally `as: boolean`)")
        elif policy_questions is not None and "answer" in spec and spec["answer"] not in policy_questions:
            add(form.get("payload"), path, "WZ116", f"payload '{path}': the policy has no question '{spec['answer']}'{did_you_mean(spec['answer'], policy_questions)}")
    if form.get("version") != FORMAT_VERSION:
        add(form, "version", "WZ111", f"`version` must be {FORMAT_VERSION} (this build reads form format {FORMAT_VERSION}), got {form.get('version')!r}")
    steps = form.get("steps")
    if not isinstance(steps, list) or not steps:
        add(form, "steps", "WZ112", "`steps` must be a non-empty list of steps")
        return probs
    step_ids: dict[str, Any] = {}
    field_ids: dict[str, Any] = {}
    for step in steps:
        if not isinstance(step, dict) or not isinstance(step.get("id"), str):
            add(step, None, "WZ120", "every step needs an `id` (text)")
            continue
        sid = step["id"]
        if sid in step_ids:
            add(step, "id", "WZ121", f"duplicate step id '{sid}' (also line {_line(step_ids[sid])})")
        step_ids[sid] = step
        for f in step.get("fields") or []:
            if isinstance(f, dict) and isinstance(f.get("id"), str):
                if f["id"] in field_ids and field_ids[f["id"]] is not f:
                    add(f, "id", "WZ131", f"duplicate field id '{f['id']}' (also line {_line(field_ids[f['id']])})")
                field_ids[f["id"]] = f
    if form.get("start") not in step_ids:
        add(form, "start", "WZ113", f"`start` names no step: {form.get('start')!r}{did_you_mean(form.get('start'), step_ids)}")
    # Conditions may test the policy's answers too; without the policy they are not checked.
    answerable = {**{q: q for q in policy_questions}, **field_ids} if policy_questions is not None else {"*": None, **field_ids}
    for step in steps:
        if isinstance(step, dict) and isinstance(step.get("id"), str):
            probs += _check_step(step, name, step_ids, answerable, sources)
    if form.get("start") in step_ids:  # else every step would be "unreachable": noise
        probs += _check_reachable(form, name, step_ids)
    if policy_questions is not None:
        probs += _check_policy_questions(form, name, policy_questions)
    return probs


def _check_policy_questions(form: dict, name: str, policy_questions: list[str]) -> list[Problem]:
    probs: list[Problem] = []
    placed: dict[str, str] = {}
    for step in form.get("steps") or []:
        if isinstance(step, dict) and step.get("id") in policy_questions:
            probs.append(Problem(name, _line(step, "id"), "WZ175", f"step id '{step['id']}' is also a policy question's id: `#step={step['id']}` must name one page", key="id"))
        if not isinstance(step, dict) or step.get("kind") != "policy":
            continue
        for q in step.get("questions") or []:
            if q not in policy_questions:
                probs.append(Problem(name, _line(step, "questions"), "WZ171", f"step '{step['id']}': the policy has no question '{q}'{did_you_mean(q, policy_questions)}", key="questions"))
            elif q in placed:
                probs.append(Problem(name, _line(step, "questions"), "WZ172", f"step '{step['id']}': policy question '{q}' is already asked by step '{placed[q]}'", key="questions"))
            else:
                placed[q] = step["id"]
    missing = [q for q in policy_questions if q not in placed]
    if missing:
        probs.append(Problem(name, _line(form, "steps"), "WZ173", f"no `kind: policy` step asks the policy question(s) {', '.join(missing)}: the engine cannot classify without them", key="steps"))
    order = [q for s in form.get("steps") or [] if isinstance(s, dict) and s.get("kind") == "policy" for q in s.get("questions") or [] if q in policy_questions]
    for a, b in zip(order, order[1:]):
        if policy_questions.index(b) < policy_questions.index(a):
            probs.append(Problem(name, _line(form, "steps"), "WZ174", f"policy question '{b}' is asked after '{a}' here but before it in the policy: a question's `when` may depend on earlier ones", key="steps"))
    return probs


def _check_step(step: dict, name: str, step_ids: dict, field_ids: dict, sources: set[str] | None) -> list[Problem]:
    probs: list[Problem] = []

    def add(obj: Any, key: str | None, code: str, msg: str) -> None:
        probs.append(Problem(name, _line(obj, key), code, msg, key=key))

    sid = step["id"]
    for key in step:
        if key not in STEP_KEYS:
            add(step, key, "WZ122", f"step '{sid}': unknown key '{key}'{did_you_mean(key, STEP_KEYS)}")
    kind = step.get("kind", "question")
    if kind not in STEP_KINDS:
        add(step, "kind", "WZ123", f"step '{sid}': kind must be one of {', '.join(STEP_KINDS)}, got '{kind}'{did_you_mean(kind, STEP_KINDS)}")
    if step.get("show") is not None and step["show"] not in SHOWS:
        add(step, "show", "WZ124", f"step '{sid}': `show` must be one of {', '.join(SHOWS)}")
    fields = step.get("fields")
    if kind == "question":
        if not isinstance(fields, list) or not fields:
            add(step, "fields", "WZ125", f"step '{sid}': a question step needs `fields` (a list)")
            fields = []
        if len(fields) > 1 and not step.get("title"):
            add(step, "title", "WZ126", f"step '{sid}': a step with several fields needs a `title` (the page heading)")
        for f in fields:
            probs += _check_field(f, sid, name, field_ids, sources)
    elif fields:
        add(step, "fields", "WZ127", f"step '{sid}': only question steps have `fields`")
    if kind == "policy":
        qs = step.get("questions")
        if not isinstance(qs, list) or not qs or not all(isinstance(q, str) for q in qs):
            add(step, "questions", "WZ128", f"step '{sid}': a policy step needs `questions`, a list of the policy's question ids")
    elif "questions" in step:
        add(step, "questions", "WZ129", f"step '{sid}': only `kind: policy` steps have `questions`")
    if kind in ("question", "policy", "info", "kb") and "next" not in step:
        add(step, None, "WZ140", f"step '{sid}': needs `next` (a step id, or a list of {{if, goto}} ending with a plain {{goto}})")
    nxt = step.get("next")
    if nxt is not None:
        rules = nxt if isinstance(nxt, list) else [{"goto": nxt}]
        for i, rule in enumerate(rules):
            if not isinstance(rule, dict) or "goto" not in rule:
                add(step, "next", "WZ141", f"step '{sid}': next[{i}] needs `goto`")
                continue
            if rule["goto"] not in step_ids:
                add(rule, "goto", "WZ142", f"step '{sid}': goes to unknown step '{rule['goto']}'{did_you_mean(rule['goto'], step_ids)}")
            if "if" in rule:
                probs += _check_condition(rule["if"], rule, sid, name, step_ids, field_ids)
            elif i != len(rules) - 1:
                add(rule, "goto", "WZ143", f"step '{sid}': next[{i}] has no `if`, so the rules after it can never apply")
        if isinstance(nxt, list) and rules and isinstance(rules[-1], dict) and "if" in rules[-1]:
            add(step, "next", "WZ144", f"step '{sid}': the last `next` rule must be a plain {{goto}} so every answer leads somewhere")
    return probs


def _check_field(f: Any, sid: str, name: str, field_ids: dict, sources: set[str] | None) -> list[Problem]:
    probs: list[Problem] = []

    def add(key: str | None, code: str, msg: str) -> None:
        probs.append(Problem(name, _line(f, key), code, msg, key=key))

    if not isinstance(f, dict) or not isinstance(f.get("id"), str):
        add(None, "WZ130", f"step '{sid}': every field needs an `id`")
        return probs
    fid = f["id"]
    for key in f:
        if key not in FIELD_KEYS:
            add(key, "WZ132", f"field '{fid}': unknown key '{key}'{did_you_mean(key, FIELD_KEYS)}")
    ftype = f.get("type")
    if ftype not in FIELD_TYPES:
        add("type", "WZ133", f"field '{fid}': type must be one of {', '.join(FIELD_TYPES)}, got {ftype!r}{did_you_mean(ftype, FIELD_TYPES)}")
    if not f.get("label"):
        add(None, "WZ134", f"field '{fid}': needs a `label`")
    if ftype in ("radios", "checkboxes"):
        if not f.get("options") and not f.get("options_from"):
            add(None, "WZ135", f"field '{fid}': a {ftype} field needs `options` or `options_from`")
        for o in f.get("options") or []:
            if not isinstance(o, dict) or "value" not in o or "label" not in o:
                probs.append(Problem(name, _line(o), "WZ136", f"field '{fid}': every option needs `value` and `label`"))
    src = f.get("options_from")
    if src is not None and sources is not None and src not in sources:
        add("options_from", "WZ137", f"field '{fid}': the policy offers no option list '{src}'{did_you_mean(src, sources)}")
    if f.get("depends_on") is not None and f["depends_on"] not in field_ids:
        add("depends_on", "WZ138", f"field '{fid}': depends on unknown field '{f['depends_on']}'{did_you_mean(f['depends_on'], field_ids)}")
    if f.get("pattern") is not None:
        import re

        try:
            re.compile(str(f["pattern"]))
        except re.error as exc:
            add("pattern", "WZ139", f"field '{fid}': invalid pattern: {exc}")
    if f.get("max_length") is not None and not (isinstance(f["max_length"], int) and f["max_length"] > 0):
        add("max_length", "WZ145", f"field '{fid}': max_length must be a positive whole number")
    for key in f.get("messages") or {}:
        if key not in MESSAGE_KEYS:
            add("messages", "WZ146", f"field '{fid}': unknown message '{key}'{did_you_mean(key, MESSAGE_KEYS)}")
    return probs


def _check_condition(cond: Any, where: Any, sid: str, name: str, step_ids: dict, field_ids: dict) -> list[Problem]:
    probs: list[Problem] = []

    def add(msg: str, code: str = "WZ150") -> None:
        probs.append(Problem(name, _line(cond if isinstance(cond, dict) else where), code, f"step '{sid}': {msg}"))

    if not isinstance(cond, dict) or not cond:
        add("a condition must be a mapping such as {answer: ID, is: VALUE}")
        return probs
    if "all" in cond or "any" in cond:
        parts = cond.get("all", cond.get("any"))
        if not isinstance(parts, list) or not parts:
            add("`all`/`any` needs a list of conditions")
            return probs
        for p in parts:
            probs += _check_condition(p, where, sid, name, step_ids, field_ids)
        return probs
    if "not" in cond and len(cond) == 1:
        return _check_condition(cond["not"], where, sid, name, step_ids, field_ids)
    if "seen" in cond:
        if cond["seen"] not in step_ids:
            add(f"`seen` names unknown step '{cond['seen']}'{did_you_mean(cond['seen'], step_ids)}", "WZ151")
        return probs
    if "answer" in cond:
        if cond["answer"] not in field_ids and "*" not in field_ids:
            add(f"condition on unknown field '{cond['answer']}'{did_you_mean(cond['answer'], field_ids)}", "WZ152")
    elif "outcome" in cond:
        if cond["outcome"] not in OUTCOMES:
            add(f"outcome must be one of {', '.join(OUTCOMES)}, got '{cond['outcome']}'{did_you_mean(cond['outcome'], OUTCOMES)}", "WZ153")
    else:
        add("a condition needs `answer`, `outcome`, `seen`, `all`, `any` or `not`")
        return probs
    tests = [k for k in ("is", "not", "in") if k in cond]
    if len(tests) != 1:
        add("a condition needs exactly one of `is`, `not`, `in`", "WZ154")
    return probs


def _check_reachable(form: dict, name: str, step_ids: dict) -> list[Problem]:
    """Every step is reachable from `start` (or is an end page the runtime opens)."""
    seen: set[str] = set()
    todo = [form.get("start")]
    while todo:
        sid = todo.pop()
        if sid in seen or sid not in step_ids:
            continue
        seen.add(sid)
        nxt = step_ids[sid].get("next")
        for rule in nxt if isinstance(nxt, list) else ([{"goto": nxt}] if nxt else []):
            if isinstance(rule, dict):
                todo.append(rule.get("goto"))
    if "check" in step_ids:
        seen |= {s for s, st in step_ids.items() if st.get("kind") in ("confirmation", "deflected")}
    return [
        Problem(name, _line(st, "id"), "WZ160", f"step '{sid}' can never be reached from `start`", severity="warning")
        for sid, st in step_ids.items() if sid not in seen
    ]


def resolve(form: dict) -> dict:
    """The browser's copy of the form: plain JSON (no line numbers), every step with a kind."""
    out = _plain({k: form[k] for k in ("version", "title", "start", "steps", "payload") if k in form})
    for step in out["steps"]:
        step.setdefault("kind", "question")
    return out


def _plain(v: Any) -> Any:
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    return v
