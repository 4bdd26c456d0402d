"""Writing welfare needs: coordinators create, edit, publish, close, reopen and copy them.

Browsing is in needs_query.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.core import audit
from empathy.core.db import begin_write, compare_and_delete, compare_and_set, lock_rows, utcnow
from empathy.core.errors import Conflict, Forbidden, NotFound, ServiceError
from empathy.core.inputs import id_in_text
from empathy.core.submissions import Submission
from empathy.core.submissions import record as record_submission
from empathy.core.validation import service_error
from empathy.models import Need, NeedSkill, NeedStatus, Site, Skill, User
from empathy.models.need_schemas import MAX_TITLE, NeedBase, NeedCreate, NeedUpdate
from empathy.needs.query import NeedDetail, get_need
from empathy.profiles.services import resolve_skill_rows
from empathy.volunteering.services import notices
from empathy.volunteering.services.notices import NeedChange

EDITABLE = (NeedStatus.DRAFT, NeedStatus.OPEN, NeedStatus.FILLED, NeedStatus.CLOSED)
CHANGED_MEANWHILE = _l("The need changed meanwhile. Reload it and try again.")
NOT_A_DRAFT = _l("Only a draft can be deleted: close or cancel a published need instead.")


def _resolve_site(session: Session, ref: str | None, current: int | None) -> Site | None:
    """The site by code, or by id (the web form's choices); an inactive site only if the need already has it."""
    if not ref:
        return None
    site_id = id_in_text(ref)
    site = session.get(Site, site_id) if site_id else session.exec(select(Site).where(Site.code == ref)).first()
    if site is None or (not site.is_active and site.id != current):
        raise ServiceError(str(_l("Choose one of the listed sites.")), field="site")
    return site


def _check_seats(data: NeedCreate, seats_taken: int) -> None:
    if data.seats < seats_taken:
        raise ServiceError(ngettext("%(num)d volunteer is already confirmed: keep at least that many seats.",
                                    "%(num)d volunteers are already confirmed: keep at least that many seats.",
                                    seats_taken), field="seats")


def _apply(session: Session, need: Need, data: NeedCreate, site: Site | None) -> None:
    skills = resolve_skill_rows(session, [r.name for r in data.skills], lambda i: f"skills-{i}-name")
    for name, value in data.model_dump(exclude={"site", "remote", "skills"}).items():
        setattr(need, name, value)
    need.site_id = site.id if site else None
    need.is_remote = data.remote
    need.starts_at = data.starts_at.astimezone(UTC)
    need.ends_at = data.ends_at.astimezone(UTC)
    if need.status in (NeedStatus.OPEN, NeedStatus.FILLED):
        need.status = NeedStatus.FILLED if need.seats_taken >= need.seats else NeedStatus.OPEN
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


def _as_written(session: Session, need: Need) -> dict:
    """The stored need in the shape of a NeedCreate (site by code, skills by name)."""
    site = session.get(Site, need.site_id) if need.site_id else None
    rows = session.exec(select(NeedSkill, Skill).join(Skill, Skill.id == NeedSkill.skill_id)
                        .where(NeedSkill.need_id == need.id).order_by(NeedSkill.id)).all()
    return {
        **need.model_dump(include=set(NeedCreate.model_fields) - {"site", "remote", "skills"}),
        "site": site.code if site else None, "remote": need.is_remote,
        "skills": [{"name": skill.name, "importance": ns.importance, "min_level": ns.min_level} for ns, skill in rows],
    }


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
        raise Conflict(str(CHANGED_MEANWHILE), field="seats") from exc


def _require_coordinator(actor: User) -> None:
    if not actor.is_coordinator:
        raise Forbidden(str(_l("Only coordinators can manage needs.")))


def _editable(session: Session, actor: User, need_id: int, *, lock: bool = False) -> Need:
    """The need as stored now, if the actor may change it; with `lock`, held until the commit."""
    _require_coordinator(actor)
    if lock:
        need = next(iter(lock_rows(session, Need, Need.id == need_id)), None)
    else:
        need = session.get(Need, need_id, populate_existing=True)
    if need is None or (need.status == NeedStatus.DRAFT and need.owner_id != actor.id and not actor.is_admin):
        raise NotFound(str(_l("There is no such need.")))
    if need.owner_id != actor.id and not actor.is_admin:
        raise Forbidden(str(_l("Only the coordinator who owns this need, or an administrator, can change it.")))
    return need


def create_need(*, session: Session, owner: User, data: NeedCreate, submission: Submission | None = None) -> Need:
    """Create a need as a draft, with its required skills (ServiceError on the field at fault;
    AlreadySubmitted when `submission` was recorded before)."""
    _require_coordinator(owner)
    with _writing(session):
        site = _resolve_site(session, data.site, None)
        need = Need(title="", cause=data.cause, starts_at=data.starts_at, ends_at=data.ends_at,
                    owner_id=owner.id, status=NeedStatus.DRAFT)
        _apply(session, need, data, site)
        audit.record(session, actor_id=owner.id, action="need_created", target_type="need", target_id=need.id)
        record_submission(session, submission, kind="need", target_id=need.id)
    return need


def update_need(*, session: Session, actor: User, need_id: int, data: NeedUpdate, base_url: str = "") -> Need:
    """Change the fields `data` sets (owner or admin), telling its people of a new time or place
    (see `change_need`); the need as saved."""
    return change_need(session=session, actor=actor, need_id=need_id, data=data, base_url=base_url).need


def change_need(*, session: Session, actor: User, need_id: int, data: NeedUpdate, base_url: str = "") -> NeedChange:
    """Change the fields `data` sets (owner or admin); the result is checked as a whole need. Commits.

    A new time or place raises the need's calendar sequence and tells everyone invited, awaiting
    approval or confirmed (in-app and by e-mail, with the time and place before and after, links under
    `base_url`); the result names them, and those now committed to another need at the new time.
    Raises NotFound, Forbidden, ServiceError (the field at fault)
    or Conflict (a completed or cancelled need, or seats below those taken).

    The need is locked while it is checked and written: its status and seats taken cannot change
    under the edit (a sign-up or a cancellation at the same moment waits, or is waited for).
    """
    told: list[str] = []
    clashing: list[str] = []
    with _writing(session):
        need = _editable(session, actor, need_id, lock=True)
        if need.status not in EDITABLE:
            raise Conflict(str(_l("A completed or cancelled need cannot be changed.")))
        try:
            merged = data.merged_onto(_as_written(session, need))
        except ValidationError as exc:
            raise service_error(exc) from exc
        site = _resolve_site(session, merged.site, need.site_id)
        _check_seats(merged, need.seats_taken)
        before = notices.Schedule.of(need)
        _apply(session, need, merged, site)
        if notices.changed(before, need):
            need.sequence += 1
            session.add(need)
            told = notices.tell_change(session, need, before, base_url=base_url)
            clashing = [u.display_name for u in notices.tell_clashes(session, need, base_url=base_url)]
        audit.record(session, actor_id=actor.id, action="need_edited", target_type="need", target_id=need.id,
                     **({"people_told": len(told)} if told else {}))
    return NeedChange(need, told, clashing)


def _transition(session: Session, actor: User, need_id: int, allowed: tuple[str, ...], message,
                *, to: str, action: str, must_not_have_ended=None) -> Need:
    """Move a need from one of `allowed` to `to` as one conditional UPDATE; Conflict with the reason if not.

    Of two decisions on the need at the same moment, the one that finds it no longer in `allowed`
    is refused and writes nothing (no audit entry).
    """

    def check(need: Need | None) -> None:
        if need is None or need.status not in allowed:
            raise Conflict(str(message))
        if must_not_have_ended is not None and need.ends_at <= utcnow():
            raise Conflict(str(must_not_have_ended))

    with _writing(session):
        need = _editable(session, actor, need_id)
        check(need)
        now = utcnow()
        where = [Need.status.in_(allowed)]
        if must_not_have_ended is not None:
            where.append(Need.ends_at > now)
        # Reopened or published: filled if every seat is taken, counted in the same statement.
        status = (sa.case((Need.seats_taken >= Need.seats, NeedStatus.FILLED), else_=NeedStatus.OPEN)
                  if to == NeedStatus.OPEN else to)
        if not compare_and_set(session, need, where, status=status, updated_at=now):
            check(session.get(Need, need_id, populate_existing=True))
            raise Conflict(str(CHANGED_MEANWHILE))
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


def duplicate_need(*, session: Session, actor: User, need_id: int, submission: Submission | None = None) -> Need:
    """Copy a need (details and skills) as a new draft owned by the actor (AlreadySubmitted when
    `submission` was recorded before)."""
    _require_coordinator(actor)
    with _writing(session):
        copy = _copy_need(session, actor, get_need(session=session, viewer=actor, need_id=need_id).need)
        audit.record(session, actor_id=actor.id, action="need_created", target_type="need", target_id=copy.id,
                     copied_from=need_id)
        record_submission(session, submission, kind="need", target_id=copy.id)
    return copy


def _copy_need(session: Session, actor: User, source: Need) -> Need:
    copy = Need(
        **source.model_dump(include=set(NeedBase.model_fields) - {"title"} | {"is_remote", "site_id"}),
        title=str(_l("Copy of %(title)s", title=source.title))[:MAX_TITLE],
        owner_id=actor.id,
        status=NeedStatus.DRAFT,
    )
    session.add(copy)
    session.flush()
    for ns in session.exec(select(NeedSkill).where(NeedSkill.need_id == source.id)).all():
        session.add(NeedSkill(need_id=copy.id, skill_id=ns.skill_id, importance=ns.importance, min_level=ns.min_level))
    return copy


def find_need(session: Session, need_id: int) -> Need | None:
    """One need by id, or None; no permission check (for answering a repeated create)."""
    return session.get(Need, need_id)


def delete_draft(*, session: Session, actor: User, need_id: int) -> None:
    """Delete a draft with its skills (owner or admin). Commits.

    NotFound, Forbidden, or Conflict when the need is not a draft (a published need is closed or
    cancelled, never deleted: volunteers and hours refer to it), also when it was published meanwhile.
    """
    with _writing(session):
        need = _editable(session, actor, need_id)
        owner_id, title = need.owner_id, need.title
        if need.status != NeedStatus.DRAFT or not compare_and_delete(session, need, Need.status == NeedStatus.DRAFT):
            raise Conflict(str(NOT_A_DRAFT))
        # The need's id and title stay in the entry; the owner tells whose draft it was.
        audit.record(session, actor_id=actor.id, action="need_deleted", target_type="need", target_id=need_id,
                     owner=owner_id, target_name=title)


def editable_need(*, session: Session, actor: User, need_id: int) -> NeedDetail:
    """A need the actor may change, with its skills (NotFound or Forbidden otherwise)."""
    _editable(session, actor, need_id)
    return get_need(session=session, viewer=actor, need_id=need_id)
