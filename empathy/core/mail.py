"""Outgoing e-mail: kept in the outbox and the log, and sent over SMTP when configured.

Every sender claims a message before it sends it: one conditional UPDATE moves it from `queued` to
`sending` under the sender's own token, and a sender sends only the rows its UPDATE changed. Two workers
(or a worker and the `send-mail` command) delivering at the same moment therefore never send one message
twice, on SQLite (whose writers take turns) and on PostgreSQL (where the second UPDATE waits for the first
and then sees the row no longer queued; `SKIP LOCKED` lets a sweep pass rows another sender is claiming).

A request delivers only what it queued itself (`queued_here`, after its response: see
empathy.core.runtime.send_mail_after_response). Retries and messages whose sender died belong to the
`send-mail` command, run from cron: a request's after-response work stays as small as the request, and a
mail server that is down is not retried by every request that happens to come along.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from sqlmodel import Session, select
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from empathy.core.db import begin_write, utcnow
from empathy.models import OutboxMessage

log = logging.getLogger(__name__)

# A claim older than this belongs to a sender that stopped (a killed worker): the message may be claimed
# again. Far longer than one message takes (SMTP timeout 10 s, at most 3 connection attempts).
CLAIM_TIMEOUT = timedelta(minutes=10)
# After the n-th failed attempt the message waits RETRY_DELAYS[n-1]; after the last it has failed for good.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
BATCH = 50  # messages claimed at a time by the sweep
SMTP_TIMEOUT = 10  # seconds

# A connection the server dropped or reset is tried again at once, twice at most, before the attempt counts
# as failed; anything else (a refusal, a timeout) waits for the next attempt in RETRY_DELAYS.
_reconnect = Retrying(retry=retry_if_exception_type((smtplib.SMTPServerDisconnected, ConnectionResetError)),
                      stop=stop_after_attempt(3), wait=wait_exponential(multiplier=0.5, max=2), reraise=True)

_QUEUED_HERE = "empathy.mail.queued_here"  # session.info key: the messages queued through this session


def queue_mail(session: Session, *, to: str, subject: str, body: str, kind: str = "") -> OutboxMessage:
    """Put a message in the outbox; the caller commits, then delivers what it queued (`queued_here`)."""
    message = OutboxMessage(to_address=to, subject=subject, body=body, kind=kind)
    session.add(message)
    session.info.setdefault(_QUEUED_HERE, []).append(message)
    return message


def queued_here(session: Session) -> list[int]:
    """The ids of the messages queued through `session` and committed since the last call (each id once).

    Messages of a transaction that was rolled back are left out; messages not committed yet stay for a
    later call.
    """
    ids, waiting = [], []
    for message in session.info.pop(_QUEUED_HERE, []):
        state = sa.inspect(message)
        if state.persistent and message.id is not None:
            ids.append(message.id)
        elif state.pending:
            waiting.append(message)
    if waiting:
        session.info[_QUEUED_HERE] = waiting
    return ids


def deliver_messages(session: Session, smtp: dict | None, ids: Iterable[int]) -> Counter[str]:
    """Claim and send these messages, those of them still due (another sender may have taken some).

    Returns how many messages this call left in each status: sent, logged (no SMTP server), queued (to be
    tried again) or failed. Commits after the claim and after each message.
    """
    ids = sorted(set(ids))
    if not ids:
        return Counter()
    return _send_claimed(session, smtp, _claim(session, OutboxMessage.id.in_(ids)))


def deliver_queued(session: Session, smtp: dict | None, *, limit: int = 1000) -> Counter[str]:
    """Claim and send every due message, at most `limit`: queued ones whose retry time has come, and those
    whose sender stopped more than CLAIM_TIMEOUT ago. For the `send-mail` command (cron).

    Returns how many messages this call left in each status (as deliver_messages). Commits after each
    claim and after each message.
    """
    _fail_abandoned(session)
    outcomes: Counter[str] = Counter()
    while outcomes.total() < limit:
        due = (select(OutboxMessage.id).where(_due(utcnow())).order_by(OutboxMessage.id)
               .limit(min(BATCH, limit - outcomes.total()))
               .with_for_update(skip_locked=True))  # PostgreSQL: pass over rows another sender is claiming
        claimed = _claim(session, OutboxMessage.id.in_(due.scalar_subquery()))
        if not claimed:
            break
        outcomes += _send_claimed(session, smtp, claimed)
    return outcomes


def _due(now) -> sa.ColumnElement[bool]:
    waiting = sa.and_(OutboxMessage.status == "queued",
                      sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now))
    abandoned = sa.and_(OutboxMessage.status == "sending", OutboxMessage.claimed_at < now - CLAIM_TIMEOUT)
    return sa.and_(sa.or_(waiting, abandoned), OutboxMessage.attempts < MAX_ATTEMPTS)


def _claim(session: Session, which: sa.ColumnElement[bool]) -> list[OutboxMessage]:
    """Mark the due messages `which` selects as ours (one UPDATE: the rows it changed are ours alone)."""
    now, token = utcnow(), uuid.uuid4().hex
    begin_write(session)
    claimed = session.scalars(
        sa.update(OutboxMessage).where(which, _due(now))
        .values(status="sending", claimed_at=now, claimed_by=token, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage)
        # The rows as the UPDATE left them, also where this session already holds the object (its queuer).
        .execution_options(synchronize_session=False, populate_existing=True)
    ).all()
    session.commit()
    return sorted(claimed, key=lambda m: m.id)


def _fail_abandoned(session: Session) -> None:
    """A message whose sender stopped on its last attempt is not tried again (it may have gone out)."""
    begin_write(session)
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.claimed_at < utcnow() - CLAIM_TIMEOUT,
               OutboxMessage.attempts >= MAX_ATTEMPTS)
        .values(status="failed", error="The sender stopped during the last attempt.", claimed_at=None,
                claimed_by=None)
        .execution_options(synchronize_session=False))
    session.commit()


def _send_claimed(session: Session, smtp: dict | None, claimed: list[OutboxMessage]) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    for message in claimed:
        outcome = _attempt(message, smtp)
        begin_write(session)
        done = session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == message.claimed_by)
            .values(claimed_at=None, claimed_by=None, **outcome)
            .execution_options(synchronize_session=False)).rowcount
        session.commit()
        if not done:  # our claim ran out and another sender took the message over
            log.warning("mail %s (%s): its claim had expired when the attempt ended", message.id, message.kind)
        outcomes[outcome["status"]] += 1
    return outcomes


def _attempt(message: OutboxMessage, smtp: dict | None) -> dict:
    """Send one claimed message; the columns to store for the outcome."""
    if not smtp or not smtp.get("host"):
        # Addresses are personal data: the log names the message, not the person.
        log.info("mail %s (%s) kept in the outbox: no SMTP server configured", message.id, message.kind)
        return {"status": "logged"}
    try:
        _reconnect(_send, message, smtp)
    except (OSError, smtplib.SMTPException) as exc:
        error = str(exc)[:500]
        # SMTP errors quote the refused addresses: the log keeps only the error's kind and code.
        code = getattr(exc, "smtp_code", "")
        if _is_permanent(exc) or message.attempts >= MAX_ATTEMPTS:
            log.warning("mail %s (%s) failed for good after %d attempt(s): %s %s", message.id, message.kind,
                        message.attempts, type(exc).__name__, code)
            return {"status": "failed", "error": error}
        delay = RETRY_DELAYS[message.attempts - 1]
        log.warning("mail %s (%s) failed (attempt %d of %d), tried again in %s: %s %s", message.id, message.kind,
                    message.attempts, MAX_ATTEMPTS, delay, type(exc).__name__, code)
        return {"status": "queued", "error": error, "next_attempt_at": utcnow() + delay}
    return {"status": "sent", "sent_at": utcnow(), "error": None}


def _is_permanent(exc: Exception) -> bool:
    """The server refused this message itself (5xx for every recipient, or for its content): retrying would
    get the same answer. Other errors (4xx, connection, sign-in, TLS) may pass with time or a fixed setting."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(500 <= code < 600 for code, _text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600
    return False


def _send(message: OutboxMessage, smtp: dict) -> None:
    email = EmailMessage()
    email["From"] = smtp.get("sender", "empathy@localhost")
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(smtp["host"], int(smtp.get("port", 587)), timeout=SMTP_TIMEOUT) as client:
        if smtp.get("starttls", True):
            client.starttls()
        if smtp.get("username"):
            client.login(smtp["username"], smtp.get("password", ""))
        client.send_message(email)
