"""Fake Zendesk and Jira Service Management: real HTTP on 127.0.0.1 (testkit's server).

Each answers from a script: per payload id (`per_id`) or for the whole server (`sequence`), a
list of "fail" (503), "timeout" (the ticket IS created, the answer comes after the desk gave
up: the case that makes retries create duplicates), "reject" (400), then "ok". Everything
created is kept so a test can count tickets per payload id.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from typing import Any

from testkit.server import Reply, Request, serve

LABEL = "kb-request-"  # desk/forwarders/jira.py labels each request with its payload id


class FakeHelpDesk:
    def __init__(
        self, kind: str, per_id: list[str] | None = None, sequence: list[str] | None = None, hang_s: float = 1.5
    ):
        self.kind = kind
        self.per_id = per_id or []
        self.sequence = list(sequence or [])
        self.hang_s = hang_s
        self.lock = threading.Lock()
        self.created: dict[str, list[str]] = defaultdict(list)  # payload id -> remote ids
        self.bodies: dict[str, dict[str, Any]] = {}
        self.calls: dict[str, int] = defaultdict(int)  # payload id -> create attempts
        self.lookups = 0
        self.auth: set[str] = set()
        self.server = serve(handler=self.handle)
        self.url = self.server.url.rstrip("/")

    def close(self) -> None:
        self.server.stop()

    def tickets(self) -> int:
        return sum(len(v) for v in self.created.values())

    def _step(self, payload_id: str) -> str:
        with self.lock:
            n = self.calls[payload_id]
            self.calls[payload_id] += 1
            if self.sequence:
                return self.sequence.pop(0)
            return self.per_id[n] if n < len(self.per_id) else "ok"

    def _create(self, payload_id: str, body: dict[str, Any]) -> str:
        with self.lock:
            remote = f"{1000 + self.tickets()}" if self.kind == "zendesk" else f"SD-{1 + self.tickets()}"
            self.created[payload_id].append(remote)
            self.bodies[payload_id] = body
            return remote

    def _find(self, payload_id: str) -> list[str]:
        with self.lock:
            self.lookups += 1
            return list(self.created.get(payload_id, []))

    def handle(self, request: Request) -> Reply:
        self.auth.add(request.headers.get("Authorization", ""))
        if request.method == "GET":
            if self.kind == "zendesk" and request.path == "/api/v2/tickets.json":
                eid = request.query["external_id"][0]
                return 200, {"tickets": [{"id": int(t), "external_id": eid} for t in self._find(eid)]}
            if self.kind == "jira" and request.path == "/rest/api/2/search":
                label = request.query["jql"][0].split('"')[1]
                found = self._find(label[len(LABEL) :])
                return 200, {"issues": [{"key": k} for k in found[:1]], "total": len(found)}
            return 404, {"error": "not found"}
        body = request.json()
        if self.kind == "zendesk" and request.path == "/api/v2/tickets.json":
            pid = body["ticket"]["external_id"]
        elif self.kind == "jira" and request.path == "/rest/servicedeskapi/request":
            pid = next(lb for lb in body["requestFieldValues"]["labels"] if lb.startswith(LABEL))[len(LABEL) :]
        else:
            return 404, {"error": "not found"}
        step = self._step(pid)
        if step == "fail":
            return 503, {"error": "Service Unavailable"}
        if step == "reject":
            return 400, {"error": "RecordInvalid", "description": "Requester email is invalid"}
        remote = self._create(pid, body)
        if step == "timeout":
            time.sleep(self.hang_s)  # created, but the answer comes after the desk gave up
        if self.kind == "zendesk":
            return 201, {"ticket": {"id": int(remote), "external_id": pid}}
        return 201, {"issueId": remote, "issueKey": remote}
