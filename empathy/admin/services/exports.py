"""CSV exports of employees and needs, safe to open in Excel."""

from __future__ import annotations

import csv
import io
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from empathy.admin.services.imports_check import COLUMNS as EMPLOYEE_COLUMNS
from empathy.core.labels import site_codes
from empathy.core.text import neutralise
from empathy.models import EmployeeProfile, EmployeeSkill, Need, NeedSkill, Skill, User

NEED_COLUMNS = (
    "id", "title", "status", "cause", "site", "is_remote", "starts_at", "ends_at", "seats",
    "seats_taken", "hours_per_volunteer", "requires_approval", "languages", "skills",
    "beneficiary", "owner_email", "description",
)


def _csv(header: tuple[str, ...], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise("" if v is None else str(v)) for v in row])
    # With a BOM, Excel reads the file as UTF-8 and shows Chinese correctly.
    return buffer.getvalue().encode("utf-8-sig")


def _skill_names(session: Session) -> dict[int, str]:
    return {s.id: s.name for s in session.exec(select(Skill)).all()}


def export_employees_csv(*, session: Session) -> bytes:
    """Every account with a profile, in the import's columns (so the file round-trips)."""
    skills, sites = _skill_names(session), site_codes(session)
    by_profile: dict[int, list[EmployeeSkill]] = {}
    for es in session.exec(select(EmployeeSkill).order_by(EmployeeSkill.id)).all():
        by_profile.setdefault(es.profile_id, []).append(es)
    rows = session.exec(
        select(User, EmployeeProfile).join(EmployeeProfile, EmployeeProfile.user_id == User.id).order_by(User.email)
    ).all()
    return _csv(EMPLOYEE_COLUMNS, (
        (
            user.email, user.display_name, profile.department, sites.get(profile.site_id, ""),
            "; ".join(f"{skills[es.skill_id]}:{es.level}" for es in by_profile.get(profile.id, [])),
            "; ".join(profile.languages or []), "; ".join(profile.causes or []), profile.bio,
        )
        for user, profile in rows
    ))


def export_needs_csv(*, session: Session, timezone: str) -> bytes:
    """Every need with its skills (name:importance:min_level), times in the org time zone."""
    zone = ZoneInfo(timezone)
    skills, sites = _skill_names(session), site_codes(session)
    owners = {u.id: u.email for u in session.exec(select(User)).all()}
    by_need: dict[int, list[NeedSkill]] = {}
    for ns in session.exec(select(NeedSkill).order_by(NeedSkill.id)).all():
        by_need.setdefault(ns.need_id, []).append(ns)

    def when(value):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    needs = session.exec(select(Need).order_by(Need.starts_at, Need.id)).all()
    return _csv(NEED_COLUMNS, (
        (
            n.id, n.title, n.status, n.cause, sites.get(n.site_id, ""), int(n.is_remote), when(n.starts_at),
            when(n.ends_at), n.seats, n.seats_taken, n.hours_per_volunteer, int(n.requires_approval),
            "; ".join(n.languages or []),
            "; ".join(f"{skills[ns.skill_id]}:{ns.importance}:{ns.min_level}" for ns in by_need.get(n.id, [])),
            n.beneficiary, owners.get(n.owner_id, ""), n.description,
        )
        for n in needs
    ))


def links_csv(links: list[tuple[str, str, str]]) -> bytes:
    """(email, name, link) rows as CSV, e.g. an import's activation links for the administrator to pass on."""
    return _csv(("email", "name", "activation_link"), links)
