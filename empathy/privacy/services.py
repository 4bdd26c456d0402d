"""Consent: what coordinators may see of an employee, and whether they are suggested at all.

The profile holds the current choice (is_suggestible, share_skills, share_availability,
share_contact); every change is also kept in `consents` with the version of the wording shown.
Coordinators' views and the API read employees only through `shared_view` and
`redacted_explanation`, so a "no" holds everywhere suggestions appear.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from empathy.core.db import begin_write, lock_rows, retrying, utcnow
from empathy.core.errors import ServiceError
from empathy.models import CONSENT_KINDS, Consent, EmployeeProfile, User

# Change this when the wording on the privacy page changes: choices made under old wording show so.
WORDING_VERSION = "2026-11"
FIELDS = {"suggestible": "is_suggestible", "skills": "share_skills", "availability": "share_availability",
          "contact": "share_contact"}
LABELS = {
    "suggestible": _l("Suggest me to coordinators for needs that fit my skills"),
    "skills": _l("Coordinators may see my skills and levels"),
    "availability": _l("Coordinators may see my availability and hours per month"),
    "contact": _l("Coordinators of needs I join may see my e-mail address"),
}


def _profile(session: Session, user: User) -> EmployeeProfile:
    """The user's profile as stored now, locked until the commit (made if missing); call `begin_write` first."""
    profile = next(iter(lock_rows(session, EmployeeProfile, EmployeeProfile.user_id == user.id)), None)
    if profile is None:
        profile = EmployeeProfile(user_id=user.id)
        session.add(profile)
        session.flush()
    return profile


def current_consents(*, session: Session, user: User) -> dict[str, bool]:
    """The user's present choices, by kind."""
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).first()
    profile = profile or EmployeeProfile(user_id=user.id)
    return {kind: bool(getattr(profile, attr)) for kind, attr in FIELDS.items()}


def record_consent(session: Session, user_id: int, kind: str, granted: bool) -> Consent:
    """Keep one decision in the history; the caller commits."""
    row = Consent(user_id=user_id, kind=kind, granted=granted, wording_version=WORDING_VERSION)
    session.add(row)
    return row


@retrying
def set_consents(*, session: Session, user: User, choices: dict[str, bool]) -> list[str]:
    """Apply the user's choices; returns the kinds that changed, each recorded with the wording version. Commits.

    The profile is locked while the choices are compared and written: the same choice sent twice at
    once is one change in the history. Raises ServiceError for an unknown kind.
    """
    unknown = set(choices) - set(CONSENT_KINDS)
    if unknown:
        raise ServiceError(str(_l("Unknown choice.")))
    begin_write(session)
    profile = _profile(session, user)
    changed = []
    for kind, granted in choices.items():
        attr = FIELDS[kind]
        if bool(getattr(profile, attr)) != bool(granted):
            setattr(profile, attr, bool(granted))
            record_consent(session, user.id, kind, bool(granted))
            changed.append(kind)
    if changed:
        profile.updated_at = utcnow()  # the matcher drops or takes back the employee on its next sync
        session.add(profile)
    session.commit()
    return changed


def consent_history(*, session: Session, user: User) -> list[Consent]:
    """Every decision the user made, newest first."""
    return list(session.exec(select(Consent).where(Consent.user_id == user.id)
                             .order_by(Consent.created_at.desc(), Consent.id.desc())).all())


def shared_view(profile: EmployeeProfile) -> EmployeeProfile:
    """The profile as coordinators may see it: an unsaved copy with what is not consented blanked."""
    if profile.share_availability:
        return profile
    return EmployeeProfile(
        id=profile.id, user_id=profile.user_id, site_id=profile.site_id, department=profile.department,
        bio=profile.bio, languages=list(profile.languages or []), causes=list(profile.causes or []),
        hours_per_month=0, available_weekdays=False, available_weekends=False, available_evenings=False,
        remote_ok=profile.remote_ok, travel_ok=profile.travel_ok, is_suggestible=profile.is_suggestible,
        share_skills=profile.share_skills,
        share_availability=False, share_contact=profile.share_contact,
    )


def redacted_explanation(explanation: dict, profile: EmployeeProfile) -> dict:
    """The score's explanation without the employee's skills when they did not consent to show them."""
    if profile.share_skills:
        return explanation
    explanation = explanation or {}
    parts = {name: {k: v for k, v in part.items() if k in ("score", "weight", "used", "share", "role")}
             for name, part in (explanation.get("parts") or {}).items() if isinstance(part, dict)}
    # The fit and its band say how well, not which skills: they stay.
    kept = {k: explanation[k] for k in ("need_id", "employee_id", "score", "fit", "band", "margin", "calibration",
                                               "tie_break_bonus")
            if k in explanation}
    return {**kept, "parts": parts, "matched_skills": [], "related_skills": [], "missing_must_have": [],
            "missing_nice_to_have": [], "top_terms": [], "skills_hidden": True}
