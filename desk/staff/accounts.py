"""Staff accounts, sign-in and sessions; read tokens for tools (`kb lint --feedback URL`).

Passwords are hashed with argon2id (argon2-cffi's defaults, the parameters stored in each
hash and re-hashed when they change). A wrong password and an unknown name get the same
message and take the same time (an unknown name is checked against a dummy hash); after
`FREE_FAILURES` failures for a name, each further attempt must wait twice as long as the last
(at most `MAX_WAIT_S`). Session and read tokens are random; the database keeps only their
sha256, so a copy of the database signs nobody in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kbcore.problems import KbError

from ..storage import Store, now, read_tokens, sign_in_failures, staff_sessions, staff_users, utc

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,99}")
MIN_PASSWORD = 10
SESSION_HOURS = 12
FREE_FAILURES = 3
MAX_WAIT_S = 300
WRONG = "Wrong name or password."


@dataclass(frozen=True)
class StaffSession:
    user: str
    csrf: str
    expires_at: dt.datetime


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: a session token for the cookie, or a message for the form."""

    token: str | None = None
    session: StaffSession | None = None
    refused: str | None = None


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    return _hasher().hash(secrets.token_urlsafe(16))


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise KbError(
            f"'{name[:100]}' is not a staff name: use 1 to 100 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return name


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise KbError(f"the password is too short: at least {MIN_PASSWORD} characters")
    return password


class Accounts:
    def __init__(self, store: Store, clock: Callable[[], dt.datetime] = now):
        self.store = store
        self.clock = clock

    # ----- accounts (kb desk user add) -------------------------------------------------------------
    def add_user(self, name: str, password: str) -> None:
        check_name(name)
        check_password(password)
        try:
            with self.store.write() as conn:
                conn.execute(
                    sa.insert(staff_users).values(
                        name=name, password_hash=_hasher().hash(password), created_at=self.clock()
                    )
                )
        except sa.exc.IntegrityError:
            raise KbError(f"a staff account '{name}' already exists") from None

    def users(self) -> list[str]:
        with self.store.engine.connect() as conn:
            return list(conn.execute(sa.select(staff_users.c.name).order_by(staff_users.c.name)).scalars())

    # ----- sign-in ------------------------------------------------------------------------------
    def sign_in(self, name: str, password: str) -> SignIn:
        key = name.strip().lower()[:100]
        t = self.clock()
        wait = self._wait(key, t)
        if wait > 0:
            return SignIn(refused=f"Too many failed sign-ins with this name. Wait {wait} s, then try again.")
        with self.store.engine.connect() as conn:
            user = conn.execute(sa.select(staff_users).where(staff_users.c.name == name.strip())).mappings().first()
        stored = user["password_hash"] if user else _dummy_hash()
        try:
            ok = _hasher().verify(stored, password) and user is not None
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            self._failed(key, t)
            return SignIn(refused=WRONG)
        assert user is not None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        expires = t + dt.timedelta(hours=SESSION_HOURS)
        with self.store.write() as conn:
            conn.execute(sa.delete(sign_in_failures).where(sign_in_failures.c.name == key))
            conn.execute(sa.delete(staff_sessions).where(staff_sessions.c.expires_at < t))
            conn.execute(
                sa.insert(staff_sessions).values(
                    token_sha256=_sha(token), user_id=user["id"], csrf=csrf, created_at=t, expires_at=expires
                )
            )
            if _hasher().check_needs_rehash(stored):
                conn.execute(
                    sa.update(staff_users)
                    .where(staff_users.c.id == user["id"])
                    .values(password_hash=_hasher().hash(password))
                )
        return SignIn(token=token, session=StaffSession(user["name"], csrf, expires))

    def _wait(self, key: str, t: dt.datetime) -> int:
        with self.store.engine.connect() as conn:
            row = conn.execute(sa.select(sign_in_failures).where(sign_in_failures.c.name == key)).mappings().first()
        if row is None or row["failures"] < FREE_FAILURES:
            return 0
        pause = min(2 ** (row["failures"] - FREE_FAILURES), MAX_WAIT_S)
        left = pause - (t - utc(row["last_at"])).total_seconds()  # type: ignore[operator]
        return max(0, int(left + 0.999))

    def _failed(self, key: str, t: dt.datetime) -> None:
        with self.store.write() as conn:
            done = conn.execute(
                sa.update(sign_in_failures)
                .where(sign_in_failures.c.name == key)
                .values(failures=sign_in_failures.c.failures + 1, last_at=t)
            ).rowcount
            if not done:
                conn.execute(sa.insert(sign_in_failures).values(name=key, failures=1, last_at=t))

    # ----- sessions ------------------------------------------------------------------------------
    def session(self, token: str | None) -> StaffSession | None:
        if not token:
            return None
        q = (
            sa.select(staff_users.c.name, staff_sessions.c.csrf, staff_sessions.c.expires_at)
            .join(staff_users, staff_users.c.id == staff_sessions.c.user_id)
            .where(staff_sessions.c.token_sha256 == _sha(token))
        )
        with self.store.engine.connect() as conn:
            row = conn.execute(q).first()
        if row is None or utc(row.expires_at) <= self.clock():  # type: ignore[operator]
            return None
        return StaffSession(row.name, row.csrf, utc(row.expires_at))  # type: ignore[arg-type]

    def sign_out(self, token: str | None) -> None:
        if token:
            with self.store.write() as conn:
                conn.execute(sa.delete(staff_sessions).where(staff_sessions.c.token_sha256 == _sha(token)))

    # ----- read tokens (tools) -----------------------------------------------------------------------
    def add_read_token(self, name: str) -> str:
        check_name(name)
        token = "kbdesk_" + secrets.token_urlsafe(32)
        with self.store.write() as conn:
            conn.execute(sa.insert(read_tokens).values(token_sha256=_sha(token), name=name, created_at=self.clock()))
        return token

    def read_token_ok(self, token: str) -> bool:
        with self.store.engine.connect() as conn:
            found = conn.execute(sa.select(read_tokens.c.name).where(read_tokens.c.token_sha256 == _sha(token))).first()
        return found is not None


def same(a: str, b: str) -> bool:
    """Constant-time comparison of two tokens."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
