"""The match lifecycle, table-driven: every (action, status) pair either moves the match as its row says
or is refused with a 409 and changes nothing, both in `move_match` and in the service that runs the action."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from empathy.core.db import utcnow
from empathy.core.errors import Conflict
from empathy.models import Match, MatchStatus, Need
from empathy.suggestions.index import MatchIndex
from empathy.volunteering import lifecycle
from empathy.volunteering.lifecycle import HOLDS_SEAT, REFUSALS, TRANSITIONS, Action, allows, transition
from empathy.volunteering.services import hours, invitations, roster, signups
from empathy.volunteering.services.seats import move_match
from tests.factories import make_match, make_need, make_user

TZ = ZoneInfo("Asia/Shanghai")
PAIRS = [(action, status) for action in Action for status in MatchStatus]
# The expected table, written out independently of the module: (action, from) -> to.
EXPECTED = {
    **{(Action.VOLUNTEER, s): MatchStatus.VOLUNTEERED for s in ("suggested", "declined", "withdrawn")},
    **{(Action.JOIN, s): MatchStatus.CONFIRMED for s in ("suggested", "invited", "declined", "withdrawn")},
    **{(Action.INVITE, s): MatchStatus.INVITED for s in ("suggested", "declined", "withdrawn")},
    (Action.ACCEPT, "invited"): MatchStatus.CONFIRMED,
    (Action.DECLINE, "invited"): MatchStatus.DECLINED,
    (Action.WITHDRAW, "volunteered"): MatchStatus.WITHDRAWN,
    (Action.WITHDRAW, "confirmed"): MatchStatus.WITHDRAWN,
    (Action.APPROVE, "volunteered"): MatchStatus.CONFIRMED,
    (Action.REJECT, "volunteered"): MatchStatus.REJECTED,
    (Action.REMOVE, "confirmed"): MatchStatus.REMOVED,
    **{(Action.MARK_ATTENDED, s): MatchStatus.ATTENDED for s in ("confirmed", "attended", "no_show")},
    **{(Action.MARK_NO_SHOW, s): MatchStatus.NO_SHOW for s in ("confirmed", "attended", "no_show")},
}


def _holds(status) -> int:
    return int(status in HOLDS_SEAT)


# ----------------------------------------------------------------------------- the table itself
def test_the_table_allows_exactly_the_expected_moves():
    assert {(a, s): transition(a, s).target for a, s in PAIRS if allows(a, s)} == EXPECTED


def test_every_action_has_a_row_and_a_refusal():
    assert {row.action for row in TRANSITIONS} == set(Action) == set(REFUSALS)


def test_a_row_never_mixes_sources_that_hold_a_seat_with_sources_that_do_not():
    for row in TRANSITIONS:
        assert len({_holds(s) for s in row.sources}) == 1, row
        assert row.seats == _holds(row.target) - _holds(row.sources[0])


def test_the_groups_cover_every_status_once_where_they_partition():
    everything = set(MatchStatus)
    assert set(lifecycle.LIVE) | set(lifecycle.SETTLED) | {MatchStatus.SUGGESTED} == everything
    assert not set(lifecycle.LIVE) & set(lifecycle.SETTLED)
    assert set(lifecycle.ENGAGED) == everything - {MatchStatus.SUGGESTED}
    assert set(lifecycle.CAN_LOG_HOURS) < set(HOLDS_SEAT) < set(lifecycle.JOINED)
    assert {*lifecycle.BOARD_COLUMNS, *HOLDS_SEAT, MatchStatus.SUGGESTED} == everything


@pytest.mark.parametrize(("action", "status"), [p for p in PAIRS if p not in EXPECTED])
def test_a_refused_pair_raises_the_actions_own_409(action, status):
    with pytest.raises(Conflict) as refused:
        transition(action, status)
    assert refused.value.status == 409
    assert refused.value.message == str(REFUSALS[action])


# ----------------------------------------------------------------------------- move_match, on the database
def _stored(session, match_id: int, need_id: int) -> tuple[str, int]:
    session.expire_all()
    return session.get(Match, match_id).status, session.get(Need, need_id).seats_taken


def _need_and_match(session, status, person, *, owner=None, started=False, day=0, **need_fields):
    """A need of its own with the person's match in `status`; its seat is counted when the status holds one.
    `day` moves it that many days later (a person's needs on one day would clash: empathy.needs.clashes)."""
    starts = utcnow() + (timedelta(hours=-1) if started else timedelta(days=5)) + timedelta(days=day)
    need = make_need(session, owner=owner, seats=3, seats_taken=_holds(status), starts_at=starts, **need_fields)
    return need, make_match(session, need, person, status=str(status))


@pytest.mark.parametrize("action", list(Action))
def test_move_match_follows_the_table_and_counts_seats(session, action):
    person = make_user(session)
    for status in MatchStatus:  # one database per action keeps this quick
        need, match = _need_and_match(session, status, person)
        if (action, status) in EXPECTED:
            move_match(session, match, action, need=need)
            session.commit()
            target = EXPECTED[action, status]
            assert _stored(session, match.id, need.id) == (target, _holds(target)), status
            assert match.status is target  # read back as the enum member
        else:
            with pytest.raises(Conflict):
                move_match(session, match, action, need=need)
            session.rollback()
            assert _stored(session, match.id, need.id) == (status, _holds(status)), status


def test_move_match_loses_to_a_change_made_meanwhile(session):
    need, match = _need_and_match(session, MatchStatus.INVITED, make_user(session))
    session.execute(sa.update(Match).where(Match.id == match.id).values(status=MatchStatus.DECLINED))
    session.commit()
    set_committed_value(match, "status", MatchStatus.INVITED)  # what the caller had read before the change
    with pytest.raises(Conflict, match="changed meanwhile"):
        move_match(session, match, Action.ACCEPT, need=need)
    session.rollback()
    assert _stored(session, match.id, need.id) == (MatchStatus.DECLINED, 0)


# ----------------------------------------------------------------------------- each service runs its rows
def _employee(s, w, m, a):
    return {
        Action.ACCEPT: lambda: signups.accept_invitation(session=s, user=w, match_id=m.id),
        Action.DECLINE: lambda: signups.decline_invitation(session=s, user=w, match_id=m.id),
        Action.WITHDRAW: lambda: signups.withdraw(session=s, user=w, match_id=m.id),
    }[a]


def _coordinator(s, owner, m, a):
    return {
        Action.APPROVE: lambda: roster.approve_volunteer(session=s, actor=owner, match_id=m.id),
        Action.REJECT: lambda: roster.reject_volunteer(session=s, actor=owner, match_id=m.id, reason="Full"),
        Action.REMOVE: lambda: roster.remove_volunteer(session=s, actor=owner, match_id=m.id, reason="Moved"),
        Action.MARK_ATTENDED: lambda: roster.mark_attendance(session=s, actor=owner, match_id=m.id, attended=True),
        Action.MARK_NO_SHOW: lambda: roster.mark_attendance(session=s, actor=owner, match_id=m.id, attended=False),
    }[a]


SERVICE_ACTIONS = [Action.ACCEPT, Action.DECLINE, Action.WITHDRAW, Action.APPROVE, Action.REJECT, Action.REMOVE,
                   Action.MARK_ATTENDED, Action.MARK_NO_SHOW]


@pytest.mark.parametrize("action", SERVICE_ACTIONS)
def test_each_service_moves_only_from_its_rows(session, action):
    owner = make_user(session, role="coordinator")
    person = make_user(session)
    started = action in (Action.MARK_ATTENDED, Action.MARK_NO_SHOW)
    for status in MatchStatus:
        need, match = _need_and_match(session, status, person, owner=owner, started=started)
        run = _employee(session, person, match, action) if action in (Action.ACCEPT, Action.DECLINE, Action.WITHDRAW) \
            else _coordinator(session, owner, match, action)
        if (action, status) in EXPECTED:
            run()
            target = EXPECTED[action, status]
            assert _stored(session, match.id, need.id) == (target, _holds(target)), status
        else:
            with pytest.raises(Conflict) as refused:
                run()
            assert refused.value.status == 409
            assert _stored(session, match.id, need.id) == (status, _holds(status)), status


@pytest.mark.parametrize("requires_approval", [True, False])
def test_volunteering_joins_or_awaits_approval_as_the_table_says(session, requires_approval):
    owner, person = make_user(session, role="coordinator"), make_user(session)
    for day, status in enumerate(MatchStatus):
        need, match = _need_and_match(session, status, person, owner=owner, requires_approval=requires_approval,
                                      day=day)
        # An invitation stands for the coordinator's approval.
        action = Action.VOLUNTEER if requires_approval and status != MatchStatus.INVITED else Action.JOIN
        if (action, status) in EXPECTED:
            signups.volunteer(session=session, user=person, need_id=need.id)
            target = EXPECTED[action, status]
            assert _stored(session, match.id, need.id) == (target, _holds(target)), status
        else:
            with pytest.raises(Conflict) as refused:
                signups.volunteer(session=session, user=person, need_id=need.id)
            assert refused.value.status == 409
            assert _stored(session, match.id, need.id) == (status, _holds(status)), status


def test_inviting_skips_whoever_the_table_does_not_let_in(session, tmp_path):
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner, seats=20, seats_taken=len(HOLDS_SEAT))
    matches = {status: make_match(session, need, make_user(session), status=str(status)) for status in MatchStatus}
    index = MatchIndex(tmp_path / "missing.joblib", TZ)
    invited = invitations.invite_employees(session=session, index=index, actor=owner, need_id=need.id,
                                           user_ids=[m.user_id for m in matches.values()], message="Join us")
    session.expire_all()
    allowed = {s for s in MatchStatus if (Action.INVITE, s) in EXPECTED}
    assert invited == len(allowed) == 3
    for status, match in matches.items():
        stored = session.get(Match, match.id)
        assert stored.status == (MatchStatus.INVITED if status in allowed else status)
        assert (stored.invited_by_id == owner.id) is (status in allowed)
    assert session.get(Need, need.id).seats_taken == len(HOLDS_SEAT)


def test_only_the_can_log_hours_group_logs_hours(session):
    person = make_user(session)
    for status in MatchStatus:
        _need, match = _need_and_match(session, status, person, started=True)
        log = lambda: hours.log_hours(session=session, user=person, match_id=match.id, hours=2.0,  # noqa: E731,B023
                                      worked_on=utcnow().astimezone(TZ).date(), tz=TZ)
        if status in (MatchStatus.CONFIRMED, MatchStatus.ATTENDED):
            assert log().hours == 2.0
        else:
            with pytest.raises(Conflict, match="Only confirmed volunteers can log hours"):
                log()
