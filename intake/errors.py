"""The intake package's errors: what a policy writer or a help desk reads, with exit codes.

`PolicyError` carries every problem of a policy file; `AnswersError` lists what is wrong
with a set of answers; `PayloadError` is a payload that cannot be checked (not JSON, a
schema violation with its JSON path) and exits 2, as `kb intake verify` promises.
"""

from __future__ import annotations

from kbcore.problems import KbError, Problem, ProblemsError


class PolicyError(ProblemsError):
    """A policy file with one or more problems (all of them)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems, what="the support policy")


class AnswersError(KbError):
    """Answers that do not fit the policy's questions; `.problems` is a list of (path, message)."""

    exit_code = 2

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("invalid answers:\n" + "\n".join(f"{p}: {m}" for p, m in problems))


class PayloadError(KbError):
    """A payload that is not JSON or violates the schema: exit 2, each problem with its JSON path."""

    exit_code = 2

    def __init__(self, problems: list[tuple[str, str]], what: str = "payload"):
        self.problems = problems
        super().__init__(f"invalid {what}:\n" + "\n".join(f"{p}: {m}" for p, m in problems))


class CalendarRangeError(KbError):
    """A time outside the compiled calendar's range."""

    exit_code = 2


class PayloadDiffers(KbError):
    """A readable payload that does not agree with the policy (`verify` exit 1); `.differences`."""

    exit_code = 1

    def __init__(self, differences: list, then: str = ""):
        self.differences = differences
        super().__init__(
            f"{len(differences)} field(s) differ from the policy:\n"
            + "\n".join(str(d) for d in differences)
            + (f"\n{then}" if then else "")
        )
