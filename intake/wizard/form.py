"""The wizard's form definition (form.yml): load it with line numbers, check it, resolve it.

Owns: the form format (screens, their fields and policy questions, branching conditions; see
README.md), its checks, and `resolve()`, the JSON the browser reads. The shape of the file is
the JSON Schema `schemas/request-form.schema.json` (published with the site for editors),
checked by `kbcore.schemacheck`; what the schema cannot say (ids that must exist, branching,
the policy's questions asked once each and in order) is checked here. Every problem is
reported at once as `file:line: CODE message`, with a "did you mean".
Does not own: policy rules or classification (the policy engine), rendering (plugin.py and
the ES modules).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kbcore import schemacheck, yamlines
from kbcore.problems import Problem, Severity, did_you_mean

HERE = Path(__file__).parent
FORM_FILE = HERE / "form.yml"
SCHEMA_FILE = HERE / "schemas" / "request-form.schema.json"
SCHEMA: dict[str, Any] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
FORMAT_VERSION: int = SCHEMA["properties"]["version"]["const"]
OUTCOMES = ("route", "eligibility", "priority")
# Option lists the browser fills from the compiled policy.
OPTION_SOURCES = ("escalation_reasons",)
_CODES = schemacheck.Codes(unknown="WZ110", missing="WZ119", type="WZ119", value="WZ119")

Path_ = tuple[Any, ...]


@dataclass
class PolicyView:
    """What the form's checks need from the policy: its questions in asking order, each
    question's literal option values (None: generated from data), and per question the
    `when` of the exclusions that read it."""

    questions: list[str]
    options: dict[str, list[str] | None] = field(default_factory=dict)
    exclusions: dict[str, list[Any]] = field(default_factory=dict)


def policy_view(data: Any) -> PolicyView | None:
    """The questions and exclusions of a loaded policy file; None when it has none to read
    (the policy's own checks report why)."""
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        return None
    view = PolicyView([])
    for q in data["questions"]:
        if isinstance(q, dict) and isinstance(q.get("id"), str):
            view.questions.append(q["id"])
            opts: list[Any] = q["options"] if isinstance(q.get("options"), list) else []
            literal = [_text(o.get("value")) for o in opts if isinstance(o, dict)]
            view.options[q["id"]] = None if q.get("options_from") else literal
    for ex in data.get("exclusions") or []:
        if isinstance(ex, dict) and isinstance(ex.get("question"), str):
            view.exclusions.setdefault(ex["question"], []).append(ex.get("when"))
    return view


def _text(v: Any) -> str:
    """A YAML scalar as the policy reads it: unquoted yes/no (booleans) are the text yes/no."""
    return ("yes" if v else "no") if isinstance(v, bool) else str(v)


def load(path: str | Path = FORM_FILE, policy: PolicyView | list[str] | None = None) -> tuple[dict, list[Problem]]:
    """Read and check a form file; a YAML error is a problem at its line, never an exception."""
    name = display_path(Path(path))
    loaded = yamlines.load_file(path, name, code="WZ101", what="YAML")
    if loaded.data is None:
        return {}, loaded.problems
    if not isinstance(loaded.data, dict):
        return {}, [
            Problem(
                name,
                1,
                "WZ102",
                "the form definition must be a mapping with `version`, `start` and `steps`",
            )
        ]
    return loaded.data, loaded.problems + check(loaded.data, name, policy, loaded.lines)


def display_path(path: Path) -> str:
    """The path as the writer knows it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def check(
    form: dict,
    name: str,
    policy: PolicyView | list[str] | None = None,
    lines: Mapping[Path_, int] | None = None,
) -> list[Problem]:
    """Every problem in a loaded form. With the policy, also that its questions are each
    asked exactly once, in the policy's order, and that checkbox statements fit them."""
    if isinstance(policy, list):
        policy = PolicyView(policy)
    return _Checker(form, name, policy, dict(lines or {})).run()


class _Checker:
    def __init__(self, form: dict, name: str, policy: PolicyView | None, lines: dict[Path_, int]) -> None:
        self.form, self.name, self.policy, self.lines = form, name, policy, lines
        self.probs: list[Problem] = []
        self.step_ids: dict[str, Path_] = {}
        self.field_ids: dict[str, Path_] = {}

    def add(self, path: Path_, code: str, msg: str, severity: Severity = "error") -> None:
        line = yamlines.line_of(self.lines, path)
        key = yamlines.dotted(path) or None
        self.probs.append(Problem(self.name, line, code, msg, severity=severity, key=key))

    def run(self) -> list[Problem]:
        self.probs += schemacheck.check(self.form, SCHEMA, self.lines, self.name, _CODES)
        steps = self.form.get("steps")
        if not isinstance(steps, list) or not steps:
            return self.probs
        for i, step in enumerate(steps):
            if not isinstance(step, dict) or not isinstance(step.get("id"), str):
                continue
            if step["id"] in self.step_ids:
                first = yamlines.line_of(self.lines, self.step_ids[step["id"]])
                self.add(
                    ("steps", i, "id"),
                    "WZ121",
                    f"duplicate step id '{step['id']}' (also line {first})",
                )
            else:
                self.step_ids[step["id"]] = ("steps", i)
            for j, f in enumerate(step.get("fields") or []):
                if isinstance(f, dict) and isinstance(f.get("id"), str):
                    if f["id"] in self.field_ids:
                        first = yamlines.line_of(self.lines, self.field_ids[f["id"]])
                        self.add(
                            ("steps", i, "fields", j, "id"),
                            "WZ131",
                            f"duplicate field id '{f['id']}' (also line {first})",
                        )
                    else:
                        self.field_ids[f["id"]] = ("steps", i, "fields", j)
        start = self.form.get("start")
        if isinstance(start, str) and start not in self.step_ids:
            self.add(
                ("start",),
                "WZ113",
                f"`start` names no step: '{start}'{did_you_mean(start, self.step_ids)}",
            )
        self._check_payload()
        for i, step in enumerate(steps):
            if isinstance(step, dict) and isinstance(step.get("id"), str):
                self._check_step(step, ("steps", i))
        if start in self.step_ids:  # else every step would be "unreachable": noise
            self._check_reachable()
        if self.policy is not None:
            self._check_policy_questions()
        return self.probs

    # -- parts ------------------------------------------------------------------------------
    def _answerable(self) -> set[str]:
        return set(self.field_ids) | set(self.policy.questions if self.policy else [])

    def _check_payload(self) -> None:
        for key, spec in (self.form.get("payload") or {}).items():
            if not isinstance(spec, dict):
                continue
            where = ("payload", key)
            if ("answer" in spec) == ("value" in spec):
                self.add(
                    where,
                    "WZ115",
                    f"payload '{key}': needs either `answer: <policy question>` or `value: <constant>`",
                )
            elif self.policy is not None and "answer" in spec and spec["answer"] not in self.policy.questions:
                self.add(
                    where,
                    "WZ116",
                    f"payload '{key}': the policy has no question "
                    f"'{spec['answer']}'{did_you_mean(spec['answer'], self.policy.questions)}",
                )

    def _check_step(self, step: dict, at: Path_) -> None:
        sid = step["id"]
        kind = step.get("kind", "question")
        fields = step.get("fields")
        if kind == "question":
            if not isinstance(fields, list) or not fields:
                self.add(at, "WZ125", f"step '{sid}': a question step needs `fields` (a list)")
                fields = []
            if len(fields) > 1 and not step.get("title"):
                self.add(
                    at,
                    "WZ126",
                    f"step '{sid}': a step with several fields needs a `title` (the page heading)",
                )
            for j, f in enumerate(fields):
                if isinstance(f, dict):
                    self._check_field(f, sid, at + ("fields", j))
        elif fields:
            self.add(at + ("fields",), "WZ127", f"step '{sid}': only question steps have `fields`")
        if kind in ("question", "info", "kb") and "next" not in step:
            self.add(
                at,
                "WZ140",
                f"step '{sid}': needs `next` (a step id, or a list of {{if, goto}} ending with a plain {{goto}})",
            )
        for k, notice in enumerate(step.get("notices") or []):
            if isinstance(notice, dict) and isinstance(notice.get("if"), dict):
                self._check_condition(notice["if"], sid, at + ("notices", k, "if"))
        nxt = step.get("next")
        if isinstance(nxt, str):
            self._check_goto(nxt, sid, at + ("next",))
        elif isinstance(nxt, list):
            for i, rule in enumerate(nxt):
                if not isinstance(rule, dict) or not isinstance(rule.get("goto"), str):
                    continue
                self._check_goto(rule["goto"], sid, at + ("next", i, "goto"))
                if isinstance(rule.get("if"), dict):
                    self._check_condition(rule["if"], sid, at + ("next", i, "if"))
                elif i != len(nxt) - 1:
                    self.add(
                        at + ("next", i),
                        "WZ143",
                        f"step '{sid}': next[{i}] has no `if`, so the rules after it can never apply",
                    )
            if nxt and isinstance(nxt[-1], dict) and "if" in nxt[-1]:
                self.add(
                    at + ("next",),
                    "WZ144",
                    f"step '{sid}': the last `next` rule must be a plain {{goto}} so every answer leads somewhere",
                )

    def _check_goto(self, goto: str, sid: str, at: Path_) -> None:
        if goto not in self.step_ids:
            self.add(
                at,
                "WZ142",
                f"step '{sid}': goes to unknown step '{goto}'{did_you_mean(goto, self.step_ids)}",
            )

    def _check_field(self, f: dict, sid: str, at: Path_) -> None:
        if "question" in f:
            extra = sorted(set(f) - {"question", "when"})
            if extra:
                self.add(
                    at + (extra[0],),
                    "WZ132",
                    f"step '{sid}': a policy question takes only `when` (its wording and options "
                    f"are the policy's), not '{extra[0]}'",
                )
        elif not isinstance(f.get("id"), str):
            self.add(
                at,
                "WZ130",
                f"step '{sid}': every field needs an `id`, or `question: <policy question>`",
            )
            return
        fid = str(f.get("id") or f.get("question"))
        if "question" not in f:
            if not f.get("label"):
                self.add(at, "WZ134", f"field '{fid}': needs a `label`")
            if "type" not in f:
                self.add(at, "WZ133", f"field '{fid}': needs a `type`")
        ftype = f.get("type")
        if ftype in ("radios", "checkboxes") and not f.get("options") and not f.get("options_from"):
            self.add(at, "WZ135", f"field '{fid}': a {ftype} field needs `options` or `options_from`")
        src = f.get("options_from")
        if isinstance(src, str) and src not in OPTION_SOURCES:
            self.add(
                at + ("options_from",),
                "WZ137",
                f"field '{fid}': the policy offers no option list '{src}'{did_you_mean(src, OPTION_SOURCES)}",
            )
        if isinstance(f.get("pattern"), str):
            try:
                re.compile(f["pattern"])
            except re.error as exc:
                self.add(at + ("pattern",), "WZ139", f"field '{fid}': invalid pattern: {exc}")
        for k, o in enumerate(f.get("options") or []):
            if isinstance(o, dict):
                self._check_option(o, fid, ftype, at + ("options", k))
        if isinstance(f.get("when"), dict):
            self._check_condition(f["when"], sid, at + ("when",))

    def _check_option(self, o: dict, fid: str, ftype: Any, at: Path_) -> None:
        q = o.get("question")
        if q is not None or "ticked" in o:
            if ftype != "checkboxes" or not isinstance(q, str) or "ticked" not in o or "value" in o:
                self.add(
                    at,
                    "WZ136",
                    f"field '{fid}': an option with `question` is a checkbox statement: it needs "
                    "`question` and `ticked`, and no `value`",
                )
            elif self.policy is not None:
                self._check_statement(o, fid, at)
        elif "value" not in o:
            self.add(at, "WZ136", f"field '{fid}': every option needs `value` and `label`")
        if "payload" in o and ftype != "checkboxes":
            self.add(
                at + ("payload",),
                "WZ136",
                f"field '{fid}': only checkbox options have `payload` (true when ticked)",
            )

    def _check_statement(self, o: dict, fid: str, at: Path_) -> None:
        assert self.policy is not None
        q, ticked = o["question"], str(o["ticked"])
        if q not in self.policy.questions:
            self.add(
                at + ("question",),
                "WZ171",
                f"field '{fid}': the policy has no question '{q}'{did_you_mean(q, self.policy.questions)}",
            )
            return
        values = self.policy.options.get(q)
        if values is None or len(values) != 2 or ticked not in values:
            self.add(
                at + ("ticked",),
                "WZ176",
                f"field '{fid}': a checkbox answers '{q}' with `ticked` and its other option when "
                f"unticked, so '{q}' needs exactly two options, one of them '{ticked}' (it has "
                f"{', '.join(values or []) or 'options from data'})",
            )
            return
        whens = self.policy.exclusions.get(q, [])
        if whens and not any(_matches(w, q, ticked) for w in whens):
            self.add(
                at + ("ticked",),
                "WZ177",
                f"field '{fid}': ticking '{q}' answers '{ticked}', but the policy's exclusion on "
                f"'{q}' applies to the other answer: a ticked box must be the statement that "
                "applies",
            )

    def _check_condition(self, cond: Any, sid: str, at: Path_) -> None:
        def add(msg: str, code: str = "WZ150") -> None:
            self.add(at, code, f"step '{sid}': {msg}")

        if not isinstance(cond, dict) or not cond:
            add("a condition must be a mapping such as {answer: ID, is: VALUE}")
            return
        if "all" in cond or "any" in cond:
            key = "all" if "all" in cond else "any"
            for k, part in enumerate(cond[key] if isinstance(cond[key], list) else []):
                self._check_condition(part, sid, at + (key, k))
            return
        if "not" in cond and len(cond) == 1:
            self._check_condition(cond["not"], sid, at + ("not",))
            return
        if "seen" in cond:
            if cond["seen"] not in self.step_ids:
                add(
                    f"`seen` names unknown step '{cond['seen']}'{did_you_mean(str(cond['seen']), self.step_ids)}",
                    "WZ151",
                )
            return
        if "answer" in cond:
            known = self._answerable()
            if self.policy is not None and cond["answer"] not in known:
                add(
                    f"condition on unknown field '{cond['answer']}'{did_you_mean(str(cond['answer']), known)}",
                    "WZ152",
                )
            elif self.policy is None and cond["answer"] not in self.field_ids and not _looks_like_id(cond["answer"]):
                add(f"condition on unknown field '{cond['answer']}'", "WZ152")
        elif "outcome" in cond:
            if cond["outcome"] not in OUTCOMES:
                add(
                    f"outcome must be one of {', '.join(OUTCOMES)}, got "
                    f"'{cond['outcome']}'{did_you_mean(str(cond['outcome']), OUTCOMES)}",
                    "WZ153",
                )
        else:
            add("a condition needs `answer`, `outcome`, `seen`, `all`, `any` or `not`")
            return
        if len([k for k in ("is", "not", "in") if k in cond]) != 1:
            add("a condition needs exactly one of `is`, `not`, `in`", "WZ154")

    def _check_reachable(self) -> None:
        """Every step is reachable from `start` (or is an end page the runtime opens)."""
        steps = {sid: self.form["steps"][at[1]] for sid, at in self.step_ids.items()}
        seen: set[str] = set()
        todo = [self.form.get("start")]
        while todo:
            sid = todo.pop()
            if not isinstance(sid, str) or sid in seen or sid not in steps:
                continue
            seen.add(sid)
            nxt = steps[sid].get("next")
            todo += [r.get("goto") for r in nxt if isinstance(r, dict)] if isinstance(nxt, list) else [nxt]
        if "check" in steps:
            seen |= {s for s, st in steps.items() if st.get("kind") in ("confirmation", "deflected")}
        for sid, at in self.step_ids.items():
            if sid not in seen:
                self.add(
                    at + ("id",),
                    "WZ160",
                    f"step '{sid}' can never be reached from `start`",
                    severity="warning",
                )

    def _check_policy_questions(self) -> None:
        assert self.policy is not None
        questions = self.policy.questions
        placed: dict[str, str] = {}
        order: list[str] = []
        for fid, at in self.field_ids.items():
            if fid in questions:
                self.add(
                    at + ("id",),
                    "WZ175",
                    f"field id '{fid}' is also a policy question's id: their answers would overwrite each other",
                )
        for i, step in enumerate(self.form.get("steps") or []):
            if not isinstance(step, dict):
                continue
            for j, f in enumerate(step.get("fields") or []):
                if not isinstance(f, dict):
                    continue
                asks = (
                    [(f.get("question"), ("fields", j, "question"))]
                    if "question" in f
                    else [
                        (o.get("question"), ("fields", j, "options", k, "question"))
                        for k, o in enumerate(f.get("options") or [])
                        if isinstance(o, dict) and "question" in o
                    ]
                )
                for q, where in asks:
                    at = ("steps", i) + where
                    if not isinstance(q, str):
                        continue
                    if q not in questions:
                        if "options" not in where:  # statements are reported by _check_statement
                            self.add(
                                at,
                                "WZ171",
                                f"step '{step.get('id')}': the policy has no question "
                                f"'{q}'{did_you_mean(q, questions)}",
                            )
                    elif q in placed:
                        self.add(
                            at,
                            "WZ172",
                            f"step '{step.get('id')}': policy question '{q}' is already asked by step '{placed[q]}'",
                        )
                    else:
                        placed[q] = str(step.get("id"))
                        order.append(q)
        missing = [q for q in questions if q not in placed]
        if missing:
            self.add(
                ("steps",),
                "WZ173",
                f"no step asks the policy question(s) {', '.join(missing)}: the engine cannot classify without them",
            )
        for a, b in itertools.pairwise(order):
            if questions.index(b) < questions.index(a):
                self.add(
                    ("steps",),
                    "WZ174",
                    f"policy question '{b}' is asked after '{a}' here but before it in the "
                    "policy: a question's `when` may depend on earlier ones",
                )


def _looks_like_id(v: Any) -> bool:
    return isinstance(v, str) and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", v) is not None


def _matches(when: Any, question: str, value: str) -> bool:
    """Does a policy condition ({q: v | [v...] | {not: ...}}, or a list of them) hold for
    `question = value` alone? Only the question's own key is read."""
    for part in when if isinstance(when, list) else [when]:
        if not isinstance(part, dict) or question not in part:
            continue
        want = part[question]
        if isinstance(want, dict) and "not" in want:
            nots = want["not"] if isinstance(want["not"], list) else [want["not"]]
            if value not in [_text(x) for x in nots]:
                return True
        elif value in [_text(x) for x in (want if isinstance(want, list) else [want])]:
            return True
    return False


def resolve(form: dict) -> dict:
    """The browser's copy of the form: plain JSON, every step with a kind."""
    out = json.loads(json.dumps({k: form[k] for k in ("version", "title", "start", "steps", "payload") if k in form}))
    for step in out["steps"]:
        step.setdefault("kind", "question")
    return out
