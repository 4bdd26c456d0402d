"""Nothing in common, nothing offered: a need with no matched skill and no word that counted is not suggested
to a person (home, API), and a person with neither is not suggested for a need (its page, the API, the team
builder). The ranking itself is the matcher's; only what is shown is filtered."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.ranked import need_ranking
from empathy.suggestions.services import suggest_employees, suggest_needs
from empathy.volunteering.services import teams
from tests.api.fixtures import token_for
from tests.factories import (
    DEFAULT_PASSWORD,
    make_need,
    make_skill,
    make_user,
    make_volunteer,
)

TZ = ZoneInfo("Asia/Shanghai")


_person = make_volunteer


@pytest.fixture
def world(app, session):
    """A need for nurses; a nurse, a beginner nurse (below the asked level), and an accountant who shares nothing."""
    nursing = make_skill(session, name="Nursing", label_zh="护理", synonyms=["nurse"])
    accounting = make_skill(session, name="Accounting", label_zh="会计", synonyms=["bookkeeping"])
    owner = make_user(session, role="coordinator", display_name="Coco")
    people = {
        "nurse": _person(session, "Nina Nurse", "Registered nurse: blood pressure checks at home visits.",
                         [(nursing, 4)]),
        "beginner": _person(session, "Ben Beginner", "Student in a first aid club.", [(nursing, 1)]),
        "accountant": _person(session, "Al Ledger", "Chartered accountant, audits charity funds.",
                              [(accounting, 4)]),
    }
    need = make_need(session, owner=owner, title="Health checks for elderly residents", seats=3,
                     description="Nurses measure blood pressure during home visits.", cause="aged_care",
                     hours_per_volunteer=4, skills=[(nursing, "must", 2)])
    path = Path(app.config["MATCH_MODEL_PATH"])
    fit_and_save(session, path, TZ)
    return {"owner": owner, "need": need, "index": MatchIndex(path, TZ), **people}


def _login(auth, user):
    assert auth.login(user.email, DEFAULT_PASSWORD).status_code == 302


def test_the_matcher_still_ranks_the_accountant_but_he_is_not_suggested_for_the_need(session, world):
    w = world
    model = w["index"].current(session)
    assert w["accountant"].id in need_ranking(session, w["index"], model, w["need"]).ids  # ranking untouched
    names = [s.user.display_name for s in suggest_employees(session=session, index=w["index"], need_id=w["need"].id)]
    # The beginner holds the need's skill below its level: still suggested, with the skill as missing.
    assert names[0] == "Nina Nurse" and "Ben Beginner" in names and "Al Ledger" not in names


def test_a_need_with_nothing_in_common_is_not_offered_at_home_nor_in_the_api(client, auth, session, world):
    w = world
    assert suggest_needs(session=session, index=w["index"], user=w["accountant"]) == []
    assert [s.need.id for s in suggest_needs(session=session, index=w["index"], user=w["beginner"])] == [w["need"].id]
    _login(auth, w["accountant"])
    home = client.get("/home").text
    assert "Health checks for elderly residents" not in home and "Weak fit" not in home
    # A friendly empty state that says what to add, with the way to the profile.
    assert "No open need matches your profile yet." in home and "describe your specialty" in home
    assert 'href="/profile"' in home
    auth.logout()
    token = token_for(session, w["accountant"])
    body = client.get("/api/v1/me/suggestions", headers={"Authorization": f"Bearer {token}"}).json
    assert body["items"] == [] and body["total"] == 0


def test_the_chinese_home_says_what_to_add(client, auth, world):
    _login(auth, world["accountant"])
    client.post("/language", data={"language": "zh"})
    home = client.get("/home").text
    assert "暂时没有与您的资料相符的开放需求。" in home and "补充您的资料" in home


def test_the_need_page_and_the_api_leave_out_people_with_nothing_in_common(client, auth, session, world):
    w = world
    _login(auth, w["owner"])
    page = client.get(f"/needs/{w['need'].id}/suggestions").text
    assert "Nina Nurse" in page and "Ben Beginner" in page and "Al Ledger" not in page
    assert "2 people have some of what this need asks for" in page
    token = token_for(session, w["owner"])
    body = client.get(f"/api/v1/needs/{w['need'].id}/suggestions",
                      headers={"Authorization": f"Bearer {token}"}).json
    assert body["total"] == 2 and {i["display_name"] for i in body["items"]} == {"Nina Nurse", "Ben Beginner"}


def test_the_team_builder_does_not_propose_people_with_nothing_in_common(session, world):
    w = world
    page = teams.build_team(session=session, index=w["index"], actor=w["owner"], need_id=w["need"].id)
    considered = {tc.id for tc, _c in page.candidates}
    assert w["accountant"].id not in considered and w["nurse"].id in considered
    assert w["accountant"].id not in {m.id for m in page.team.members}


def _c(i, score, skills=(), weak=False):
    return teams.TeamCandidate(id=i, score=score, skills=frozenset(skills), free_hours=20.0, rank=i, weak=weak)


def test_weak_fits_do_not_fill_free_seats_and_get_their_reason():
    team = teams.propose_team([_c(1, 0.9, {"Nursing"}), _c(2, 0.4, weak=True), _c(3, 0.3, weak=True)],
                              ["Nursing"], seats=3, hours_needed=4)
    assert [m.id for m in team.members] == [1]
    assert team.weak_left_out == [2, 3]
    assert [r.code for r in team.left_out[2]] == [teams.WEAK_FIT]


def test_a_weak_fit_covering_a_must_have_is_proposed_for_it():
    team = teams.propose_team([_c(1, 0.3, {"Nursing"}, weak=True), _c(2, 0.2, weak=True)], ["Nursing"], seats=2,
                              hours_needed=4)
    assert [m.id for m in team.members] == [1] and team.uncovered == []


def test_seats_that_only_weak_fits_could_fill_are_left_open_and_said_so(client, auth, session, world, monkeypatch):
    """The page and the API name the weak fits instead of proposing them as a good team."""
    w = world
    real = teams.find_candidates

    def all_weak(**kwargs):  # every candidate read as a weak fit, as a sparse installation gives
        found, more = real(**kwargs)
        for c in found or []:
            c.explanation = {**c.explanation, "band": "weak"}
        return found, more

    monkeypatch.setattr(teams, "find_candidates", all_weak)
    page = teams.build_team(session=session, index=w["index"], actor=w["owner"], need_id=w["need"].id)
    assert [m.id for m in page.team.members] == [w["nurse"].id]  # she covers the must-have
    assert page.team.weak_left_out == [w["beginner"].id]
    _login(auth, w["owner"])
    html = client.get(f"/needs/{w['need'].id}/team").text
    assert "2 seats stay open: only weak fits could take them (Ben Beginner)" in html
    token = token_for(session, w["owner"])
    body = client.get(f"/api/v1/needs/{w['need'].id}/team", headers={"Authorization": f"Bearer {token}"}).json
    assert body["weak_seats"].startswith("2 seats stay open: only weak fits could take them (Ben Beginner)")
    ben = next(c for c in body["candidates"] if c["display_name"] == "Ben Beginner")
    assert [r["code"] for r in ben["reasons"]] == ["weak_fit"]


def test_when_only_weak_fits_are_left_nobody_is_proposed_and_the_page_says_why(client, auth, session, world,
                                                                               monkeypatch):
    w = world
    real = teams.find_candidates

    def weak_only(**kwargs):
        found, more = real(**kwargs)
        found = [c for c in found or [] if c.user.id == w["beginner"].id]
        for c in found:
            c.explanation = {**c.explanation, "band": "weak"}
        return found, more

    monkeypatch.setattr(teams, "find_candidates", weak_only)
    _login(auth, w["owner"])
    html = client.get(f"/needs/{w['need'].id}/team").text
    assert "Nobody can be proposed" in html and "The only candidate left is a weak fit" in html
    assert "Invite the whole team" not in html


def test_the_open_seats_note_names_five_weak_fits_and_counts_the_others(app):
    from types import SimpleNamespace

    from empathy.volunteering.services.team_reasons import weak_seats_note

    pool = [_c(1, 0.9, {"Nursing"})] + [_c(i, 0.5 - i / 100, weak=True) for i in range(2, 10)]
    team = teams.propose_team(pool, ["Nursing"], seats=4, hours_needed=4)
    people = [(tc, SimpleNamespace(user=SimpleNamespace(display_name=f"P{tc.id}"))) for tc in pool]
    page = teams.TeamPage(need=None, team=team, candidates=people, required=["Nursing"], labels={}, seats_left=4)
    with app.test_request_context():
        assert weak_seats_note(page).startswith(
            "3 seats stay open: only weak fits could take them (P2, P3, P4, P5, P6, and 3 others)")
