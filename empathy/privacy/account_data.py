"""The employee's own data: a complete download, and deleting the account."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, SQLModel, select

from empathy.accounts.services.passwords import verify_password
from empathy.core import audit
from empathy.core.db import begin_write, lock_rows, retrying, utcnow
from empathy.core.errors import Conflict, NotFound, ServiceError
from empathy.models import (
    ApiToken,
    CalendarFeed,
    Consent,
    Credential,
    EmployeeProfile,
    EmployeeSkill,
    ExternalIdentity,
    HoursRecord,
    HoursStatus,
    Match,
    MatchStatus,
    Need,
    Notification,
    OutboxMessage,
    Skill,
    TwoFactor,
    User,
    UserSession,
)
from empathy.volunteering.services.seats import free_seat

SECRETS = {"password_hash", "token_hash", "password_mark"}  # never part of a download


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _row(obj: SQLModel, drop: set[str] = frozenset()) -> dict:
    return {k: _plain(v) for k, v in obj.model_dump().items() if k not in SECRETS | set(drop)}


def _two_factor(session: Session, user: User) -> dict | None:
    # The secret and the recovery-code hashes are credentials, not data about the person.
    row = session.get(TwoFactor, user.id)
    if row is None:
        return None
    return {"created_at": _plain(row.created_at), "last_used_at": _plain(row.last_used_at),
            "recovery_codes_left": len(row.recovery_hashes)}


def export_my_data(*, session: Session, user: User) -> dict:
    """Every row that refers to the user, as JSON-ready dicts (no password or token hashes)."""
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).first()
    skills = []
    if profile is not None:
        skills = [{**_row(es), "skill_name": k.name, "skill_label_en": k.label_en} for es, k in session.exec(
            select(EmployeeSkill, Skill).join(Skill, Skill.id == EmployeeSkill.skill_id)
            .where(EmployeeSkill.profile_id == profile.id)).all()]
    matches = [{**_row(m), "need_title": n.title} for m, n in session.exec(
        select(Match, Need).join(Need, Need.id == Match.need_id).where(Match.user_id == user.id)).all()]

    def rows(model, column) -> list[dict]:
        return [_row(r) for r in session.exec(select(model).where(column == user.id).order_by(model.id)).all()]

    return {
        "generated_at": utcnow().isoformat(),
        "user": _row(user),
        "profile": _row(profile) if profile else None,
        "skills": skills,
        "matches": matches,
        "hours": rows(HoursRecord, HoursRecord.user_id),
        "notifications": rows(Notification, Notification.user_id),
        "credentials": rows(Credential, Credential.user_id),
        "consents": rows(Consent, Consent.user_id),
        "api_tokens": rows(ApiToken, ApiToken.user_id),
        "calendar_feeds": rows(CalendarFeed, CalendarFeed.user_id),
        "sessions": rows(UserSession, UserSession.user_id),
        "identity_provider_links": rows(ExternalIdentity, ExternalIdentity.user_id),
        "two_factor": _two_factor(session, user),
        "emails": [_row(m) for m in session.exec(select(OutboxMessage).where(OutboxMessage.to_address == user.email)
                                                 .order_by(OutboxMessage.id)).all()],
    }


# Notifications to a need's owner that carry the person's name (see volunteering.services.signups).
NAMING_KINDS = ("volunteered", "signed_up", "withdrawn")


def _forget_name_in_owners_notifications(session: Session, user: User) -> None:
    """Delete other people's notifications that name the user about a need they signed up for."""
    links = {f"/needs/{need_id}/people" for need_id in session.exec(
        select(Match.need_id).where(Match.user_id == user.id)).all()}
    if not links:
        return
    notes = session.exec(select(Notification).where(
        Notification.kind.in_(NAMING_KINDS), Notification.link.in_(links), Notification.user_id != user.id)).all()
    ids = [n.id for n in notes if n.params.get("name") == user.display_name]
    if ids:
        session.execute(sa.delete(Notification).where(Notification.id.in_(ids)))


def _forget_name_in_invitations(session: Session, user: User) -> None:
    """Take the user's name out of the invitations they sent: the invitees keep the notification (and
    the invitation on their commitments page) without the name; the outbox's copies of the e-mail go."""
    invitees = list(session.exec(select(Match.user_id).where(Match.invited_by_id == user.id)).all())
    if not invitees:
        return
    for note in session.exec(select(Notification).where(Notification.kind == "invited",
                                                        Notification.user_id.in_(invitees))).all():
        if note.params.get("by") == user.display_name:
            note.params = {k: v for k, v in note.params.items() if k != "by"}  # a new dict: the change is seen
            session.add(note)
    mails = session.exec(select(OutboxMessage).where(OutboxMessage.kind.in_([f"invited:{i}" for i in invitees]))).all()
    ids = [m.id for m in mails if user.display_name in m.body]
    if ids:
        session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id.in_(ids)))


@retrying
def delete_account(*, session: Session, user: User, password: str | None, confirmed_elsewhere: bool = False) -> None:
    """Delete the account and its personal data after checking the password. Commits.

    An account with no password (single sign-on) is deleted with `confirmed_elsewhere`: the caller has
    checked that its owner signed in again at the identity provider minutes ago (accounts.login.
    recently_confirmed). An account with a password always needs it.

    Approved hours stay in the reports without a person (hours_records.user_id becomes NULL and
    the person's free-text note and a reviewer's reason for refusing them are blanked; hours, date
    and department stay); seats the person held on needs still to come are given back; need owners'
    notifications naming the person go, and invitations they sent no longer name them (the outbox's
    copies of those e-mails go). The saved matching model is the caller's to refit
    (suggestions.runtime.refit_without_deleted).
    Raises ServiceError on `password`, Conflict for the only active administrator, NotFound when
    the account is already gone.

    What the deletion depends on is locked first, in the order the other use cases take it (the
    administrators, the account, the needs of its sign-ups, the sign-ups): a sign-up or withdrawal
    at the same moment is counted in the seats, and two administrators cannot both leave.
    """
    proved_at_provider = user.password_hash is None and confirmed_elsewhere
    if not proved_at_provider and not verify_password(user.password_hash, password or ""):
        raise ServiceError(str(_l("The password is not correct.")), field="password")
    _erase(session, user.id, only_admin=_l("You are the only administrator: make someone else an administrator first."))


@retrying
def erase_account(*, session: Session, user_id: int, **details: int | str | None) -> None:
    """Delete an account and its personal data on another's behalf (a provisioning system), as
    `delete_account` does without the password; `details` go into the audit entry. Commits.

    Raises Conflict for the only active administrator, NotFound when the account is already gone.
    """
    _erase(session, user_id, only_admin=_l("This is the only active administrator: "
                                          "make someone else an administrator first."), **details)


def _erase(session: Session, user_id: int, *, only_admin, **details: int | str | None) -> None:
    begin_write(session)
    admins = lock_rows(session, User, User.role == "admin", User.active.is_(True))
    user = next(iter(lock_rows(session, User, User.id == user_id)), None)
    if user is None:
        raise NotFound(str(_l("This user does not exist.")))
    if user.role == "admin" and not [a for a in admins if a.id != user.id]:
        raise Conflict(str(only_admin))
    now = utcnow()
    need_ids = session.exec(select(Match.need_id).where(Match.user_id == user.id)).all()
    needs = {n.id: n for n in lock_rows(session, Need, Need.id.in_(need_ids))}
    for match in lock_rows(session, Match, Match.user_id == user.id):
        need = needs.get(match.need_id) or session.get(Need, match.need_id)
        if match.status == MatchStatus.CONFIRMED and need.ends_at > now:
            free_seat(session, need)
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).first()
    if profile is not None:
        session.execute(sa.delete(EmployeeSkill).where(EmployeeSkill.profile_id == profile.id))
    # Pending hours are not a contribution yet; approved and rejected ones stay, anonymised.
    session.execute(
        sa.delete(HoursRecord).where(HoursRecord.user_id == user.id, HoursRecord.status == HoursStatus.PENDING))
    _forget_name_in_owners_notifications(session, user)
    _forget_name_in_invitations(session, user)
    for model in (EmployeeProfile, Consent, Notification, Credential, ApiToken, CalendarFeed, UserSession, Match,
                  TwoFactor, ExternalIdentity):
        session.execute(sa.delete(model).where(model.user_id == user.id))
    session.execute(sa.delete(OutboxMessage).where(OutboxMessage.to_address == user.email))
    # A reviewer's reason for refusing the person's hours is about them too (the CHECK wants it not NULL).
    session.execute(sa.update(HoursRecord).where(HoursRecord.user_id == user.id,
                                                 HoursRecord.rejection_reason.is_not(None)).values(rejection_reason=""))
    session.execute(sa.update(HoursRecord).where(HoursRecord.user_id == user.id).values(user_id=None, note=""))
    audit.record(session, actor_id=None, action="account_deleted", target_type="user", target_id=user.id, **details)
    session.execute(sa.delete(User).where(User.id == user.id))
    session.commit()
    session.expunge_all()
