"""Sending mail: the settings from the environment, and one SMTP connection for a batch of messages.

    MINUTES_SMTP_URL   smtp://[user:password@]host[:port]  (STARTTLS when the server offers it;
                       port 587 by default) or smtps://…  (TLS from the start; port 465)
    MINUTES_MAIL_FROM  the sender, e.g. "Referater <referater@example.dk>"
    MINUTES_BASE_URL   where the site is served, e.g. https://referater.example.dk (the messages' links)

E-mail alerts are on when the first two are set.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

SMTP_VARIABLE = "MINUTES_SMTP_URL"
SENDER_VARIABLE = "MINUTES_MAIL_FROM"
SMTP_TIMEOUT = 30


class MailError(OSError):
    """Mail could not be sent, or the settings are wrong; the message says which and why."""


@dataclass(frozen=True, slots=True)
class MailSettings:
    smtp_url: str
    sender: str

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> MailSettings | None:
        """The settings, or None when alerts are off (neither variable set). Raises MailError
        naming the variable that is missing or wrong."""
        smtp_url, sender = environ.get(SMTP_VARIABLE, "").strip(), environ.get(SENDER_VARIABLE, "").strip()
        if not smtp_url and not sender:
            return None
        if not smtp_url:
            raise MailError(f"${SMTP_VARIABLE} is not set (the SMTP server that sends alerts)")
        if not sender:
            raise MailError(f"${SENDER_VARIABLE} is not set (the sender of alerts, e.g. Referater <referater@example.dk>)")
        settings = cls(smtp_url, sender)
        settings.server()  # checked now, not at the first message
        settings.sender_address()
        return settings

    def server(self) -> tuple[str, str, int, str | None, str | None]:
        """(scheme, host, port, user, password) of the SMTP address."""
        parts = urlsplit(self.smtp_url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailError(f"${SMTP_VARIABLE}: '{public_smtp_url(self.smtp_url)}' is not smtp://host[:port] "
                            "or smtps://host[:port]")
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 587)
        except ValueError:
            raise MailError(f"${SMTP_VARIABLE}: the port is not a number") from None
        user = unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        return parts.scheme, parts.hostname, port, user, password

    def sender_address(self) -> Address:
        name, address = parseaddr(self.sender)
        if "@" not in address or any(char in self.sender for char in "\r\n"):
            raise MailError(f"${SENDER_VARIABLE}: '{self.sender}' is not an e-mail address")
        user, _, domain = address.rpartition("@")
        return Address(display_name=name, username=user, domain=domain)


def public_smtp_url(url: str) -> str:
    """The SMTP address without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username}@{parts.hostname}" + (f":{parts.port}" if parts.port else "")
    return parts._replace(netloc=netloc).geturl()


class Mailer:
    """One SMTP session for a batch of messages: `with Mailer(settings) as mailer: mailer.send(m)`."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        scheme, host, port, user, password = self.settings.server()
        where = f"{host}:{port}"
        try:
            if scheme == "smtps":
                self._smtp = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context())
            else:
                self._smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT)
                self._smtp.ehlo()
                if self._smtp.has_extn("starttls"):
                    self._smtp.starttls(context=ssl.create_default_context())
                    self._smtp.ehlo()
            if user:
                self._smtp.login(user, password or "")
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise MailError(f"SMTP {where}: {describe(error)}") from None
        return self

    def send(self, message: EmailMessage) -> None:
        assert self._smtp is not None, "send inside `with Mailer(...)`"
        try:
            self._smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as error:
            raise MailError(f"SMTP: {describe(error)}") from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error.decode("utf-8", "replace") if isinstance(error.smtp_error, bytes) else str(error.smtp_error)
        return f"{error.smtp_code} {text}".strip()
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "the recipient was refused"
    return str(error) or type(error).__name__


def redacted(text: str, address: str) -> str:
    """`text` (an SMTP server's answer may quote the recipient) without the address."""
    return re.sub(re.escape(address), "adressen", text, flags=re.IGNORECASE) if address else text
