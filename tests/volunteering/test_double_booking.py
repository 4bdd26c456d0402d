"""Nobody is committed to two needs at the same time (issue #16, fault 1): refused with a 409 naming the
clashing need, shown before anyone tries, left out of suggestions and named by the team builder."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import func, select

from empathy.core.db import utcnow
from empathy.models import Match, NeedSkill
from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.services import suggest_employees, suggest_needs
from empathy.volunteering.services import signups, teams
from empathy.volunteering.services.team_reasons import reason_text
from tests.factories import DEFAULT_PASSWORD, add_employee_skill, make_match, make_need, make_skill, make_user
from tests.races import PAIRS, as_user, race
from tests.volunteering.test_teams import unavailable  # noqa: F401 (a fixture)

TZ = ZoneInfo("Asia/Shanghai")
YEAR = utcnow().year + 1  # the 12 Dec, always ahead


def _at(day: int, hour: int, month: int = 12) -> datetime:
    return datetime(YEAR, month, day, hour, tzinfo=TZ) if hour < 24 else datetime(YEAR, month, day + 1, 0, tzinfo=TZ)


@pytest.fixture
def two_needs(session, callers):
    """Two open needs on 12 Dec, 09:00-12:00 and 10:00-13:00 (+08:00), and one right after the first."""
    owner = callers["coord"].user
    kw = {"owner": owner, "status": "open", "is_remote": True, "seats": 100}
    return (make_need(session, title="Morning clean-up", starts_at=_at(12, 9), ends_at=_at(12, 12), **kw),
            make_need(session, title="Late-morning tutoring", starts_at=_at(12, 10), ends_at=_at(12, 13), **kw),
            make_need(session, title="Afternoon walk", starts_at=_at(12, 12), ends_at=_at(12, 15), **kw))


def _matches(session, user) -> int:
    return session.exec(select(func.count()).select_from(Match).where(Match.user_id == user.id)).one()


def test_signing_up_for_two_overlapping_needs_is_refused_naming_the_first(api, session, callers, two_needs):
    first, second, after = two_needs
    assert api("POST", f"/needs/{first.id}/signup", "employee", json={}).status_code == 201
    r = api("POST", f"/needs/{second.id}/signup", "employee", json={})
    assert r.status_code == 409
    assert r.headers["Content-Type"].startswith("application/problem+json")
    assert "Morning clean-up" in r.json["detail"]
    assert r.json["clashes_with"]["id"] == first.id and r.json["clashes_with"]["title"] == "Morning clean-up"
    assert _matches(session, callers["employee"].user) == 1
    # Half-open: a need that starts when the first ends does not clash.
    assert api("POST", f"/needs/{after.id}/signup", "employee", json={}).status_code == 201


def test_a_pending_sign_up_counts_and_a_withdrawal_frees_the_time(api, session, callers, two_needs):
    first, second, _after = two_needs
    first.requires_approval = True
    session.add(first)
    session.commit()
    r = api("POST", f"/needs/{first.id}/signup", "employee", json={})
    assert r.json["status"] == "volunteered"
    assert api("POST", f"/needs/{second.id}/signup", "employee", json={}).status_code == 409
    assert api("POST", f"/matches/{r.json['id']}/withdraw", "employee").status_code == 200
    assert api("POST", f"/needs/{second.id}/signup", "employee", json={}).status_code == 201


def test_accepting_an_invitation_that_clashes_is_refused(api, session, callers, two_needs):
    first, second, _after = two_needs
    make_match(session, first, callers["employee"].user, status="confirmed")
    invited = make_match(session, second, callers["employee"].user, status="invited")
    r = api("POST", f"/matches/{invited.id}/accept", "employee")
    assert r.status_code == 409 and r.json["clashes_with"]["id"] == first.id
    assert session.get(Match, invited.id, populate_existing=True).status == "invited"


def test_approving_a_volunteer_who_is_committed_elsewhere_is_refused(api, session, callers, two_needs):
    first, second, _after = two_needs
    other_owner = callers["coord2"].user
    first.owner_id = other_owner.id
    session.add(first)
    session.commit()
    make_match(session, first, callers["employee"].user, status="confirmed")
    pending = make_match(session, second, callers["employee"].user, status="volunteered")
    r = api("POST", f"/matches/{pending.id}/approve", "coord")
    assert r.status_code == 409
    # Another coordinator's need stays unnamed; the time still shows.
    assert r.json["clashes_with"]["id"] is None and r.json["clashes_with"]["title"] == ""
    assert r.json["clashes_with"]["starts_at"].startswith(f"{YEAR}-12-12T01:00")


def test_the_need_page_shows_the_clash_instead_of_the_volunteer_button(client, auth, session, two_needs):
    first, second, _after = two_needs
    person = make_user(session)
    make_match(session, first, person, status="confirmed")
    auth.login(person.email, DEFAULT_PASSWORD)
    page = client.get(f"/needs/{second.id}").text
    assert "You are already committed to “Morning clean-up” at that time." in page
    assert f"/needs/{second.id}/volunteer" not in page
    response = client.post(f"/needs/{second.id}/volunteer", data={"message": ""}, follow_redirects=True)
    assert "You are already committed to “Morning clean-up” at that time." in response.text
    assert _matches(session, person) == 1


def test_two_sign_ups_for_clashing_needs_at_once_never_both_succeed(session, two_needs):
    first, second, _after = two_needs
    for _ in range(PAIRS):
        person = make_user(session, password=None)
        outcomes = race(session,
                        as_user(person.id, lambda s, u: signups.volunteer(session=s, user=u, need_id=first.id)),
                        as_user(person.id, lambda s, u: signups.volunteer(session=s, user=u, need_id=second.id)))
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes
        assert _matches(session, person) == 1


@pytest.fixture
def fitted(app, session, two_needs, callers):
    first, second, _after = two_needs
    skill = make_skill(session, name="Tutoring")
    for need in (first, second):
        session.add(NeedSkill(need_id=need.id, skill_id=skill.id, importance="must", min_level=1))
    session.commit()
    busy, free = make_user(session, display_name="Busy Bee"), make_user(session, display_name="Free Fox")
    for person in (busy, free):
        add_employee_skill(session, person, skill, level=4)
    make_match(session, first, busy, status="confirmed")
    path = Path(app.config["MATCH_MODEL_PATH"])
    fit_and_save(session, path, TZ)
    return {"busy": busy, "free": free, "index": MatchIndex(path, TZ)}


def test_suggestions_leave_out_people_and_needs_that_clash(session, two_needs, fitted):
    first, second, after = two_needs
    names = [s.user.display_name for s in suggest_employees(session=session, index=fitted["index"],
                                                            need_id=second.id, k=10)]
    assert "Free Fox" in names and "Busy Bee" not in names
    offered = {s.need.id for s in suggest_needs(session=session, index=fitted["index"], user=fitted["busy"], k=10)}
    assert second.id not in offered and first.id not in offered
    free_offered = {s.need.id for s in suggest_needs(session=session, index=fitted["index"], user=fitted["free"],
                                                     k=10)}
    assert second.id in free_offered


def test_the_team_builder_counts_a_pending_sign_up_as_a_commitment(session, unavailable):  # noqa: F811
    u = unavailable
    match = session.exec(select(Match).where(Match.user_id == u["committed"].id)).one()
    match.status = "volunteered"
    session.add(match)
    session.commit()
    page = teams.build_team(session=session, index=u["index"], actor=u["owner"], need_id=u["need"].id)
    assert [r.code for r in page.team.left_out[u["committed"].id]] == ["overlap"]
    assert reason_text(page.team.left_out[u["committed"].id][0]) == "already committed at that time (“Blood drive”)"


def test_the_commitments_page_shows_a_clashing_invitation_without_accept(client, auth, session, two_needs):
    first, second, _after = two_needs
    person = make_user(session)
    make_match(session, first, person, status="confirmed")
    invited = make_match(session, second, person, status="invited")
    auth.login(person.email, DEFAULT_PASSWORD)
    page = client.get("/commitments").text
    assert "You are already committed to “Morning clean-up” at that time." in page
    assert f"/matches/{invited.id}/accept" not in page and f"/commitments/{invited.id}/accept" not in page


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_overlapping_invitations_and_pending_sign_ups_are_flagged_naming_the_other(client, auth, session, two_needs,
                                                                                    lang):
    """Two invitations at one time, or a pending sign-up and an invitation, were not flagged: nothing is refused
    before one is accepted, but each card names the other need and its time, in the page's language."""
    first, second, _after = two_needs
    third = make_need(session, owner=make_user(session, role="coordinator"), title="Noon lunch run", status="open",
                      is_remote=True, seats=5, starts_at=_at(12, 11), ends_at=_at(12, 14))  # overlaps both
    person = make_user(session)
    pending = make_match(session, first, person, status="volunteered")
    make_match(session, second, person, status="invited")
    make_match(session, third, person, status="invited")
    auth.login(person.email, DEFAULT_PASSWORD)
    client.post("/language", data={"language": lang})
    words = {
        "en": {"signed_up": "This overlaps “Late-morning tutoring” (12 Dec {y}, 10:00–13:00), to which you are "
                            "invited: while you are signed up here, you cannot accept that invitation.",
               "committed": "You are already committed to “Morning clean-up” at that time.",
               "both": ["This overlaps “Noon lunch run” (12 Dec {y}, 11:00–14:00), to which you are also invited: "
                        "you can accept only one of them.",
                        "This overlaps “Late-morning tutoring” (12 Dec {y}, 10:00–13:00), to which you are also "
                        "invited: you can accept only one of them."]},
        "zh": {"signed_up": "此需求与您受邀的“Late-morning tutoring”（{y}年12月12日 10:00–13:00）时间重叠："
                            "只要您在此报名，就不能接受那个邀请。",
               "committed": "您在该时间已承诺参加“Morning clean-up”。",
               "both": ["此需求与您同样受邀的“Noon lunch run”（{y}年12月12日 11:00–14:00）时间重叠："
                        "两者只能接受其一。",
                        "此需求与您同样受邀的“Late-morning tutoring”（{y}年12月12日 10:00–13:00）时间重叠："
                        "两者只能接受其一。"]},
    }[lang]
    page = _text(client.get("/commitments").text)
    assert words["signed_up"].format(y=YEAR) in page  # on the pending sign-up
    assert page.count(words["committed"]) == 2  # on each invitation: accepting is refused
    assert f'href="/needs/{second.id}"' in client.get("/commitments").text
    signups.withdraw(session=session, user=person, match_id=pending.id)
    page = _text(client.get("/commitments").text)
    assert all(w.format(y=YEAR) in page for w in words["both"]), page  # each invitation names the other


def test_the_volunteer_step_warns_of_an_overlapping_invitation(client, auth, session, two_needs):
    first, second, _after = two_needs
    person = make_user(session)
    make_match(session, second, person, status="invited")
    auth.login(person.email, DEFAULT_PASSWORD)
    warning = "You are invited to “Late-morning tutoring” ("
    for path in (f"/needs/{first.id}", f"/needs/{first.id}/volunteer"):
        page = client.get(path, follow_redirects=True).text  # the step's one-time form may redirect first
        assert warning in _text(page) and "once you sign up here, you cannot accept that invitation." in _text(page)
        assert f'href="/needs/{second.id}"' in page
    assert f"/needs/{first.id}/volunteer" in client.get(f"/needs/{first.id}").text  # a warning, not a refusal


def test_a_long_programme_blocks_no_event_and_no_event_blocks_it(api, session, callers, two_needs):
    # A need of more than 14 days is a programme whose hours people arrange (empathy.needs.clashes.BLOCKS_UP_TO).
    first, _second, _after = two_needs
    kw = {"owner": callers["coord"].user, "status": "open", "is_remote": True, "seats": 100}
    programme = make_need(session, title="Weekly reading club", starts_at=_at(1, 18), ends_at=_at(28, 20), **kw)
    camp = make_need(session, title="Two-week build", starts_at=_at(1, 8), ends_at=_at(14, 18), **kw)
    assert api("POST", f"/needs/{first.id}/signup", "employee", json={}).status_code == 201
    assert api("POST", f"/needs/{programme.id}/signup", "employee", json={}).status_code == 201
    r = api("POST", f"/needs/{camp.id}/signup", "employee", json={})  # 14 days: it blocks, and 12 Dec is taken
    assert r.status_code == 409 and r.json["clashes_with"]["id"] == first.id


def test_a_long_programme_is_still_suggested_both_ways(app, session, callers, two_needs, fitted):
    skill = session.exec(select(NeedSkill.skill_id).where(NeedSkill.need_id == two_needs[0].id)).first()
    programme = make_need(session, owner=callers["coord"].user, title="Weekly tutoring club", status="open",
                          is_remote=True, seats=100, starts_at=_at(1, 18), ends_at=_at(28, 20))
    session.add(NeedSkill(need_id=programme.id, skill_id=skill, importance="must", min_level=1))
    session.commit()
    path = Path(app.config["MATCH_MODEL_PATH"])
    fit_and_save(session, path, TZ)
    index = MatchIndex(path, TZ)
    offered = {s.need.id for s in suggest_needs(session=session, index=index, user=fitted["busy"], k=10)}
    assert programme.id in offered
    names = [s.user.display_name for s in suggest_employees(session=session, index=index, need_id=programme.id, k=10)]
    assert "Busy Bee" in names
