"""Fake Zendesk and Jira Service Management: small real HTTP servers on 127.0.0.1.

Each answers from a script: per payload id (`per_id`) or for the whole server (`sequence`), a
list of "fail" (503), "timeout" (the ticket IS created, the answer comes after the desk gave
up: the case that makes retries create duplicates), "reject" (400), then "ok". Everything
created is kept so a test can count tickets per payload id.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections import defaultdict
from typing import Any
from urllib.parse import parse_qs, urlsplit

LABEL = "kb-request-"  # desk/forwarders/jira.py labels each request with its payload id


class FakeHelpDesk:
    def __init__(self, kind: str, per_id: list[str] | None = None, sequence: list[str] | None = None,
                 hang_s: float = 1.5):
        self.kind = kind
        self.per_id = per_id or []
        self.sequence = list(sequence or [])
        self.hang_s = hang_s
        self.lock = threading.Lock()
        self.created: dict[str, list[str]] = defaultdict(list)   # payload id -> remote ids
        self.bodies: dict[str, dict[str, Any]] = {}
        self.calls: dict[str, int] = defaultdict(int)             # payload id -> create attempts
        self.lookups = 0
        self.auth: set[str] = set()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

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

    def _handler(self) -> type[http.server.BaseHTTPRequestHandler]:
        fake = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the desk gave up waiting: expected for "timeout"

            def do_GET(self) -> None:
                fake.auth.add(self.headers.get("Authorization", ""))
                url = urlsplit(self.path)
                q = parse_qs(url.query)
                if fake.kind == "zendesk" and url.path == "/api/v2/tickets.json":
                    found = fake._find(q["external_id"][0])
                    self._send(200, {"tickets": [{"id": int(t), "external_id": q["external_id"][0]} for t in found]})
                elif fake.kind == "jira" and url.path == "/rest/api/2/search":
                    label = q["jql"][0].split('"')[1]
                    found = fake._find(label[len(LABEL):])
                    self._send(200, {"issues": [{"key": k} for k in found[:1]], "total": len(found)})
                else:
                    self._send(404, {"error": "not found"})

            def do_POST(self) -> None:
                fake.auth.add(self.headers.get("Authorization", ""))
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                if fake.kind == "zendesk" and self.path == "/api/v2/tickets.json":
                    pid = body["ticket"]["external_id"]
                elif fake.kind == "jira" and self.path == "/rest/servicedeskapi/request":
                    pid = next(lb for lb in body["requestFieldValues"]["labels"] if lb.startswith(LABEL))[len(LABEL):]
                else:
                    self._send(404, {"error": "not found"})
                    return
                step = fake._step(pid)
                if step == "fail":
                    self._send(503, {"error": "Service Unavailable"})
                    return
                if step == "reject":
                    self._send(400, {"error": "RecordInvalid", "description": "Requester email is invalid"})
                    return
                remote = fake._create(pid, body)
                if step == "timeout":
                    time.sleep(fake.hang_s)
                if fake.kind == "zendesk":
                    self._send(201, {"ticket": {"id": int(remote), "external_id": pid}})
                else:
                    self._send(201, {"issueId": remote, "issueKey": remote})

        return H
