"""The match lifecycle: which action moves a match from which status to which, and the named groups.

Every service that changes a match's status goes through `TRANSITIONS`, by way of
`seats.move_match`, which applies a row as one conditional UPDATE (`... WHERE status IN
(row.sources)`): a concurrent change makes it touch nothing, and the use case is refused.
A row never mixes sources that hold a seat with sources that do not, so whether a move takes a
seat, gives one back or leaves the seats alone follows from the row alone (`Transition.seats`).

This module only declares; it reads no database and imports nothing of other domains, so any
service may ask it what a status means.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from flask_babel import lazy_gettext as _l

from empathy.core.errors import Conflict
from empathy.models import MatchStatus as S

# ----------------------------------------------------------------------------- named groups
# Statuses whose employee holds one of the need's seats (the seat stays taken after the need).
HOLDS_SEAT = (S.CONFIRMED, S.ATTENDED, S.NO_SHOW)
# Who may log hours on the need: a no-show may not.
CAN_LOG_HOURS = (S.CONFIRMED, S.ATTENDED)
# Signed up or holding a seat: a new sign-up is refused, and the "contact" consent applies.
JOINED = (S.VOLUNTEERED, *HOLDS_SEAT)
# Still waiting on the need: told when it is cancelled, listed as current commitments.
LIVE = (S.INVITED, S.VOLUNTEERED, S.CONFIRMED)
# Decided for good, or over: listed among past commitments.
SETTLED = (S.DECLINED, S.REJECTED, S.REMOVED, S.WITHDRAWN, S.ATTENDED, S.NO_SHOW)
# Asked, signed up or decided: such an employee is no longer suggested for the need.
ENGAGED = tuple(s for s in S if s is not S.SUGGESTED)
# The columns of a need's people board; ATTENDED and NO_SHOW show in the CONFIRMED column.
BOARD_COLUMNS = (S.INVITED, S.VOLUNTEERED, S.CONFIRMED, S.DECLINED, S.WITHDRAWN, S.REJECTED, S.REMOVED)


class Action(StrEnum):
    VOLUNTEER = "volunteer"  # employee, on a need that requires approval
    JOIN = "join"  # employee, on a need that does not (or who was invited): takes a seat
    INVITE = "invite"  # coordinator
    ACCEPT = "accept"  # employee, an invitation: takes a seat
    DECLINE = "decline"  # employee, an invitation
    WITHDRAW = "withdraw"  # employee, before the need starts
    APPROVE = "approve"  # coordinator: takes a seat
    REJECT = "reject"  # coordinator
    REMOVE = "remove"  # coordinator: gives the seat back
    MARK_ATTENDED = "mark_attended"  # coordinator, once the need has started
    MARK_NO_SHOW = "mark_no_show"  # coordinator, once the need has started


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: tuple[S, ...]
    target: S

    @property
    def seats(self) -> int:
        """+1 when the move takes a seat, -1 when it gives one back, 0 otherwise."""
        return int(self.target in HOLDS_SEAT) - int(self.sources[0] in HOLDS_SEAT)


# A match starts as SUGGESTED. An action has one row per kind of source when the kinds differ
# in their seat (WITHDRAW). A status missing from every row of an action refuses that action.
TRANSITIONS = (
    Transition(Action.VOLUNTEER, (S.SUGGESTED, S.DECLINED, S.WITHDRAWN), S.VOLUNTEERED),
    Transition(Action.JOIN, (S.SUGGESTED, S.INVITED, S.DECLINED, S.WITHDRAWN), S.CONFIRMED),
    Transition(Action.INVITE, (S.SUGGESTED, S.DECLINED, S.WITHDRAWN), S.INVITED),
    Transition(Action.ACCEPT, (S.INVITED,), S.CONFIRMED),
    Transition(Action.DECLINE, (S.INVITED,), S.DECLINED),
    Transition(Action.WITHDRAW, (S.VOLUNTEERED,), S.WITHDRAWN),
    Transition(Action.WITHDRAW, (S.CONFIRMED,), S.WITHDRAWN),
    Transition(Action.APPROVE, (S.VOLUNTEERED,), S.CONFIRMED),
    Transition(Action.REJECT, (S.VOLUNTEERED,), S.REJECTED),
    Transition(Action.REMOVE, (S.CONFIRMED,), S.REMOVED),
    Transition(Action.MARK_ATTENDED, HOLDS_SEAT, S.ATTENDED),
    Transition(Action.MARK_NO_SHOW, HOLDS_SEAT, S.NO_SHOW),
)

# Why an action is refused from a status outside its rows, in the employee's or coordinator's words.
REFUSALS = {
    Action.VOLUNTEER: _l("The coordinator has already decided on your sign-up for this need."),
    Action.JOIN: _l("The coordinator has already decided on your sign-up for this need."),
    # The invitation service skips people it cannot invite; this is for one who changed meanwhile.
    Action.INVITE: _l("This sign-up has changed meanwhile. Reload the page and try again."),
    Action.ACCEPT: _l("There is no open invitation to accept."),
    Action.DECLINE: _l("There is no open invitation to decline."),
    Action.WITHDRAW: _l("You are not signed up for this need."),
    Action.APPROVE: _l("Only a volunteer awaiting approval can be approved."),
    Action.REJECT: _l("Only a volunteer awaiting approval can be turned down."),
    Action.REMOVE: _l("Only a confirmed volunteer can be removed."),
    Action.MARK_ATTENDED: _l("Only confirmed volunteers have an attendance."),
    Action.MARK_NO_SHOW: _l("Only confirmed volunteers have an attendance."),
}

_ROWS = {(row.action, source): row for row in TRANSITIONS for source in row.sources}


def allows(action: Action, status: S) -> bool:
    """Whether `action` may move a match that is in `status`."""
    return (action, status) in _ROWS


def transition(action: Action, status: S) -> Transition:
    """The row that moves a match in `status` by `action`; Conflict (409) with the action's refusal if none."""
    row = _ROWS.get((action, status))
    if row is None:
        raise Conflict(str(REFUSALS[action]))
    return row
