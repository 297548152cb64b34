"""Zendesk: create a ticket with the payload id as `external_id`; find it by that id before a retry.

API: POST /api/v2/tickets.json (body from `intake.exports.zendesk`: priority and custom
fields from the policy's `exports` mapping), GET /api/v2/tickets.json?external_id=ID.
Auth: API token (`KB_DESK_ZENDESK_EMAIL` + `/token`, `KB_DESK_ZENDESK_TOKEN`).
"""

from __future__ import annotations

from typing import Any

from intake import exports

from ..config import Settings
from . import Retry
from .http import call, client


class Zendesk:
    name = "zendesk"

    def __init__(self, settings: Settings, policy: dict[str, Any]):
        c = settings.credentials
        self.policy = policy
        self.http = client(
            c["KB_DESK_ZENDESK_URL"],
            f"{c['KB_DESK_ZENDESK_EMAIL']}/token",
            c["KB_DESK_ZENDESK_TOKEN"],
            settings.retry.timeout_s,
        )

    def find(self, payload: dict[str, Any]) -> str | None:
        found = call(self.http, "GET", "/api/v2/tickets.json", params={"external_id": payload["id"]})
        tickets = found.get("tickets") or []
        return str(tickets[0]["id"]) if tickets else None

    def create(self, payload: dict[str, Any]) -> str:
        made = call(self.http, "POST", "/api/v2/tickets.json", json=exports.zendesk(payload, self.policy))
        ticket = made.get("ticket") or {}
        if "id" not in ticket:
            raise Retry("Zendesk answered without a ticket id")
        return str(ticket["id"])

    def close(self) -> None:
        self.http.close()
