"""Turn a verified payload into what a help desk's API or mailbox takes.

Zendesk ticket-create body, Jira Service Management create-request body, or an RFC 5322
message with the payload attached. Field ids and addresses come from the policy's
`exports` section; nothing here decides a priority (that is in the payload, verified).
"""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from . import engine
from .errors import KbError

TARGETS = ("zendesk", "jira", "email")


def _tags(payload: dict[str, Any]) -> list[str]:
    c = payload["classification"]
    return ["kb-intake", c["priority"].lower(), f"route-{c['route']}", c["eligibility"], payload["kind"]] + \
        [f"excl-{e}" for e in c["exclusions"]]


def _body(payload: dict[str, Any]) -> str:
    p, c = payload["problem"], payload["classification"]
    env = ", ".join(f"{k}: {v}" for k, v in p["environment"].items() if v) or "not given"
    parts = [p["description"]]
    if p["steps_to_reproduce"]:
        parts.append("Steps to reproduce:\n" + p["steps_to_reproduce"])
    if p["error_messages"]:
        parts.append("Error messages:\n" + p["error_messages"])
    parts.append(f"Environment: {env}")
    parts.append(f"Product: {payload['product']['id']} {payload['product']['version'] or ''} ({payload['product']['deployment'] or 'n/a'})")
    parts.append("Classification (policy " + c["policy_version"] + "):\n" + "\n".join(f"- {e['text']}" for e in c["explanations"]))
    if payload["kind"] == "escalation":
        e = payload["escalation"]
        parts.insert(0, f"ESCALATION of request {e['request_id']} ({e['reason']}): {e['justification']}")
    kb = payload["kb_attempt"]
    parts.append(f"Knowledge base: searched {len(kb['queries'])} time(s), opened {len(kb['opened'])} article(s), helped: {({True: 'yes', False: 'no'}).get(kb['helped'], 'not said')}")
    return "\n\n".join(parts)


def zendesk(payload: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    c = payload["classification"]
    prio = next((p for p in policy["priorities"] if p["id"] == c["priority"]), None)
    if prio is None:
        raise KbError(f"priority {c['priority']} is not in the policy")
    question = engine.matches(policy["exports"]["question_when"], payload["answers"]) if policy["exports"]["question_when"] else False
    fields = policy["exports"]["zendesk_fields"]
    values = {"priority": c["priority"], "respond_by": c["respond_by"], "route": c["route"],
              "eligibility": c["eligibility"], "policy_version": c["policy_version"]}
    return {"ticket": {
        "external_id": payload["id"],
        "subject": payload["problem"]["summary"],
        "comment": {"body": _body(payload)},
        "requester": {"name": payload["requester"]["name"], "email": payload["requester"]["email"]},
        "priority": prio["zendesk"],
        "type": "question" if question else "problem",
        "tags": _tags(payload),
        "custom_fields": [{"id": fields[k], "value": values[k]} for k in values if k in fields],
    }}


def jira(payload: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    c = payload["classification"]
    prio = next((p for p in policy["priorities"] if p["id"] == c["priority"]), None)
    if prio is None:
        raise KbError(f"priority {c['priority']} is not in the policy")
    j = policy["exports"]["jira"]
    fields: dict[str, Any] = {
        "summary": payload["problem"]["summary"],
        "description": _body(payload),
        "priority": {"name": prio["jira"]},
        "labels": _tags(payload),
    }
    for key, name in (("respond_by_field", "respond_by"), ("route_field", "route"), ("eligibility_field", "eligibility")):
        if j.get(key):
            fields[j[key]] = c[name]
    return {
        "serviceDeskId": j.get("service_desk_id", ""),
        "requestTypeId": j.get("request_type_id", ""),
        "raiseOnBehalfOf": payload["requester"]["email"],
        "requestFieldValues": fields,
    }


def email(payload: dict[str, Any], policy: dict[str, Any]) -> str:
    c = payload["classification"]
    partner = next((p for p in policy["partners"]["directory"] if p["id"] == c["route"]), None)
    to = partner["email"] if partner and partner.get("email") else policy["exports"]["email_to"]
    if not to:
        raise KbError("no address to send to: set exports.email_to in the policy (or the partner's email)")
    msg = EmailMessage()
    msg["From"] = f"{payload['requester']['name']} <{payload['requester']['email']}>"
    msg["To"] = to
    msg["Subject"] = f"[{c['priority']} {c['priority_label']}] {payload['problem']['summary']}"
    msg["Date"] = format_datetime(_dt(payload["created_at"]))
    msg["Message-ID"] = f"<{payload['id']}@kb-intake.invalid>"
    msg["X-KB-Intake-Priority"] = c["priority"]
    if c["respond_by"]:
        msg["X-KB-Intake-Respond-By"] = c["respond_by"]
    msg.set_content(_body(payload))
    msg.add_attachment(json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"), maintype="application",
                       subtype="json", filename=f"request-{payload['id']}.json")
    msg.set_boundary(f"kb-intake-{payload['id']}")
    return msg.as_string()


def _dt(s: str):
    import datetime as dt

    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def export(payload: dict[str, Any], to: str, policy: dict[str, Any]) -> str:
    """The export as text (JSON for zendesk/jira, the message for email)."""
    if to == "zendesk":
        return json.dumps(zendesk(payload, policy), indent=2, ensure_ascii=False)
    if to == "jira":
        return json.dumps(jira(payload, policy), indent=2, ensure_ascii=False)
    if to == "email":
        return email(payload, policy)
    raise KbError(f"unknown export target '{to}' (choose one of: {', '.join(TARGETS)})")
