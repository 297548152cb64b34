"""The tests' HTTP server: static files from a folder on 127.0.0.1, plus optional POST routes.

`serve(folder, routes)` starts it on a free port in a thread and returns a `Server` (its
`url`, `stop()`). A route is `path -> handler(body: bytes, headers) -> (status, json or None)`;
every POST is also recorded in `server.posts`. A browser that closes a socket mid-download
is not an error worth printing.
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

Route = Callable[[bytes, Message], tuple[int, Any]]


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)


class _Handler(http.server.SimpleHTTPRequestHandler):
    routes: Mapping[str, Route] = {}
    posts: list[dict[str, Any]] = []

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = self.path.split("?", 1)[0]
        self.posts.append({"path": path, "type": self.headers.get("Content-Type"), "body": body,
                           "headers": dict(self.headers)})
        route = self.routes.get(path)
        if route is None:
            self.send_error(404)
            return
        status, out = route(body, self.headers)
        data = b"" if out is None else json.dumps(out).encode()
        try:
            self.send_response(status)
            if out is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page gave up waiting


@dataclass
class Server:
    url: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    _srv: Any = None

    def stop(self) -> None:
        self._srv.shutdown()
        self._srv.server_close()

    def posted_json(self, path: str) -> list[Any]:
        return [json.loads(p["body"]) for p in self.posts if p["path"] == path]


def serve(folder: str | Path, routes: Mapping[str, Route] | None = None) -> Server:
    posts: list[dict[str, Any]] = []
    handler_cls = type("Handler", (_Handler,), {"routes": dict(routes or {}), "posts": posts})
    srv = _QuietServer(("127.0.0.1", 0), functools.partial(handler_cls, directory=str(folder)))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return Server(f"http://127.0.0.1:{srv.server_address[1]}/", posts, srv)


def accept(status: int = 204) -> Route:
    """A route that answers `status` with no body (a feedback endpoint)."""
    return lambda body, headers: (status, None)
