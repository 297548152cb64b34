"""Turn a verified payload into what a help desk's API or mailbox takes.

Zendesk ticket-create body, Jira Service Management create-request body, or an RFC 5322
message with the payload attached, for a request (payload version 1) or an escalation
(version 2). Field ids and addresses come from the policy's `exports` section; nothing here
decides a priority (that is in the payload, verified by the caller). A payload exported
although it does not verify is marked UNVERIFIED in every format (subject, body, tags or
labels, an email header), with the differences. Email headers are built only with the
standard library's header objects (`Address`), so a requester's name is one display name.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from . import engine
from .errors import KbError

TARGETS = ("zendesk", "jira", "email")
UNVERIFIED_TAG = "kb-intake-unverified"


@dataclass
class Ticket:
    """What every target needs, read from a payload of either version."""

    subject: str
    body: str
    tags: list[str]
    priority: dict[str, Any] | None = None  # the policy's priority entry (version 1 only)
    question: bool = False
    fields: dict[str, Any] = field(default_factory=dict)  # respond_by, route, eligibility, ...
    to: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def _request(payload: dict[str, Any], policy: dict[str, Any]) -> Ticket:
    c, p = payload["classification"], payload["problem"]
    prio = next((x for x in policy["priorities"] if x["id"] == c["priority"]), None)
    if prio is None:
        raise KbError(f"priority {c['priority']} is not in the policy")
    env = ", ".join(f"{k}: {v}" for k, v in p["environment"].items() if v) or "not given"
    parts = [p["description"]]
    if p["steps_to_reproduce"]:
        parts.append("Steps to reproduce:\n" + p["steps_to_reproduce"])
    if p["error_messages"]:
        parts.append("Error messages:\n" + p["error_messages"])
    product = payload["product"]
    parts.append(f"Environment: {env}")
    parts.append(f"Product: {product['id']} {product['version'] or ''} ({product['deployment'] or 'n/a'})")
    parts.append(
        f"Classification (policy {c['policy_version']}):\n" + "\n".join(f"- {e['text']}" for e in c["explanations"])
    )
    if payload["kind"] == "escalation":
        e = payload["escalation"]
        parts.insert(0, f"ESCALATION of request {e['request_id']} ({e['reason']}): {e['justification']}")
    kb = payload["kb_attempt"]
    helped = {True: "yes", False: "no"}.get(kb["helped"], "not said")
    parts.append(
        f"Knowledge base: searched {len(kb['queries'])} time(s), "
        f"opened {len(kb['opened'])} article(s), helped: {helped}"
    )
    partner = next((x for x in policy["partners"]["directory"] if x["id"] == c["route"]), None)
    when = policy["exports"]["question_when"]
    headers = {"X-KB-Intake-Priority": c["priority"]}
    if c["respond_by"]:
        headers["X-KB-Intake-Respond-By"] = c["respond_by"]
    return Ticket(
        subject=f"[{c['priority']} {c['priority_label']}] {p['summary']}",
        body="\n\n".join(parts),
        tags=[
            "kb-intake",
            c["priority"].lower(),
            f"route-{c['route']}",
            c["eligibility"],
            payload["kind"],
        ]
        + [f"excl-{x}" for x in c["exclusions"]],
        priority=prio,
        question=engine.matches(when, payload["answers"]) if when else False,
        fields={
            "priority": c["priority"],
            "respond_by": c["respond_by"],
            "route": c["route"],
            "eligibility": c["eligibility"],
            "policy_version": c["policy_version"],
        },
        to=partner["email"] if partner and partner.get("email") else policy["exports"]["email_to"],
        headers=headers,
    )


def _escalation(payload: dict[str, Any], policy: dict[str, Any]) -> Ticket:
    e, r = payload["escalation"], payload["requester"]
    reason = next((x["label"] for x in policy["escalation"]["reasons"] if x["id"] == e["reason"]), e["reason"])
    body = (
        f"ESCALATION of request {e['reference']}: {reason}.\n\n{e['justification']}\n\n"
        f"Requested by {r['name']} ({r['organisation']}) at {payload['created_at']}, "
        f"policy {payload['policy']['version']}."
    )
    return Ticket(
        subject=f"Escalation of request {e['reference']}: {reason}",
        body=body,
        tags=["kb-intake", "escalation", f"reason-{e['reason']}"],
        fields={"policy_version": payload["policy"]["version"]},
        to=policy["exports"]["email_to"],
        headers={"X-KB-Intake-Escalates": e["reference"]},
    )


def ticket(payload: dict[str, Any], policy: dict[str, Any], differences: list[Any] | None = None) -> Ticket:
    """What the targets need from a payload of either version (marked when `differences`)."""
    t = (_escalation if payload["schema_version"] == 2 else _request)(payload, policy)
    if differences:
        _mark_unverified(t, differences, policy)
    return t


def _mark_unverified(t: Ticket, differences: list[Any], policy: dict[str, Any]) -> None:
    listed = "\n".join(f"- {d}" for d in differences)
    t.subject = f"[UNVERIFIED] {t.subject}"
    t.body = (
        f"UNVERIFIED: this request does not agree with policy {policy['policy_version']}; "
        f"check it before acting on its priority or deadline. {len(differences)} field(s) "
        f"differ:\n{listed}\n\n{t.body}"
    )
    t.tags.append(UNVERIFIED_TAG)


def zendesk(
    payload: dict[str, Any],
    policy: dict[str, Any],
    differences: list[Any] | None = None,
) -> dict[str, Any]:
    """The Zendesk ticket-create body."""
    t = ticket(payload, policy, differences)
    ids = policy["exports"]["zendesk_fields"]
    body: dict[str, Any] = {
        "external_id": payload["id"],
        "subject": t.subject,
        "comment": {"body": t.body},
        "requester": {"name": payload["requester"]["name"], "email": payload["requester"]["email"]},
    }
    if t.priority:
        body["priority"] = t.priority["zendesk"]
        body["type"] = "question" if t.question else "problem"
    body["tags"] = t.tags
    body["custom_fields"] = [{"id": ids[k], "value": v} for k, v in t.fields.items() if k in ids]
    return {"ticket": body}


def jira(
    payload: dict[str, Any],
    policy: dict[str, Any],
    differences: list[Any] | None = None,
) -> dict[str, Any]:
    """The Jira Service Management create-request body."""
    t = ticket(payload, policy, differences)
    j = policy["exports"]["jira"]
    fields: dict[str, Any] = {"summary": t.subject, "description": t.body}
    if t.priority:
        fields["priority"] = {"name": t.priority["jira"]}
    fields["labels"] = t.tags
    for key, name in (
        ("respond_by_field", "respond_by"),
        ("route_field", "route"),
        ("eligibility_field", "eligibility"),
    ):
        if j.get(key) and name in t.fields:
            fields[j[key]] = t.fields[name]
    return {
        "serviceDeskId": j.get("service_desk_id", ""),
        "requestTypeId": j.get("request_type_id", ""),
        "raiseOnBehalfOf": payload["requester"]["email"],
        "requestFieldValues": fields,
    }


def _address(addr_spec: str, what: str, display_name: str = "") -> Address:
    try:
        return Address(display_name=display_name, addr_spec=addr_spec)
    except (ValueError, IndexError, HeaderParseError):
        raise KbError(f"{what} {addr_spec!r} cannot be used as an email address") from None


def email(payload: dict[str, Any], policy: dict[str, Any], differences: list[Any] | None = None) -> str:
    """The RFC 5322 message, the payload attached."""
    t = ticket(payload, policy, differences)
    if not t.to:
        raise KbError("no address to send to: set exports.email_to in the policy (or the partner's email)")
    r = payload["requester"]
    msg = EmailMessage()
    msg["From"] = _address(r["email"], "requester.email", display_name=r["name"])
    msg["To"] = _address(t.to, "the help desk's address")
    msg["Subject"] = t.subject
    when = dt.datetime.fromtimestamp(engine.to_epoch(payload["created_at"]), dt.UTC)
    msg["Date"] = format_datetime(when.astimezone(_offset(payload["created_at"])))
    msg["Message-ID"] = f"<{payload['id']}@kb-intake.invalid>"
    msg["X-KB-Intake-Verified"] = "no" if differences else "yes"
    for name, value in t.headers.items():
        msg[name] = value
    msg.set_content(t.body)
    msg.add_attachment(
        json.dumps(payload, indent=2, ensure_ascii=False).encode("utf-8"),
        maintype="application",
        subtype="json",
        filename=f"request-{payload['id']}.json",
    )
    msg.set_boundary(f"kb-intake-{payload['id']}")
    return msg.as_string()


def _offset(instant: str) -> dt.timezone:
    """The UTC offset an ISO 8601 time was written with (`Z`: UTC)."""
    z = instant[-6:]
    if instant.endswith("Z") or z[0] not in "+-":
        return dt.UTC
    minutes = int(z[1:3]) * 60 + int(z[4:6])
    return dt.timezone(dt.timedelta(minutes=minutes if z[0] == "+" else -minutes))


def export(payload: dict[str, Any], to: str, policy: dict[str, Any], differences: list[Any] | None = None) -> str:
    """The export as text (JSON for zendesk/jira, the message for email).

    `payload` must be valid against its schema; `differences` (from `verify`) marks the export
    as unverified. Callers verify first: `intake.export` does.
    """
    if to not in TARGETS:
        raise KbError(f"unknown export target '{to}' (choose one of: {', '.join(TARGETS)})")
    if to == "zendesk":
        return json.dumps(zendesk(payload, policy, differences), indent=2, ensure_ascii=False)
    if to == "jira":
        return json.dumps(jira(payload, policy, differences), indent=2, ensure_ascii=False)
    return email(payload, policy, differences)
