"""One employee's volunteering record: the needs they gave approved hours to, and totals."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from empathy.core.errors import Forbidden, NotFound
from empathy.models import HoursRecord, Match, Need, User
from empathy.reports.common import APPROVED, cause_labels, hours_value
from empathy.volunteering.lifecycle import JOINED


@dataclass
class RecordLine:
    need_id: int
    title: str
    beneficiary: str
    cause: str
    first_day: date
    last_day: date
    hours: float


@dataclass
class VolunteeringRecord:
    """What the printable record shows."""

    user: User
    lines: list[RecordLine]
    by_cause: list[tuple[str, float]]
    total_hours: float
    days: int

    @property
    def needs(self) -> int:
        return len(self.lines)


def _coordinates(session: Session, viewer: User, user_id: int) -> bool:
    """Whether the viewer is the coordinator of a need the employee joined or logged hours on.

    Only the employee's own step counts: a coordinator can invite anyone by id, so being suggested, invited or
    having declined must not open the record (an opt-out would not hold otherwise).
    """
    if not viewer.is_coordinator:
        return False
    mine = sa.select(Need.id).where(Need.owner_id == viewer.id)
    matched = sa.exists().where(Match.user_id == user_id, Match.need_id.in_(mine), Match.status.in_(JOINED))
    logged = sa.exists().where(HoursRecord.user_id == user_id, HoursRecord.need_id.in_(mine))
    return bool(session.execute(sa.select(sa.or_(matched, logged))).scalar())


def volunteering_record(*, session: Session, viewer: User, user_id: int, lang: str) -> VolunteeringRecord:
    """The employee's approved hours per need: their own, an admin, or a coordinator of one of their needs."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_l("There is no such employee."))
    if viewer.id != user.id and not viewer.is_admin and not _coordinates(session, viewer, user.id):
        raise Forbidden(_l("You can only see your own volunteering record."))
    hours = sa.func.sum(HoursRecord.hours)
    result = session.execute(
        sa.select(
            Need.id, Need.title, Need.beneficiary, Need.cause,
            sa.func.min(HoursRecord.worked_on), sa.func.max(HoursRecord.worked_on), hours,
        )
        .join(Need, Need.id == HoursRecord.need_id)
        .where(APPROVED, HoursRecord.user_id == user.id)
        .group_by(Need.id, Need.title, Need.beneficiary, Need.cause)
        .order_by(sa.func.min(HoursRecord.worked_on), Need.id)
    ).all()
    labels = cause_labels(lang)
    lines = [RecordLine(i, t, b, labels.get(c, c), lo, hi, hours_value(h)) for i, t, b, c, lo, hi, h in result]
    days = session.execute(
        sa.select(sa.func.count(sa.distinct(HoursRecord.worked_on))).where(APPROVED, HoursRecord.user_id == user.id)
    ).scalar_one()
    causes: dict[str, float] = {}
    for line in lines:  # one line per need, already summed by the database
        causes[line.cause] = round(causes.get(line.cause, 0.0) + line.hours, 2)
    by_cause = sorted(causes.items(), key=lambda item: (-item[1], item[0]))
    return VolunteeringRecord(user, lines, by_cause, round(sum(x.hours for x in lines), 2), int(days or 0))
