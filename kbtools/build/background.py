"""The preview's slow work, after the reload: one child process runs the jobs in order.

Owns: forking the child (it shares the builder's memory, so nothing is pickled going in),
collecting each job's result as it arrives, stopping a child whose work a newer save made
stale, and telling the `mkdocs serve` loop that results are waiting by touching a file in a
folder the server watches (the loop then calls the preview again, which applies them). The
child only computes and writes files: it never logs (the server's threads may hold the
logging locks at fork time) and leaves with `os._exit`.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kbcore.preview import Job


def _child(jobs: Sequence[Job], conn: Any) -> None:
    try:
        for k, job in enumerate(jobs):
            t0 = time.monotonic()
            try:
                result = (True, job.run())
            except Exception as exc:  # noqa: BLE001 - any failure is reported by the parent, which keeps serving
                result = (False, f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
            conn.send((k, result, time.monotonic() - t0))
    finally:
        conn.close()
        os._exit(0)


class Background:
    """`idle` is called (from a helper thread) when a child ends without waking the preview."""

    def __init__(self, idle: Any = None) -> None:
        self.idle = idle
        self.folder = tempfile.mkdtemp(prefix="kb-preview-")
        self.signal = Path(self.folder) / "results-waiting"
        self._lock = threading.Lock()
        self._generation = 0
        self._process: Any = None
        self._results: list[tuple[int, Job, bool, Any, float]] = []

    def start(self, jobs: Sequence[Job]) -> None:
        """Run `jobs` in a new child, after stopping one still working for an older save."""
        self.stop()
        if not jobs or "fork" not in mp.get_all_start_methods():
            return
        ctx = mp.get_context("fork")
        reader, writer = ctx.Pipe(duplex=False)
        with self._lock:
            self._generation += 1
            generation = self._generation
        self._process = ctx.Process(target=_child, args=(list(jobs), writer), daemon=True)
        self._process.start()
        writer.close()
        threading.Thread(target=self._collect, args=(generation, list(jobs), reader, self._process),
                         daemon=True, name="kb-preview-results").start()

    def _collect(self, generation: int, jobs: list[Job], reader: Any, process: Any) -> None:
        woke = False
        while True:
            try:
                k, (ok, result), seconds = reader.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                if generation != self._generation:
                    break
                self._results.append((generation, jobs[k], ok, result, seconds))
            if not ok or jobs[k].wake(result):
                woke = True
                self.signal.write_text(f"{generation} {k} {time.time()}\n")  # wakes the serve loop
        reader.close()
        process.join()
        if not woke and generation == self._generation and self.idle is not None:
            self.idle()

    def take(self) -> list[tuple[Job, bool, Any, float]]:
        """The results that arrived for the current generation (each returned once)."""
        with self._lock:
            out = [(job, ok, result, s) for g, job, ok, result, s in self._results if g == self._generation]
            self._results = []
        return out

    @property
    def busy(self) -> bool:
        return self._process is not None and self._process.is_alive()

    def stop(self) -> None:
        with self._lock:
            self._generation += 1  # results still on their way belong to no one now
            self._results = []
        process, self._process = self._process, None
        if process is not None and process.is_alive():
            process.kill()  # our own child, computing for a save that is no longer the latest
            process.join()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
