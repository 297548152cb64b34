"""The desk's settings: declared once here, validated at load, every problem reported at once.

Owns: the option values (database URL, site origins, forwarder, limits, retry schedule) and
the forwarders' credentials, which come only from environment variables (never from the
site or a file in the repository). Does not own: what the options do (app, outbox, limits).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError

FORWARDERS = ("none", "zendesk", "jira", "email")
DEFAULT_DB = "sqlite:///desk.sqlite3"

# Credentials per forwarder: (environment variable, required?, what it is).
CREDENTIALS: dict[str, list[tuple[str, bool, str]]] = {
    "zendesk": [
        ("KB_DESK_ZENDESK_URL", True, "https://<subdomain>.zendesk.com"),
        ("KB_DESK_ZENDESK_EMAIL", True, "the agent's email for API-token auth"),
        ("KB_DESK_ZENDESK_TOKEN", True, "a Zendesk API token"),
    ],
    "jira": [
        ("KB_DESK_JIRA_URL", True, "https://<site>.atlassian.net"),
        ("KB_DESK_JIRA_EMAIL", True, "the account's email"),
        ("KB_DESK_JIRA_TOKEN", True, "an Atlassian API token"),
    ],
    "email": [
        ("KB_DESK_SMTP_HOST", True, "the SMTP server"),
        ("KB_DESK_SMTP_PORT", False, "default 25 (587 with STARTTLS)"),
        ("KB_DESK_SMTP_SENDER", True, "the envelope sender (MAIL FROM)"),
        ("KB_DESK_SMTP_USER", False, "login, if the server wants one"),
        ("KB_DESK_SMTP_PASSWORD", False, "password for that login"),
        ("KB_DESK_SMTP_STARTTLS", False, "1 to upgrade the connection with STARTTLS"),
    ],
}


@dataclass(frozen=True)
class Limits:
    max_body: int = 1_000_000  # bytes of one request body
    max_depth: int = 32  # JSON nesting (the payload schema needs 5)
    rate: float = 60.0  # requests per minute per client address (0: off)
    burst: int = 20  # requests a client may send at once before the rate applies
    max_future_s: int = 300  # a created_at later than receipt + this is a difference
    max_age_s: int = 7 * 86400  # a created_at older than receipt - this is a difference


@dataclass(frozen=True)
class Retry:
    max_attempts: int = 8  # then the outbox row is dead-lettered (visible to staff)
    base_s: float = 30.0  # first retry after this, doubling each time
    max_s: float = 3600.0  # never wait longer than this between attempts
    timeout_s: float = 20.0  # one HTTP / SMTP attempt
    workers: int = 4  # forwards in flight at once
    poll_s: float = 1.0  # how often the worker looks for due rows when idle

    @property
    def lease_s(self) -> float:
        """How long a claimed row is left to its worker before another may take it over."""
        return self.timeout_s * 3 + 5


@dataclass(frozen=True)
class Settings:
    db_url: str = DEFAULT_DB
    site_origins: tuple[str, ...] = ()
    forward: str = "none"
    policy_file: Path | None = None  # policy YAML or compiled JSON; default: the project's
    site_dir: Path | None = None  # a built site: compiled policy and the known article ids
    kb_export: Path | None = None  # the KB's article list (review_by) when there is no --site
    limits: Limits = field(default_factory=Limits)
    retry: Retry = field(default_factory=Retry)
    credentials: Mapping[str, str] = field(default_factory=dict, repr=False)


def load(
    db_url: str = DEFAULT_DB,
    site_origins: tuple[str, ...] | list[str] = (),
    forward: str = "none",
    policy_file: str | Path | None = None,
    site_dir: str | Path | None = None,
    limits: Limits | None = None,
    retry: Retry | None = None,
    environ: Mapping[str, str] | None = None,
    kb_export: str | Path | None = None,
) -> Settings:
    """Validated settings; raises ConfigError listing every problem."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    problems += _check_db(db_url)
    for origin in site_origins:
        problems += _check_origin(origin)
    if forward not in FORWARDERS:
        problems.append(f"--forward: '{forward}' is not one of {', '.join(FORWARDERS)}")
    creds: dict[str, str] = {}
    for var, required, what in CREDENTIALS.get(forward, []):
        if env.get(var):
            creds[var] = env[var]
        elif required:
            problems.append(f"{var}: not set ({what}); --forward {forward} needs it")
    for var in ("KB_DESK_ZENDESK_URL", "KB_DESK_JIRA_URL"):
        if var in creds:
            problems += _check_remote(var, creds[var])
    if "KB_DESK_SMTP_PORT" in creds and not creds["KB_DESK_SMTP_PORT"].isdigit():
        problems.append(f"KB_DESK_SMTP_PORT: expected a port number, got '{creds['KB_DESK_SMTP_PORT']}'")
    site = Path(site_dir) if site_dir else None
    if site is not None and not (site / "policy" / "compiled-policy.json").is_file():
        problems.append(f"--site: {site} has no policy/compiled-policy.json (is it a built site?)")
    policy = Path(policy_file) if policy_file else None
    if policy is not None and not policy.is_file():
        problems.append(f"--policy: {policy} does not exist")
    export = Path(kb_export) if kb_export else None
    if export is not None and not export.is_file():
        problems.append(f"--kb-export: {export} does not exist (a built site's assets/kb/articles.json)")
    lim, ret = limits or Limits(), retry or Retry()
    problems += _check_positive("limits", lim.__dict__, allow_zero=("rate",))
    problems += _check_positive("retry", ret.__dict__, allow_zero=())
    if problems:
        raise ConfigError(problems)
    return Settings(
        db_url=db_url,
        site_origins=tuple(site_origins),
        forward=forward,
        policy_file=policy,
        site_dir=site,
        kb_export=export,
        limits=lim,
        retry=ret,
        credentials=creds,
    )


def _check_db(url: str) -> list[str]:
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme not in ("sqlite", "postgresql", "postgres"):
        return [f"--db: '{url}' is not a sqlite:///FILE or postgresql://user@host/db URL"]
    if scheme == "sqlite" and not url.startswith("sqlite:///"):
        return [f"--db: '{url}': a SQLite URL is sqlite:///relative/file or sqlite:////absolute/file"]
    return []


def _check_origin(origin: str) -> list[str]:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("",) or parts.query:
        return [
            (
                f"--site-origin: '{origin}' is not an origin like https://help.example.com (scheme, host, "
                "optional port; no path, no trailing slash)"
            )
        ]
    return []


def _check_remote(var: str, url: str) -> list[str]:
    parts = urlsplit(url)
    loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        return [f"{var}: '{url}' must be an https:// URL (plain http only to a loopback address, for tests)"]
    return []


def _check_positive(group: str, values: dict[str, float], allow_zero: tuple[str, ...]) -> list[str]:
    out = []
    for name, value in values.items():
        if value < 0 or (value == 0 and name not in allow_zero):
            out.append(f"{group}.{name}: must be {'0 or more' if name in allow_zero else 'more than 0'}, got {value}")
    return out


def normalize_db_url(url: str) -> str:
    """postgresql:// (what owners write) -> the psycopg 3 driver SQLAlchemy should use."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
