"""Outgoing e-mail: kept in the outbox and the log, and sent over SMTP when configured."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlmodel import Session

from empathy.core.db import utcnow
from empathy.models import OutboxMessage

log = logging.getLogger(__name__)


def queue_mail(session: Session, *, to: str, subject: str, body: str, kind: str = "") -> OutboxMessage:
    """Put a message in the outbox; the caller commits, then calls deliver_queued."""
    message = OutboxMessage(to_address=to, subject=subject, body=body, kind=kind)
    session.add(message)
    return message


def deliver_queued(session: Session, smtp: dict | None) -> int:
    """Send queued messages over SMTP, or mark them logged when no server is set. Commits."""
    from sqlmodel import select

    queued = session.exec(select(OutboxMessage).where(OutboxMessage.status == "queued")).all()
    for message in queued:
        if not smtp or not smtp.get("host"):
            # Addresses are personal data: the log names the message, not the person.
            log.info("mail %s (%s) kept in the outbox: no SMTP server configured", message.id, message.kind)
            message.status = "logged"
        else:
            try:
                _send(message, smtp)
            except (OSError, smtplib.SMTPException) as exc:
                message.status = "failed"
                message.error = str(exc)[:500]
                # SMTP errors quote the refused addresses: the log keeps only the error's kind and code.
                log.warning("mail %s (%s) failed: %s %s", message.id, message.kind, type(exc).__name__,
                            getattr(exc, "smtp_code", ""))
            else:
                message.status = "sent"
                message.sent_at = utcnow()
        session.add(message)
    session.commit()
    return len(queued)


def _send(message: OutboxMessage, smtp: dict) -> None:
    email = EmailMessage()
    email["From"] = smtp.get("sender", "empathy@localhost")
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(smtp["host"], int(smtp.get("port", 587)), timeout=10) as client:
        if smtp.get("starttls", True):
            client.starttls()
        if smtp.get("username"):
            client.login(smtp["username"], smtp.get("password", ""))
        client.send_message(email)
