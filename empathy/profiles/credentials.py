"""Credentials for sensitive work: employees record them, admins verify them, needs require them."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.db import utcnow
from empathy.core.errors import Conflict, Forbidden, NotFound, ServiceError
from empathy.core.pagination import Page, paginate
from empathy.models import CREDENTIAL_KINDS, Credential, Need, NeedCredential, User

LABELS = {
    "background_check": _l("Background check (work with children)"),
    "first_aid": _l("First aid certificate"),
    "health_certificate": _l("Health certificate (food or care work)"),
    "driving_licence": _l("Driving licence"),
}
MAX_REFERENCE = 120
# No certificate runs longer; a later date is a typo (2205 for 2025) that would count as valid for ever.
MAX_VALID_YEARS = 50


def label(kind: str) -> str:
    """The credential kind's name in the current language."""
    return str(LABELS.get(kind, kind))


def required_kinds(session: Session, need_id: int) -> list[str]:
    """The credential kinds a need requires, in the fixed list's order."""
    kinds = set(session.exec(select(NeedCredential.kind).where(NeedCredential.need_id == need_id)).all())
    return [k for k in CREDENTIAL_KINDS if k in kinds]


def valid_kinds(session: Session, user_ids: list[int], *, today: date | None = None) -> dict[int, set[str]]:
    """For each user, the kinds they hold verified and unexpired."""
    today = today or utcnow().date()
    out: dict[int, set[str]] = {uid: set() for uid in user_ids}
    if not user_ids:
        return out
    rows = session.exec(
        select(Credential.user_id, Credential.kind)
        .where(Credential.user_id.in_(user_ids), Credential.verified_at.is_not(None), Credential.expires_on >= today)
    ).all()
    for uid, kind in rows:
        out[uid].add(kind)
    return out


def missing_kinds(session: Session, need_id: int, user_ids: list[int]) -> dict[int, list[str]]:
    """For each user, the required kinds they lack (empty lists when the need asks for none)."""
    required = required_kinds(session, need_id)
    if not required:
        return {uid: [] for uid in user_ids}
    held = valid_kinds(session, user_ids)
    return {uid: [k for k in required if k not in held[uid]] for uid in user_ids}


def require_credentials(session: Session, need: Need, user_id: int) -> None:
    """Refuse to confirm someone without a valid, verified credential of every required kind."""
    lacking = missing_kinds(session, need.id, [user_id])[user_id]
    if lacking:
        raise Conflict(str(_l("A valid, verified credential is needed for this work: %(kinds)s.",
                              kinds=", ".join(label(k) for k in lacking))))


def set_required_kinds(*, session: Session, actor: User, need_id: int, kinds: list[str]) -> list[str]:
    """Set the credential kinds a need requires (owner or admin). Commits."""
    from empathy.volunteering.services.seats import load_need, require_owner

    need = load_need(session, need_id)
    require_owner(actor, need)
    unknown = [k for k in kinds if k not in CREDENTIAL_KINDS]
    if unknown:
        raise ServiceError(str(_l("Choose credentials from the list.")), field="kinds")
    for row in session.exec(select(NeedCredential).where(NeedCredential.need_id == need.id)).all():
        if row.kind not in kinds:
            session.delete(row)
    have = set(required_kinds(session, need.id))
    for kind in dict.fromkeys(kinds):
        if kind not in have:
            session.add(NeedCredential(need_id=need.id, kind=kind))
    need.updated_at = utcnow()
    session.add(need)
    session.commit()
    return required_kinds(session, need.id)


def my_credentials(*, session: Session, user: User) -> list[Credential]:
    """The user's credentials in the fixed list's order."""
    rows = session.exec(select(Credential).where(Credential.user_id == user.id)).all()
    return sorted(rows, key=lambda c: CREDENTIAL_KINDS.index(c.kind))


def latest_expiry(today: date) -> date:
    """The latest expiry date a credential may have when recorded on `today` (end of that year + MAX_VALID_YEARS)."""
    return date(today.year + MAX_VALID_YEARS, 12, 31)


def record_credential(*, session: Session, user: User, kind: str, expires_on: date, reference: str = "") -> Credential:
    """Record (or renew) one of the user's credentials; it waits for an admin's verification. Commits.

    Raises ServiceError on `kind` (not on the list), `expires_on` (already past, or after the end of the year
    MAX_VALID_YEARS from now) or `reference` (too long)."""
    if kind not in CREDENTIAL_KINDS:
        raise ServiceError(str(_l("Choose a credential from the list.")), field="kind")
    today = utcnow().date()
    if expires_on < today:
        raise ServiceError(str(_l("This credential has already expired.")), field="expires_on")
    if expires_on > latest_expiry(today):
        raise ServiceError(str(_l("Enter an expiry date no later than %(year)d.", year=latest_expiry(today).year)),
                           field="expires_on")
    reference = (reference or "").strip()
    if len(reference) > MAX_REFERENCE:
        raise ServiceError(str(_l("Use at most %(n)d characters.", n=MAX_REFERENCE)), field="reference")
    row = session.exec(select(Credential).where(Credential.user_id == user.id, Credential.kind == kind)).first()
    if row is None:
        row = Credential(user_id=user.id, kind=kind, expires_on=expires_on)
    row.expires_on, row.reference = expires_on, reference
    # Changed details need a new look from an admin.
    row.verified_at = row.verified_by_id = None
    session.add(row)
    session.commit()
    return row


def unverified(*, session: Session, page: int = 1) -> Page:
    """Credentials waiting for verification, oldest first, with their holders."""
    statement = (select(Credential, User).join(User, User.id == Credential.user_id)
                 .where(Credential.verified_at.is_(None)).order_by(Credential.updated_at, Credential.id))
    return paginate(session, statement, page=page)


def verify_credential(*, session: Session, actor: User, credential_id: int) -> Credential:
    """An admin confirms they have seen the credential. Commits."""
    if not actor.is_admin:
        raise Forbidden(str(_l("Only an administrator can verify credentials.")))
    row = session.get(Credential, credential_id)
    if row is None:
        raise NotFound(str(_l("This credential does not exist.")))
    row.verified_at, row.verified_by_id = utcnow(), actor.id
    session.add(row)
    session.commit()
    return row
