"""Profiles, credentials and the skills people type, changed at the same moment (see tests/races.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from empathy.core.db import utcnow
from empathy.models import Credential, NeedCredential, Skill
from empathy.models.profile_schemas import ProfileSkillCreate, ProfileUpdate
from empathy.profiles import credentials
from empathy.profiles.services import update_profile
from tests.factories import make_need, make_user
from tests.races import PAIRS, as_user, race


def _count(session, model, *where) -> int:
    return session.exec(select(func.count()).select_from(model).where(*where)).one()


def test_two_people_typing_the_same_new_skill_at_once_share_one(session):
    people = [make_user(session, password=None) for _ in range(2)]
    for i in range(PAIRS):
        data = ProfileUpdate(skills=[ProfileSkillCreate(name=f"Braille transcription {i}", level=2)])
        outcomes = race(session, *(
            as_user(p.id, lambda s, u, d=data: update_profile(session=s, user=u, data=d)) for p in people))
        assert outcomes == ["ok", "ok"]
        assert _count(session, Skill, Skill.name == f"Braille transcription {i}") == 1


def test_two_verifications_of_one_credential_at_once_are_one_and_a_refusal(session):
    admins = [make_user(session, password=None, role="admin") for _ in range(2)]
    for _ in range(PAIRS):
        person = make_user(session, password=None)
        row = credentials.record_credential(session=session, user=person, kind="first_aid",
                                            expires_on=utcnow().date() + timedelta(days=90))
        outcomes = race(session, *(
            as_user(a.id, lambda s, u, c=row.id: credentials.verify_credential(session=s, actor=u, credential_id=c))
            for a in admins))
        assert sorted(outcomes) == ["Conflict", "ok"], outcomes
        stored = session.get(Credential, row.id)
        assert stored.verified_by_id == admins[outcomes.index("ok")].id


def test_a_verification_never_lands_on_details_renewed_at_the_same_moment(session):
    admin = make_user(session, password=None, role="admin")
    expires = utcnow().date() + timedelta(days=90)
    for i in range(PAIRS):
        person = make_user(session, password=None)
        row = credentials.record_credential(session=session, user=person, kind="first_aid", expires_on=expires,
                                            reference=f"old {i}")
        verified = {}

        def verify(s, u, c=row.id, seen=verified):
            seen["row"] = credentials.verify_credential(session=s, actor=u, credential_id=c)

        outcomes = race(
            session,
            as_user(admin.id, verify),
            as_user(person.id, lambda s, u, n=i: credentials.record_credential(
                session=s, user=u, kind="first_aid", expires_on=expires + timedelta(days=30), reference=f"new {n}")),
        )
        assert outcomes[1] == "ok" and outcomes[0] in ("ok", "Conflict"), outcomes
        stored = session.get(Credential, row.id)
        if stored.verified_at is not None:  # verified after the renewal: what the admin verified is what is stored
            assert outcomes[0] == "ok"
            assert (verified["row"].reference, verified["row"].expires_on) == (stored.reference, stored.expires_on)


def test_the_same_credential_recorded_twice_at_once_is_one_row(session):
    for _ in range(PAIRS):
        person = make_user(session, password=None)
        outcomes = race(session, *(
            as_user(person.id, lambda s, u, d=days: credentials.record_credential(
                session=s, user=u, kind="driving_licence", expires_on=utcnow().date() + timedelta(days=d)))
            for days in (100, 200)))
        assert outcomes == ["ok", "ok"]
        assert _count(session, Credential, Credential.user_id == person.id) == 1


def test_a_needs_credentials_set_twice_at_once_are_one_of_the_two_lists(session):
    owner = make_user(session, password=None, role="coordinator")
    admin = make_user(session, password=None, role="admin")
    lists = (["background_check", "first_aid"], ["first_aid", "driving_licence"])
    for _ in range(PAIRS):
        need = make_need(session, owner=owner)
        outcomes = race(session, *(
            as_user(who.id, lambda s, u, k=kinds, n=need.id: credentials.set_required_kinds(
                session=s, actor=u, need_id=n, kinds=k))
            for who, kinds in zip((owner, admin), lists)))
        assert outcomes == ["ok", "ok"]
        stored = sorted(session.exec(select(NeedCredential.kind).where(NeedCredential.need_id == need.id)).all())
        assert stored in [sorted(k) for k in lists]
