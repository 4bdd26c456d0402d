"""Credentials for sensitive work: employees record them, admins verify them, needs require them."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.db import begin_write, compare_and_set, lock_rows, retrying, utcnow
from empathy.core.errors import Conflict, Forbidden, NotFound, ServiceError
from empathy.core.i18n import format_list
from empathy.core.pagination import Page, paginate
from empathy.core.submissions import Submission
from empathy.core.submissions import record as record_submission
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
                              kinds=format_list(label(k) for k in lacking))))


@retrying
def set_required_kinds(*, session: Session, actor: User, need_id: int, kinds: list[str]) -> list[str]:
    """Set the credential kinds a need requires (owner or admin). Commits.

    The need is locked while its list is replaced: two lists set at the same moment are applied
    one after the other. Raises ServiceError on `kinds`, NotFound or Forbidden.
    """
    from empathy.volunteering.services.seats import lock_need, require_owner

    unknown = [k for k in kinds if k not in CREDENTIAL_KINDS]
    if unknown:
        raise ServiceError(str(_l("Choose credentials from the list.")), field="kinds")
    begin_write(session)
    need = lock_need(session, need_id)
    require_owner(actor, need)
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


def find_credential(session: Session, credential_id: int) -> Credential | None:
    """One credential by id, or None; no permission check (for answering a repeated record)."""
    return session.get(Credential, credential_id)


def my_credentials(*, session: Session, user: User) -> list[Credential]:
    """The user's credentials in the fixed list's order."""
    rows = session.exec(select(Credential).where(Credential.user_id == user.id)).all()
    return sorted(rows, key=lambda c: CREDENTIAL_KINDS.index(c.kind))


def latest_expiry(today: date) -> date:
    """The latest expiry date a credential may have when recorded on `today` (end of that year + MAX_VALID_YEARS)."""
    return date(today.year + MAX_VALID_YEARS, 12, 31)


@retrying
def record_credential(*, session: Session, user: User, kind: str, expires_on: date, reference: str = "",
                      submission: Submission | None = None) -> Credential:
    """Record (or renew) one of the user's credentials; it waits for an admin's verification. Commits.

    Raises ServiceError on `kind` (not on the list), `expires_on` (already past, or after the end of the year
    MAX_VALID_YEARS from now) or `reference` (too long). Two records of the same kind at the same moment
    (the form sent twice) take turns on the user's row: the second renews what the first made. A
    renewal undoes a verification of the old details, also one made at the same moment. AlreadySubmitted
    when `submission` was recorded before.
    """
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
    begin_write(session)
    lock_rows(session, User, User.id == user.id)
    # Locked too: a verification at the same moment then lands before this (and is undone) or after.
    row = next(iter(lock_rows(session, Credential, Credential.user_id == user.id, Credential.kind == kind)), None)
    if row is None:
        row = Credential(user_id=user.id, kind=kind, expires_on=expires_on)
    row.expires_on, row.reference = expires_on, reference
    # Changed details need a new look from an admin.
    row.verified_at = row.verified_by_id = None
    session.add(row)
    session.flush()
    record_submission(session, submission, kind="credential", target_id=row.id)
    session.commit()
    return row


def unverified(*, session: Session, page: int = 1) -> Page:
    """Credentials waiting for verification, oldest first, with their holders."""
    statement = (select(Credential, User).join(User, User.id == Credential.user_id)
                 .where(Credential.verified_at.is_(None)).order_by(Credential.updated_at, Credential.id))
    return paginate(session, statement, page=page)


@retrying
def verify_credential(*, session: Session, actor: User, credential_id: int) -> Credential:
    """An admin confirms they have seen the credential. Commits.

    One conditional UPDATE: the verification is stored only while the credential is unverified and
    still has the details read here. Raises Forbidden, NotFound, or Conflict when it is already
    verified (also by another admin at the same moment) or its holder changed it meanwhile.
    """
    if not actor.is_admin:
        raise Forbidden(str(_l("Only an administrator can verify credentials.")))

    def check(row: Credential | None) -> Credential:
        if row is None:
            raise NotFound(str(_l("This credential does not exist.")))
        if row.verified_at is not None:
            raise Conflict(str(_l("This credential is already verified.")))
        return row

    begin_write(session)
    row = check(session.get(Credential, credential_id, populate_existing=True))
    as_read = (Credential.verified_at.is_(None), Credential.kind == row.kind, Credential.expires_on == row.expires_on,
               Credential.reference == row.reference)
    if not compare_and_set(session, row, as_read, verified_at=utcnow(), verified_by_id=actor.id):
        check(session.get(Credential, credential_id, populate_existing=True))
        raise Conflict(str(_l("Its holder changed this credential meanwhile: check it again.")))
    session.commit()
    return row
