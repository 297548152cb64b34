"""CORS for the site's origins only, with JSON errors (Starlette's own answers plain text).

Allowed: the configured origins; methods GET and POST; request headers Content-Type,
Idempotency-Key and X-KB-Honeypot. A preflight from another origin gets 403 JSON; a simple
request from another origin is served without CORS headers (the browser hides the answer).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

METHODS = ("GET", "POST")
HEADERS = ("content-type", "idempotency-key", "x-kb-honeypot")
MAX_AGE = "600"


class SiteCORS:
    def __init__(self, app: ASGIApp, origins: tuple[str, ...]):
        self.app = app
        self.origins = set(origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        origin = headers.get("origin")
        if origin is None:
            await self.app(scope, receive, send)
            return
        allowed = origin in self.origins
        if scope["method"] == "OPTIONS" and "access-control-request-method" in headers:
            await self._preflight(send, origin, allowed, headers)
            return
        if not allowed:
            await self.app(scope, receive, send)
            return

        async def with_cors(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + [
                    (b"access-control-allow-origin", origin.encode("latin-1")),
                    (b"vary", b"Origin"),
                ]
            await send(message)

        await self.app(scope, receive, with_cors)

    async def _preflight(self, send: Send, origin: str, allowed: bool, headers: dict[str, str]) -> None:
        method = headers.get("access-control-request-method", "")
        asked = [h.strip().lower() for h in headers.get("access-control-request-headers", "").split(",") if h.strip()]
        problems = []
        if not allowed:
            problems.append(f"origin {origin[:100]} is not this desk's site")
        if method not in METHODS:
            problems.append(f"method {method[:20]} is not allowed (only {', '.join(METHODS)})")
        bad = [h for h in asked if h not in HEADERS]
        if bad:
            problems.append(f"header(s) {', '.join(bad)[:200]} not allowed")
        if problems:
            body = json.dumps({"errors": [{"path": "$", "message": m} for m in problems]}).encode()
            await _respond(send, 403, body, [(b"content-type", b"application/json"), (b"vary", b"Origin")])
            return
        await _respond(
            send,
            204,
            b"",
            [
                (b"access-control-allow-origin", origin.encode("latin-1")),
                (b"vary", b"Origin"),
                (b"access-control-allow-methods", ", ".join(METHODS).encode()),
                (b"access-control-allow-headers", ", ".join(HEADERS).encode()),
                (b"access-control-max-age", MAX_AGE.encode()),
            ],
        )


async def _respond(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": headers + [(b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
