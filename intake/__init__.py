"""The support policy as data: lifecycle, calendar, decision table, engine, payloads.

Public API (see intake/FORMATS.md):
- `classify(answers, at, policy=None)` -> classification dict;
- `verify(payload, policy=None)` -> list of differences (raises PayloadError, exit 2, on a schema violation);
- `export(payload, to, policy=None)` -> Zendesk/Jira JSON text or an RFC 5322 message;
- `business_seconds(start, end, policy=None)` -> support seconds between two instants.
`policy` is a compiled policy dict; by default the project's policy file is checked and
compiled (once per process).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

DEFAULT_POLICY = Path("docs") / "_data" / "support-policy.yml"
_cache: dict[str, dict[str, Any]] = {}


def policy_path() -> Path:
    """KB_POLICY, else ./docs/_data/support-policy.yml, else the repository's."""
    env = os.environ.get("KB_POLICY")
    if env:
        return Path(env)
    if DEFAULT_POLICY.is_file():
        return DEFAULT_POLICY
    return Path(__file__).resolve().parent.parent / DEFAULT_POLICY


def compiled_policy(path: str | Path | None = None, today: dt.date | None = None) -> dict[str, Any]:
    """Check and compile a policy file (or read a compiled JSON); cached per path and day."""
    from .checks import load_policy
    from .engine import check_policy

    p = Path(path) if path else policy_path()
    key = f"{p.resolve()}|{today}"
    if key not in _cache:
        if p.suffix == ".json":
            from .payload import parse

            compiled = parse(p.read_bytes(), "compiled policy")
            check_policy(compiled)
        else:
            _, compiled = load_policy(p, today)
        _cache[key] = compiled
    return _cache[key]


def classify(answers: dict[str, Any], at: Any, policy: dict[str, Any] | None = None) -> dict[str, Any]:
    from .engine import classify as _classify

    return _classify(policy or compiled_policy(), answers, at)


def business_seconds(start: Any, end: Any, policy: dict[str, Any] | None = None) -> int:
    """Support (business) seconds from `start` to `end` in the policy's calendar; negative when
    `end` is earlier. Times: aware datetimes or ISO 8601 strings with an offset. The desk's
    queue shows `business_seconds(now, respond_by)` as time left (or overdue)."""
    from .engine import business_seconds_between, to_epoch

    return business_seconds_between(policy or compiled_policy(), to_epoch(start), to_epoch(end))


def verify(payload: Any, policy: dict[str, Any] | None = None) -> list:
    """Differences from the policy (empty: agrees); PayloadError when it cannot be checked."""
    from .payload import parse
    from .payload import verify as _verify

    if isinstance(payload, (str, bytes)):
        payload = parse(payload)
    return _verify(payload, policy or compiled_policy())


def export(payload: Any, to: str, policy: dict[str, Any] | None = None, force: bool = False) -> str:
    """Export a payload of either version; it is verified first.

    A payload that cannot be checked (schema violation) is never exported (PayloadError, exit 2).
    One that does not agree with the policy raises PayloadDiffers (exit 1), unless `force`:
    then it is exported marked UNVERIFIED, with the differences, in every format.
    """
    from .errors import PayloadDiffers
    from .exports import export as _export
    from .payload import parse
    from .payload import verify as _verify

    policy = policy or compiled_policy()
    if isinstance(payload, (str, bytes)):
        payload = parse(payload)
    differences = _verify(payload, policy)
    if differences and not force:
        raise PayloadDiffers(
            differences, then="Not exported: check the payload, or export it marked as unverified with --force."
        )
    return _export(payload, to, policy, differences)


__all__ = ["classify", "verify", "export", "business_seconds", "compiled_policy", "policy_path"]
