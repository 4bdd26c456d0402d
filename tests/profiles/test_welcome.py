"""The guided profile after registration: skills first, then availability and causes, then the suggestions;
each step saves through the profile's own form and service and keeps what the other steps hold."""

from __future__ import annotations

from empathy.models import EmployeeSkill
from tests.factories import DEFAULT_PASSWORD, make_skill, make_user, profile_of


def _register(client, name="Li Lei", email="li.lei@example.com"):
    r = client.post("/register", data={"display_name": name, "email": email, "password": DEFAULT_PASSWORD,
                                       "confirm": DEFAULT_PASSWORD})
    assert r.status_code == 302
    return r.headers["Location"]


def _skills(session, user) -> dict[str, int]:
    from sqlmodel import select

    from empathy.models import Skill

    rows = session.exec(select(Skill.name, EmployeeSkill.level).join(EmployeeSkill, EmployeeSkill.skill_id == Skill.id)
                        .where(EmployeeSkill.profile_id == profile_of(session, user).id)).all()
    return dict(rows)


def test_registration_leads_to_skills_then_availability_then_suggestions(client, session):
    make_skill(session, name="Accounting")
    assert _register(client) == "/welcome/1"
    page = client.get("/welcome/1").get_data(as_text=True)
    assert "Step 1 of 3" in page and 'name="skills-0-name"' in page and 'name="hours_per_month"' not in page
    r = client.post("/welcome/1", data={"skills-0-name": "Accounting", "skills-0-level": "3"})
    assert r.status_code == 302 and r.headers["Location"] == "/welcome/2"
    from sqlmodel import select

    from empathy.models import User

    user = session.exec(select(User).where(User.email == "li.lei@example.com")).one()
    assert _skills(session, user) == {"Accounting": 3}
    page = client.get("/welcome/2").get_data(as_text=True)
    assert 'name="hours_per_month"' in page and 'name="causes"' in page and 'name="skills-0-name"' not in page
    r = client.post("/welcome/2", data={"hours_per_month": "12", "available_weekends": "y", "causes": ["education"]})
    assert r.status_code == 302 and r.headers["Location"] == "/welcome/3"
    session.rollback()  # a new read transaction: see what the requests wrote
    profile = profile_of(session, user)
    assert (profile.hours_per_month, profile.available_weekends, profile.available_weekdays) == (12, True, False)
    assert profile.causes == ["education"]
    assert _skills(session, user) == {"Accounting": 3}  # step 2 kept the skills of step 1
    done = client.get("/welcome/3").get_data(as_text=True)
    assert "Your profile is ready" in done and "/home#suggested" in done
    home = client.get("/home").get_data(as_text=True)
    assert "Tell us your skills first" not in home and "Suggested for you" in home


def test_step_one_keeps_what_the_profile_already_holds(client, auth, session):
    user = make_user(session)
    profile = profile_of(session, user)
    profile.bio, profile.hours_per_month, profile.causes = "Nurse for ten years", 20, ["health"]
    session.add(profile)
    session.commit()
    auth.login(user.email, DEFAULT_PASSWORD)
    r = client.post("/welcome/1", data={"skills-0-name": "Nursing", "skills-0-level": "4"})
    assert r.status_code == 302
    session.rollback()  # a new read transaction: see what the requests wrote
    profile = profile_of(session, user)
    assert (profile.bio, profile.hours_per_month, profile.causes) == ("Nurse for ten years", 20, ["health"])
    assert list(_skills(session, user).values()) == [4]


def test_a_step_with_an_error_shows_it_and_saves_nothing(client, auth, session):
    user = make_user(session)
    auth.login(user.email, DEFAULT_PASSWORD)
    r = client.post("/welcome/2", data={"hours_per_month": "9999"})
    assert r.status_code == 200 and "Some fields need your attention" in r.get_data(as_text=True)
    session.rollback()  # a new read transaction: see what the requests wrote
    assert profile_of(session, user).hours_per_month != 9999


def test_skipping_goes_on_and_home_keeps_inviting(client, session):
    _register(client)
    page = client.get("/welcome/1").get_data(as_text=True)
    assert 'href="/welcome/2">Skip this step' in page and 'href="/home">Finish later' in page
    assert client.get("/welcome/2").status_code == 200
    home = client.get("/home").get_data(as_text=True)
    assert "Tell us your skills first" in home and 'class="suggestions"' not in home


def test_unknown_step_is_not_found(client, auth, session):
    auth.login(make_user(session).email, DEFAULT_PASSWORD)
    assert client.get("/welcome/4").status_code == 404
    assert client.get("/welcome/0").status_code == 404


def test_a_visitor_who_chose_chinese_registers_and_keeps_chinese(client, session):
    """The language switch of a visitor (kept in the cookie session) becomes the new account's language: the
    guided profile and the home page are in Chinese, whatever the browser asks for."""
    from sqlmodel import select

    from empathy.models import User

    make_skill(session, name="Accounting")
    client.post("/language", data={"language": "zh", "next": "/register"})
    english = {"Accept-Language": "en"}
    r = client.post("/register", headers=english, data={"display_name": "Li Lei", "email": "li.lei@example.com",
                                                       "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD})
    assert r.status_code == 302 and r.headers["Location"] == "/welcome/1"
    user = session.exec(select(User).where(User.email == "li.lei@example.com")).one()
    assert user.preferred_language == "zh"
    page = client.get("/welcome/1", headers=english).get_data(as_text=True)
    assert "第 1 步，共 3 步" in page and "Step 1 of 3" not in page
    client.post("/welcome/1", data={"skills-0-name": "Accounting", "skills-0-level": "4"})
    home = client.get("/home", headers=english).get_data(as_text=True)
    assert "为您推荐" in home and "Suggested for you" not in home


def test_a_visitor_reading_in_english_registers_in_english(client, session):
    from sqlmodel import select

    from empathy.models import User

    client.post("/language", data={"language": "en"})
    _register(client)
    assert session.exec(select(User.preferred_language).where(User.email == "li.lei@example.com")).one() == "en"


def test_signing_in_keeps_the_language_the_visitor_chose(client, session):
    """An account without a language of its own keeps the visitor's choice after signing in (the sign-in starts a
    new cookie session, which used to drop it)."""
    make_user(session, email="wang@example.com")
    client.post("/language", data={"language": "zh"})
    r = client.post("/login", data={"email": "wang@example.com", "password": DEFAULT_PASSWORD},
                    headers={"Accept-Language": "en"})
    assert r.status_code == 302
    assert "为您推荐" in client.get("/home", headers={"Accept-Language": "en"}).get_data(as_text=True)
