"""Policy checks: everything that can be wrong with a policy file, all reported at once.

Order: YAML and schema (`intake.schema`), then references between sections, then the
decision tables (complete, no overlap, no unreachable rule, monotone), then the golden
examples through the Python engine. A later stage runs on every section the earlier
stages found sound, so a typo in the calendar does not hide an overlapping rule.
Used by `kb lint`, `kb intake check`, and the kb-intake MkDocs plugin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path as FsPath
from typing import Any

from kbcore import policyfile
from kbcore.policyfile import PolicyFile
from kbcore.problems import Problem, did_you_mean, has_errors

from . import engine
from .combinations import Table, domain, show
from .compiler import PRODUCT_STATUSES, compile_policy, norm_value, norm_when, resolve_questions
from .errors import AnswersError, KbError, PolicyError
from .schema import Ctx, validate


def read_policy(path: str | FsPath, display: str | None = None) -> tuple[Any, Ctx]:
    """Parse the file; returns (data or None, context holding lines and problems)."""
    return _ctx_of(policyfile.read(path, display))


def _ctx_of(policy: PolicyFile) -> tuple[Any, Ctx]:
    ctx = Ctx(policy.display, policy.data, policy.lines, list(policy.problems))
    return ctx.data, ctx


def check_data(data: Any, ctx: Ctx, today: dt.date | None = None) -> list[Problem]:
    if data is None:
        return ctx.problems
    ctx.problems += validate(data, ctx.lines, ctx.filename)
    sound = _sound_sections(data, ctx.problems)
    if {"questions", "products", "partners"} <= sound:
        _references(data, ctx, sound)
        sound = _sound_sections(data, ctx.problems)
        if {"questions", "priorities", "products", "partners"} <= sound:
            _tables(data, ctx, [t for t in ("priority", "route") if f"decision.{t}" in sound and "decision" in data])
    if not has_errors(ctx.problems):
        _examples(data, ctx, today)
    return ctx.problems


def check_policy(path: str | FsPath, today: dt.date | None = None, display: str | None = None) -> list[Problem]:
    """Every problem of the policy file at `path` (empty list: the policy is sound)."""
    data, ctx = read_policy(path, display)
    return sorted(check_data(data, ctx, today))


def load_policy(path: str | FsPath, today: dt.date | None = None, display: str | None = None) -> tuple[dict, dict]:
    """(policy data, compiled policy); raises PolicyError with every problem."""
    policy = policyfile.read(path, display)
    return policy.data, compile_checked(policy, today)


def lint_policy(policy: PolicyFile, today: dt.date | None = None) -> list[Problem]:
    """`kb lint`'s policy check (the `kb.lint` entry point): every problem of the file."""
    data, ctx = _ctx_of(policy)
    return sorted(check_data(data, ctx, today))


def compile_checked(policy: PolicyFile, today: dt.date | None = None) -> dict:
    """The compiled policy of a file already read (once per build); PolicyError with every problem."""
    data, ctx = _ctx_of(policy)
    problems = check_data(data, ctx, today)
    if has_errors(problems):
        raise PolicyError(problems)
    return compile_policy(data, today)


# ----- helpers -----------------------------------------------------------------------------
def _sound_sections(data: dict, problems: Iterable[Problem]) -> set[str]:
    """Top-level sections without errors; `decision` also as `decision.priority` / `decision.route`."""
    bad = set()
    for p in problems:
        if p.severity == "error":
            key = p.key or ""
            bad.add(key.split(".")[0].split("[")[0])
            if key.startswith("decision."):
                bad.add(".".join(key.split(".")[:2]).split("[")[0])
            elif key == "decision":
                bad.update({"decision.priority", "decision.route"})
    names = set(data) | {"decision.priority", "decision.route"}
    return {k for k in names if k not in bad}


def _domains(questions: list[dict]) -> dict[str, list[str]]:
    return {q["id"]: domain(q) for q in questions}


def _check_when(ctx: Ctx, path: tuple, raw: Any, domains: dict[str, list[str]], allowed: list[str], where: str) -> None:
    alts = raw if isinstance(raw, list) else [raw]
    for i, alt in enumerate(alts):
        p = path + (i,) if isinstance(raw, list) else path
        if not isinstance(alt, dict):
            continue
        for fact, want in alt.items():
            if fact not in allowed:
                known = fact in domains or fact == "product_status"
                why = f"is not {where}" if known else "does not exist"
                ctx.add(p + (fact,), "POL201", f"condition on '{fact}', which {why}{did_you_mean(str(fact), allowed)}")
                continue
            if isinstance(want, dict):
                want = want.get("not")
            for w in want if isinstance(want, list) else [want]:
                v = norm_value(w)
                if v not in domains[fact]:
                    ctx.add(
                        p + (fact,),
                        "POL201",
                        f"'{v}' is not an option of '{fact}'{did_you_mean(v, domains[fact])} (options: "
                        f"{', '.join(domains[fact])})",
                    )


def _references(data: dict, ctx: Ctx, sound: set[str]) -> None:
    for i, p in enumerate(data["products"]):
        seen: set[str] = set()
        for j, v in enumerate(p["versions"]):
            if v["version"] in seen:
                ctx.add(("products", i, "versions", j, "version"), "POL106", f"duplicate version '{v['version']}'")
            seen.add(v["version"])
            if v.get("support_ends") and v["support_ends"] < v["released"]:
                ctx.add(
                    ("products", i, "versions", j, "support_ends"),
                    "POL104",
                    f"support ends ({v['support_ends']}) before the release ({v['released']})",
                )
    partner_ids = [p["id"] for p in data["partners"].get("directory") or []]
    vendor_id = data.get("vendor", {}).get("id") if isinstance(data.get("vendor"), dict) else None
    for i, pid in enumerate(partner_ids):
        if pid == vendor_id:
            ctx.add(
                ("partners", "directory", i, "id"),
                "POL106",
                f"partner id '{pid}' is the vendor's id; routes could not tell them apart",
            )

    questions = resolve_questions(data)
    domains = _domains(questions)
    order = [q["id"] for q in questions]
    for i, q in enumerate(data["questions"]):
        path: tuple[str | int, ...] = ("questions", i)
        if not q.get("options") and not q.get("options_from"):
            ctx.add(path, "POL104", "a question needs options or options_from")
        vals = [norm_value(o["value"]) for o in q.get("options") or []]
        for j, v in enumerate(vals):
            if v in vals[:j] or v in domains[q["id"]][: len(domains[q["id"]]) - len(vals)]:
                ctx.add(path + ("options", j, "value"), "POL106", f"duplicate option value '{v}'")
        if q.get("options_from") in ("versions", "deployments") and "products" not in [
            x.get("options_from") for x in data["questions"][:i]
        ]:
            ctx.add(
                path + ("options_from",),
                "POL201",
                f"options_from: {q['options_from']} needs an earlier question with options_from: products",
            )
        if "when" in q:
            _check_when(ctx, path + ("when",), q["when"], domains, order, "a question")
            for alt in q["when"] if isinstance(q["when"], list) else [q["when"]]:
                for fact in [f for f in (alt if isinstance(alt, dict) else []) if f in order[i:]]:
                    ctx.add(
                        path + ("when",),
                        "POL202",
                        f"asked only depending on '{fact}', which is asked {'later' if fact != q['id'] else 'here'}; "
                        "a question can depend only on earlier ones",
                    )
    if "decision" in sound:
        dec = data["decision"]
        for name in ("priority", "route"):
            table = dec[name]
            for k, inp in enumerate(table["inputs"]):
                if inp not in domains:
                    ctx.add(
                        ("decision", name, "inputs", k),
                        "POL201",
                        f"input '{inp}' is not a question{did_you_mean(inp, domains)}",
                    )
            inputs = [x for x in table["inputs"] if x in domains]
            for j, rule in enumerate(table["rules"]):
                _check_when(
                    ctx,
                    ("decision", name, "rules", j, "when"),
                    rule["when"],
                    domains,
                    inputs,
                    f"an input of the {name} table",
                )
        prio_ids = [p["id"] for p in data["priorities"]] if "priorities" in sound else None
        for j, rule in enumerate(dec["priority"]["rules"]):
            if prio_ids is not None and rule["priority"] not in prio_ids:
                ctx.add(
                    ("decision", "priority", "rules", j, "priority"),
                    "POL201",
                    f"priority '{rule['priority']}' is not defined{did_you_mean(rule['priority'], prio_ids)}",
                )
        for j, rule in enumerate(dec["route"]["rules"]):
            r = rule["route"]
            path = ("decision", "route", "rules", j, "route")
            if isinstance(r, dict):
                q = next((x for x in questions if x["id"] == r.get("answer")), None)
                if set(r) != {"answer"} or q is None or q.get("options_from") != "partners":
                    ctx.add(
                        path,
                        "POL201",
                        f"route {{answer: {r.get('answer')}}} must name the question with options_from: partners",
                    )
                elif q["id"] not in dec["route"]["inputs"]:
                    ctx.add(
                        path,
                        "POL201",
                        f"route takes the answer of '{q['id']}', which is not an input of the route table",
                    )
            elif not isinstance(r, str) or (r != vendor_id and r not in partner_ids):
                ctx.add(
                    path,
                    "POL201",
                    f"route '{r}' is neither the vendor ('{vendor_id}') nor a "
                    f"partner{did_you_mean(str(r), partner_ids + [str(vendor_id)])}",
                )
        wf = dec["priority"]["worse_first"]
        for inp in dec["priority"]["inputs"]:
            if inp in domains and inp not in wf:
                ctx.add(
                    ("decision", "priority", "worse_first"),
                    "POL102",
                    f"missing the order of input '{inp}' (worst option first)",
                )
        for inp, vals in wf.items():
            if inp not in dec["priority"]["inputs"]:
                ctx.add(
                    ("decision", "priority", "worse_first", inp),
                    "POL201",
                    f"'{inp}' is not an input of the priority table",
                )
            elif inp in domains:
                got = [norm_value(v) for v in vals]
                for v in got:
                    if v not in domains[inp]:
                        ctx.add(
                            ("decision", "priority", "worse_first", inp),
                            "POL201",
                            f"'{v}' is not an option of '{inp}'{did_you_mean(v, domains[inp])}",
                        )
                missing = [v for v in domains[inp] if v not in got]
                if missing:
                    ctx.add(
                        ("decision", "priority", "worse_first", inp), "POL104", f"does not rank {', '.join(missing)}"
                    )
    facts_all = list(domains) + ["product_status"]
    fact_domains = {**domains, "product_status": PRODUCT_STATUSES}
    for section, cond_key in (("exclusions", "when"), ("responsibilities", "unmet_when")):
        if section not in sound:
            continue
        for j, item in enumerate(data.get(section) or []):
            if item["question"] not in domains:
                ctx.add(
                    (section, j, "question"),
                    "POL201",
                    f"question '{item['question']}' does not exist{did_you_mean(item['question'], domains)}",
                )
            _check_when(
                ctx, (section, j, cond_key), item[cond_key], fact_domains, facts_all, "a question or derived fact"
            )
    for field, qid in (data.get("payload_fields") or {}).items() if "payload_fields" in sound else []:
        if qid not in domains:
            ctx.add(("payload_fields", field), "POL201", f"question '{qid}' does not exist{did_you_mean(qid, domains)}")
    if "exports" in sound and "question_when" in data["exports"]:
        _check_when(
            ctx, ("exports", "question_when"), data["exports"]["question_when"], domains, list(domains), "a question"
        )
    if "priorities" in sound:
        pr = data["priorities"]
        for j in range(1, len(pr)):
            if pr[j]["response_hours"] < pr[j - 1]["response_hours"]:
                ctx.add(
                    ("priorities", j, "response_hours"),
                    "POL305",
                    f"{pr[j]['id']} ({pr[j]['response_hours']} h) responds faster than the worse {pr[j - 1]['id']} "
                    f"({pr[j - 1]['response_hours']} h); list priorities worst first",
                )


MAX_LISTED = 10  # combinations without a rule, named one by one
MAX_PAIRS = 5  # non-monotone pairs named one by one


def _tables(data: dict, ctx: Ctx, names: list[str]) -> None:
    """Complete, no overlap, every rule reachable, monotone: on the table's combinations held as
    boxes (`intake.combinations`), so the cost does not double with every input."""
    questions = resolve_questions(data)
    for name in names:
        table = data["decision"][name]
        space = Table(questions, table["inputs"], [norm_when(r["when"]) for r in table["rules"]])
        base = ("decision", name)
        missing = space.missing()
        for combo in space.first(missing, MAX_LISTED):
            ctx.add(base + ("rules",), "POL301", f"no rule for the combination {show(combo)}")
        more = Table.size(missing) - MAX_LISTED
        if more > 0:
            ctx.add(base + ("rules",), "POL301", f"... and {more} more combinations without a rule")
        for a, b, combo in space.overlaps():
            ra, rb = table["rules"][a], table["rules"][b]
            ctx.add(
                base + ("rules", b, "when"), "POL302", f"rules '{ra['id']}' and '{rb['id']}' both match {show(combo)}"
            )
        for j, rule in enumerate(table["rules"]):
            if not space.reached(j):
                ctx.add(
                    base + ("rules", j, "when"),
                    "POL303",
                    f"rule '{rule['id']}' matches no combination that can be asked",
                )
        if name == "priority":
            _monotone(data, ctx, space)


def _monotone(data: dict, ctx: Ctx, space: Table) -> None:
    """A combination at least as bad on every input must not get a later or slower priority."""
    table = data["decision"]["priority"]
    rules = table["rules"]
    order = {k: [norm_value(v) for v in vs] for k, vs in table["worse_first"].items()}
    prio = {p["id"]: (i, p["response_hours"]) for i, p in enumerate(data["priorities"])}

    def rank(d: int, v: str | None) -> int:
        q = space.ids[d]
        return len(order[q]) if v is None else order[q].index(v)

    def worse(ra: int, rb: int) -> bool:
        a, b = prio.get(rules[ra]["priority"]), prio.get(rules[rb]["priority"])
        return a is not None and b is not None and (a[0] > b[0] or a[1] > b[1])

    total, examples = space.not_monotone(rank, worse)
    for ra, rb, a, b in examples[:MAX_PAIRS]:
        (_, ha), (_, hb) = prio[rules[ra]["priority"]], prio[rules[rb]["priority"]]
        ctx.add(
            ("decision", "priority", "rules", ra, "priority"),
            "POL304",
            f"not monotone: {show(a)} is worse than {show(b)} but gets {rules[ra]['priority']} ({ha} h) "
            f"against {rules[rb]['priority']} ({hb} h) (rules '{rules[ra]['id']}', '{rules[rb]['id']}')",
        )
    shown = min(len(examples), MAX_PAIRS)
    if total > shown:
        ctx.add(("decision", "priority", "rules"), "POL304", f"... and {total - shown} more non-monotone pairs")


def _examples(data: dict, ctx: Ctx, today: dt.date | None) -> None:
    if not data.get("examples"):
        return
    compiled = compile_policy(data, today)
    for i, ex in enumerate(compiled["examples"]):
        path = ("examples", i)
        answers = {k: v for k, v in ex["answers"].items() if v is not None}
        try:
            got = engine.classify(compiled, answers, ex["at"])
        except AnswersError as exc:
            for p, m in exc.problems:
                ctx.add(path + ("answers",), "POL401", f"example '{ex['name']}': {p[2:]}: {m}")
            continue
        except KbError as exc:
            ctx.add(path + ("at",), "POL401", f"example '{ex['name']}': {exc}")
            continue
        for key, want in ex["expect"].items():
            if key not in got:
                ctx.add(
                    path + ("expect", key), "POL101", f"'{key}' is not a classification field{did_you_mean(key, got)}"
                )
            elif got[key] != want:
                ctx.add(
                    path + ("expect", key),
                    "POL401",
                    f"example '{ex['name']}': expected {key} {want!r}, the engine gives {got[key]!r}",
                )


__all__ = ["check_policy", "load_policy", "read_policy", "check_data", "PolicyError"]
