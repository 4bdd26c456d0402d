"""Provisioning calls arriving at the same moment (see tests/races.py): one account per userName, and
never no administrator left."""

from __future__ import annotations

from scim2_models import Group, GroupMember
from sqlmodel import func, select

from empathy.models import ScimUser, User
from empathy.scim.services import groups, users
from empathy.scim.services.resources import ScimUserModel
from tests.factories import make_user
from tests.races import PAIRS, race

BASE = "http://test/scim/v2"


def _named(outcomes: list) -> list[str]:
    return sorted(o if o == "ok" else ("Conflict" if "Uniqueness" in o or "Conflict" in o else o) for o in outcomes)


def _create(user_name: str, email: str | None = None):
    def load(session):
        resource = ScimUserModel(user_name=user_name, emails=[{"value": email or user_name, "primary": True}],
                                 active=True)
        return lambda: users.create_user(session=session, resource=resource, token_id=1, base_url=BASE)
    return load


def test_two_creations_of_one_user_name_at_once_make_one_account(session):
    for n in range(PAIRS):
        name = f"twin{n}@corp.example"
        outcomes = race(session, _create(name), _create(name))
        assert _named(outcomes) == ["Conflict", "ok"], outcomes
        assert session.exec(select(func.count()).select_from(User).where(User.email == name)).one() == 1
        assert session.exec(select(func.count()).select_from(ScimUser)
                            .where(ScimUser.user_name_key == name)).one() == 1


def test_one_user_name_for_two_addresses_at_once_makes_one_account(session):
    for n in range(PAIRS):
        name = f"E{n}"  # an HR employee number as userName, two different addresses
        outcomes = race(session, _create(name, f"a{n}@corp.example"), _create(name, f"b{n}@corp.example"))
        assert _named(outcomes) == ["Conflict", "ok"], outcomes
        assert session.exec(select(func.count()).select_from(ScimUser)
                            .where(ScimUser.user_name_key == name.lower())).one() == 1


def test_two_admins_removed_from_the_admin_group_at_once_leave_one(session):
    for _ in range(PAIRS):
        first, second = (make_user(session, password=None, role="admin") for _ in range(2))

        def keep_only(staying):
            def load(session):
                wanted = Group(display_name="admin", members=[GroupMember(value=str(staying.id))])
                return lambda: groups.replace_group(session=session, resource_id="admin", resource=wanted,
                                                    token_id=1, base_url=BASE)
            return load

        # Each request keeps one administrator and drops the other. Read at the same moment, the two would
        # drop both; taken in turn, the second swaps them back (or is refused), and one administrator is left.
        outcomes = race(session, keep_only(second), keep_only(first))
        assert "ok" in outcomes and all(o in ("ok", "Conflict") for o in _named(outcomes)), outcomes
        left = session.exec(select(User).where(User.role == "admin", User.id.in_([first.id, second.id]))).all()
        assert len(left) == 1
        for user in left:  # the next pair's two are then the only administrators again
            user.role = "employee"
            session.add(user)
        session.commit()


def test_two_groups_of_one_name_at_once_make_one(session):
    def create(name):
        def load(session):
            return lambda: groups.create_group(session=session, resource=Group(display_name=name), token_id=1,
                                               base_url=BASE)
        return load

    for n in range(PAIRS):
        outcomes = race(session, create(f"Team {n}"), create(f"team {n}"))
        assert _named(outcomes) == ["Conflict", "ok"], outcomes
