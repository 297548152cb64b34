"""Problems and errors that reach a writer or a help desk.

A `Problem` is one finding with a place (file, line, key) and a code; a check returns
every problem it finds instead of stopping at the first. `KbError` is the one exception
family the CLI and the MkDocs plugin turn into a message and an exit code: its `str()`
is the sentence the user reads, never a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding: `path:line: CODE message`."""

    path: str
    line: int
    code: str
    message: str
    severity: Severity = "error"
    key: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else " (warning)"
        return f"{self.path}:{self.line}: {self.code} {self.message}{tag}"

    def as_dict(self) -> dict:
        return asdict(self)


class KbError(Exception):
    """Base of every error meant for a person; `str()` is the message they read."""

    exit_code = 1


class ProblemsError(KbError):
    """One or more problems found in content or configuration."""

    def __init__(self, problems: Iterable[Problem], what: str = "content"):
        self.problems = sorted(problems)
        self.what = what
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(f"{len(errors)} error(s) in {what}:\n" + "\n".join(str(p) for p in self.problems))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ` (did you mean 'x'?)` suffix when a close choice exists, else ''."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)
