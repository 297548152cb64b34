"""What the desk's load benchmark and its fault tests share (all on 127.0.0.1, bounded).

- `payloads(n)`: n distinct valid payloads routed to the vendor, classified now, with the
  policy's own example answers (the desk must agree: `verified` true);
- `DeskProcess`: `kb desk serve` as a child process on a free port (start, SIGKILL, restart);
- `PgCluster`: a throw-away PostgreSQL cluster in a temporary folder (Debian's initdb/pg_ctl);
- `post_all`: clients that POST payloads concurrently and retry with the same id until a 2xx.
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

import intake
from intake.errors import KbError
from intake.payload import build

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vendor_answers(policy: dict[str, Any]) -> list[dict[str, str]]:
    """The answer sets of the policy's examples that the desk takes (routed to the vendor)."""
    raw = yaml.safe_load((REPO / "docs" / "_data" / "support-policy.yml").read_text(encoding="utf-8"))
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    out = []
    for ex in raw.get("examples", []):
        answers = {k: ("yes" if v is True else "no" if v is False else str(v)) for k, v in ex["answers"].items()}
        try:
            if intake.classify(answers, at, policy)["route"] == policy["vendor"]["id"]:
                out.append(answers)
        except KbError:  # an example outside the calendar's range: not usable now
            continue
    return out


def payloads(n: int, policy: dict[str, Any]) -> list[dict[str, Any]]:
    variants = vendor_answers(policy)
    at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return [
        build(policy, variants[i % len(variants)], at, id=str(uuid.uuid4()), problem={"summary": f"Load request {i}"})
        for i in range(n)
    ]


# ----- a desk process ----------------------------------------------------------------------------------
@dataclass
class DeskProcess:
    db_url: str
    policy_file: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    log: Path | None = None
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> DeskProcess:
        cmd = [
            str(Path(sys.executable).parent / "kb"),
            "desk",
            "serve",
            "--db",
            self.db_url,
            "--port",
            str(self.port),
            "--policy",
            str(self.policy_file),
            *self.args,
        ]
        with open(self.log if self.log else os.devnull, "ab") as out:  # the child keeps its own copy
            self.proc = subprocess.Popen(
                cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **self.env}, cwd=REPO
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"kb desk serve exited with {self.proc.returncode}: {self.tail()}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"kb desk serve did not answer within {timeout} s: {self.tail()}")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, the way a machine or an OOM killer stops it."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-2000:] if self.log and self.log.exists() else ""


# ----- a throw-away PostgreSQL ----------------------------------------------------------------------------
class PgUnavailable(RuntimeError):
    pass


class PgCluster:
    """initdb + pg_ctl in a temporary folder on a free loopback port; `url(db)`; `close()` removes it."""

    def __init__(self, fsync: bool = True) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise PgUnavailable("PostgreSQL is not installed (apt-get install postgresql; `make test-deps` does it)")
        self.bin = Path(bins[-1]).parent
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="kb-desk-pg-"))
        self.data = self.root / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as the postgres user
            if shutil.which("runuser") is None:
                raise PgUnavailable("running as root without runuser: cannot start PostgreSQL as another user")
            self.as_user = ["runuser", "-u", "postgres", "--"]
            shutil.chown(self.root, "postgres", "postgres")
            os.chmod(self.root, 0o700)
        try:
            self._run("initdb", "-D", str(self.data), "-U", "desk", "--auth=trust", "-E", "UTF8", "--no-instructions")
            self._run(
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.root / "log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-h 127.0.0.1 -p {self.port} -k {self.root} -c max_connections=200" + ("" if fsync else " -F"),
                "start",
            )
        except (subprocess.CalledProcessError, OSError) as exc:
            log = (self.root / "log").read_text(errors="replace")[-1500:] if (self.root / "log").exists() else ""
            self.close()
            out = getattr(exc, "stderr", b"") or b""
            raise PgUnavailable(
                f"cannot start PostgreSQL: {exc}\n{out.decode(errors='replace')[-1500:]}\n{log}"
            ) from exc

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / tool), *args], check=True, capture_output=True, timeout=120)

    def create_db(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=desk dbname=postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://desk@127.0.0.1:{self.port}/{name}"

    def close(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                capture_output=True,
                timeout=60,
                check=False,
            )
        shutil.rmtree(self.root, ignore_errors=True)


# ----- clients ----------------------------------------------------------------------------------------------
@dataclass
class Result:
    id: str
    status: int  # the final status (0: never answered before the deadline)
    latency: float  # seconds of the attempt that got the final answer
    attempts: int
    body: dict[str, Any] | None


def post_all(
    url: str,
    items: list[dict[str, Any]],
    clients: int,
    deadline_s: float = 120,
    retry_pause: float = 0.2,
    timeout: float = 10,
) -> list[Result]:
    """Each client takes the next payload and POSTs it until a 2xx (same id, same body) or a 4xx."""
    todo: queue.Queue[dict[str, Any]] = queue.Queue()
    for p in items:
        todo.put(p)
    results: list[Result] = []
    lock = threading.Lock()
    end = time.monotonic() + deadline_s

    def client() -> None:
        with httpx.Client(base_url=url, timeout=timeout) as http:
            while True:
                try:
                    p = todo.get_nowait()
                except queue.Empty:
                    return
                body = json.dumps(p).encode()
                attempts, status, latency, answer = 0, 0, 0.0, None
                while time.monotonic() < end:
                    attempts += 1
                    t0 = time.perf_counter()
                    try:
                        res = http.post(
                            "/api/requests",
                            content=body,
                            headers={"Content-Type": "application/json", "Idempotency-Key": p["id"]},
                        )
                    except httpx.HTTPError:
                        time.sleep(retry_pause)
                        continue
                    latency = time.perf_counter() - t0
                    if res.status_code >= 500 or res.status_code == 429:
                        time.sleep(retry_pause)
                        continue
                    status, answer = res.status_code, res.json() if res.content else None
                    break
                with lock:
                    results.append(Result(p["id"], status, latency, attempts, answer))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def export(db_url: str) -> list[dict[str, Any]]:
    """`kb desk export` as a person runs it; the parsed lines."""
    out = subprocess.run(
        [str(Path(sys.executable).parent / "kb"), "desk", "export", "--db", db_url, "--format", "jsonl"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"kb desk export failed: {out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    if not s:
        return float("nan")
    return s[min(len(s) - 1, max(0, round(q / 100 * (len(s) - 1))))]
