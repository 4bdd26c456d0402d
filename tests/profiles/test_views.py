"""The profile page as an employee uses it."""

from sqlmodel import select

from empathy.models import Skill
from empathy.profiles.services import profile_skills
from tests.factories import DEFAULT_PASSWORD, add_employee_skill, make_site, make_skill, make_user, profile_of


def _sign_in(session, auth, **kw):
    user = make_user(session, **kw)
    auth.login(user.email, DEFAULT_PASSWORD)
    return user


def _form(**overrides):
    data = {
        "skills-0-name": "", "skills-0-level": "2", "skills-0-years": "",
        "department": "", "site_id": "", "bio": "", "hours_per_month": "8",
        "available_weekdays": "y", "is_suggestible": "y", "submit": "1",
    }
    data.update(overrides)
    return data


def test_profile_needs_sign_in(client):
    response = client.get("/profile")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_page_shows_saved_skills_labelled_fields_and_a_datalist(client, auth, session):
    user = _sign_in(session, auth)
    make_site(session, name_en="Nanning", name_zh="南宁")
    skill = make_skill(session, name="Accounting", label_zh="会计")
    add_employee_skill(session, user, skill, level=4)
    page = client.get("/profile").text
    assert 'value="Accounting"' in page and '<datalist id="skill-options">' in page
    assert 'list="skill-options"' in page
    assert '<option selected value="4">' in page
    for name in ("bio", "department", "site_id", "hours_per_month", "skills-0-level", "skills-0-years"):
        assert f'for="{name}"' in page
    assert 'value="km"' in page and "Khmer" in page and 'value="aged_care"' in page
    assert "Nanning" in page
    zh = client.get("/profile", headers={"Accept-Language": "zh-CN"}).text
    assert "南宁" in zh and 'value="会计"' in zh


def test_save_redirects_and_keeps_everything(client, auth, session):
    user = _sign_in(session, auth)
    site = make_site(session)
    make_skill(session, name="Accounting", label_zh="会计")
    response = client.post("/profile", data=_form(**{
        "skills-0-name": "会计", "skills-0-level": "3", "skills-0-years": "5",
        "skills-1-name": "Khmer interpreting", "skills-1-level": "2", "skills-1-years": "",
        "department": "Finance", "site_id": str(site.id), "bio": "我是会计", "hours_per_month": "10",
        "languages": ["zh", "km"], "causes": ["education"],
    }))
    assert response.status_code == 302
    assert "Your profile is saved." in client.get(response.headers["Location"]).text
    profile = profile_of(session, user)
    assert (profile.department, profile.site_id, profile.bio, profile.languages) == (
        "Finance", site.id, "我是会计", ["zh", "km"])
    assert profile.is_suggestible is True and profile.available_weekends is False
    assert session.exec(select(Skill).where(Skill.name == "Khmer interpreting")).one().needs_review


def test_errors_show_inline_keep_input_and_save_nothing(client, auth, session):
    user = _sign_in(session, auth)
    response = client.post("/profile", data=_form(**{
        "skills-0-name": "Welding", "skills-0-years": "99", "hours_per_month": "800", "bio": "kept text",
    }))
    assert response.status_code == 200
    assert "Enter years from 0 to 80." in response.text
    assert "Enter a whole number of hours from 0 to 744." in response.text
    assert "kept text" in response.text and 'value="Welding"' in response.text
    assert profile_of(session, user).bio == ""


def test_duplicate_rows_are_explained_on_the_row(client, auth, session):
    user = _sign_in(session, auth)
    make_skill(session, name="Accounting", label_zh="会计")
    response = client.post("/profile", data=_form(**{
        "skills-0-name": "Accounting", "skills-1-name": "会计", "skills-1-level": "3", "bio": "changed",
    }))
    assert response.status_code == 200
    assert 'id="skills-1-name-error"' in response.text and "keep one row per skill" in response.text
    assert profile_of(session, user).bio == ""


def test_add_rows_and_remove_without_javascript(client, auth, session):
    user = _sign_in(session, auth)
    skill = make_skill(session, name="Accounting")
    add_employee_skill(session, user, skill)
    page = client.post("/profile", data=_form(**{"skills-0-name": "Accounting", "add_rows": "1"})).text
    assert 'name="skills-3-name"' in page and 'value="Accounting"' in page
    assert "Your profile is saved." not in page
    assert profile_skills(session=session, profile=profile_of(session, user)) != []
    response = client.post("/profile", data=_form(**{"skills-0-name": "Accounting", "skills-0-remove": "y"}))
    assert response.status_code == 302
    session.rollback()  # end the read snapshot taken before the request
    assert profile_skills(session=session, profile=profile_of(session, user)) == []


def test_nav_and_home_link_to_the_profile(client, auth, session):
    _sign_in(session, auth)
    home = client.get("/home").text
    assert 'href="/profile"' in home and 'href="/needs"' in home
    assert 'href="/needs/new"' not in home


def test_a_post_without_hours_is_refused_not_saved_with_the_default(client, auth, session):
    user = _sign_in(session, auth)
    form = _form(bio="new bio")
    del form["hours_per_month"]
    page = client.post("/profile", data=form)
    assert page.status_code == 200
    assert 'id="hours_per_month-error">Enter a whole number of hours from 0 to 744.' in page.text
    session.expire_all()
    assert profile_of(session, user).bio == ""


def test_a_site_no_longer_offered_is_refused_with_the_other_errors_of_the_submit(client, auth, session):
    _sign_in(session, auth)
    closed = make_site(session, is_active=False)
    response = client.post("/profile", data=_form(site_id=str(closed.id), hours_per_month="800"))
    assert response.status_code == 200
    # Both at once: not the hours first and the site on the next submit.
    assert "Choose one of the listed sites." in response.text
    assert "Enter a whole number of hours from 0 to 744." in response.text
