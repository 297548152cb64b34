"""The one HTTP server of the tests and benchmarks: real HTTP on 127.0.0.1, a free port, a thread.

`serve(folder, handler=..., routes=...)` serves a folder's static files and lets test code
answer requests itself: a fake desk, a fake Zendesk or Jira, a feedback endpoint.
- `handler(request) -> reply | None` sees every GET and POST first; `None` falls through to the
  static files (or 404 when there is no folder);
- `routes`: `{path: route}` for POSTs, `route(body, headers) -> (status, json or None)`;
- a reply is `(status, body)` or `(status, body, headers)`: a dict or list body is sent as JSON,
  bytes as they are, None as an empty body.
Every POST is recorded in `server.posts`. A client that closes its socket early (a browser
navigating away, a desk that gave up waiting) is not an error worth printing.
"""

from __future__ import annotations

import functools
import http.server
import json
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

Reply = tuple[int, Any] | tuple[int, Any, Mapping[str, str]]
Route = Callable[[bytes, Message], tuple[int, Any]]


@dataclass
class Request:
    method: str
    path: str  # without the query string
    query: dict[str, list[str]]
    headers: Message
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body or b"null")


Handler = Callable[[Request], "Reply | None"]


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(http.server.SimpleHTTPRequestHandler):
    handler: Handler | None = None
    routes: Mapping[str, Route] = {}
    posts: list[dict[str, Any]] = []
    has_folder = True

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _request(self, body: bytes) -> Request:
        url = urlsplit(self.path)
        return Request(self.command, url.path, parse_qs(url.query), self.headers, body)

    def _reply(self, reply: Reply) -> None:
        status, body = reply[0], reply[1]
        extra: Mapping[str, str] = reply[2] if len(reply) > 2 else {}
        if body is None or status == 204:
            data, kind = b"", None
        elif isinstance(body, bytes):
            data, kind = body, "application/octet-stream"
        else:
            data, kind = json.dumps(body).encode(), "application/json"
        try:
            self.send_response(status)
            for k, v in extra.items():
                self.send_header(k, v)
            if kind and "Content-Type" not in extra:
                self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        if self.handler is not None:
            reply = type(self).handler(self._request(b""))  # type: ignore[misc]
            if reply is not None:
                self._reply(reply)
                return
        if not self.has_folder:
            self._reply((404, {"error": "not found"}))
            return
        super().do_GET()

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        request = self._request(body)
        self.posts.append(
            {
                "path": request.path,
                "type": self.headers.get("Content-Type"),
                "body": body,
                "headers": dict(self.headers),
            }
        )
        if self.handler is not None:
            reply = type(self).handler(request)  # type: ignore[misc]
            if reply is not None:
                self._reply(reply)
                return
        route = self.routes.get(request.path)
        if route is None:
            self._reply((404, {"error": "not found"}))
            return
        self._reply(route(body, self.headers))


@dataclass
class Server:
    url: str  # with a trailing slash
    posts: list[dict[str, Any]] = field(default_factory=list)
    _srv: Any = None

    @property
    def port(self) -> int:
        return int(self._srv.server_address[1])

    def stop(self) -> None:
        self._srv.shutdown()
        self._srv.server_close()

    def posted_json(self, path: str) -> list[Any]:
        return [json.loads(p["body"]) for p in self.posts if p["path"] == path]


def serve(
    folder: str | Path | None = None, routes: Mapping[str, Route] | None = None, handler: Handler | None = None
) -> Server:
    posts: list[dict[str, Any]] = []
    attrs = {
        "routes": dict(routes or {}),
        "posts": posts,
        "has_folder": folder is not None,
        "handler": staticmethod(handler) if handler is not None else None,
    }
    handler_cls = type("Handler", (_Handler,), attrs)
    directory = str(folder) if folder is not None else str(Path.cwd())
    srv = _QuietServer(("127.0.0.1", 0), functools.partial(handler_cls, directory=directory))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return Server(f"http://127.0.0.1:{srv.server_address[1]}/", posts, srv)


def accept(status: int = 204) -> Route:
    """A route that answers `status` with no body (a feedback endpoint)."""
    return lambda body, headers: (status, None)
