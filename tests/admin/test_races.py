"""Administrators acting on the same account, skill or site at the same moment (see tests/races.py)."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from empathy.admin.services import sites as sites_service
from empathy.admin.services import skills as skills_service
from empathy.admin.services import users as users_service
from empathy.models import AuditEntry, EmployeeSkill, Site, Skill, User
from tests.factories import add_employee_skill, make_skill, make_user
from tests.races import PAIRS, as_user, race


def _entries(session, action: str, target_id: int) -> list[AuditEntry]:
    return list(session.exec(select(AuditEntry).where(AuditEntry.action == action, AuditEntry.target_id == target_id)
                             .order_by(AuditEntry.id)).all())


@pytest.mark.parametrize("first, second", [("coordinator", "admin"), ("coordinator", "coordinator")])
def test_two_role_changes_at_once_are_recorded_one_after_the_other(session, first, second):
    admins = [make_user(session, password=None, role="admin") for _ in range(2)]
    for _ in range(PAIRS):
        person = make_user(session, password=None)
        outcomes = race(session, *(
            as_user(a.id, lambda s, u, role=role, p=person.id: users_service.change_role(
                session=s, actor=u, user_id=p, role=role))
            for a, role in zip(admins, (first, second))))
        assert outcomes == ["ok", "ok"]
        entries = _entries(session, "role_changed", person.id)
        # Each entry starts from the role the one before left; a change to the role it has is none.
        assert entries[0].details["old"] == "employee"
        for before, after in zip(entries, entries[1:]):
            assert after.details["old"] == before.details["new"]
        assert len(entries) == len({first, second})
        assert session.get(User, person.id, populate_existing=True).role == entries[-1].details["new"]


def test_two_deactivations_at_once_are_one(session):
    admins = [make_user(session, password=None, role="admin") for _ in range(2)]
    for _ in range(PAIRS):
        person = make_user(session, password=None)
        outcomes = race(session, *(
            as_user(a.id, lambda s, u, p=person.id: users_service.set_user_active(
                session=s, actor=u, user_id=p, active=False))
            for a in admins))
        assert outcomes == ["ok", "ok"]
        assert len(_entries(session, "user_deactivated", person.id)) == 1


@pytest.mark.parametrize("how", ["demote", "deactivate"])
def test_two_administrators_removing_each_other_at_once_leave_one(session, how):
    def remove(actor_id, target_id):
        if how == "demote":
            return as_user(actor_id, lambda s, u: users_service.change_role(
                session=s, actor=u, user_id=target_id, role="employee"))
        return as_user(actor_id, lambda s, u: users_service.set_user_active(
            session=s, actor=u, user_id=target_id, active=False))

    a, b = make_user(session, password=None, role="admin"), make_user(session, password=None, role="admin")
    for _ in range(PAIRS):
        outcomes = race(session, remove(a.id, b.id), remove(b.id, a.id))
        assert sorted(outcomes) == ["Forbidden", "ok"], outcomes
        left = [session.get(User, i, populate_existing=True) for i in (a.id, b.id)]
        assert sum(u.role == "admin" and u.active for u in left) == 1
        for u in left:  # the next pair starts with two administrators again
            u.role, u.active = "admin", True
            session.add(u)
        session.commit()


def test_the_same_merge_twice_at_once_merges_once(session):
    admin = make_user(session, password=None, role="admin")
    person = make_user(session, password=None)
    for _ in range(PAIRS):
        keep, gone = make_skill(session), make_skill(session)
        add_employee_skill(session, person, gone, level=3)
        outcomes = race(session, *(
            as_user(admin.id, lambda s, u, k=keep.id, g=gone.id: skills_service.merge_skills(
                session=s, keep_id=k, merge_id=g, actor_id=u.id))
            for _ in range(2)))
        assert sorted(outcomes) == ["NotFound", "ok"], outcomes
        assert len(_entries(session, "skills_merged", keep.id)) == 1
        assert session.exec(select(EmployeeSkill.level).where(EmployeeSkill.skill_id == keep.id)).all() == [3]


def test_two_skills_merged_into_each_other_at_once_leave_one_with_every_use(session):
    admin = make_user(session, password=None, role="admin")
    for _ in range(PAIRS):
        one, two = make_skill(session), make_skill(session)
        add_employee_skill(session, make_user(session, password=None), one)
        add_employee_skill(session, make_user(session, password=None), two)
        outcomes = race(session, *(
            as_user(admin.id, lambda s, u, k=k, g=g: skills_service.merge_skills(
                session=s, keep_id=k, merge_id=g, actor_id=u.id))
            for k, g in ((one.id, two.id), (two.id, one.id))))
        assert sorted(outcomes) == ["NotFound", "ok"], outcomes
        left = session.exec(select(Skill).where(Skill.id.in_([one.id, two.id]))).all()
        assert len(left) == 1
        uses = session.exec(select(func.count()).select_from(EmployeeSkill)
                            .where(EmployeeSkill.skill_id == left[0].id)).one()
        assert uses == 2


def test_two_skills_of_the_same_name_at_once_are_one_and_a_refusal(session):
    admin = make_user(session, password=None, role="admin")
    for i in range(PAIRS):
        data = skills_service.SkillInput(name=f"Grant writing {i}")
        outcomes = race(session, *(
            as_user(admin.id, lambda s, u, d=data: skills_service.create_skill(session=s, data=d)) for _ in range(2)))
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes


def test_two_sites_of_the_same_code_at_once_are_one_and_a_refusal(session):
    admin = make_user(session, password=None, role="admin")
    for i in range(PAIRS):
        outcomes = race(session, *(
            as_user(admin.id, lambda s, u, code=f"hangzhou-{i}": sites_service.create_site(
                session=s, code=code, name_en="Hangzhou", name_zh="杭州"))
            for _ in range(2)))
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes
        assert session.exec(select(func.count()).select_from(Site).where(Site.code == f"hangzhou-{i}")).one() == 1
