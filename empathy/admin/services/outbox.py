"""The outbox as administrators see it: every e-mail with its state, and "retry now" for a failed one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlmodel import Session, select

from empathy.core import audit
from empathy.core.db import retrying
from empathy.core.errors import Conflict, NotFound
from empathy.core.mail import retry_failed
from empathy.core.pagination import Page, paginate
from empathy.models import OUTBOX_STATUSES, OutboxMessage, User

STATUS_LABELS = {
    "queued": lazy_pgettext("e-mail state", "Queued"),
    "sending": lazy_pgettext("e-mail state", "Sending"),
    "sent": lazy_pgettext("e-mail state", "Sent"),
    "logged": lazy_pgettext("e-mail state", "Kept (no mail server)"),
    "failed": lazy_pgettext("e-mail state", "Failed"),
}


def list_outbox(*, session: Session, status: str = "", page: int = 1, per_page: int = 50) -> Page[OutboxMessage]:
    """Messages newest first, of one status (one of OUTBOX_STATUSES) or all when `status` is empty or unknown."""
    statement = select(OutboxMessage)
    if status in OUTBOX_STATUSES:
        statement = statement.where(OutboxMessage.status == status)
    return paginate(session, statement.order_by(OutboxMessage.id.desc()), page=page, per_page=per_page)


@retrying
def retry_message(*, session: Session, actor: User, message_id: int) -> OutboxMessage:
    """Queue a failed message again with a fresh count of attempts; the commit queues its delivery. Audited
    (mail_retried). Commits. NotFound for an unknown id; Conflict when the message is not failed (any more)."""
    if session.get(OutboxMessage, message_id) is None:
        raise NotFound(str(_l("This e-mail does not exist.")))
    if not retry_failed(session, message_id):
        session.rollback()
        raise Conflict(str(_l("Only a failed e-mail can be tried again; this one is not failed (any more).")))
    audit.record(session, actor_id=actor.id, action="mail_retried", target_type="outbox_message",
                 target_id=message_id)
    session.commit()
    return session.get(OutboxMessage, message_id, populate_existing=True)
