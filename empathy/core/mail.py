"""Outgoing e-mail: kept in the outbox, and delivered by the task queue's workers over SMTP.

A request only queues: `queue_mail` adds an outbox row to the caller's transaction and, once that
transaction commits, queues a `deliver_batch` task with the ids of the messages it committed, one per BATCH
of them (never after a rollback); rows inserted in bulk (an import's activation e-mails) are handed to the
same path by `queue_inserted`. `deliver_batch` is the one way a new message is sent. A worker runs the
task: it claims the messages, sends them over one SMTP connection, and stores each outcome.
Every minute the worker's scheduler runs `sweep_outbox`, which sends what is due again (a retry whose
time has come, a message whose sender stopped) and what a queue that could not be reached never got;
`flask send-mail` does the same by hand.

Every sender claims a message before it sends it: one conditional UPDATE moves it from `queued` to
`sending` under the sender's own token, and a sender sends only the rows its UPDATE changed. Two workers
(or a worker and the `send-mail` command) delivering at the same moment therefore never send one message
twice, on SQLite (whose writers take turns) and on PostgreSQL (where the second UPDATE waits for the first
and then sees the row no longer queued; `SKIP LOCKED` lets a sweep pass rows another sender is claiming).

A refusal of the message itself (5xx) fails it at once; other errors (4xx, a server away) are tried again
after RETRY_DELAYS, and the message fails after MAX_ATTEMPTS. Failed messages keep their reason for the
administrators' outbox page, where they can be queued again (`retry_failed`).

Messages are multipart: the text of the caller, and an HTML part from a template of `templates/mail/`
(`render_mail`), both in the recipient's language.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import force_locale
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, select

from empathy.core.db import begin_write, get_engine, utcnow
from empathy.core.queue import crontab, enqueue_after_commit, periodic, task
from empathy.core.smtp import Connection, email_of, is_permanent
from empathy.models import OutboxMessage

log = logging.getLogger(__name__)

# A claim older than this belongs to a sender that stopped (a killed worker): the message may be claimed
# again. Far longer than one batch takes (SMTP timeout 10 s per step, BATCH messages).
CLAIM_TIMEOUT = timedelta(minutes=10)
# After the n-th failed attempt the message waits RETRY_DELAYS[n-1]; after the last it has failed for good.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
BATCH = 50  # messages claimed, and sent over one connection, at a time

_BATCH_KEY = "empathy.mail.batch"  # session.info key: the messages queued in the session's transaction


@dataclass
class _Batch:
    """The messages a transaction queued, and the ids of those flushed so far, in chunks of BATCH: the commit
    queues one `deliver_batch` per chunk (an import's thousands of activation e-mails as well as one sign-up's
    e-mail), so no task claims more than a connection sends in one go."""

    messages: list[OutboxMessage] = field(default_factory=list)
    chunks: list[list[int]] = field(default_factory=list)  # filled as messages are flushed; read after the commit

    def add(self, session: Session, ids: Iterable[int]) -> None:
        for message_id in ids:
            if not self.chunks or len(self.chunks[-1]) >= BATCH:
                self.chunks.append([])
                if has_app_context():
                    # The list is read when the commit queues the task: by then it holds its ids.
                    enqueue_after_commit(session, deliver_batch, self.chunks[-1])
            self.chunks[-1].append(message_id)


def _batch_of(session: Session) -> _Batch:
    batch = session.info.get(_BATCH_KEY)
    if batch is None:
        batch = session.info[_BATCH_KEY] = _Batch()
    return batch


def queue_mail(session: Session, *, to: str, subject: str, body: str, html: str | None = None, kind: str = "",
               language: str | None = None) -> OutboxMessage:
    """Put a message in the outbox; the caller commits, and the commit queues its delivery.

    `body` is the plain-text part; `html` the HTML part (default: `body` in the `mail/text.html` layout), in
    `language` (the recipient's). Outside an application (a script) nothing is queued: the sweep sends it.
    """
    if html is None and has_app_context():
        _text, html = render_mail("text", language, body=body)
    message = OutboxMessage(to_address=to, subject=subject, body=body, html_body=html, kind=kind)
    session.add(message)
    _batch_of(session).messages.append(message)
    return message


def queue_inserted(session: Session, ids: Iterable[int]) -> None:
    """Deliver outbox rows the caller inserted itself (in bulk, e.g. an import's activation e-mails) like the
    messages of `queue_mail`: through `deliver_batch` tasks queued when the caller's transaction commits,
    and never after a rollback. The caller commits."""
    _batch_of(session).add(session, ids)


@event.listens_for(OrmSession, "after_flush_postexec")
def _note_ids(session, _flush_context) -> None:
    batch = session.info.get(_BATCH_KEY)
    if batch is None:
        return
    waiting, flushed = [], []
    for message in batch.messages:
        identity = sa.inspect(message).identity
        if identity is not None:
            flushed.append(identity[0])
        else:
            waiting.append(message)
    batch.messages = waiting
    batch.add(session, flushed)


@event.listens_for(OrmSession, "after_commit")
def _end_batch(session) -> None:
    session.info.pop(_BATCH_KEY, None)


@event.listens_for(OrmSession, "after_soft_rollback")
def _drop_batch(session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_BATCH_KEY, None)


def render_mail(template: str | list[str], language: str | None, **context) -> tuple[str, str | None]:
    """The text and HTML parts of an e-mail from `templates/mail/<template>.txt` and `.html` (the first name
    of a list that has a template), rendered in `language` (en when None) with `context`.

    Outside an application (a script, a test without one) there are no templates: the text is
    `context["body"]` (or its `sentence`, `message` and `url`), and there is no HTML part. Raises
    jinja2.TemplateNotFound when no name has a template.
    """
    names = [template] if isinstance(template, str) else list(template)
    if not has_app_context():
        parts = [context.get("body") or context.get("sentence") or "", context.get("message") or "",
                 f"Open: {context['url']}" if context.get("url") else ""]
        return "\n\n".join(str(p) for p in parts if p), None
    # The app's Jinja environment without the page context processors (no request, no signed-in user here).
    env = current_app.jinja_env
    language = language or "en"
    with force_locale(language):
        parts = [env.select_template([f"mail/{name}.{ext}" for name in names]).render(language=language, **context)
                 for ext in ("txt", "html")]
    return parts[0].strip(), parts[1]


@task
def deliver_batch(ids: list[int]) -> dict:
    """Queue task: claim and send these messages (those still due) and other due ones, up to BATCH, over one
    connection (`deliver_with_others`); the outcomes."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return dict(deliver_with_others(session, current_app.config.get("SMTP"), ids))


@periodic(crontab())
def sweep_outbox() -> dict:
    """Every minute: send what is due (retries whose time came, messages of a sender that stopped, messages
    whose task was never queued), in batches of BATCH over one connection each; the outcomes."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return dict(deliver_queued(session, current_app.config.get("SMTP")))

def deliver_messages(session: Session, smtp: dict | None, ids: Iterable[int]) -> Counter[str]:
    """Claim and send these messages, those of them still due (another sender may have taken some).

    Returns how many messages this call left in each status: sent, logged (no SMTP server), queued (to be
    tried again) or failed. Commits after the claim and after each message.
    """
    ids = sorted(set(ids))
    if not ids:
        return Counter()
    return _send_claimed(session, smtp, _claim(session, OutboxMessage.id.in_(ids)))


def deliver_with_others(session: Session, smtp: dict | None, ids: Iterable[int]) -> Counter[str]:
    """Claim these messages and, up to BATCH in all, other due ones (queued by other requests meanwhile, or
    due again), and send them together over one connection. What a worker runs for a commit's mail: under a
    burst of requests the first tasks take the messages of the next ones, whose tasks then find nothing.

    Returns how many messages this call left in each status (as deliver_messages). Commits after each
    claim and after each message.
    """
    ids = sorted(set(ids))
    claimed = _claim(session, OutboxMessage.id.in_(ids)) if ids else []
    room = BATCH - len(claimed)
    if room > 0:
        claimed += _claim(session, OutboxMessage.id.in_(_due_ids(room).scalar_subquery()))
    return _send_claimed(session, smtp, sorted(claimed, key=lambda m: m.id))


def deliver_queued(session: Session, smtp: dict | None, *, limit: int = 1000) -> Counter[str]:
    """Claim and send every due message, at most `limit`: queued ones whose retry time has come, and those
    whose sender stopped more than CLAIM_TIMEOUT ago, and those whose task never ran. For `sweep_outbox`
    and the `send-mail` command.

    Returns how many messages this call left in each status (as deliver_messages). Commits after each
    claim and after each message.
    """
    _fail_abandoned(session)
    outcomes: Counter[str] = Counter()
    while outcomes.total() < limit:
        due = _due_ids(min(BATCH, limit - outcomes.total()))
        claimed = _claim(session, OutboxMessage.id.in_(due.scalar_subquery()))
        if not claimed:
            break
        outcomes += _send_claimed(session, smtp, claimed)
    return outcomes


def _due_ids(limit: int):
    """The ids of at most `limit` due messages, oldest first, as a subquery for a claim."""
    return (select(OutboxMessage.id).where(_due(utcnow())).order_by(OutboxMessage.id).limit(limit)
            .with_for_update(skip_locked=True))  # PostgreSQL: pass over rows another sender is claiming


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
    connection = Connection(smtp) if smtp and smtp.get("host") else None
    try:
        for message in claimed:
            outcome = _attempt(message, connection)
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
    finally:
        if connection is not None:
            connection.close()
    return outcomes


def _attempt(message: OutboxMessage, connection: Connection | None) -> dict:
    """Send one claimed message over the batch's connection; the columns to store for the outcome."""
    if connection is None:
        # Addresses are personal data: the log names the message, not the person.
        log.info("mail %s (%s) kept in the outbox: no SMTP server configured", message.id, message.kind)
        return {"status": "logged"}
    try:
        connection.send(email_of(message, connection.smtp))
    except (OSError, smtplib.SMTPException) as exc:
        error = str(exc)[:500]
        # SMTP errors quote the refused addresses: the log keeps only the error's kind and code.
        code = getattr(exc, "smtp_code", "")
        if is_permanent(exc) or message.attempts >= MAX_ATTEMPTS:
            log.warning("mail %s (%s) failed for good after %d attempt(s): %s %s", message.id, message.kind,
                        message.attempts, type(exc).__name__, code)
            return {"status": "failed", "error": error}
        delay = RETRY_DELAYS[message.attempts - 1]
        log.warning("mail %s (%s) failed (attempt %d of %d), tried again in %s: %s %s", message.id, message.kind,
                    message.attempts, MAX_ATTEMPTS, delay, type(exc).__name__, code)
        return {"status": "queued", "error": error, "next_attempt_at": utcnow() + delay}
    return {"status": "sent", "sent_at": utcnow(), "error": None}


def retry_failed(session: Session, message_id: int) -> bool:
    """Queue a failed message again with a fresh count of attempts (an administrator's "retry now"); True
    when it was failed and is queued now. The caller records who did it, and commits; the commit queues
    its delivery."""
    begin_write(session)
    changed = session.execute(
        sa.update(OutboxMessage).where(OutboxMessage.id == message_id, OutboxMessage.status == "failed")
        .values(status="queued", attempts=0, next_attempt_at=None, claimed_at=None, claimed_by=None)
        .execution_options(synchronize_session=False)).rowcount
    if changed and has_app_context():
        enqueue_after_commit(session, deliver_batch, [message_id])
    return bool(changed)
