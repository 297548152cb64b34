"""A real `mkdocs serve` in a subprocess, on 127.0.0.1, for the preview's tests and benchmark.

`Serve(config_file, tmp)` starts it on a free port with its temporary site folder inside `tmp`
(MkDocs makes it with `tempfile.mkdtemp`), reads its log as it comes, and stops it on exit.
`wait_for(text)` blocks until a log line after a given mark contains the text; `site` is the
folder the server serves from.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serve:
    def __init__(
        self,
        config_file: str | Path,
        tmp: str | Path,
        timeout: float = 900,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.tmp = Path(tmp)
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.lines: list[str] = []
        self._cond = threading.Condition()
        run_env = dict(os.environ, NO_MKDOCS_2_WARNING="1", TMPDIR=str(self.tmp), **(env or {}))
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "mkdocs",
                "serve",
                "-f",
                str(config_file),
                "-a",
                f"127.0.0.1:{self.port}",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=run_env,
        )
        threading.Thread(target=self._read, daemon=True).start()
        try:
            self.wait_for("Serving on", timeout=timeout)
        except BaseException:
            self.stop()
            raise

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def site(self) -> Path:
        found = [p for p in self.tmp.glob("mkdocs_*") if p.is_dir()]
        if len(found) != 1:
            raise RuntimeError(f"expected one mkdocs_* site folder in {self.tmp}, found {found}")
        return found[0]

    def mark(self) -> int:
        with self._cond:
            return len(self.lines)

    def wait_for(self, text: str, after: int = 0, timeout: float = 300) -> str:
        """The first log line after `after` that contains `text` (AssertionError on time out,
        with the log)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines[after:]:
                    if text in line:
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    log = "\n".join(self.lines[after:][-60:])
                    state = "exited" if self.proc.poll() is not None else "running"
                    raise AssertionError(f"no log line with {text!r} (server {state}):\n{log}")
                self._cond.wait(min(left, 0.5))

    def log_since(self, mark: int) -> list[str]:
        with self._cond:
            return list(self.lines[mark:])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> Serve:  # noqa: PYI034 - Serve is not subclassed
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_REFERENCE = """
import sys
from mkdocs.commands.build import build
from mkdocs.config import load_config
config_file, site_dir, url = sys.argv[1:]
config = load_config(config_file=config_file, site_dir=site_dir)
config.plugins.on_startup(command="serve", dirty=False)
config.site_url = url
try:
    build(config, serve_url=url)
finally:
    config.plugins.on_shutdown()
"""


def reference_build(
    config_file: str | Path, site_dir: str | Path, url: str, timeout: float = 1800
) -> subprocess.CompletedProcess:
    """A clean build made the way `mkdocs serve` makes its first one (drafts shown, the same
    site_url), into `site_dir`: what an incremental preview must equal."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    return subprocess.run(  # noqa: PLW1510 - the caller reads the return code and the log
        [sys.executable, "-c", _REFERENCE, str(config_file), str(site_dir), url],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def differences(a: Path, b: Path, ignore: frozenset[str] = frozenset()) -> list[str]:
    """Files that differ between two built sites (relative paths, with how), `ignore` aside."""

    def files(root: Path) -> dict[str, Path]:
        return {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}

    fa, fb = files(a), files(b)
    out = [f"only in the preview: {k}" for k in sorted(fa.keys() - fb.keys()) if k not in ignore]
    out += [f"missing from the preview: {k}" for k in sorted(fb.keys() - fa.keys()) if k not in ignore]
    out += [
        f"differs: {k}"
        for k in sorted(fa.keys() & fb.keys())
        if k not in ignore and fa[k].read_bytes() != fb[k].read_bytes()
    ]
    return out
