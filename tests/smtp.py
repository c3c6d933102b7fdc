"""A real SMTP server for tests: aiosmtpd on a free 127.0.0.1 port, keeping every message
it accepts. `mode` makes it misbehave: "busy" answers 451 to every recipient, "refuse"
550, "drop" closes the connection when a message ends (before keeping it), "vanish"
keeps the message, then closes without answering."""

from __future__ import annotations

import email
import email.policy
import threading
from collections import Counter
from email.message import EmailMessage

from aiosmtpd.controller import Controller

from tests.helpers import free_port


class Handler:
    def __init__(self, server: MailServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.server.mode == "busy":
            return "451 4.3.2 Try again later"
        if self.server.mode == "refuse" or address in self.server.refused:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server.mode == "drop":
            server.transport.close()
            return "421 closing"
        self.server.keep(envelope.content)
        if self.server.mode == "vanish":
            server.transport.close()
            return "421 closing"
        return f"250 2.0.0 Ok: queued as Q{len(self.server.messages)}"


class MailServer:
    def __init__(self, mode: str = "accept"):
        self.mode = mode
        self.refused: set[str] = set()
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()
        self.controller = Controller(Handler(self), hostname="127.0.0.1", port=self.port)

    def keep(self, content: bytes) -> None:
        message = email.message_from_bytes(content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)

    def keys(self) -> Counter:
        with self.lock:
            return Counter(m["X-Assess-Key"] for m in self.messages)

    def __enter__(self) -> MailServer:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()


def text_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()
