"""The API's bodies for the match lifecycle (sign-ups, invitations, commitments, hours, notifications, the
people board, teams), and their presenters."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from empathy.api.schemas import Day, Id, Listing, Model, Out, Query, Str
from empathy.models import HOURS_STATUSES, HoursRecord, HoursStatus, Match, Need, Notification
from empathy.volunteering.services.notifications import render
from empathy.volunteering.services.roster import Board
from empathy.volunteering.services.team_reasons import reason_text, uncovered_text, weak_seats_note, why_empty
from empathy.volunteering.services.teams import TeamPage


class InvitationsIn(Model):
    user_ids: list[Id] = Field(min_length=1, max_length=100)
    message: Str = Field(default="", max_length=1000)


class InvitationsOut(Out):
    invited: int


class SignupIn(Model):
    message: Str = Field(default="", max_length=1000)


class MatchOut(Out):
    id: int
    need_id: int
    user_id: int
    status: str
    message: str
    reason: str
    score: float | None
    responded_at: datetime | None
    created_at: datetime
    updated_at: datetime


def match_out(m: Match) -> MatchOut:
    """A match row to its response body."""
    return MatchOut(id=m.id, need_id=m.need_id, user_id=m.user_id, status=m.status, message=m.message or "",
                    reason=m.reason or "", score=m.score, responded_at=m.responded_at,
                    created_at=m.created_at, updated_at=m.updated_at)


# --- path parameters ------------------------------------------------------------------------


class MatchPath(Model):
    match_id: Id


class HoursPath(Model):
    record_id: Id


class NotificationPath(Model):
    notification_id: Id


# --- commitments, hours, notifications --------------------------------------------------------


class MyMatch(MatchOut):
    need_title: str
    need_starts_at: datetime
    need_ends_at: datetime
    need_status: str


class MyMatchList(Listing):
    items: list[MyMatch]


class HoursIn(Model):
    hours: float = Field(gt=0, le=24)
    worked_on: Day
    note: Str = Field(default="", max_length=1000)


class RejectIn(Model):
    reason: Str = Field(min_length=1, max_length=1000)


class BulkHoursIn(Model):
    record_ids: list[Id] = Field(min_length=1, max_length=100, description="Pending hours records to approve.")


class HoursOut(Out):
    id: int
    need_id: int
    match_id: int | None
    user_id: int | None
    hours: float
    worked_on: Day
    note: str
    status: Literal[HOURS_STATUSES]
    rejection_reason: str | None
    reviewed_at: datetime | None
    created_at: datetime


class NotificationOut(Out):
    id: int
    kind: str
    text: str
    link: str
    read_at: datetime | None
    created_at: datetime


class NotificationList(Listing):
    items: list[NotificationOut]


class ReadOut(Out):
    changed: int


# --- the people board and teams -----------------------------------------------------------------


class BoardPerson(Out):
    match_id: int
    user_id: int
    display_name: str
    status: str
    message: str
    reason: str
    email: str | None = Field(description="Only for people who signed up or hold a seat and let coordinators of "
                                          "their needs see their e-mail address; null otherwise.")
    hours_approved: float
    hours_pending: float


class BoardOut(Out):
    need_id: int
    seats: int
    seats_taken: int
    seats_left: int
    has_started: bool
    columns: dict[str, list[BoardPerson]] = Field(description="invited, volunteered, confirmed (with attended "
                                                  "and no-show), declined, withdrawn, rejected, removed.")
    total_approved: float
    total_pending: float


class AttendanceIn(Model):
    attended: bool


class RemoveIn(Model):
    reason: Str = Field(min_length=1, max_length=1000)


class TeamQuery(Query):
    member: list[Id] = Field(default_factory=list, max_length=100,
                             description="Check this choice of people (user ids; repeat the parameter) instead of "
                                         "proposing a team. Ids that are not among the candidates are ignored.")


TeamReasonCode = Literal["no_hours", "hours_private", "credential", "overlap", "seats_full", "not_chosen", "weak_fit"]
UncoveredCode = Literal["nobody", "unavailable", "no_seat_left", "not_in_choice"]


class TeamReason(Out):
    code: TeamReasonCode = Field(description="no_hours: fewer free hours a month while the need runs than it "
                                 "asks a month; "
                                 "hours_private: keeps their availability private; credential: lacks a required "
                                 "credential; overlap: already committed (signed up or seated) to a need at "
                                 "that time; seats_full: could "
                                 "join, but the seats went to people covering more must-haves or ranking higher; "
                                 "not_chosen: could join, not in the coordinator's choice; weak_fit: could join, "
                                 "but only a weak fit covering no must-have, so not proposed for a free seat.")
    text: str = Field(description="The reason in words, in the caller's language.")


class TeamCover(Out):
    need_skill: str = Field(description="The must-have skill of the need (canonical name).")
    skill: str = Field(description="The person's own skill that covers it, as the match explanation says.")
    level: int | None


class TeamMember(Out):
    user_id: int
    display_name: str
    score: float
    rank: int = Field(description="Place in the ranking of suggestions, 1 = best.")
    skills: list[str] = Field(description="The must-have skills they cover at the required level.")
    covers: list[TeamCover]
    below_level: list[str] = Field(description="Must-have skills they hold below the asked level.")
    free_hours: float | None = Field(description="Hours a month left while the need runs after their other "
                                                 "seated needs; "
                                                 "null when they keep their availability private.")
    reasons: list[TeamReason] = Field(description="For a member: what speaks against them (the coordinator chose "
                                                  "them anyway); for a candidate: why they are not in the team.")


class UncoveredSkill(Out):
    skill: str
    code: UncoveredCode = Field(description="nobody: nobody among the candidates has it at the asked level; "
                                "unavailable: those who have it cannot join (see their reasons); no_seat_left: "
                                "those who have it could join, but the seats went to other must-haves; "
                                "not_in_choice: those who have it could join, but the coordinator's choice leaves "
                                "them out.")
    text: str
    user_ids: list[int] = Field(description="The people concerned: holders who cannot join or found no seat, or "
                                            "(nobody) those who have it below the asked level.")


class TeamOut(Out):
    ready: bool = Field(description="False until the matcher has been fitted (then the team is empty).")
    seats_left: int
    required: list[str]
    members: list[TeamMember]
    coverage: dict[str, list[int]]
    uncovered: list[str]
    uncovered_reasons: list[UncoveredSkill]
    why_empty: list[str] = Field(description="When nobody is proposed: why, in words (the first line sums up).")
    not_kept: list[int] = Field(description="People of the `member` choice beyond the seats left: not in the team.")
    weak_seats: str = Field("", description="When the proposal leaves seats free because only weak fits (reason "
                                            "`weak_fit`) could take them: how many and who, in words; else empty.")
    total_score: float
    candidates: list[TeamMember] = Field(description="Everyone considered, best-ranked first, each with the reasons "
                                                     "they are not in the team.")


# --- presenters: rows -> bodies -----------------------------------------------------------------


def my_match_out(m: Match, need: Need) -> MyMatch:
    return MyMatch(**match_out(m).model_dump(), need_title=need.title, need_starts_at=need.starts_at,
                   need_ends_at=need.ends_at, need_status=need.status)


class HoursApproved(Out):
    items: list[HoursOut]


def hours_out(r: HoursRecord) -> HoursOut:
    return HoursOut(id=r.id, need_id=r.need_id, match_id=r.match_id, user_id=r.user_id, hours=r.hours,
                    worked_on=r.worked_on, note=r.note or "", status=r.status,
                    rejection_reason=r.rejection_reason, reviewed_at=r.reviewed_at, created_at=r.created_at)


def notification_out(n: Notification) -> NotificationOut:
    return NotificationOut(id=n.id, kind=n.kind, text=render(n.kind, n.params or {}), link=n.link or "",
                           read_at=n.read_at, created_at=n.created_at)


def board_out(board: Board) -> BoardOut:
    columns = {
        name: [BoardPerson(match_id=m.id, user_id=u.id, display_name=u.display_name, status=m.status,
                           message=m.message or "", reason=m.reason or "", email=board.contacts.get(u.id),
                           hours_approved=board.hours.get(u.id, {}).get(HoursStatus.APPROVED, 0.0),
                           hours_pending=board.hours.get(u.id, {}).get(HoursStatus.PENDING, 0.0)) for m, u in rows]
        for name, rows in board.columns.items()}
    n = board.need
    return BoardOut(need_id=n.id, seats=n.seats, seats_taken=n.seats_taken, seats_left=board.seats_left,
                    has_started=board.has_started, columns=columns, total_approved=board.total_approved,
                    total_pending=board.total_pending)


def team_out(page: TeamPage) -> TeamOut:
    people = {tc.id: person for tc, person in page.candidates}
    team = page.team

    def why(reasons) -> list[TeamReason]:
        return [TeamReason(code=r.code, text=reason_text(r)) for r in reasons]

    def member(tc, reasons) -> TeamMember:
        return TeamMember(user_id=tc.id, display_name=people[tc.id].user.display_name, score=tc.score,
                          rank=tc.rank + 1, skills=sorted(tc.skills),
                          covers=[TeamCover(need_skill=c.need_skill, skill=c.skill, level=c.level) for c in tc.covers],
                          below_level=sorted(tc.below), free_hours=tc.free_hours if tc.hours_known else None,
                          reasons=why(reasons))

    uncovered = [UncoveredSkill(skill=skill, code=r.code, text=uncovered_text(r, page),
                                user_ids=list(r.values.get("people") or r.values.get("below") or ()))
                 for skill, r in team.uncovered_why.items()]
    return TeamOut(ready=True, seats_left=page.seats_left, required=page.required,
                   members=[member(m, team.warnings.get(m.id, [])) for m in team.members], coverage=team.coverage,
                   uncovered=team.uncovered, uncovered_reasons=uncovered, why_empty=why_empty(page),
                   not_kept=page.dropped, weak_seats=weak_seats_note(page),
                   total_score=team.total_score,
                   candidates=[member(tc, team.left_out.get(tc.id, team.warnings.get(tc.id, [])))
                               for tc, _c in page.candidates])


def no_team_out(need: Need) -> TeamOut:
    """The answer while the matcher has not been fitted: no members, no candidates."""
    return TeamOut(ready=False, seats_left=max(0, need.seats - need.seats_taken), required=[], members=[],
                   coverage={}, uncovered=[], uncovered_reasons=[], why_empty=[], not_kept=[], total_score=0.0,
                   candidates=[])
