"""Sending email over SMTP (the standard library's smtplib): one connection per
run, opened on the first message and opened again after it drops.

Settings come from the environment (config.email_from_environment, README
"Email: weekly nudge and manager digest"): host, port, security (STARTTLS, TLS
from the first byte, or none for a relay on the same host), user and password.
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from types import TracebackType

from skillgap.services.email_text import Email

TIMEOUT_SECONDS = 30


class DeliveryFailed(Exception):
    """The server refused this message, or could not be reached; the message
    says which (a 550 reply, a timeout)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str  # "starttls", "tls" or "none"
    user: str
    password: str
    sender: str  # the From address
    timeout: float = TIMEOUT_SECONDS


def build_message(email: Email, sender: str) -> EmailMessage:
    """A multipart/alternative message (plain text first, then HTML) with the
    unsubscribe headers of RFC 2369 and RFC 8058 (one-click, by POST)."""
    message = EmailMessage()
    message["Subject"] = email.subject
    message["From"] = sender
    message["To"] = formataddr((email.to_name, email.to_address))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message["List-Unsubscribe"] = f"<{email.unsubscribe_url}>"
    message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    message.set_content(email.text)
    message.add_alternative(email.html, subtype="html")
    return message


class Mailer:
    """``with Mailer(settings) as mailer: mailer.send(message)``."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        context = ssl.create_default_context()
        smtp: smtplib.SMTP
        if s.security == "tls":
            smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            if s.security == "starttls":
                smtp.starttls(context=context)
        if s.user:
            smtp.login(s.user, s.password)
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Send one message; a dropped connection is opened again once. Raises
        DeliveryFailed when the server refuses it or cannot be reached."""
        for retry in (False, True):
            try:
                if self._smtp is None:
                    self._smtp = self._connect()
                self._smtp.send_message(message)
                return
            except smtplib.SMTPServerDisconnected as error:
                self._drop()
                if retry:
                    raise DeliveryFailed(f"disconnected: {error}") from error
            except smtplib.SMTPRecipientsRefused as error:
                # The connection is still good (smtplib sent RSET): only this one failed.
                replies = "; ".join(
                    f"{code} {text.decode(errors='replace')}"
                    for code, text in error.recipients.values()
                )
                raise DeliveryFailed(f"recipient refused: {replies}") from error
            except smtplib.SMTPResponseException as error:
                reply = (
                    error.smtp_error.decode(errors="replace")
                    if isinstance(error.smtp_error, bytes)
                    else str(error.smtp_error)
                )
                self._reset()  # a 421 (closing) fails the RSET and drops the connection
                raise DeliveryFailed(f"{error.smtp_code} {reply}") from error
            except (smtplib.SMTPException, OSError) as error:
                self._drop()
                raise DeliveryFailed(f"{type(error).__name__}: {error}") from error

    def _reset(self) -> None:
        try:
            if self._smtp is not None:
                self._smtp.rset()
        except (smtplib.SMTPException, OSError):
            self._drop()

    def _drop(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
