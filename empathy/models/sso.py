"""Accounts at an OpenID Connect provider, linked to the local account they sign in to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field

# OpenID Connect Core 1.0, 2: `sub` is at most 255 ASCII characters; an issuer is an https URL.
MAX_SUBJECT = 255
MAX_ISSUER = 255


class ExternalIdentity(SQLModel, table=True):
    """One (issuer, subject) pair, the stable name of a person at a provider, and the account it signs in to.

    The provider's e-mail address may change; the subject does not, so a later sign-in finds the account
    through this row, never through the address again."""

    __tablename__ = "external_identities"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject", name="uq_external_identities_issuer_subject"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    issuer: str = Field(max_length=MAX_ISSUER)
    subject: str = Field(max_length=MAX_SUBJECT)
    created_at: datetime = created_at_field()
    last_sign_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
