"""A real SMTP server for tests (aiosmtpd on a free local port) that keeps every message it receives."""

from __future__ import annotations

import itertools
import socket
import threading
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


class _Inbox:
    def __init__(self):
        self.messages: list[Message] = []
        self.connections: list[int] = []  # for each message received, the connection that carried it
        # recipient -> [the server's answer to RCPT TO (e.g. "550 no such user"), how many times more (None: always)]
        self.replies: dict[str, list] = {}
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self._lock:
            reply = self.replies.get(address)
            if reply is not None and reply[1] is not None:
                reply[1] -= 1
                if reply[1] < 0:
                    reply = None
        if reply is not None:
            return reply[0]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.messages.append(message_from_bytes(envelope.original_content or envelope.content))
            # aiosmtpd keeps one session object per connection: number it on its first message
            if getattr(session, "empathy_number", None) is None:
                session.empathy_number = next(self._numbers)
            self.connections.append(session.empathy_number)
        return "250 OK"


class MailServer:
    """`smtp` is the app's SMTP setting for this server; `received` lists what it accepted so far."""

    def __init__(self, port: int = 0):
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
            self.port = s.getsockname()[1]
        self._inbox = _Inbox()
        self._controller = Controller(self._inbox, hostname="127.0.0.1", port=self.port)
        self.smtp = {"host": "127.0.0.1", "port": self.port, "starttls": False, "sender": "empathy@example.com"}

    def start(self) -> MailServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def answer(self, address: str, reply: str, times: int | None = None) -> None:
        """Answer RCPT TO `address` with `reply` from now on (the next `times` times only, if given), e.g.
        "550 5.1.1 no such user"."""
        self._inbox.replies[address] = [reply, times]

    def connections_used(self) -> int:
        """How many connections carried the messages received so far."""
        with self._inbox._lock:
            return len(set(self._inbox.connections))

    @property
    def received(self) -> list[Message]:
        with self._inbox._lock:
            return list(self._inbox.messages)

    def subjects(self) -> list[str]:
        return sorted(str(m["Subject"]) for m in self.received)


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()
