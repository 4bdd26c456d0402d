"""Provisioning tokens: the bearer secrets an HR system or identity provider calls `/scim/v2` with.

Made and revoked by administrators (audited), shown once, kept as an HMAC-SHA256 keyed with the app's
secret key (the same function as personal access tokens). They are a table of their own rather than
personal access tokens with a scope: a personal token acts as its owner and ends when the owner changes
their password or leaves, which would cut the HR feed; a provisioning token belongs to the installation.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.accounts.services.tokens import token_hash
from empathy.core import audit
from empathy.core.db import begin_write, compare_and_set, retrying, utcnow, write_aside
from empathy.core.errors import NotFound, ServiceError
from empathy.models import ProvisioningToken, User

PREFIX = "scim_"
MAX_NAME = 100
MAX_TOKENS = 20
LAST_USED_GRANULARITY = timedelta(minutes=1)


@retrying
def create_token(*, session: Session, actor: User, name: str, secret_key: str) -> tuple[ProvisioningToken, str]:
    """Make a provisioning token; returns the row and the secret, shown only this once. Commits.

    Raises ServiceError on `name` when it is empty or too long, or when MAX_TOKENS live tokens exist."""
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError(str(_l("Enter a name for the token.")), field="name")
    if len(name) > MAX_NAME:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_NAME)), field="name")
    begin_write(session)
    live = session.exec(select(sa.func.count()).select_from(ProvisioningToken)
                        .where(ProvisioningToken.revoked_at.is_(None))).one()
    if live >= MAX_TOKENS:
        raise ServiceError(str(_l("There are %(n)d provisioning tokens: revoke one that is no longer used first.",
                                  n=MAX_TOKENS)), field="name")
    secret = PREFIX + secrets.token_urlsafe(32)
    row = ProvisioningToken(name=name, token_hash=token_hash(secret_key, secret), created_by=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor_id=actor.id, action="provisioning_token_created", target_type="provisioning_token",
                 target_id=row.id)
    session.commit()
    return row, secret


def list_tokens(*, session: Session) -> list[ProvisioningToken]:
    """The live provisioning tokens, newest first."""
    return list(session.exec(select(ProvisioningToken).where(ProvisioningToken.revoked_at.is_(None))
                             .order_by(ProvisioningToken.created_at.desc(), ProvisioningToken.id.desc())).all())


@retrying
def revoke_token(*, session: Session, actor: User, token_id: int) -> ProvisioningToken:
    """Revoke a provisioning token (audited): the next call with it is refused. Commits.

    Raises NotFound for an unknown token or one already revoked (also at the same moment)."""
    gone = NotFound(str(_l("There is no such token.")))
    begin_write(session)
    row = session.get(ProvisioningToken, token_id, populate_existing=True)
    if row is None or row.revoked_at is not None:
        raise gone
    if not compare_and_set(session, row, ProvisioningToken.revoked_at.is_(None), revoked_at=utcnow()):
        raise gone
    audit.record(session, actor_id=actor.id, action="provisioning_token_revoked", target_type="provisioning_token",
                 target_id=row.id)
    session.commit()
    return row


def check_token(*, session: Session, secret: str, secret_key: str, now: datetime | None = None) -> int | None:
    """The id of the live provisioning token with this secret, or None. Notes its use (at most once a minute)
    aside from the request."""
    if not secret or len(secret) > 200 or not secret.startswith(PREFIX):
        return None
    row = session.exec(select(ProvisioningToken).where(
        ProvisioningToken.token_hash == token_hash(secret_key, secret))).first()
    if row is None or row.revoked_at is not None:
        return None
    now = now or utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_GRANULARITY:
        write_aside(session, sa.update(ProvisioningToken).where(
            ProvisioningToken.id == row.id,
            sa.or_(ProvisioningToken.last_used_at.is_(None),
                   ProvisioningToken.last_used_at < now - LAST_USED_GRANULARITY),
        ).values(last_used_at=now).execution_options(synchronize_session=False))
    return row.id
