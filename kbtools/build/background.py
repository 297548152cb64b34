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
        self._working = -1  # the generation a child works for, until it has ended
        self._results: list[tuple[int, Job, bool, Any, float]] = []

    def start(self, jobs: Sequence[Job]) -> None:
        """Run `jobs` in a new child, after stopping one still working for an older save. The
        fork itself happens in a helper thread: copying a large builder's page tables takes a
        moment that the browser's reload need not wait for."""
        self.stop()
        if not jobs or "fork" not in mp.get_all_start_methods():
            return
        with self._lock:
            self._generation += 1
            generation = self._working = self._generation
        threading.Thread(target=self._fork, args=(generation, list(jobs)), daemon=True, name="kb-preview-fork").start()

    def _fork(self, generation: int, jobs: list[Job]) -> None:
        ctx = mp.get_context("fork")
        reader, writer = ctx.Pipe(duplex=False)
        with self._lock:
            if generation != self._generation:
                return  # a newer save came first
            process = ctx.Process(target=_child, args=(jobs, writer), daemon=True)
            process.start()
            self._process = process
        writer.close()
        self._collect(generation, jobs, reader, process)

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
                if k == len(jobs) - 1:
                    self._working = -1  # the last result: the preview it wakes is the last call
            if not ok or jobs[k].wake(result):
                woke = True
                self.signal.write_text(f"{generation} {k} {time.time()}\n")  # wakes the serve loop
        reader.close()
        process.join()
        with self._lock:
            current = generation == self._generation
            if current:
                self._working = -1
        if current and not woke and self.idle is not None:
            self.idle()

    def take(self) -> list[tuple[Job, bool, Any, float]]:
        """The results that arrived for the current generation (each returned once)."""
        with self._lock:
            out = [(job, ok, result, s) for g, job, ok, result, s in self._results if g == self._generation]
            self._results = []
        return out

    @property
    def busy(self) -> bool:
        """A child is (or is about to be) working for the latest save."""
        with self._lock:
            return self._working == self._generation

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
