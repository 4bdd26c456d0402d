"""The team builder: must-haves covered first (as the match explanation counts them), a reason for each person left out,
and a searchable picker."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from empathy.core.db import utcnow
from empathy.models import Need
from empathy.profiles import credentials
from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.volunteering.services import teams
from empathy.volunteering.services.invitations import find_candidates
from empathy.volunteering.services.teams import TeamCandidate, propose_team
from tests.api.fixtures import token_for
from tests.factories import (
    DEFAULT_PASSWORD,
    make_match,
    make_need,
    make_skill,
    make_user,
    make_volunteer,
    profile_of,
)

TZ = ZoneInfo("Asia/Shanghai")


def _person(session, name, skills, bio, *, hours=20, **profile):
    return make_volunteer(session, name, bio, skills, hours=hours, **profile)


def _index(app, session) -> MatchIndex:
    path = Path(app.config["MATCH_MODEL_PATH"])
    fit_and_save(session, path, TZ)
    return MatchIndex(path, TZ)


def _login(auth, user):
    assert auth.login(user.email, DEFAULT_PASSWORD).status_code == 302


@pytest.fixture
def wiring(app, session):
    """A need for electrical wiring whose best-ranked holder of it writes the skill in her own words as high-voltage
    work (a skill she typed, waiting for an administrator's review)."""
    wiring = make_skill(session, name="Electrical wiring", label_zh="电路布线", synonyms=["electrician"])
    hv = make_skill(session, name="High-voltage electrical work", label_zh="高压电气作业", synonyms=["HV electrician"],
                    needs_review=True)
    smart = make_skill(session, name="Smart home systems", label_zh="智能家居")
    accounting = make_skill(session, name="Accounting")
    owner = make_user(session, role="coordinator", display_name="Coco")
    people = {
        "sam": _person(session, "Sam Smart", [(smart, 3)], "Installs smart home sensors and smoke alarms for seniors."),
        "sue": _person(session, "Sue Smart", [(smart, 2)], "Smart home hobbyist; sets up alarms and sensors."),
        "hana": _person(session, "Hana Volt", [(hv, 4)], "High-voltage electrician for substations."),
        "al": _person(session, "Al Ledger", [(accounting, 3)], "Accountant."),
    }
    need = make_need(session, owner=owner, title="Install smoke alarms and sensors in seniors' homes",
                     description="Install smart home sensors and smoke alarms; check the wiring.", seats=2,
                     hours_per_volunteer=12, skills=[(wiring, "must", 1), (smart, "nice", 2)])
    return {"owner": owner, "need": need, "index": _index(app, session), **people}


def test_the_best_ranked_candidate_with_the_must_have_is_in_the_team_and_it_is_covered(session, wiring):
    w = wiring
    found, _ = find_candidates(session=session, index=w["index"], actor=w["owner"], need_id=w["need"].id)
    order = [c.user.id for c in found]
    hana = next(c for c in found if c.user.id == w["hana"].id)
    # What the matcher explains: her high-voltage work counts for Electrical wiring. Two people score above her;
    # short of the must-have, their fits are capped below hers, so the list (by the fit shown) puts her first.
    assert [r["need_skill"] for r in hana.explanation["matched_skills"]] == ["Electrical wiring"]
    assert sum(c.score > hana.score for c in found) >= 2
    assert order[0] == w["hana"].id

    page = teams.build_team(session=session, index=w["index"], actor=w["owner"], need_id=w["need"].id)

    assert w["hana"].id in [m.id for m in page.team.members]
    assert page.team.coverage == {"Electrical wiring": [w["hana"].id]}
    assert page.team.uncovered == []
    cover = next(m for m in page.team.members if m.id == w["hana"].id).covers
    assert [(c.skill, c.need_skill, c.level) for c in cover] == [
        ("High-voltage electrical work", "Electrical wiring", 4)]


def test_the_team_page_shows_the_covering_skill_in_the_persons_words(client, auth, wiring):
    _login(auth, wiring["owner"])
    page = client.get(f"/needs/{wiring['need'].id}/team")
    assert page.status_code == 200
    assert "not covered" not in page.text
    assert "High-voltage electrical work (expert) for Electrical wiring" in page.text


@pytest.fixture
def unavailable(app, session):
    """Four people who fit a need, none of whom can join it, each for a reason of their own."""
    admin = make_user(session, role="admin")
    profile = profile_of(session, admin)
    profile.is_suggestible = False  # not a candidate: only the four below are
    session.add(profile)
    session.commit()
    owner = make_user(session, role="coordinator", display_name="Coco")
    nursing = make_skill(session, name="Nursing")
    starts_at = utcnow().replace(microsecond=0) + timedelta(days=20)
    need = make_need(session, owner=owner, title="Health checks for elderly residents", seats=2, hours_per_volunteer=12,
                     description="Nurses to check blood pressure of elderly residents.", starts_at=starts_at,
                     ends_at=starts_at + timedelta(hours=8), skills=[(nursing, "must", 2)])
    credentials.set_required_kinds(session=session, actor=owner, need_id=need.id, kinds=["background_check"])
    bio = "Registered nurse: blood pressure checks for elderly residents."
    people = {
        "few_hours": _person(session, "Fay Few", [(nursing, 4)], bio, hours=4),
        "private": _person(session, "Pia Private", [(nursing, 4)], bio, share_availability=False),
        "no_credential": _person(session, "Nell Nocred", [(nursing, 4)], bio),
        "committed": _person(session, "Cory Committed", [(nursing, 4)], bio),
    }
    for key in ("few_hours", "private", "committed"):
        cred = credentials.record_credential(session=session, user=people[key], kind="background_check",
                                             expires_on=date.today() + timedelta(days=300))
        credentials.verify_credential(session=session, actor=admin, credential_id=cred.id)
    other = make_need(session, owner=owner, title="Blood drive", starts_at=starts_at + timedelta(hours=2),
                      ends_at=starts_at + timedelta(hours=5), hours_per_volunteer=2)
    make_match(session, other, people["committed"], status="confirmed")
    return {"owner": owner, "need": need, "blood_drive": other, "index": _index(app, session), **people}


def test_when_nobody_can_join_each_candidate_and_the_must_have_get_their_reason(session, unavailable):
    u = unavailable
    page = teams.build_team(session=session, index=u["index"], actor=u["owner"], need_id=u["need"].id)

    assert page.team.members == []
    codes = {i: [r.code for r in why] for i, why in page.team.left_out.items()}
    assert codes == {u["few_hours"].id: ["no_hours"], u["private"].id: ["hours_private"],
                     u["no_credential"].id: ["credential"], u["committed"].id: ["overlap"]}
    assert page.team.uncovered_why["Nursing"].code == "unavailable"


def test_the_page_and_the_api_say_why_nobody_can_join(client, auth, session, unavailable):
    u = unavailable
    _login(auth, u["owner"])
    text = client.get(f"/needs/{u['need'].id}/team").text
    assert "No one available fits this need" not in text
    assert "Nobody among the best-ranked candidates (4) can join right now:" in text
    for line in ("fewer free hours a month than the 12 h a month this need asks: 1",
                 "availability kept private: 1",
                 "a required credential missing (Background check (work with children)): 1",
                 "already committed to a need at the same time: 1",
                 "4 h a month free while the need runs; it asks 12 h a month",
                 "already committed at that time (“Blood drive”)"):
        assert line in text, line

    token = token_for(session, u["owner"])
    body = client.get(f"/api/v1/needs/{u['need'].id}/team", headers={"Authorization": f"Bearer {token}"}).json
    assert body["members"] == []
    assert body["why_empty"][0] == "Nobody among the best-ranked candidates (4) can join right now:"
    reasons = {c["display_name"]: [r["code"] for r in c["reasons"]] for c in body["candidates"]}
    assert reasons == {"Fay Few": ["no_hours"], "Pia Private": ["hours_private"], "Nell Nocred": ["credential"],
                       "Cory Committed": ["overlap"]}
    few = next(c for c in body["candidates"] if c["display_name"] == "Fay Few")
    assert few["reasons"][0]["text"] == "4 h a month free while the need runs; it asks 12 h a month"
    assert [(x["skill"], x["code"]) for x in body["uncovered_reasons"]] == [("Nursing", "unavailable")]


def _c(i, score, skills, free=20.0):
    return TeamCandidate(id=i, score=score, skills=frozenset(skills), free_hours=free, rank=i)


def test_set_cover_takes_two_complementary_people_over_two_overlapping_higher_ranked_ones():
    overlapping = [_c(1, .9, {"a", "b"}), _c(2, .85, {"a", "b"})]
    complementary = [_c(3, .5, {"a", "b", "c"}), _c(4, .4, {"d"})]
    team = propose_team(overlapping + complementary, ["a", "b", "c", "d"], seats=2, hours_needed=4)

    assert [m.id for m in team.members] == [3, 4]
    assert team.uncovered == []
    assert {i: [r.code for r in why] for i, why in team.left_out.items()} == {1: ["seats_full"], 2: ["seats_full"]}


def test_an_uncovered_must_have_says_whether_anyone_has_it_at_the_asked_level():
    below = TeamCandidate(id=2, score=.5, skills=frozenset(), free_hours=20, below=frozenset({"a"}))
    people = [_c(1, .9, set()), below]
    team = propose_team(people, ["a"], seats=2, hours_needed=4)
    assert team.uncovered == ["a"]
    assert team.uncovered_why["a"].code == "nobody" and team.uncovered_why["a"].values["below"] == (2,)


def test_the_picker_is_a_search_box_over_checkboxes_and_works_without_script(client, auth, wiring):
    w = wiring
    _login(auth, w["owner"])
    page = client.get(f"/needs/{w['need'].id}/team").text
    assert '<input type="search" id="team-search" name="q"' in page
    assert "<select" not in page
    # The accountant shares nothing with the need: he is not a candidate at all.
    assert page.count('type="checkbox" name="member"') == 3 and "Al Ledger" not in page
    assert "js/team.js" in page
    # Without script the box filters when the form is sent, and what is ticked makes the team.
    filtered = client.get(f"/needs/{w['need'].id}/team", query_string={"q": "sue", "member": [w["sue"].id]}).text
    assert f'id="member-{w["sue"].id}" checked' in filtered
    rows = {line.split('data-search="')[1].split('"')[0]: " hidden" in line
            for line in filtered.splitlines() if 'class="team-candidate"' in line}
    assert [text for text, hidden in rows.items() if not hidden][0].startswith("sue smart")
    assert "not covered" in filtered and "not in your choice; Hana Volt could cover it" in filtered


def test_ticking_more_people_than_seats_keeps_the_best_ranked_and_says_who_was_not_kept(client, auth, wiring):
    w = wiring
    _login(auth, w["owner"])
    ticked = [w["sam"].id, w["sue"].id, w["hana"].id]  # two seats
    page = client.get(f"/needs/{w['need'].id}/team", query_string={"member": ticked}).text
    assert "Not kept, for want of seats (2 left): Hana Volt." in page
    assert page.count('name="user_ids"') == 2 and f'name="user_ids" value="{w["hana"].id}"' not in page
    assert f'id="member-{w["hana"].id}" checked' in page  # still ticked, for the coordinator to choose again


def test_the_reasons_read_in_chinese(client, auth, unavailable):
    _login(auth, unavailable["owner"])
    client.post("/language", data={"language": "zh"})
    text = client.get(f"/needs/{unavailable['need'].id}/team").text
    assert "排名最前的候选人（4 人）目前都无法参加：" in text
    assert "该需求期间每月空闲 4 小时；该需求每月需要 12 小时" in text
    assert "挑选团队" in text and "查找人员或技能" in text


def test_the_api_checks_a_choice_of_members(client, session, wiring):
    w = wiring
    headers = {"Authorization": f"Bearer {token_for(session, w['owner'])}"}
    url = f"/api/v1/needs/{w['need'].id}/team"
    body = client.get(url, query_string={"member": [w["sam"].id, w["sue"].id, w["hana"].id]}, headers=headers).json
    assert [m["user_id"] for m in body["members"]] == [w["sam"].id, w["sue"].id]
    assert body["not_kept"] == [w["hana"].id] and body["uncovered"] == ["Electrical wiring"]
    assert body["uncovered_reasons"][0]["code"] == "not_in_choice"
    assert client.get(url, query_string={"member": "x"}, headers=headers).status_code == 422


def test_another_coordinators_need_is_not_named_in_the_reason(session, unavailable):
    u = unavailable
    other_owner = make_user(session, role="coordinator")
    blood_drive = session.get(Need, u["blood_drive"].id)
    blood_drive.owner_id = other_owner.id
    session.add(blood_drive)
    session.commit()
    page = teams.build_team(session=session, index=u["index"], actor=u["owner"], need_id=u["need"].id)
    assert page.team.left_out[u["committed"].id][0].values["title"] == ""


def test_someone_below_the_asked_level_is_told_apart_from_someone_without_the_skill(client, auth, session, app):
    nursing = make_skill(session, name="Nursing")
    owner = make_user(session, role="coordinator")
    novice = _person(session, "Nora Novice", [(nursing, 1)], "Nursing student helping elderly residents.")
    need = make_need(session, owner=owner, title="Health checks", description="Nurses for elderly residents.",
                     hours_per_volunteer=2, skills=[(nursing, "must", 3)])
    index = _index(app, session)
    page = teams.build_team(session=session, index=index, actor=owner, need_id=need.id)
    assert page.team.uncovered == ["Nursing"]
    assert page.team.uncovered_why["Nursing"].code == "nobody"
    assert page.team.uncovered_why["Nursing"].values["below"] == (novice.id,)
    _login(auth, owner)
    text = client.get(f"/needs/{need.id}/team").text
    assert "Below the asked level in: Nursing" in text and "below that level: Nora Novice" in text


def test_the_team_page_heads_people_with_their_band_and_inviting_the_team_opens_the_people_board(client, auth,
                                                                                                  wiring):
    _login(auth, wiring["owner"])
    url = f"/needs/{wiring['need'].id}/team"
    page = client.get(url).text
    assert re.search(r'class="band band-(strong|good|partial|weak)"', page) and "fit %" not in page.lower()
    assert "Strong fit: about 60 in 100" in page
    members = re.findall(r'name="user_ids" value="(\d+)"', page)
    invite_form = page[page.index('id="invite-team"'):]
    nxt = re.search(r'name="next" value="([^"]+)"', invite_form).group(1)
    r = client.post(f"/needs/{wiring['need'].id}/invite", data={"user_ids": members, "next": nxt},
                    headers={"Referer": f"http://localhost{url}"})
    assert r.status_code == 302 and r.headers["Location"] == f"/needs/{wiring['need'].id}/people"


def test_free_hours_count_the_organisations_months_not_utcs(session):
    # 1 Dec 2026 00:30 in Shanghai is still 30 Nov in UTC: for the organisation it is December.
    from zoneinfo import ZoneInfo

    from empathy.volunteering.services.invitations import month_hours

    shanghai = ZoneInfo("Asia/Shanghai")
    person, owner = make_user(session), make_user(session, role="coordinator")
    november = make_need(session, owner=owner, hours_per_volunteer=5,
                         starts_at=datetime(2026, 11, 30, 20, tzinfo=shanghai),
                         ends_at=datetime(2026, 11, 30, 22, tzinfo=shanghai))
    december = make_need(session, owner=owner, hours_per_volunteer=3,
                         starts_at=datetime(2026, 12, 1, 0, 30, tzinfo=shanghai),
                         ends_at=datetime(2026, 12, 1, 2, tzinfo=shanghai))
    target = make_need(session, owner=owner, starts_at=datetime(2026, 12, 15, 9, tzinfo=shanghai),
                       ends_at=datetime(2026, 12, 15, 12, tzinfo=shanghai))
    for need in (november, december):
        make_match(session, need, person, status="confirmed")
    assert month_hours(session, [person.id], target, tz=shanghai) == {person.id: 3.0}
