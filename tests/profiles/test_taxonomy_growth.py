"""The skill taxonomy under many typed names: lookups by an indexed key, and bounded growth from one save."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlmodel import func, select

from empathy.admin.services import skills as admin_skills
from empathy.core.db import get_engine
from empathy.core.errors import ServiceError
from empathy.models import Skill
from empathy.models.profile_schemas import (
    MAX_NEW_SKILLS_PER_SAVE,
    MAX_PROFILE_SKILLS,
    ProfileSkillCreate,
    ProfileUpdate,
)
from empathy.profiles.services import update_profile
from empathy.profiles.taxonomy import find_skill, sync_shipped_taxonomy
from tests.factories import DEFAULT_PASSWORD, make_skill, make_user


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _rows(*names: str) -> ProfileUpdate:
    return ProfileUpdate(skills=[ProfileSkillCreate(name=n) for n in names])


def _skill_count(session) -> int:
    return session.exec(select(func.count()).select_from(Skill)).one()


def test_saving_a_profile_looks_each_name_up_by_key_and_never_reads_the_whole_taxonomy(app, ctx, session):
    for i in range(30):
        make_skill(session, name=f"Existing skill {i}", synonyms=[f"existing synonym {i}"])
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(" ".join(statement.split()))

    event.listen(get_engine(app), "before_cursor_execute", record)
    try:
        update_profile(session=session, user=make_user(session),
                       data=_rows("EXISTING SYNONYM 3", "Ｅxisting skill 4", "A skill nobody had"))
    finally:
        event.remove(get_engine(app), "before_cursor_execute", record)

    reads = [s for s in statements if s.startswith("SELECT") and re.search(r"\bskills\b", s)]
    assert reads and [s for s in reads if "WHERE" not in s] == []
    assert find_skill(session, "existing synonym 3").name == "Existing skill 3"
    assert find_skill(session, "a SKILL nobody had").needs_review


def test_one_save_adds_at_most_five_new_skills_to_the_taxonomy(ctx, session):
    user = make_user(session)
    make_skill(session, name="Accounting")
    before = _skill_count(session)
    new = [f"Invented skill {i}" for i in range(MAX_NEW_SKILLS_PER_SAVE)]

    update_profile(session=session, user=user, data=_rows("Accounting", *new))
    assert _skill_count(session) == before + MAX_NEW_SKILLS_PER_SAVE

    fresh = [f"Fresh skill {i}" for i in range(MAX_NEW_SKILLS_PER_SAVE + 1)]
    with pytest.raises(ServiceError) as refused:
        update_profile(session=session, user=user, data=_rows(*new, "Accounting", *fresh))
    assert refused.value.field == "skills-11-name"  # the sixth new name; the known ones do not count
    assert "one save can add at most 5 new skills" in refused.value.message
    session.expire_all()
    assert _skill_count(session) == before + MAX_NEW_SKILLS_PER_SAVE  # the refused save added none


def test_a_profile_lists_at_most_fifty_skills(ctx, session):
    assert MAX_PROFILE_SKILLS == 50
    names = [f"Listed skill {i}" for i in range(MAX_PROFILE_SKILLS + 1)]
    for name in names:
        make_skill(session, name=name)
    with pytest.raises(ServiceError) as refused:
        update_profile(session=session, user=make_user(session),
                       data=ProfileUpdate.model_construct(skills=[ProfileSkillCreate(name=n) for n in names]))
    assert (refused.value.field, refused.value.message) == ("skills", "List at most 50 skills.")


def test_every_name_of_a_skill_finds_it_after_edits_and_merges(session):
    skill = admin_skills.create_skill(session=session, data=admin_skills.SkillInput(
        name="Sign language", label_zh="手语", synonyms="ASL"))
    admin_skills.update_skill(session=session, skill_id=skill.id, data=admin_skills.SkillInput(
        name="Sign language interpreting", label_zh="手语", synonyms="BSL"))
    assert find_skill(session, "bsl").id == skill.id
    assert find_skill(session, "sign LANGUAGE interpreting").id == skill.id
    assert find_skill(session, "ASL") is None and find_skill(session, "Sign language") is None

    typed = make_skill(session, name="Signing for the deaf", needs_review=True)
    admin_skills.merge_skills(session=session, keep_id=skill.id, merge_id=typed.id)
    assert find_skill(session, "signing for the deaf").id == skill.id
    # The freed names may name a new skill again.
    assert admin_skills.create_skill(session=session, data=admin_skills.SkillInput(name="ASL")).name == "ASL"


def test_two_skills_can_never_share_a_name_even_written_directly(session):
    make_skill(session, name="Accounting", synonyms=["Bookkeeping"])
    session.add(Skill(name="Ledger work", label_en="BOOKKEEPING", label_zh=""))
    with pytest.raises(sa.exc.IntegrityError):
        session.commit()


def test_the_shipped_list_leaves_out_a_synonym_another_skill_already_has(session):
    typed = make_skill(session, name="PV", needs_review=True)  # typed by someone before the list had it
    shipped = [{"name": "Solar PV installation", "category": "engineering", "label_zh": "光伏安装",
                "synonyms": ["PV", "photovoltaic installation"]}]
    assert sync_shipped_taxonomy(session, shipped, []) == (1, 0)
    session.commit()
    assert find_skill(session, "pv").id == typed.id
    assert find_skill(session, "Photovoltaic installation").name == "Solar PV installation"


def test_the_form_shows_the_row_limit_and_offers_no_rows_past_it(client, auth, session):
    user = make_user(session)
    auth.login(user.email, DEFAULT_PASSWORD)
    data = {"department": "", "site_id": "", "bio": "", "hours_per_month": "8", "add_rows": "1"}
    for i in range(MAX_PROFILE_SKILLS - 1):
        data[f"skills-{i}-name"], data[f"skills-{i}-level"] = f"Row {i}", "2"
    page = client.post("/profile", data=data).text
    assert len(re.findall(r'name="skills-\d+-name"', page)) == MAX_PROFILE_SKILLS
    assert 'data-max-rows="50"' in page
