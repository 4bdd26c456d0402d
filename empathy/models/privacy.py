"""Privacy and accountability: each employee's consent decisions, and the administrators' audit log."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.models.base import created_at_field, one_of

# What an employee may let coordinators see, and whether they are suggested at all.
CONSENT_KINDS = ("suggestible", "skills", "availability", "contact")
AUDIT_ACTIONS = (
    "role_changed", "user_activated", "user_deactivated", "employees_imported", "skills_merged",
    "account_deleted", "hours_approved", "hours_rejected", "volunteer_approved", "volunteer_rejected",
    "password_reset", "need_created", "need_edited", "need_published", "need_closed", "need_reopened",
    "need_cancelled", "volunteers_invited", "two_factor_enabled", "two_factor_disabled", "two_factor_reset",
    "sso_account_created", "sso_account_linked",
    # 0019: provisioning (SCIM), the registration policy, accounts an administrator adds one at a time
    "provisioning_token_created", "provisioning_token_revoked", "registration_policy_changed", "user_created",
    "mail_retried",
    # 0025: every delete by a coordinator, an administrator or the provisioning system
    "need_deleted", "site_deactivated", "site_reactivated", "scim_group_deleted", "volunteer_removed",
)


class Consent(SQLModel, table=True):
    """One consent decision as it was made: the kind, yes or no, and the version of the wording shown."""

    __tablename__ = "consents"
    __table_args__ = (
        one_of("kind", CONSENT_KINDS, "kind"),
        sa.Index("ix_consents_user_kind", "user_id", "kind", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)
    granted: bool
    wording_version: str = Field(max_length=20)
    created_at: datetime = created_at_field()


class AuditEntry(SQLModel, table=True):
    """Who did what to which row. Ids only: no names, e-mails or free text of the people concerned."""

    __tablename__ = "audit_entries"
    __table_args__ = (one_of("action", AUDIT_ACTIONS, "action"),)

    id: int | None = Field(default=None, primary_key=True)
    # Kept when the actor's account is deleted, as NULL; the entry itself stays.
    actor_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", index=True)
    action: str = Field(max_length=40, index=True)
    target_type: str = Field(default="", max_length=40)
    target_id: int | None = Field(default=None)
    # Ids and codes only, e.g. {"from": "employee", "to": "coordinator"} or {"created": 3}.
    details: dict = Field(default_factory=dict, sa_type=sa.JSON, nullable=False)
    created_at: datetime = created_at_field()
