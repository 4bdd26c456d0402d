"""The audit log: administrative and approval actions, written in the transaction of the action."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.pagination import Page, paginate
from empathy.models import AUDIT_ACTIONS, AuditEntry

ACTION_LABELS = {
    "role_changed": _l("Role changed"),
    "user_activated": _l("Account reactivated"),
    "user_deactivated": _l("Account deactivated"),
    "employees_imported": _l("Employees imported"),
    "skills_merged": _l("Skills merged"),
    "account_deleted": _l("Account deleted"),
    "hours_approved": _l("Hours approved"),
    "hours_rejected": _l("Hours rejected"),
    "volunteer_approved": _l("Volunteer approved"),
    "volunteer_rejected": _l("Volunteer turned down"),
    "password_reset": _l("Password reset by e-mail"),
    "need_created": _l("Need created"),
    "need_edited": _l("Need edited"),
    "need_published": _l("Need published"),
    "need_closed": _l("Need closed"),
    "need_reopened": _l("Need reopened"),
    "need_cancelled": _l("Need cancelled"),
    "volunteers_invited": _l("Volunteers invited"),
    "two_factor_enabled": _l("Two-factor sign-in turned on"),
    "two_factor_disabled": _l("Two-factor sign-in turned off"),
    "two_factor_reset": _l("Two-factor sign-in turned off by an administrator"),
    "mail_retried": _l("E-mail queued again"),
}


def record(session: Session, *, actor_id: int | None, action: str, target_type: str = "",
           target_id: int | None = None, **details: int | str | None) -> AuditEntry:
    """Add an entry to the session; the caller's commit writes it with the action. Ids and codes only."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type, target_id=target_id,
                       details=details)
    session.add(entry)
    return entry


def list_entries(*, session: Session, action: str = "", page: int = 1, per_page: int = 50) -> Page:
    """Entries newest first, optionally of one action."""
    stmt = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if action in AUDIT_ACTIONS:
        stmt = stmt.where(AuditEntry.action == action)
    return paginate(session, stmt, page=page, per_page=per_page)
