"""Forwarders: hand a stored request to the help desk the owner already has.

Each forwarder has `find(payload)` (the remote id of a copy an earlier attempt may have
created, or None) and `create(payload)` (the remote id of the new copy). They raise `Retry`
for what may pass (timeouts, 5xx, 429) and `Reject` for what will not (other 4xx). The
payload they get carries the desk's classification. Credentials come from `Settings`.
"""

from __future__ import annotations

from typing import Any, Protocol

from ..config import Settings


class Retry(Exception):
    """This attempt failed in a way another attempt may not."""


class Reject(Exception):
    """The help desk refused the request; retrying the same body cannot help."""


class Forwarder(Protocol):
    name: str

    def find(self, payload: dict[str, Any]) -> str | None: ...

    def create(self, payload: dict[str, Any]) -> str: ...

    def close(self) -> None: ...


def make(settings: Settings, policy: dict[str, Any]) -> Forwarder:
    if settings.forward == "zendesk":
        from .zendesk import Zendesk

        return Zendesk(settings, policy)
    if settings.forward == "jira":
        from .jira import Jira

        return Jira(settings, policy)
    if settings.forward == "email":
        from .email import Email

        return Email(settings, policy)
    raise ValueError(f"no forwarder for {settings.forward!r}")
