"""Abuse limits applied before any payload is looked at: size, nesting, text, request rate.

Owns: reading a body without ever holding more than the limit, JSON nesting depth, text the
database or a help desk cannot take (NUL, lone surrogates), and a per-client token bucket.
Does not own: the payload schema (intake) or what is stored (receive).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from .errors import Refused


async def read_body(stream: AsyncIterator[bytes], declared: str | None, limit: int) -> bytes:
    """The whole body, or 413 as soon as it is known to exceed `limit` bytes."""
    if declared is not None:
        if not declared.isdigit():
            raise Refused(400, [("$", "Content-Length is not a number")])
        if int(declared) > limit:
            raise Refused(413, [("$", f"{int(declared)} bytes; the limit is {limit} bytes")])
    chunks, size = [], 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            raise Refused(413, [("$", f"more than {limit} bytes; the limit is {limit} bytes")])
        chunks.append(chunk)
    return b"".join(chunks)


def check_depth(value: Any, limit: int) -> None:
    """Refuse a parsed JSON value nested deeper than `limit` (json itself stops at ~1,000)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if isinstance(v, (dict, list)):
            if depth > limit:
                raise Refused(422, [("$", f"JSON nested more than {limit} levels deep")])
            stack.extend((item, depth + 1) for item in (v.values() if isinstance(v, dict) else v))


def check_text(value: Any, path: str = "$") -> list[tuple[str, str]]:
    """Values no database or help desk takes: NUL characters, lone surrogates, NaN/Infinity."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [(path, value)]
    while stack:
        where, v = stack.pop()
        if isinstance(v, str):
            if "\x00" in v:
                problems.append((where, "contains a NUL character"))
            elif any("\ud800" <= ch <= "\udfff" for ch in v):
                problems.append((where, "contains a lone UTF-16 surrogate (not valid Unicode text)"))
        elif isinstance(v, float) and not math.isfinite(v):
            problems.append((where, f"{v} is not a JSON number"))
        elif isinstance(v, dict):
            for k, item in v.items():
                if isinstance(k, str) and any("\ud800" <= ch <= "\udfff" or ch == "\x00" for ch in k):
                    problems.append((where, "a key is not valid Unicode text"))
                stack.append((f"{where}.{k}", item))
        elif isinstance(v, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(v))
    return sorted(problems)


class RateLimiter:
    """Token bucket per client address: `burst` at once, then `per_minute` (0: no limit)."""

    def __init__(self, per_minute: float, burst: int, max_clients: int = 100_000):
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def check(self, client: str) -> None:
        """Take one token for `client`, or raise 429 with the seconds to wait."""
        if self.rate <= 0:
            return
        t = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(client, (self.burst, t))
            tokens = min(self.burst, tokens + (t - last) * self.rate)
            if tokens < 1:
                wait = (1 - tokens) / self.rate
                self._buckets[client] = (tokens, t)
                raise Refused(
                    429,
                    [("$", f"too many requests from this address; try again in {wait:.0f} s")],
                    {"Retry-After": str(max(1, round(wait)))},
                )
            self._buckets[client] = (tokens - 1, t)
            if len(self._buckets) > self.max_clients:  # forget full buckets: they are the default
                for key in [k for k, (n, _) in self._buckets.items() if n >= self.burst][: self.max_clients // 2]:
                    del self._buckets[key]
