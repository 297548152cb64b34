"""A desk app served by uvicorn in a thread of this process, on a free port of 127.0.0.1.

Shared by the desk's tests and `python -m testkit.desk_screenshots`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

import httpx
import uvicorn

from desk.storage import Store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """A desk app served by uvicorn in a thread of this process: `.url`, `.store`, `.http`."""

    def __init__(self, app, store: Store):
        self.store = store
        self.app = app
        self.port = free_port()
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error", lifespan="on")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the desk did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"
        self.http = httpx.Client(base_url=self.url, timeout=20)

    def post(self, payload: Any, key: str | None = "", path: str = "/api/requests", **headers: str) -> httpx.Response:
        h = {"Content-Type": "application/json", **headers}
        if key == "" and isinstance(payload, dict):
            key = payload.get("id")
        if key is not None:
            h["Idempotency-Key"] = key
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.http.post(path, content=body, headers=h)

    def close(self) -> None:
        self.http.close()
        self.server.should_exit = True
        self.thread.join(20)
