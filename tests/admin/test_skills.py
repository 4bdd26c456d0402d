"""Skill taxonomy administration: labels, synonyms, review and merging."""

from __future__ import annotations

import pytest
from sqlmodel import select

from empathy.admin.services import skills as service
from empathy.core.db import utcnow
from empathy.core.errors import Conflict, ServiceError
from empathy.models import EmployeeProfile, EmployeeSkill, Need, NeedSkill, Skill
from empathy.profiles.taxonomy import find_skill
from tests.factories import add_employee_skill, make_need, make_skill, make_user, profile_of


def test_create_and_edit_a_skill_with_synonyms(session):
    skill = service.create_skill(session=session, data=service.SkillInput(
        name="Sign language", label_zh="手语", category="education", synonyms="ASL, 手语翻译\nsign language\n"))
    assert skill.label_en == "Sign language"
    assert skill.synonyms == ["ASL", "手语翻译"]  # its own name is not repeated as a synonym
    service.update_skill(session=session, skill_id=skill.id, data=service.SkillInput(
        name="Sign language", label_en="Sign language", label_zh="手语", category="education", synonyms="BSL"))
    assert session.get(Skill, skill.id).synonyms == ["BSL"]


def test_a_synonym_may_not_name_another_skill(session):
    make_skill(session, name="Accounting", label_zh="会计", synonyms=["bookkeeping"])
    for synonyms in ("Bookkeeping", "会计", "accounting"):
        with pytest.raises(Conflict) as info:
            service.create_skill(session=session, data=service.SkillInput(name="Audit", synonyms=synonyms))
        assert info.value.field == "synonyms" and "Accounting" in info.value.message
    with pytest.raises(Conflict) as info:
        service.create_skill(session=session, data=service.SkillInput(name="bookkeeping"))
    assert info.value.field == "name"


def test_bad_skill_input_names_the_field(session):
    with pytest.raises(ServiceError) as info:
        service.create_skill(session=session, data=service.SkillInput(name="  "))
    assert info.value.field == "name"
    with pytest.raises(ServiceError) as info:
        service.create_skill(session=session, data=service.SkillInput(name="X", category="astrology"))
    assert info.value.field == "category"
    with pytest.raises(ServiceError) as info:
        service.create_skill(session=session, data=service.SkillInput(name="X", synonyms="y" * 121))
    assert info.value.field == "synonyms"


def test_review_filter_and_mark_reviewed(session):
    typed = make_skill(session, name="Origami", needs_review=True)
    make_skill(session, name="Accounting")
    page = service.list_skills(session=session, needs_review=True)
    assert [s.name for s in page.items] == ["Origami"]
    service.mark_reviewed(session=session, skill_id=typed.id)
    assert service.list_skills(session=session, needs_review=True).items == []
    assert [s.name for s in service.list_skills(session=session, query="ACCOUNT").items] == ["Accounting"]


def test_merge_moves_every_reference_keeps_the_max_and_the_stricter(session):
    keep = make_skill(session, name="Accounting", label_zh="会计", synonyms=["bookkeeping"])
    gone = make_skill(session, name="Bookkeeping and tax", label_zh="记账报税", synonyms=["tax"], needs_review=True)
    both, only_gone, only_keep = make_user(session), make_user(session), make_user(session)
    add_employee_skill(session, both, keep, level=2, years=3)
    add_employee_skill(session, both, gone, level=4, years=5)
    add_employee_skill(session, only_gone, gone, level=3)
    add_employee_skill(session, only_keep, keep, level=1)
    need_both = make_need(session, skills=[(keep, "nice", 1), (gone, "must", 3)])
    need_gone = make_need(session, skills=[(gone, "nice", 2)])
    stamp = utcnow()

    service.merge_skills(session=session, keep_id=keep.id, merge_id=gone.id)
    session.expire_all()

    assert session.get(Skill, gone.id) is None
    rows = {(es.profile_id, es.skill_id): es for es in session.exec(select(EmployeeSkill)).all()}
    assert len(rows) == 3 and all(skill_id == keep.id for _, skill_id in rows)
    assert rows[(profile_of(session, both).id, keep.id)].level == 4
    assert rows[(profile_of(session, both).id, keep.id)].years == 5
    assert rows[(profile_of(session, only_gone).id, keep.id)].level == 3
    assert rows[(profile_of(session, only_keep).id, keep.id)].level == 1
    needs = {(ns.need_id, ns.skill_id): ns for ns in session.exec(select(NeedSkill)).all()}
    assert set(needs) == {(need_both.id, keep.id), (need_gone.id, keep.id)}
    assert (needs[(need_both.id, keep.id)].importance, needs[(need_both.id, keep.id)].min_level) == ("must", 3)
    assert (needs[(need_gone.id, keep.id)].importance, needs[(need_gone.id, keep.id)].min_level) == ("nice", 2)
    kept = session.get(Skill, keep.id)
    assert kept.synonyms == ["bookkeeping", "Bookkeeping and tax", "记账报税", "tax"]
    assert find_skill(session, "记账报税").id == keep.id
    touched = {p.user_id: p.updated_at for p in session.exec(select(EmployeeProfile)).all()}
    assert touched[both.id] >= stamp and touched[only_gone.id] >= stamp
    assert touched[only_keep.id] < stamp
    assert all(n.updated_at >= stamp for n in session.exec(select(Need)).all())


def test_merge_refuses_the_same_skill_and_unknown_ids(session):
    skill = make_skill(session)
    with pytest.raises(ServiceError):
        service.merge_skills(session=session, keep_id=skill.id, merge_id=skill.id)
    with pytest.raises(ServiceError) as info:
        service.merge_skills(session=session, keep_id=skill.id, merge_id=9999)
    assert info.value.status == 404
    assert session.get(Skill, skill.id) is not None


def test_related_skills_are_saved_by_their_canonical_names_and_refused_when_unknown(session):
    make_skill(session, name="Accounting", label_zh="会计")
    make_skill(session, name="Bookkeeping", label_zh="记账", synonyms=["book-keeping"])
    audit = service.create_skill(session=session, data=service.SkillInput(
        name="Auditing", category="finance", related="会计\nbook-keeping, Accounting"))
    assert audit.related == ["Accounting", "Bookkeeping"]  # any name of a skill; each once
    for text, message in (("Astrology", "not a skill of the taxonomy"), ("Auditing", "related to itself"),
                          ("\n".join(f"s{i}" for i in range(31)), "at most 30")):
        with pytest.raises(ServiceError) as info:
            service.update_skill(session=session, skill_id=audit.id, data=service.SkillInput(
                name="Auditing", category="finance", related=text))
        assert info.value.field == "related" and message in info.value.message
    assert service.related_from(session=session, skill=find_skill(session, "Bookkeeping")) == ["Auditing"]


def test_an_api_style_edit_without_relations_keeps_them(session):
    make_skill(session, name="Accounting")
    skill = service.create_skill(session=session, data=service.SkillInput(name="Auditing", related="Accounting"))
    service.update_skill(session=session, skill_id=skill.id, data=service.SkillInput(name="Auditing", synonyms="audit"))
    assert session.get(Skill, skill.id).related == ["Accounting"]


def test_relations_follow_a_rename_and_a_merge(session):
    accounting = make_skill(session, name="Accounting")
    books = make_skill(session, name="Bookkeeping")
    ledger = make_skill(session, name="Ledger keeping", related=["Payroll"])
    payroll = make_skill(session, name="Payroll")
    audit = service.create_skill(session=session, data=service.SkillInput(name="Auditing",
                                                                           related="Accounting\nLedger keeping"))
    service.update_skill(session=session, skill_id=accounting.id, data=service.SkillInput(name="Financial accounting"))
    assert session.get(Skill, audit.id).related == ["Financial accounting", "Ledger keeping"]
    service.merge_skills(session=session, keep_id=books.id, merge_id=ledger.id)
    assert session.get(Skill, audit.id).related == ["Financial accounting", "Bookkeeping"]
    assert session.get(Skill, books.id).related == ["Payroll"]  # the merged skill's relations pass on
    assert payroll.id is not None


def test_pages_name_a_skill_by_the_page_languages_label(client, auth, session):
    from tests.factories import DEFAULT_PASSWORD

    admin = make_user(session, role="admin")
    auth.login(admin.email, DEFAULT_PASSWORD)
    gone = make_skill(session, name="Elderly companionship", label_zh="陪伴老人", needs_review=True)
    make_skill(session, name="Home visiting", label_zh="上门探访")
    client.post("/language", data={"language": "zh", "next": "/home"})
    merge = client.get(f"/admin/skills/{gone.id}/merge").text
    assert "将“陪伴老人”合并到其他技能" in merge
    assert "Elderly companionship" not in merge and "Home visiting" not in merge
    assert "上门探访" in merge  # the skill to keep is chosen by its Chinese label too
    home = client.get("/home").text
    assert "陪伴老人" in home and "Elderly companionship" not in home  # the skills waiting for review
    client.post("/language", data={"language": "en", "next": "/home"})
    merge = client.get(f"/admin/skills/{gone.id}/merge").text
    assert "Merge “Elderly companionship”" in merge and "陪伴老人" not in merge
