"""The Product Support Commitment's generated clauses, rendered from the compiled policy.

Each renderer returns HTML for one `<!-- kb:policy-... -->` marker of the policy article;
every clause links to the wizard step that applies it (`../../request/#step=<question>`,
relative to the article at policies/product-support-commitment/). Everything shown is
escaped. The page therefore cannot drift from the policy the engines evaluate.
"""

from __future__ import annotations

import datetime as dt
from html import escape as e
from typing import Any, Callable

DAY_NAMES = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}


def step_link(question_id: str, text: str, request_url: str) -> str:
    return f'<a class="kb-policy-step" href="{e(request_url)}#step={e(question_id)}">{e(text)}</a>'


def _q(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in policy["questions"]}


def _label(q: dict[str, Any], value: str) -> str:
    opts = list(q["options"]) + [o for vs in (q.get("options_by") or {}).get("values", {}).values() for o in vs]
    return next((o["label"] for o in opts if o["value"] == value), value)


def _condition(policy: dict[str, Any], when: list[dict[str, Any]], request_url: str) -> str:
    """A rule's condition in words: 'Where does the problem happen?: In production; ...'."""
    qs = _q(policy)
    alts = []
    for alt in when:
        parts = []
        for fact, cond in alt.items():
            q = qs.get(fact)
            vals = cond.get("in") or cond.get("not") or []
            labels = " or ".join(_label(q, v) if q else v.replace("_", " ") for v in vals)
            text = labels if "in" in cond else f"not {labels}"
            asked = step_link(fact, q["text"], request_url) if q else e(fact.replace("_", " "))
            parts.append(f"{asked} <strong>{e(text)}</strong>")
        alts.append("; ".join(parts))
    return " <em>or</em> ".join(alts)


def severity(policy: dict[str, Any], request_url: str) -> str:
    table = policy["tables"]["priority"]
    prios = {p["id"]: p for p in policy["priorities"]}
    qs = _q(policy)
    rows = []
    for r in table["rules"]:
        p = prios[r["priority"]]
        rows.append(f"<tr><td>{_condition(policy, r['when'], request_url)}</td><td>{e(p['id'])} {e(p['label'])}</td>"
                    f"<td>{e(str(p['response_hours']))} business hours</td></tr>")
    asks = ", ".join(step_link(q, qs[q]["text"], request_url) for q in table["inputs"] if q in qs)
    return (
        '<table class="kb-policy-severity"><caption>Initial Response Time by situation</caption>'
        '<thead><tr><th scope="col">Situation</th><th scope="col">Priority</th><th scope="col">Initial Response Time</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>\n\n"
        f'<p class="kb-policy-reading"><strong>How we read the published table:</strong> {e(table["reading"])}</p>\n\n'
        f"<p>The request form asks: {asks}. You answer facts; the priority follows from them.</p>\n"
    )


def hours(policy: dict[str, Any], request_url: str, today: dt.date | None = None) -> str:
    cal = policy["calendar"]
    today = today or dt.date.today()
    days = "".join(
        f"<tr><th scope=\"row\">{DAY_NAMES[d]}</th><td>{e(', '.join(a + '–' + b for a, b in rs)) if rs else 'Closed'}</td></tr>"
        for d, rs in cal["weekly"].items()
    )
    soon = [h for h in cal["holidays"] if today.isoformat() <= h["date"]][:12]
    hol = "".join(f"<li>{e(h['date'])}: {e(h['name'])}</li>" for h in soon)
    note = f'<p class="kb-policy-default"><strong>Default hours:</strong> {e(cal["note"])}</p>\n' if cal["default_to_set"] else ""
    qs = _q(policy)
    outside = next((x for x in policy["exclusions"] if qs.get(x["question"], {}).get("clause") == "special_services"), None)
    ask = (f"<p>Work outside these hours is a Special Service. The request form asks: "
           f"{step_link(outside['question'], qs[outside['question']]['text'], request_url)}</p>\n") if outside else ""
    return (
        f"{note}<p>Support Hours are counted in the <strong>{e(cal['timezone'])}</strong> time zone. Business hours "
        "run only while Support is open: a request submitted outside Support Hours starts the clock at the next opening.</p>\n"
        f'<table class="kb-policy-hours"><caption>Support Hours</caption><tbody>{days}</tbody></table>\n\n'
        f"<p>Support is closed on these holidays (next {len(soon)}):</p>\n<ul class=\"kb-policy-holidays\">{hol}</ul>\n{ask}"
    )


def routing(policy: dict[str, Any], request_url: str) -> str:
    qs = _q(policy)
    rules = "".join(
        f"<li>{_condition(policy, r['when'], request_url)}: {e(_route_text(policy, r))}</li>" for r in policy["tables"]["route"]["rules"]
    )
    partners = policy["partners"]
    rows = "".join(
        f"<tr><td>{e(p['name'])}</td><td>{e(p['kind'])}</td><td>{e(', '.join(p['regions']))}</td>"
        f"<td>{_contact(p)}</td><td>{e(p['submission'])}</td></tr>"
        for p in partners["directory"]
    )
    sample = '<p class="kb-policy-sample"><strong>Sample data:</strong> the partners below are examples, not real companies.</p>\n' if partners["sample"] else ""
    asks = ", ".join(step_link(q, qs[q]["text"], request_url) for q in policy["tables"]["route"]["inputs"] if q in qs)
    return (
        f"<ul class=\"kb-policy-routing\">{rules}</ul>\n<p>The request form asks: {asks}.</p>\n{sample}"
        '<table class="kb-policy-partners"><caption>Distributors and resellers</caption><thead><tr>'
        '<th scope="col">Partner</th><th scope="col">Kind</th><th scope="col">Regions</th><th scope="col">Contact</th>'
        f'<th scope="col">How to submit</th></tr></thead><tbody>{rows}</tbody></table>\n'
    )


def _route_text(policy: dict[str, Any], rule: dict[str, Any]) -> str:
    if isinstance(rule["route"], dict):
        return "submit to your distributor or reseller (first-level support)"
    return f"submit to {policy['vendor']['short_name']}" if rule["route"] == policy["vendor"]["id"] else f"submit to {rule['route']}"


def _contact(p: dict[str, Any]) -> str:
    bits = []
    if p["email"]:
        bits.append(f'<a href="mailto:{e(p["email"])}">{e(p["email"])}</a>')
    if p["phone"]:
        bits.append(e(p["phone"]))
    if p["url"]:
        bits.append(f'<a href="{e(p["url"])}">{e(p["url"])}</a>')
    return "<br>".join(bits)


EFFECT_TEXT = {"not_covered": "Not covered", "special_services": "Special Services"}


def exclusions(policy: dict[str, Any], request_url: str) -> str:
    qs = _q(policy)
    items = []
    for x in policy["exclusions"]:
        num = f"({x['number']}) " if x["number"] else ""
        q = qs.get(x["question"])
        items.append(
            f'<li id="exclusion-{e(x["id"])}"><p>{e(num)}{e(x["seed"])}</p>'
            f'<p><span class="kb-policy-effect kb-policy-effect--{e(x["effect"])}">{e(EFFECT_TEXT[x["effect"]])}</span> '
            f"{e(x['explain'])} Asked as: {step_link(x['question'], q['text'] if q else x['question'], request_url)}</p></li>"
        )
    return (
        f"<p>{e(policy['special_services_definition'])}</p>\n"
        f"<p>PSIGEN is not obligated to provide Support or Maintenance for the following. Each item says what it means for a request.</p>\n"
        f'<ul class="kb-policy-exclusions">{"".join(items)}</ul>\n'
    )


def responsibilities(policy: dict[str, Any], request_url: str) -> str:
    qs = _q(policy)
    items = "".join(
        f"<li>({r['number']}) {e(r['text'])} Asked as: {step_link(r['question'], qs[r['question']]['text'] if r['question'] in qs else r['question'], request_url)}</li>"
        for r in policy["responsibilities"]
    )
    return f'<ul class="kb-policy-responsibilities">{items}</ul>\n<p>{e(policy["responsibilities_consequence"])}</p>\n'


def escalation(policy: dict[str, Any], request_url: str) -> str:
    esc = policy["escalation"]
    reasons = "".join(f"<li>{e(r['label'])}</li>" for r in esc["reasons"])
    return (f"<p>{e(esc['text'])}</p>\n<p>Reasons you can give when you escalate:</p>\n"
            f'<ul class="kb-policy-escalation">{reasons}</ul>\n'
            f'<p><a href="{e(request_url)}#step=kind">Escalate an existing request</a> (choose "Escalate a request you already made").</p>\n')


def version(policy: dict[str, Any], request_url: str) -> str:
    return f'<p class="kb-policy-version">Policy version {e(policy["policy_version"])}.</p>\n'


RENDERERS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "policy-severity": severity,
    "policy-hours": hours,
    "policy-routing": routing,
    "policy-exclusions": exclusions,
    "policy-responsibilities": responsibilities,
    "policy-escalation": escalation,
    "policy-version": version,
}
