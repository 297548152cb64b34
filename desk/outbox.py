"""The outbox worker: forward committed requests, retry with backoff, dead-letter after N attempts.

A request's outbox row is written in the same transaction as the request, so a `201` means
it will be forwarded even if the desk dies right after. Worker threads claim due rows with a
lease (`Store.claim_due`); a row whose worker died becomes due again when the lease ends.
Exactly once: when a previous attempt may have reached the help desk (any attempt after the
first), the forwarder first looks for the copy it would have made and only creates one if
there is none. Dead-lettered rows stay in the database with their last error, for staff.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
from typing import Any

from .config import Settings
from .forwarders import Forwarder, Reject, Retry, make
from .storage import Store, now

log = logging.getLogger("desk.outbox")


class Outbox:
    def __init__(self, settings: Settings, store: Store, policy: dict[str, Any], forwarder: Forwarder | None = None):
        self.retry = settings.retry
        self.store = store
        self.forwarder = forwarder or make(settings, policy)
        self._stop = threading.Event()
        self._wake = threading.Condition()
        self._pending_wake = False
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for n in range(self.retry.workers):
            t = threading.Thread(target=self._loop, name=f"desk-outbox-{n}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self.wake()
        for t in self._threads:
            t.join(timeout)
        self.forwarder.close()

    def wake(self) -> None:
        """A new row was committed: look now instead of at the next poll."""
        with self._wake:
            self._pending_wake = True
            self._wake.notify_all()

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self.run_once()
            except Exception:  # the database went away for a moment: keep the worker alive
                log.exception("outbox: cannot read the outbox")
                worked = 0
            if not worked:
                with self._wake:
                    if not self._pending_wake:
                        self._wake.wait(self.retry.poll_s)
                    self._pending_wake = False

    def run_once(self, limit: int = 1) -> int:
        """Claim and forward up to `limit` due rows; returns how many were tried."""
        rows = self.store.claim_due(self.retry.lease_s, limit)
        for row in rows:
            self.forward(row)
        return len(rows)

    def forward(self, row: dict[str, Any]) -> None:
        request = self.store.request(row["request_id"])
        if request is None:  # cannot happen with the foreign key; say so rather than loop
            self.store.forward_failed(row, "the request is missing", None)
            return
        payload = {**json.loads(request["body"]), "classification": json.loads(request["classification"])}
        try:
            found = self.forwarder.find(payload) if row["attempts"] > 1 else None
            remote = found or self.forwarder.create(payload)
        except Retry as exc:
            self.store.forward_failed(row, str(exc), self._next_attempt(row["attempts"]))
            return
        except Reject as exc:
            self.store.forward_failed(row, f"refused by {self.forwarder.name}: {exc}", None)
            return
        except Exception as exc:  # a bug in a forwarder must not stop the worker
            log.exception("outbox: forwarding %s failed", row["request_id"])
            self.store.forward_failed(row, f"{type(exc).__name__}: {exc}", self._next_attempt(row["attempts"]))
            return
        self.store.forwarded(row, remote, found is not None)

    def _next_attempt(self, attempts: int) -> dt.datetime | None:
        """Exponential backoff with jitter; None (dead-letter) after the last attempt."""
        if attempts >= self.retry.max_attempts:
            return None
        delay = min(self.retry.base_s * 2 ** (attempts - 1), self.retry.max_s)
        return now() + dt.timedelta(seconds=delay * random.uniform(0.8, 1.2))
