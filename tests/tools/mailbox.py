"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the alert tests to read.

    with Mailbox() as mailbox:
        ... MailSettings(mailbox.url, "Referater <referater@example.dk>") ...
        message = mailbox.wait_for(1)[0]
"""

from __future__ import annotations

import email
import socket
import threading
import time
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []  # each message as it came over the wire
        self.envelopes: list[tuple[str, list[str]]] = []  # (MAIL FROM, RCPT TO) of each message
        self.refuse: set[str] = set()  # recipients whose messages the server refuses, quoting the address
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook)
        refused = [address for address in envelope.rcpt_tos if address in self.refuse]
        if refused:
            return f"554 5.7.1 <{refused[0]}>: message refused"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.raw.append(envelope.content)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10) -> list[EmailMessage]:
        """The messages once there are `count` (sending is synchronous; this only guards the handover)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} messages expected, {len(self.messages)} received")
            time.sleep(0.02)

    def __enter__(self) -> Mailbox:
        self._controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._controller.stop()


def text_of(message: EmailMessage) -> str:
    """The plain text part, its lines ending in \n (SMTP carries them as \r\n)."""
    return message.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html_of(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content().replace("\r\n", "\n")
