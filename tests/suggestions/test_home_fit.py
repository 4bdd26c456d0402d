"""On the demo, a specialist's home page reads a right need as a good fit or better, under the legend of
needs suggested to a person (their own calibration); a need's suggestions keep the need's legend."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from empathy.admin.services.demo import seed_demo
from empathy.demo import COORDINATOR_PASSWORD, COORDINATORS, EMPLOYEE_PASSWORD
from empathy.models import EmployeeProfile, EmployeeSkill, Need, Skill, User
from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.services import suggest_needs
from empathy.volunteering.services.invitations import candidate_page
from tests.api.fixtures import token_for
from tests.factories import DEFAULT_PASSWORD, add_employee_skill, make_need, make_skill, make_user, profile_of

TZ = ZoneInfo("Asia/Shanghai")
VILLAGE_PV = "盐池县村级光伏电站运维培训"  # PV operations and maintenance at Yanchi's village stations (must, advanced)
BAND = re.compile(r'<span class="band band-(\w+)"')
EMPLOYEE_LEGEND = {
    "en": "How often such suggestions were the right need in our benchmark: "
          '<span class="nowrap">Strong fit: about 76 in 100</span>',
    "zh": '在我们的基准测试中，各档推荐是合适需求的比例： <span class="nowrap">高度契合：每 100 个中约 76 个</span>',
}
NEED_LEGEND = {
    "en": 'How often such suggestions were the right person in our benchmark: <span class="nowrap">Strong fit: about '
          "60 in 100</span>",
    "zh": '在我们的基准测试中，各档推荐是合适人选的比例： <span class="nowrap">高度契合：每 100 个中约 60 个</span>',
}


@pytest.fixture
def demo(app, session):
    seed_demo(session=session)
    fit_and_save(session, Path(app.config["MATCH_MODEL_PATH"]), TZ)


def _pv_engineers(session) -> list[User]:
    """Demo staff who hold both solar PV installation and electrical engineering (the PV engineers)."""
    held = {}
    for user, name in session.exec(
            select(User, Skill.name).join(EmployeeProfile, EmployeeProfile.user_id == User.id)
            .join(EmployeeSkill, EmployeeSkill.profile_id == EmployeeProfile.id)
            .join(Skill, Skill.id == EmployeeSkill.skill_id)).all():
        held.setdefault(user.id, (user, set()))[1].add(name)
    return [u for u, names in held.values() if {"Solar PV installation", "Electrical engineering"} <= names]


def _cards(html: str) -> dict[str, str]:
    """The band of each suggestion on a home page, by need title."""
    out = {}
    for card in html.split('<li class="card suggestion">')[1:]:
        title = re.search(r'<h3><a href="[^"]+">([^<]+)</a></h3>', card).group(1)
        out[title] = BAND.search(card).group(1)
    return out


def _set_language(client, code: str) -> None:
    assert client.post("/language", data={"language": code}).status_code == 302


def test_a_demo_pv_engineer_sees_the_village_pv_training_as_at_least_a_good_fit(client, auth, session, demo):
    engineers = _pv_engineers(session)
    assert len(engineers) >= 5
    seen = 0
    for user in engineers:
        assert auth.login(user.email, EMPLOYEE_PASSWORD).status_code == 302
        html = client.get("/home").get_data(as_text=True)
        bands = _cards(html)
        if VILLAGE_PV in bands:  # the others work elsewhere on site only, or have joined it
            seen += 1
            assert bands[VILLAGE_PV] in ("strong", "good"), (user.email, bands)
            for code in ("zh", "en"):
                _set_language(client, code)
                html = client.get("/home").get_data(as_text=True)
                assert EMPLOYEE_LEGEND[code] in html and NEED_LEGEND[code] not in html
        auth.logout()
    assert seen >= 2


def test_a_needs_suggestions_keep_the_legend_of_people_suggested_for_a_need(client, auth, session, demo):
    need = session.exec(select(Need).where(Need.title == VILLAGE_PV)).one()
    owner = next(c for c in COORDINATORS if c["email"] == "coordinator.ningxia@empathy.example")
    assert auth.login(owner["email"], COORDINATOR_PASSWORD).status_code == 302
    for code in ("zh", "en"):
        _set_language(client, code)
        html = client.get(f"/needs/{need.id}/suggestions").get_data(as_text=True)
        assert NEED_LEGEND[code] in html and EMPLOYEE_LEGEND[code] not in html


def test_someone_who_can_join_few_needs_reads_them_under_the_legend_that_made_their_bands(client, auth, session, app):
    owner = make_user(session, role="coordinator")
    nursing = make_skill(session, name="Nursing")
    for title in ("Blood pressure checks for elderly residents", "First aid training for volunteers"):
        make_need(session, owner=owner, title=title, description=title + " by a registered nurse.",
                  skills=[(nursing, "must", 2)])
    nurse = make_user(session, display_name="Nina Nurse")
    profile = profile_of(session, nurse)
    profile.bio = "Registered nurse: blood pressure checks and first aid."
    session.add(profile)
    session.commit()
    add_employee_skill(session, nurse, nursing, level=4)
    fit_and_save(session, Path(app.config["MATCH_MODEL_PATH"]), TZ)

    assert auth.login(nurse.email, DEFAULT_PASSWORD).status_code == 302
    html = client.get("/home").get_data(as_text=True)
    assert len(_cards(html)) == 2  # fewer than scoring.EMPLOYEE_MIN_POOL: the need-side calibration
    assert NEED_LEGEND["en"] in html and EMPLOYEE_LEGEND["en"] not in html
    token = token_for(session, nurse)  # the API says which calibration made the band
    body = client.get("/api/v1/me/suggestions", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [s["explanation"]["calibration"] for s in body["items"]] == ["need", "need"]


README_PV_ENGINEER = "haolin.xie.6@empathy.example"  # the README's demo employee: Beijing, on site only, travels


def test_the_readme_pv_engineer_is_offered_the_village_pv_training(client, auth, session, demo):
    # Based in Beijing and not remote, but gives 20 hours a month and goes to other sites: in-person needs at
    # the Yanchi PV base are for them too.
    user = session.exec(select(User).where(User.email == README_PV_ENGINEER)).one()
    assert profile_of(session, user).travel_ok and not profile_of(session, user).remote_ok
    assert auth.login(user.email, EMPLOYEE_PASSWORD).status_code == 302
    bands = _cards(client.get("/home").get_data(as_text=True))
    assert bands.get(VILLAGE_PV) in ("strong", "good"), bands


def test_an_accounting_expert_reads_the_aged_care_bookkeeping_as_a_related_fit(client, auth, session, app, demo):
    bookkeeping = "Quarterly bookkeeping for the Home-based Aged Care Charity Fund"
    accountant = make_user(session, display_name="Ada Accountant")
    profile = profile_of(session, accountant)
    profile.causes = ["aged_care"]
    session.add(profile)
    session.commit()
    add_employee_skill(session, accountant, session.exec(select(Skill).where(Skill.name == "Accounting")).one(),
                       level=4)
    index = MatchIndex(Path(app.config["MATCH_MODEL_PATH"]), TZ)
    found = suggest_needs(session=session, index=index, user=accountant)
    assert found[0].need.title == bookkeeping, [s.need.title for s in found]
    expl = found[0].explanation
    assert expl["missing_must_have"] == ["Bookkeeping"]  # not held: named, with the related skill below
    assert ("Bookkeeping", "Accounting") in {(r["need_skill"], r["employee_skill"]) for r in expl["related_skills"]}
    assert auth.login(accountant.email, DEFAULT_PASSWORD).status_code == 302
    html = client.get("/home").get_data(as_text=True)
    assert "related: Accounting for Bookkeeping" in html


def test_the_count_of_suggested_people_says_how_many_fit_as_the_bands_do(client, auth, session, app, demo):
    need = session.exec(select(Need).where(Need.title == VILLAGE_PV)).one()
    owner = session.exec(select(User).where(User.email == "coordinator.ningxia@empathy.example")).one()
    index = MatchIndex(Path(app.config["MATCH_MODEL_PATH"]), TZ)
    every = candidate_page(session=session, index=index, actor=owner, need_id=need.id, per_page=100, tz=TZ)
    bands = [c.explanation["band"] for c in every.items]
    assert every.total == len(bands) and every.fitting == sum(b != "weak" for b in bands) >= 1
    assert auth.login(owner.email, COORDINATOR_PASSWORD).status_code == 302
    _set_language(client, "en")
    html = client.get(f"/needs/{need.id}/suggestions").get_data(as_text=True)
    people = "person has" if every.total == 1 else "people have"
    assert f"{every.total} {people} some of what this need asks for; {every.fitting} of them fit" in html
    assert "a share of right answers, not a share of the skills" in html


def test_on_the_village_pv_training_a_related_skill_never_overtakes_the_asked_one_of_comparable_specialty(
        app, session, demo):
    # The reviewer's case: a PV engineer holding Solar PV installation (related to the must-have PV operations and
    # maintenance) ranked above the O&M technician holding it at expert level, whose specialty score was higher:
    # the shared cause (a tie-break) lifted him. Holders of the asked skill at its level, whose specialty is at
    # least a related-only holder's, rank above them.
    need = session.exec(select(Need).where(Need.title == VILLAGE_PV)).one()
    model = MatchIndex(Path(app.config["MATCH_MODEL_PATH"]), TZ).current(session)
    ranked = [s.explanation for s in model.rank_employees(str(need.id), k=40)]
    asked = "PV operations and maintenance"
    exact = [(i, e) for i, e in enumerate(ranked) if any(m["need_skill"] == asked for m in e["matched_skills"])]
    related = [(i, e) for i, e in enumerate(ranked) if any(r["need_skill"] == asked for r in e["related_skills"])]
    pairs = [(i, j) for i, e in exact for j, r in related if e["base_score"] >= r["base_score"]]
    assert len(pairs) >= 2
    assert all(i < j for i, j in pairs), [(ranked[i]["employee_id"], ranked[j]["employee_id"]) for i, j in pairs]
