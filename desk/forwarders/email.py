"""Email over SMTP: one message per request, in the `kb intake export --to email` format.

SMTP cannot be asked whether an earlier attempt arrived, so a retry after a lost answer may
deliver a second copy; it has the same Message-ID (`<payload id@kb-intake.invalid>`), which
mail programs and help desks use to drop duplicates. The envelope sender is
`KB_DESK_SMTP_SENDER`; the message's From stays the requester, as the export writes it.
"""

from __future__ import annotations

import email
import smtplib
from typing import Any

from intake import exports

from ..config import Settings
from . import Reject, Retry


class Email:
    name = "email"

    def __init__(self, settings: Settings, policy: dict[str, Any]):
        c = settings.credentials
        self.policy = policy
        self.host = c["KB_DESK_SMTP_HOST"]
        self.starttls = c.get("KB_DESK_SMTP_STARTTLS", "") in ("1", "true", "yes")
        self.port = int(c.get("KB_DESK_SMTP_PORT") or (587 if self.starttls else 25))
        self.sender = c["KB_DESK_SMTP_SENDER"]
        self.login = (
            (c["KB_DESK_SMTP_USER"], c.get("KB_DESK_SMTP_PASSWORD", "")) if c.get("KB_DESK_SMTP_USER") else None
        )
        self.timeout = settings.retry.timeout_s

    def find(self, payload: dict[str, Any]) -> str | None:
        return None

    def create(self, payload: dict[str, Any]) -> str:
        text = exports.email(payload, self.policy)
        msg = email.message_from_string(text)
        to = [addr.strip() for addr in str(msg["To"]).split(",") if addr.strip()]
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.login:
                    smtp.login(*self.login)
                # bytes go out as they are: SMTP wants CRLF line ends (the export writes LF)
                smtp.sendmail(self.sender, to, text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"))
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500:
                raise Retry(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise Reject(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise Reject(f"SMTP refused the recipients: {exc.recipients!r}") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise Retry(f"SMTP {self.host}:{self.port}: {type(exc).__name__}: {exc}") from exc
        return str(msg["Message-ID"])

    def close(self) -> None:
        pass
