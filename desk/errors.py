"""The desk's errors: what an owner starting the desk, or a client sending to it, reads.

`ConfigError` is a bad start-up setting (every problem at once, each naming its option);
`Refused` is a request the desk answers with a 4xx and a JSON list of (JSON path, message).
"""

from __future__ import annotations

from kbcore.problems import KbError


class ConfigError(KbError):
    """Settings that cannot start the desk; `problems` are `option: message` lines."""

    exit_code = 2

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("the desk cannot start:\n" + "\n".join(problems))


class Refused(Exception):
    """A request the desk does not take: HTTP `status` and (JSON path, message) pairs."""

    def __init__(self, status: int, problems: list[tuple[str, str]], headers: dict[str, str] | None = None):
        self.status = status
        self.problems = problems
        self.headers = headers or {}
        super().__init__("; ".join(f"{p}: {m}" for p, m in problems))

    def body(self) -> dict[str, list[dict[str, str]]]:
        return {"errors": [{"path": p, "message": m} for p, m in self.problems]}
