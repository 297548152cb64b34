"""Jira Service Management: create a customer request labelled with the payload id.

JSM has no external id, so every request carries the label `kb-request-<payload id>` and a retry
first searches for it (JQL over the Jira platform API) before creating another. API:
POST /rest/servicedeskapi/request (body from `intake.exports.jira`), GET /rest/api/2/search.
Auth: `KB_DESK_JIRA_EMAIL` + API token `KB_DESK_JIRA_TOKEN`.
"""

from __future__ import annotations

from typing import Any

from intake import exports

from ..config import Settings
from . import Retry
from .http import call, client


def label(payload: dict[str, Any]) -> str:
    return f"kb-request-{payload['id'].lower()}"


class Jira:
    name = "jira"

    def __init__(self, settings: Settings, policy: dict[str, Any]):
        c = settings.credentials
        self.policy = policy
        self.http = client(
            c["KB_DESK_JIRA_URL"], c["KB_DESK_JIRA_EMAIL"], c["KB_DESK_JIRA_TOKEN"], settings.retry.timeout_s
        )

    def find(self, payload: dict[str, Any]) -> str | None:
        found = call(
            self.http,
            "GET",
            "/rest/api/2/search",
            params={"jql": f'labels = "{label(payload)}"', "fields": "key", "maxResults": 1},
        )
        issues = found.get("issues") or []
        return str(issues[0]["key"]) if issues else None

    def create(self, payload: dict[str, Any]) -> str:
        body = exports.jira(payload, self.policy)
        body["requestFieldValues"]["labels"] = [*body["requestFieldValues"].get("labels", []), label(payload)]
        made = call(self.http, "POST", "/rest/servicedeskapi/request", json=body)
        if not made.get("issueKey"):
            raise Retry("Jira Service Management answered without an issue key")
        return str(made["issueKey"])

    def close(self) -> None:
        self.http.close()
