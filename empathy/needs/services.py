"""Writing welfare needs: coordinators create, edit, publish, close, reopen and copy them; browsing is in needs_query."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core import audit
from empathy.core.db import begin_write, utcnow
from empathy.core.errors import Conflict, Forbidden, NotFound, ServiceError
from empathy.models import Need, NeedSkill, NeedStatus, Site, User
from empathy.needs.query import NeedDetail, get_need
from empathy.profiles.services import LANGUAGES, LEVELS, cause_codes, resolve_skill_rows
from empathy.profiles.taxonomy import MAX_SKILL_NAME

MAX_TITLE = 200
MAX_DESCRIPTION = 10000
MAX_BENEFICIARY = 200
MAX_SEATS = 10000
MAX_HOURS = 1000
IMPORTANCES = ("must", "nice")
EDITABLE = ("draft", "open", "filled", "closed")


@dataclass
class NeedSkillInput:
    name: str
    importance: str = "must"
    min_level: int = 1


@dataclass
class NeedInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    cause: str
    description: str = ""
    beneficiary: str = ""
    site: int | str | None = None  # a site id or code
    remote: bool = False
    seats: int = 1
    hours_per_volunteer: float = 4.0
    requires_approval: bool = False
    skills: list[NeedSkillInput] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)  # codes from profiles.LANGUAGES


def _err(message, field_name: str) -> ServiceError:
    return ServiceError(str(message), field=field_name)


def _resolve_site(session: Session, ref: int | str | None, current: int | None) -> Site | None:
    if ref in (None, ""):
        return None
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        site = session.get(Site, int(ref))
    else:
        site = session.exec(select(Site).where(Site.code == ref)).first()
    if site is None or (not site.is_active and site.id != current):
        raise _err(_l("Choose one of the listed sites."), "site")
    return site


def _validate(session: Session, data: NeedInput, *, seats_taken: int = 0, current_site: int | None = None) -> Site | None:
    title = (data.title or "").strip()
    if not title:
        raise _err(_l("Enter a title."), "title")
    if len(title) > MAX_TITLE:
        raise _err(_l("Use at most %(n)d characters.", n=MAX_TITLE), "title")
    if len(data.description or "") > MAX_DESCRIPTION:
        raise _err(_l("Use at most %(n)d characters.", n=MAX_DESCRIPTION), "description")
    if len(data.beneficiary or "") > MAX_BENEFICIARY:
        raise _err(_l("Use at most %(n)d characters.", n=MAX_BENEFICIARY), "beneficiary")
    if data.cause not in cause_codes():
        raise _err(_l("Choose one of the listed causes."), "cause")
    site = _resolve_site(session, data.site, current_site)
    if site is None and not data.remote:
        raise _err(_l("Choose a site, or mark the need as remote."), "site")
    for name in ("starts_at", "ends_at"):
        value = getattr(data, name)
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise _err(_l("Enter a date and time."), name)
    if data.ends_at < data.starts_at:
        raise _err(_l("The end must not be before the start."), "ends_at")
    seats = data.seats
    if not isinstance(seats, int) or isinstance(seats, bool) or not 1 <= seats <= MAX_SEATS:
        raise _err(_l("Enter a number of seats from 1 to %(n)d.", n=MAX_SEATS), "seats")
    if seats < seats_taken:
        raise _err(_l("%(n)d volunteers are already confirmed: keep at least that many seats.", n=seats_taken), "seats")
    hours = data.hours_per_volunteer
    if not isinstance(hours, (int, float)) or isinstance(hours, bool) or not 0 < hours <= MAX_HOURS:
        raise _err(_l("Enter hours above 0 and at most %(n)d.", n=MAX_HOURS), "hours_per_volunteer")
    if any(code not in LANGUAGES for code in data.languages or []):
        raise _err(_l("Choose languages from the list."), "languages")
    for i, row in enumerate(data.skills):
        prefix = f"skills-{i}-"
        name = (row.name or "").strip()
        if not name:
            raise _err(_l("Enter a skill name."), prefix + "name")
        if len(name) > MAX_SKILL_NAME:
            raise _err(_l("A skill name can have at most %(n)d characters.", n=MAX_SKILL_NAME), prefix + "name")
        if row.importance not in IMPORTANCES:
            raise _err(_l("Choose must-have or nice-to-have."), prefix + "importance")
        if row.min_level not in LEVELS or isinstance(row.min_level, bool):
            raise _err(_l("Choose a level from 1 (beginner) to 4 (expert)."), prefix + "min_level")
    return site


def _apply(session: Session, need: Need, data: NeedInput, site: Site | None) -> None:
    skills = resolve_skill_rows(session, [r.name for r in data.skills], lambda i: f"skills-{i}-name")
    need.title = data.title.strip()
    need.description = (data.description or "").strip()
    need.beneficiary = (data.beneficiary or "").strip()
    need.cause = data.cause
    need.site_id = site.id if site else None
    need.is_remote = bool(data.remote)
    need.starts_at = data.starts_at.astimezone(UTC)
    need.ends_at = data.ends_at.astimezone(UTC)
    need.seats = data.seats
    need.hours_per_volunteer = float(data.hours_per_volunteer)
    need.requires_approval = bool(data.requires_approval)
    need.languages = list(dict.fromkeys(data.languages or []))
    if need.status in ("open", "filled"):
        need.status = "filled" if need.seats_taken >= need.seats else "open"
    need.updated_at = utcnow()  # the matcher re-reads rows whose updated_at moved
    session.add(need)
    session.flush()
    existing = {ns.skill_id: ns for ns in session.exec(select(NeedSkill).where(NeedSkill.need_id == need.id)).all()}
    wanted = {s.id for s in skills}
    for skill_id, ns in existing.items():
        if skill_id not in wanted:
            session.delete(ns)
    for skill, row in zip(skills, data.skills):
        ns = existing.get(skill.id) or NeedSkill(need_id=need.id, skill_id=skill.id)
        ns.importance, ns.min_level = row.importance, row.min_level
        session.add(ns)


@contextmanager
def _writing(session: Session) -> Iterator[None]:
    """One write transaction: everything is saved at the end, or nothing at all."""
    begin_write(session)
    try:
        yield
        _commit(session)
    except Exception:
        session.rollback()
        raise


def _commit(session: Session) -> None:
    try:
        session.commit()
    except IntegrityError as exc:
        # A volunteer was confirmed meanwhile and the new seat count is below it.
        session.rollback()
        raise Conflict(str(_l("The need changed meanwhile. Reload it and try again.")), field="seats") from exc


def _require_coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise Forbidden(str(_l("Only coordinators can manage needs.")))


def _editable(session: Session, actor: User, need_id: int) -> Need:
    _require_coordinator(actor)
    need = session.get(Need, need_id)
    if need is None or (need.status == "draft" and need.owner_id != actor.id and not actor.is_admin):
        raise NotFound(str(_l("There is no such need.")))
    if need.owner_id != actor.id and not actor.is_admin:
        raise Forbidden(str(_l("Only the coordinator who owns this need, or an administrator, can change it.")))
    return need


def create_need(*, session: Session, owner: User, data: NeedInput) -> Need:
    """Create a need as a draft, with its required skills."""
    _require_coordinator(owner)
    with _writing(session):
        site = _validate(session, data)
        need = Need(title="", cause=data.cause, starts_at=data.starts_at, ends_at=data.ends_at,
                    owner_id=owner.id, status="draft")
        _apply(session, need, data, site)
        audit.record(session, actor_id=owner.id, action="need_created", target_type="need", target_id=need.id)
    return need


def update_need(*, session: Session, actor: User, need_id: int, data: NeedInput) -> Need:
    """Change a need's details and skills (owner or admin)."""
    with _writing(session):
        need = _editable(session, actor, need_id)
        if need.status not in EDITABLE:
            raise Conflict(str(_l("A completed or cancelled need cannot be changed.")))
        site = _validate(session, data, seats_taken=need.seats_taken, current_site=need.site_id)
        _apply(session, need, data, site)
        audit.record(session, actor_id=actor.id, action="need_edited", target_type="need", target_id=need.id)
    return need


def _transition(session: Session, actor: User, need_id: int, allowed: tuple[str, ...], message,
                *, to: str, action: str, must_not_have_ended=None) -> Need:
    with _writing(session):
        need = _editable(session, actor, need_id)
        if need.status not in allowed:
            raise Conflict(str(message))
        if must_not_have_ended is not None and need.ends_at <= utcnow():
            raise Conflict(str(must_not_have_ended))
        if to == "open" and need.seats_taken >= need.seats:
            to = "filled"
        need.status = to
        need.updated_at = utcnow()
        audit.record(session, actor_id=actor.id, action=action, target_type="need", target_id=need.id)
    return need


def publish_need(*, session: Session, actor: User, need_id: int) -> Need:
    """Open a draft to volunteers."""
    return _transition(session, actor, need_id, (NeedStatus.DRAFT,), _l("Only a draft can be published."),
                       to=NeedStatus.OPEN, action="need_published",
                       must_not_have_ended=_l("This need has already ended: change its dates first."))


def close_need(*, session: Session, actor: User, need_id: int) -> Need:
    """Stop taking volunteers for an open or filled need."""
    return _transition(session, actor, need_id, (NeedStatus.OPEN, NeedStatus.FILLED),
                       _l("Only an open or filled need can be closed."), to=NeedStatus.CLOSED, action="need_closed")


def reopen_need(*, session: Session, actor: User, need_id: int) -> Need:
    """Open a closed need again, as long as it has not ended."""
    return _transition(session, actor, need_id, (NeedStatus.CLOSED,), _l("Only a closed need can be reopened."),
                       to=NeedStatus.OPEN, action="need_reopened",
                       must_not_have_ended=_l("This need has already ended and cannot be reopened."))


def duplicate_need(*, session: Session, actor: User, need_id: int) -> Need:
    """Copy a need (details and skills) as a new draft owned by the actor."""
    _require_coordinator(actor)
    with _writing(session):
        copy = _copy_need(session, actor, get_need(session=session, viewer=actor, need_id=need_id).need)
        audit.record(session, actor_id=actor.id, action="need_created", target_type="need", target_id=copy.id,
                     copied_from=need_id)
    return copy


def _copy_need(session: Session, actor: User, source: Need) -> Need:
    copy = Need(
        **{k: getattr(source, k) for k in (
            "description", "cause", "beneficiary", "is_remote", "starts_at", "ends_at", "seats",
            "hours_per_volunteer", "requires_approval", "site_id")},
        title=str(_l("Copy of %(title)s", title=source.title))[:MAX_TITLE],
        languages=list(source.languages or []),
        owner_id=actor.id,
        status="draft",
    )
    session.add(copy)
    session.flush()
    for ns in session.exec(select(NeedSkill).where(NeedSkill.need_id == source.id)).all():
        session.add(NeedSkill(need_id=copy.id, skill_id=ns.skill_id, importance=ns.importance, min_level=ns.min_level))
    return copy


def editable_need(*, session: Session, actor: User, need_id: int) -> NeedDetail:
    """A need the actor may change, with its skills (NotFound or Forbidden otherwise)."""
    _editable(session, actor, need_id)
    return get_need(session=session, viewer=actor, need_id=need_id)
