"""SMTP for the outbox (empathy.core.mail): one connection per batch of messages, the message as sent, and
which refusals are permanent."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from empathy.models import OutboxMessage

SMTP_TIMEOUT = 10  # seconds, per step of the conversation

# A connection the server dropped or reset is opened again at once, twice at most, before the attempt counts
# as failed; anything else (a refusal, a timeout) waits for the next attempt in RETRY_DELAYS.
_reconnect = Retrying(retry=retry_if_exception_type((smtplib.SMTPServerDisconnected, ConnectionResetError)),
                      stop=stop_after_attempt(3), wait=wait_exponential(multiplier=0.5, max=2), reraise=True)


class Connection:
    """One SMTP connection for a batch of messages: opened on the first message, kept for the next ones,
    opened again (at most twice in a row) when the server drops it, closed with `close()`.

    A refusal of one message (a 4xx or 5xx answer) leaves the connection usable: smtplib resets the
    transaction. When the server cannot be reached at all, the rest of the batch fails with the same error at
    once, without waiting for the time-out again. `opened` counts the connections made.
    """

    def __init__(self, smtp: dict):
        self.smtp = smtp
        self.client: smtplib.SMTP | None = None
        self.unreachable: Exception | None = None
        self.opened = 0

    def send(self, email: EmailMessage) -> None:
        """Send one message; raises what smtplib raises (OSError, smtplib.SMTPException)."""
        if self.unreachable is not None:
            raise self.unreachable
        _reconnect(self._send_once, email)

    def _send_once(self, email: EmailMessage) -> None:
        if self.client is None:
            self.client = self._open()
        try:
            self.client.send_message(email)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
            if getattr(exc, "smtp_code", None) == 421:  # the server is closing the connection
                self._drop()
            raise  # a refusal of this message: smtplib reset the transaction, the connection stays
        except OSError:
            self._drop()  # disconnected, reset or timed out: the next message opens a new connection
            raise

    def _open(self) -> smtplib.SMTP:
        smtp = self.smtp
        try:
            client = smtplib.SMTP(smtp["host"], int(smtp.get("port", 587)), timeout=SMTP_TIMEOUT)
        except (smtplib.SMTPServerDisconnected, ConnectionResetError):
            raise  # tried again at once by _reconnect
        except OSError as exc:
            self.unreachable = exc
            raise
        self.opened += 1
        try:
            if smtp.get("starttls", True):
                client.starttls()
            if smtp.get("username"):
                client.login(smtp["username"], smtp.get("password", ""))
        except Exception:
            client.close()
            raise
        return client

    def _drop(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None

    def close(self) -> None:
        """Say goodbye to the server (QUIT) if a connection is open."""
        if self.client is not None:
            try:
                self.client.quit()
            except (OSError, smtplib.SMTPException):
                self.client.close()
            self.client = None


def is_permanent(exc: Exception) -> bool:
    """The server refused this message itself (5xx for every recipient, or for its content): retrying would
    get the same answer. Other errors (4xx, connection, sign-in, TLS) may pass with time or a fixed setting."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(500 <= code < 600 for code, _text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600
    return False


def email_of(message: OutboxMessage, smtp: dict) -> EmailMessage:
    """The outbox row `message` as sent: text, and an HTML alternative when the row has one."""
    email = EmailMessage()
    email["From"] = smtp.get("sender", "empathy@localhost")
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(f"outbox-{message.id}", domain=domain_of(smtp))
    email.set_content(message.body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    return email


def domain_of(smtp: dict) -> str:
    """The domain of the sender address (for Message-ID)."""
    sender = str(smtp.get("sender", "empathy@localhost"))
    return sender.rpartition("@")[2] or "localhost"
