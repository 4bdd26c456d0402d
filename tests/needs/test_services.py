"""Needs as coordinators write them and everyone browses them."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.core.errors import Conflict, Forbidden, NotFound, ServiceError
from empathy.core.validation import form_field
from empathy.models import Need, NeedSkill, Skill
from empathy.models.need_schemas import NeedCreate, NeedSkillCreate, NeedUpdate
from empathy.needs import query as needs_query
from empathy.needs import services as svc
from tests.factories import make_need, make_site, make_skill, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


def _values(**overrides) -> dict:
    start = (utcnow() + timedelta(days=7)).astimezone(SHANGHAI).replace(microsecond=0)
    values = dict(title="Teach maths", starts_at=start, ends_at=start + timedelta(hours=3), cause="education",
                  remote=True, seats=3, hours_per_volunteer=3.0)
    return {**values, **overrides}


def _input(**overrides) -> NeedCreate:
    return NeedCreate(**_values(**overrides))


def _update(**overrides) -> NeedUpdate:
    return NeedUpdate(**_values(**overrides))


def _row(name: str, importance: str = "must", min_level: int = 1) -> NeedSkillCreate:
    return NeedSkillCreate(name=name, importance=importance, min_level=min_level)


def _skills(session, need):
    rows = session.exec(select(NeedSkill, Skill).join(Skill).where(NeedSkill.need_id == need.id)).all()
    return {s.name: (ns.importance, ns.min_level) for ns, s in rows}


def test_create_keeps_everything_as_a_draft_in_utc(ctx, session):
    owner = make_user(session, role="coordinator")
    site = make_site(session, code="yinchuan")
    make_skill(session, name="Mathematics teaching", label_zh="数学教学")
    data = _input(site="yinchuan", remote=False, beneficiary="Hope School", requires_approval=True,
                  skills=[_row("数学教学", "must", 3), _row("Story telling", "nice", 1)])
    need = svc.create_need(session=session, owner=owner, data=data)
    session.expire_all()
    need = session.get(Need, need.id)
    assert (need.status, need.owner_id, need.site_id, need.is_remote) == ("draft", owner.id, site.id, False)
    assert need.starts_at == data.starts_at and need.starts_at.tzinfo == UTC
    assert need.requires_approval and need.beneficiary == "Hope School"
    assert _skills(session, need) == {"Mathematics teaching": ("must", 3), "Story telling": ("nice", 1)}
    assert session.exec(select(Skill).where(Skill.name == "Story telling")).one().needs_review


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"title": " "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "x" * 10001}, "description"),
        ({"cause": "moon"}, "cause"),
        ({"site": None, "remote": False}, "site"),
        ({"seats": 0}, "seats"),
        ({"seats": 10001}, "seats"),
        ({"hours_per_volunteer": 0}, "hours_per_volunteer"),
        ({"hours_per_volunteer": 1001}, "hours_per_volunteer"),
        ({"starts_at": datetime(2030, 1, 1, 9)}, "starts_at"),
        ({"languages": ["klingon"]}, "languages"),
        ({"skills": [{"name": " "}]}, "skills-0-name"),
        ({"skills": [{"name": "Law", "importance": "maybe"}]}, "skills-0-importance"),
        ({"skills": [{"name": "Law", "min_level": 5}]}, "skills-0-min_level"),
    ],
)
def test_the_family_refuses_bad_input_on_its_field(ctx, overrides, field):
    with pytest.raises(ValidationError) as info:
        NeedCreate.model_validate(_values(**overrides))
    assert [form_field(e["loc"]) for e in info.value.errors()] == [field]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"site": "atlantis"}, "site"),
        ({"skills": [_row("Law", "must", 1), _row("law", "nice", 1)]}, "skills-1-name"),
    ],
)
def test_what_needs_the_database_is_refused_by_the_service(ctx, session, overrides, field):
    owner = make_user(session, role="coordinator")
    with pytest.raises(ServiceError) as info:
        svc.create_need(session=session, owner=owner, data=_input(**overrides))
    assert info.value.field == field and info.value.message
    assert session.exec(select(Need)).all() == []
    assert session.exec(select(Skill).where(Skill.name == "Law")).first() is None


def test_an_update_is_checked_as_a_whole_need(ctx, session):
    owner = make_user(session, role="coordinator")
    need = svc.create_need(session=session, owner=owner, data=_input())
    with pytest.raises(ServiceError) as info:
        svc.update_need(session=session, actor=owner, need_id=need.id,
                        data=NeedUpdate(ends_at=need.starts_at - timedelta(minutes=1)))
    assert (info.value.field, info.value.message) == ("ends_at", "The end must not be before the start.")


def test_an_update_changes_only_the_fields_it_sets_and_null_empties_only_the_site(ctx, session):
    owner = make_user(session, role="coordinator")
    make_site(session, code="yinchuan")
    make_skill(session, name="Cooking")
    need = svc.create_need(session=session, owner=owner, data=_input(
        site="yinchuan", beneficiary="Hope School", languages=["zh"], skills=[_row("Cooking", "nice", 2)]))
    svc.update_need(session=session, actor=owner, need_id=need.id,
                    data=NeedUpdate.model_validate({"seats": 5, "title": None, "beneficiary": None}))
    need = _fresh_need(session, need)
    assert (need.seats, need.title, need.beneficiary, need.languages) == (5, "Teach maths", "Hope School", ["zh"])
    assert need.site_id is not None and _skills(session, need) == {"Cooking": ("nice", 2)}
    svc.update_need(session=session, actor=owner, need_id=need.id, data=NeedUpdate.model_validate({"site": None}))
    assert _fresh_need(session, need).site_id is None


def test_employees_cannot_create_needs(ctx, session):
    with pytest.raises(Forbidden):
        svc.create_need(session=session, owner=make_user(session), data=_input())


def test_update_replaces_skills_moves_updated_at_and_keeps_confirmed_seats(ctx, session):
    owner = make_user(session, role="coordinator")
    old = make_skill(session, name="Cooking")
    need = make_need(session, owner=owner, skills=[(old, "must", 2)], seats=5, seats_taken=4, is_remote=True)
    need.updated_at = utcnow() - timedelta(days=2)
    session.add(need)
    session.commit()
    before = need.updated_at
    with pytest.raises(ServiceError) as info:
        svc.update_need(session=session, actor=owner, need_id=need.id, data=_update(seats=3))
    assert info.value.field == "seats" and "4" in info.value.message
    svc.update_need(session=session, actor=owner, need_id=need.id,
                    data=_update(seats=4, skills=[_row("Gardening", "nice", 2)]))
    session.expire_all()
    need = session.get(Need, need.id)
    assert need.seats == 4 and need.status == "filled" and need.updated_at > before
    assert _skills(session, need) == {"Gardening": ("nice", 2)}


def test_only_owner_or_admin_change_a_need(ctx, session):
    owner = make_user(session, role="coordinator")
    other = make_user(session, role="coordinator")
    admin = make_user(session, role="admin")
    need = make_need(session, owner=owner, status="draft")
    for use_case in (svc.publish_need, svc.close_need, svc.reopen_need):
        with pytest.raises(NotFound):  # another coordinator's draft is invisible
            use_case(session=session, actor=other, need_id=need.id)
    svc.publish_need(session=session, actor=admin, need_id=need.id)
    with pytest.raises(Forbidden):
        svc.close_need(session=session, actor=other, need_id=need.id)
    with pytest.raises(Forbidden):
        svc.update_need(session=session, actor=other, need_id=need.id, data=_update())
    with pytest.raises(NotFound):
        svc.close_need(session=session, actor=owner, need_id=999)


def test_status_moves_draft_open_closed_open(ctx, session):
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner, status="draft")
    with pytest.raises(Conflict):
        svc.close_need(session=session, actor=owner, need_id=need.id)
    assert svc.publish_need(session=session, actor=owner, need_id=need.id).status == "open"
    with pytest.raises(Conflict):
        svc.publish_need(session=session, actor=owner, need_id=need.id)
    assert svc.close_need(session=session, actor=owner, need_id=need.id).status == "closed"
    assert svc.reopen_need(session=session, actor=owner, need_id=need.id).status == "open"


def test_an_ended_need_cannot_be_reopened_or_published(ctx, session):
    owner = make_user(session, role="coordinator")
    past = utcnow() - timedelta(days=3)
    closed = make_need(session, owner=owner, status="closed", starts_at=past)
    draft = make_need(session, owner=owner, status="draft", starts_at=past)
    with pytest.raises(Conflict):
        svc.reopen_need(session=session, actor=owner, need_id=closed.id)
    with pytest.raises(Conflict):
        svc.publish_need(session=session, actor=owner, need_id=draft.id)
    session.expire_all()
    assert session.get(Need, closed.id).status == "closed"


def test_duplicate_is_a_draft_copy_owned_by_the_actor(ctx, session):
    owner = make_user(session, role="coordinator")
    other = make_user(session, role="coordinator")
    skill = make_skill(session)
    need = make_need(session, owner=owner, skills=[(skill, "nice", 3)], seats_taken=2, beneficiary="Elderly home")
    copy = svc.duplicate_need(session=session, actor=other, need_id=need.id)
    assert copy.id != need.id and copy.status == "draft" and copy.owner_id == other.id
    assert copy.title == f"Copy of {need.title}" and copy.seats_taken == 0 and copy.beneficiary == "Elderly home"
    assert _skills(session, copy) == {skill.name: ("nice", 3)}


def test_drafts_are_seen_only_by_their_owner_and_admins(ctx, session):
    owner = make_user(session, role="coordinator")
    draft = make_need(session, owner=owner, status="draft")
    make_need(session, owner=owner, status="open")
    employee, admin = make_user(session), make_user(session, role="admin")
    with pytest.raises(NotFound):
        needs_query.get_need(session=session, viewer=employee, need_id=draft.id)
    assert needs_query.get_need(session=session, viewer=admin, need_id=draft.id).need.id == draft.id
    assert needs_query.search_needs(session=session, viewer=employee).total == 1
    assert needs_query.search_needs(session=session, viewer=owner).total == 2


def test_search_by_text_cause_place_and_dates(ctx, session):
    viewer = make_user(session)
    site = make_site(session)
    day = datetime(2031, 5, 10, 9, tzinfo=SHANGHAI)
    a = make_need(session, title="光伏板清洁 for the village", cause="environment", site_id=site.id, starts_at=day)
    b = make_need(session, title="Reading club", beneficiary="Sunflower LIBRARY", is_remote=True,
                  starts_at=day + timedelta(days=5))
    c = make_need(session, title="100% fun_day", description="games", starts_at=day + timedelta(days=20))

    def ids(**kw):
        return [n.id for n in needs_query.search_needs(session=session, viewer=viewer, tz=SHANGHAI, **kw).items]

    assert ids(query="光伏") == [a.id]
    assert ids(query="library") == [b.id]
    assert ids(query="100%") == [c.id] and ids(query="_") == [c.id]
    assert ids(cause="environment") == [a.id]
    assert ids(site_id=site.id) == [a.id] and ids(remote=True) == [b.id]
    assert ids(date_from=date(2031, 5, 11)) == [b.id, c.id]
    assert ids(date_from=date(2031, 5, 10), date_to=date(2031, 5, 15)) == [a.id, b.id]
    assert ids(status="closed") == []


def test_search_pages(ctx, session):
    viewer = make_user(session)
    for _ in range(5):
        make_need(session)
    page = needs_query.search_needs(session=session, viewer=viewer, page=2, per_page=2)
    assert (page.total, page.pages, len(page.items)) == (5, 3, 2)


def test_a_needs_life_is_in_the_audit_log_and_refusals_are_not(ctx, session):
    from empathy.models import AuditEntry
    from empathy.volunteering.services import roster

    owner = make_user(session, role="coordinator")
    stranger = make_user(session, role="coordinator")
    need = svc.create_need(session=session, owner=owner, data=_input())
    svc.update_need(session=session, actor=owner, need_id=need.id, data=NeedUpdate(title="Teach physics"))
    svc.publish_need(session=session, actor=owner, need_id=need.id)
    with pytest.raises(Forbidden):
        svc.close_need(session=session, actor=stranger, need_id=need.id)
    with pytest.raises(Conflict):
        svc.publish_need(session=session, actor=owner, need_id=need.id)
    svc.close_need(session=session, actor=owner, need_id=need.id)
    svc.reopen_need(session=session, actor=owner, need_id=need.id)
    copy = svc.duplicate_need(session=session, actor=stranger, need_id=need.id)
    roster.cancel_need(session=session, actor=owner, need_id=need.id)
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [
        ("need_created", owner.id, need.id), ("need_edited", owner.id, need.id),
        ("need_published", owner.id, need.id), ("need_closed", owner.id, need.id),
        ("need_reopened", owner.id, need.id), ("need_created", stranger.id, copy.id),
        ("need_cancelled", owner.id, need.id)]
    assert entries[5].details == {"copied_from": need.id}


def test_a_need_asks_for_languages_from_the_list(ctx, session):
    owner = make_user(session, role="coordinator")
    need = svc.create_need(session=session, owner=owner, data=_input(languages=["zh", "en", "zh"]))
    assert _fresh_need(session, need).languages == ["zh", "en"]
    with pytest.raises(ServiceError) as err:
        svc.update_need(session=session, actor=owner, need_id=need.id, data=NeedUpdate(languages=["klingon"]))
    assert err.value.field == "languages"
    svc.update_need(session=session, actor=owner, need_id=need.id, data=NeedUpdate(languages=[]))
    assert _fresh_need(session, need).languages == []


def _fresh_need(session, need):
    session.expire_all()
    return session.get(Need, need.id)


def test_deleting_a_draft_is_in_the_audit_log_with_its_owner(ctx, session):
    from empathy.models import AuditEntry

    owner = make_user(session, role="coordinator")
    admin = make_user(session, role="admin")
    need = svc.create_need(session=session, owner=owner, data=_input())
    need_id, title = need.id, need.title
    svc.delete_draft(session=session, actor=admin, need_id=need_id)
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "need_deleted")).one()
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "need", need_id)
    assert entry.details == {"owner": owner.id, "target_name": title}  # the log names the deleted draft
