"""Create requests sent twice: each is carried out once, and the second learns what the first created.

A web form carries a one-time token in its address and an API client may send an Idempotency-Key;
either way the use case that creates something records the token with what it created, in its own
transaction (`record`). A second request with the token finds that row (`find`) and is answered with
the first one's result; two at the same moment collide on the row's primary key, and the loser
raises AlreadySubmitted with nothing written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from empathy.core.db import utcnow
from empathy.core.errors import Conflict
from empathy.models import FormSubmission

WEB, API = "web", "api"


@dataclass(frozen=True)
class Submission:
    """One create request's token as a use case records it: `key` is `submission_key(...)`, `fingerprint`
    a digest of an API request (empty for web forms), `status` the HTTP status its answer has."""

    key: str
    user_id: int | None
    fingerprint: str = ""
    status: int = 200


class AlreadySubmitted(Conflict):
    """The request's token was recorded by an earlier (or simultaneous) request; nothing was written."""

    def __init__(self, key: str):
        super().__init__(str(_l("Already recorded: this was sent before, so nothing was added again.")))
        self.key = key


def submission_key(channel: str, user_id: int | None, token: str) -> str:
    """The 64-hex-digit row key of a token: per channel (WEB or API) and user, so no one's key is another's."""
    return hashlib.sha256(f"{channel}\x00{user_id or 0}\x00{token}".encode()).hexdigest()


def find(session: Session, key: str) -> FormSubmission | None:
    """The recorded submission with this key, as stored now, or None."""
    return session.get(FormSubmission, key, populate_existing=True)


def record(session: Session, submission: Submission | None, *, kind: str, target_id: int | None) -> None:
    """Add `submission` to the open write transaction as having created `kind` #`target_id`; no-op for None.

    Call it just before the use case commits. The caller's pending rows are flushed first; then the
    row is inserted at once, so a token taken meanwhile raises AlreadySubmitted here (roll back and
    answer with what `find` returns). On PostgreSQL a simultaneous request with the same token waits
    at this insert until the other commits or rolls back.
    """
    if submission is None:
        return
    session.flush()
    try:
        session.execute(sa.insert(FormSubmission).values(
            key=submission.key, user_id=submission.user_id, kind=kind, target_id=target_id,
            fingerprint=submission.fingerprint, status=submission.status, created_at=utcnow()))
    except IntegrityError as exc:
        raise AlreadySubmitted(submission.key) from exc


def prune(*, session: Session, older_than: timedelta) -> int:
    """Delete submissions recorded more than `older_than` ago; how many went. Commits.

    A form older than that, sent again, creates again: keep it longer than anyone leaves a page open.
    """
    result = session.execute(sa.delete(FormSubmission).where(FormSubmission.created_at < utcnow() - older_than))
    session.commit()
    return result.rowcount or 0
