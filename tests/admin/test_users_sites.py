"""User and site administration."""

from __future__ import annotations

import pytest
from sqlmodel import select

from empathy.accounts.services import auth as auth_service
from empathy.admin.services import sites as sites_service
from empathy.admin.services import users as service
from empathy.core.errors import Conflict, ServiceError
from empathy.models import AuditEntry, Site, UserSession
from tests.factories import make_site, make_user


def test_search_finds_by_name_or_email_in_any_case_and_pages(session):
    make_user(session, email="wang@example.com", display_name="Wang Fang")
    make_user(session, email="li@corp.example", display_name="Li Na")
    for n in range(5):
        make_user(session, email=f"x{n}@example.com", display_name="X 100%")
    assert [u.display_name for u in service.list_users(session=session, query="WANG").items] == ["Wang Fang"]
    assert [u.email for u in service.list_users(session=session, query="corp").items] == ["li@corp.example"]
    assert service.list_users(session=session, query="100%").total == 5
    assert service.list_users(session=session, query="%").total == 5  # the wildcard is escaped
    page = service.list_users(session=session, per_page=3, page=3)
    assert (page.total, page.pages, len(page.items)) == (7, 3, 1)


def test_role_change_and_self_demotion_is_refused(session):
    admin = make_user(session, role="admin")
    other = make_user(session)
    assert service.change_role(session=session, actor=admin, user_id=other.id, role="coordinator").role == "coordinator"
    with pytest.raises(ServiceError) as info:
        service.change_role(session=session, actor=admin, user_id=admin.id, role="employee")
    assert "own admin role" in info.value.message
    with pytest.raises(ServiceError):
        service.change_role(session=session, actor=admin, user_id=other.id, role="king")
    with pytest.raises(ServiceError) as info:
        service.change_role(session=session, actor=admin, user_id=4242, role="admin")
    assert info.value.status == 404


def test_deactivation_ends_sessions_and_reactivation_restores_sign_in(session):
    admin = make_user(session, role="admin")
    other = make_user(session, email="o@example.com")
    auth_service.start_session(session=session, user=other)
    service.set_user_active(session=session, actor=admin, user_id=other.id, active=False)
    assert all(s.revoked_at is not None for s in session.exec(select(UserSession)).all())
    assert auth_service.authenticate(session=session, email="o@example.com", password="a long enough password") is None
    service.set_user_active(session=session, actor=admin, user_id=other.id, active=True)
    assert auth_service.authenticate(session=session, email="o@example.com", password="a long enough password")
    with pytest.raises(ServiceError, match="your own account"):
        service.set_user_active(session=session, actor=admin, user_id=admin.id, active=False)


def test_sites_create_edit_deactivate(session):
    site = sites_service.create_site(session=session, code=" Chengdu ", name_en="Chengdu", name_zh="成都")
    assert site.code == "chengdu"
    with pytest.raises(Conflict):
        sites_service.create_site(session=session, code="chengdu", name_en="Again", name_zh="再")
    with pytest.raises(ServiceError) as info:
        sites_service.create_site(session=session, code="bad code!", name_en="X", name_zh="X")
    assert info.value.field == "code"
    with pytest.raises(ServiceError) as info:
        sites_service.create_site(session=session, code="long", name_en="x" * 121, name_zh="X")
    assert info.value.field == "name_en"
    sites_service.update_site(session=session, site_id=site.id, code="chengdu-office", name_en="Chengdu office",
                              name_zh="成都办公室")
    other = make_site(session)
    admin = make_user(session, role="admin")
    sites_service.set_site_active(session=session, site_id=other.id, active=False, actor=admin)
    sites_service.set_site_active(session=session, site_id=other.id, active=False, actor=admin)  # no change
    entries = session.exec(select(AuditEntry).where(AuditEntry.target_type == "site")).all()
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [("site_deactivated", admin.id, other.id)]
    from empathy.core.audit import describe_entries
    assert describe_entries(session=session, entries=entries, lang="en")[0].target.name == other.name_en
    assert [s.code for s in sites_service.active_sites(session=session)] == ["chengdu-office"]
    assert len(sites_service.list_sites(session=session)) == 2
    assert session.get(Site, other.id) is not None
