"""Saving an employee profile: skills from the taxonomy or typed in, validation, one transaction."""

from datetime import timedelta

import pytest
from sqlmodel import select

from empathy.core.errors import ServiceError
from empathy.models import EmployeeSkill, Skill
from empathy.models.profile_schemas import ProfileSkillCreate, ProfileUpdate
from empathy.profiles.services import get_profile, profile_skills, update_profile
from tests.factories import add_employee_skill, make_site, make_skill, make_user, profile_of


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _row(name, level=2, years=None):
    return ProfileSkillCreate(name=name, level=level, years=years)


def _unchecked(skills=(), **fields):
    """A profile built without validation: the service alone must refuse it."""
    rows = [ProfileSkillCreate.model_construct(name=n, level=lv, years=y) for n, lv, y in skills]
    return ProfileUpdate.model_construct(skills=rows, **fields)


def _skills(session, user):
    rows = profile_skills(session=session, profile=profile_of(session, user))
    return {s.name: (es.level, es.years) for es, s in rows}


def test_saves_every_field_and_finds_skills_by_any_label(ctx, session):
    user = make_user(session)
    site = make_site(session)
    make_skill(session, name="Accounting", label_zh="会计", synonyms=["bookkeeping"])
    make_skill(session, name="Python programming", label_zh="Python编程")
    data = ProfileUpdate(
        department="Finance", bio="CPA, ten years", site=site.code, hours_per_month=12,
        available_evenings=True, remote_ok=False, is_suggestible=False,
        languages=["zh", "en", "km"], causes=["education", "aged_care"],
        skills=[_row("会计", 4, 10), _row("python PROGRAMMING", 2)],
    )
    update_profile(session=session, user=user, data=data)
    session.expire_all()
    profile = profile_of(session, user)
    assert (profile.department, profile.site_id, profile.hours_per_month) == ("Finance", site.id, 12)
    assert profile.languages == ["zh", "en", "km"] and profile.causes == ["education", "aged_care"]
    assert profile.is_suggestible is False and profile.remote_ok is False and profile.available_evenings
    assert _skills(session, user) == {"Accounting": (4, 10), "Python programming": (2, None)}


def test_unknown_skill_is_kept_for_review_and_replacing_removes_old_rows(ctx, session):
    user = make_user(session)
    old = make_skill(session, name="Carpentry")
    add_employee_skill(session, user, old, level=3)
    update_profile(session=session, user=user, data=ProfileUpdate(skills=[_row("Sign language interpreting", 3)]))
    new = session.exec(select(Skill).where(Skill.name == "Sign language interpreting")).one()
    assert new.needs_review is True
    assert _skills(session, user) == {"Sign language interpreting": (3, None)}


def test_every_save_moves_updated_at(ctx, session):
    user = make_user(session)
    profile = profile_of(session, user)
    profile.updated_at -= timedelta(days=3)
    session.add(profile)
    session.commit()
    before = profile.updated_at
    update_profile(session=session, user=user, data=ProfileUpdate())
    session.expire_all()
    assert profile_of(session, user).updated_at > before


@pytest.mark.parametrize(
    "data, field",
    [
        (_unchecked([("  ", 2, None)]), "skills-0-name"),
        (_unchecked([("x" * 121, 2, None)]), "skills-0-name"),
        (_unchecked([("Welding", 5, None)]), "skills-0-level"),
        (_unchecked([("Welding", 0, None)]), "skills-0-level"),
        (_unchecked([("Welding", 2, 81)]), "skills-0-years"),
        (_unchecked([("Welding", 2, -1)]), "skills-0-years"),
        (_unchecked(hours_per_month=745), "hours_per_month"),
        (_unchecked(hours_per_month=-1), "hours_per_month"),
        (_unchecked(bio="x" * 5001), "bio"),
        (_unchecked(department="x" * 121), "department"),
        (_unchecked(site="999"), "site"),
        (_unchecked(site="atlantis"), "site"),
        (_unchecked(languages=["xx"]), "languages"),
        (_unchecked(causes=["space_travel"]), "causes"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_nothing_changes(ctx, session, data, field):
    user = make_user(session)
    update_profile(session=session, user=user, data=ProfileUpdate(department="Legal", skills=[_row("Law", 2)]))
    with pytest.raises(ServiceError) as info:
        update_profile(session=session, user=user, data=data)
    assert info.value.field == field and info.value.message
    session.expire_all()
    assert profile_of(session, user).department == "Legal"
    assert _skills(session, user) == {"Law": (2, None)}


def test_duplicate_rows_are_refused_and_a_new_skill_typed_meanwhile_is_not_kept(ctx, session):
    user = make_user(session)
    make_skill(session, name="Accounting", label_zh="会计")
    rows = [_row("Brand new skill", 2), _row("Accounting", 2), _row("会计", 3)]
    with pytest.raises(ServiceError) as info:
        update_profile(session=session, user=user, data=ProfileUpdate(skills=rows))
    assert info.value.field == "skills-2-name"
    assert "“会计” is the same skill as “Accounting”" in info.value.message
    assert session.exec(select(Skill).where(Skill.name == "Brand new skill")).first() is None
    assert session.exec(select(EmployeeSkill)).all() == []


def test_inactive_site_is_refused_unless_already_chosen(ctx, session):
    user = make_user(session)
    site = make_site(session, is_active=False)
    with pytest.raises(ServiceError):
        update_profile(session=session, user=user, data=ProfileUpdate(site=site.code))
    profile = profile_of(session, user)
    profile.site_id = site.id
    session.add(profile)
    session.commit()
    update_profile(session=session, user=user, data=ProfileUpdate(site=str(site.id), bio="still here"))
    session.expire_all()
    assert profile_of(session, user).bio == "still here"


def test_a_user_without_a_profile_gets_one_on_first_save(ctx, session):
    user = make_user(session)
    session.delete(profile_of(session, user))
    session.commit()
    assert get_profile(session=session, user=user).id is None
    update_profile(session=session, user=user, data=ProfileUpdate(bio="hello"))
    assert profile_of(session, user).bio == "hello"
