"""The employee's data download, account deletion, token revocation and the audit log."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from empathy.accounts.services import auth as auth_service
from empathy.accounts.services import tokens
from empathy.admin.services import users as admin
from empathy.core.db import utcnow
from empathy.core.errors import ServiceError
from empathy.models import (
    ApiToken,
    AuditEntry,
    Consent,
    Credential,
    EmployeeProfile,
    EmployeeSkill,
    HoursRecord,
    Match,
    Need,
    Notification,
    OutboxMessage,
    User,
    UserSession,
)
from empathy.privacy import services as privacy
from empathy.privacy.account_data import delete_account
from empathy.volunteering.services import hours, roster
from tests.factories import DEFAULT_PASSWORD, add_employee_skill, make_match, make_need, make_skill, make_user

SECRET = "test-secret-key"


@pytest.fixture
def person(session):
    """An employee with a row in every table that refers to them."""
    coord = make_user(session, role="coordinator", email="coord@example.com")
    emp = make_user(session, email="emp@example.com", display_name="Emma")
    add_employee_skill(session, emp, make_skill(session, name="Nursing"), level=3)
    past = make_need(session, owner=coord, starts_at=utcnow() - timedelta(days=5),
                     ends_at=utcnow() - timedelta(days=5) + timedelta(hours=3), seats_taken=1)
    future = make_need(session, owner=coord, seats=1, seats_taken=1, status="filled")
    done = make_match(session, past, emp, status="attended")
    make_match(session, future, emp, status="confirmed")
    session.add_all([
        HoursRecord(need_id=past.id, match_id=done.id, user_id=emp.id, hours=3, worked_on=date.today(),
                    department="Finance", status="approved"),
        HoursRecord(need_id=past.id, match_id=done.id, user_id=emp.id, hours=1, worked_on=date.today(),
                    department="Finance"),
        Notification(user_id=emp.id, kind="confirmed", params={"need": "x"}),
        Credential(user_id=emp.id, kind="first_aid", expires_on=date.today() + timedelta(days=30)),
        OutboxMessage(to_address=emp.email, subject="Hello", body="Hi Emma"),
    ])
    session.commit()
    privacy.set_consents(session=session, user=emp, choices={"contact": True})
    tokens.create_token(session=session, user=emp, name="laptop", secret_key=SECRET)
    auth_service.start_session(session=session, user=emp)
    return {"emp": emp, "coord": coord, "past": past, "future": future}


def login(auth, email="emp@example.com"):
    assert auth.login(email, DEFAULT_PASSWORD).status_code == 302


def test_download_holds_every_table_about_me_and_no_secrets(client, auth, person):
    login(auth)
    resp = client.get("/account/data.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert "attachment" in resp.headers["Content-Disposition"]
    data = json.loads(resp.get_data(as_text=True))
    assert data["user"]["email"] == "emp@example.com" and data["profile"]["user_id"] == person["emp"].id
    assert [s["skill_name"] for s in data["skills"]] == ["Nursing"]
    assert len(data["matches"]) == 2 and len(data["hours"]) == 2
    assert len(data["notifications"]) == 1 and len(data["credentials"]) == 1
    assert [(c["kind"], c["granted"]) for c in data["consents"]] == [("contact", True)]
    assert [t["name"] for t in data["api_tokens"]] == ["laptop"]
    assert len(data["sessions"]) == 2 and data["emails"][0]["subject"] == "Hello"
    text = resp.get_data(as_text=True)
    assert "password_hash" not in text and "token_hash" not in text and "password_mark" not in text


def test_download_is_only_ever_my_own(client, auth, person):
    login(auth, "coord@example.com")
    data = client.get("/account/data.json").get_json()
    assert data["user"]["email"] == "coord@example.com" and "emp@example.com" not in json.dumps(data)


def test_delete_needs_the_password(session, person):
    with pytest.raises(ServiceError) as err:
        delete_account(session=session, user=person["emp"], password="wrong password")
    assert err.value.field == "password"
    assert session.get(User, person["emp"].id) is not None


def test_delete_removes_personal_data_and_keeps_approved_hours_anonymised(session, person):
    emp_id = person["emp"].id
    delete_account(session=session, user=person["emp"], password=DEFAULT_PASSWORD)
    assert session.get(User, emp_id) is None
    for model in (EmployeeProfile, Consent, Notification, Credential, ApiToken, UserSession, Match):
        assert session.exec(select(model).where(model.user_id == emp_id)).all() == [], model.__name__
    assert session.exec(select(EmployeeSkill)).all() == []
    assert session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "emp@example.com")).all() == []
    kept = session.exec(select(HoursRecord)).all()
    assert [(r.user_id, r.hours, r.department, r.status) for r in kept] == [(None, 3, "Finance", "approved")]
    future = session.get(Need, person["future"].id, populate_existing=True)
    assert (future.seats_taken, future.status) == (0, "open")  # the seat went back
    entry = session.exec(select(AuditEntry)).one()
    assert (entry.action, entry.target_id, entry.actor_id) == ("account_deleted", emp_id, None)


def test_delete_leaves_no_text_the_person_wrote_or_their_name_in_others_notifications(session, person):
    emp, coord, future = person["emp"], person["coord"], person["future"]
    approved = session.exec(select(HoursRecord).where(HoursRecord.status == "approved")).one()
    approved.note = "Drove Mrs Lee to her chemo; call me on 555-0101"
    session.add(approved)
    people = f"/needs/{future.id}/people"
    session.add_all([
        Notification(user_id=coord.id, kind="signed_up", params={"name": "Emma", "need": future.title}, link=people),
        Notification(user_id=coord.id, kind="signed_up", params={"name": "Olga", "need": future.title}, link=people),
    ])
    session.commit()
    delete_account(session=session, user=emp, password=DEFAULT_PASSWORD)
    kept = session.exec(select(HoursRecord)).one()
    assert (kept.user_id, kept.hours, kept.note) == (None, 3, "")
    assert [n.params["name"] for n in session.exec(select(Notification)).all()] == ["Olga"]


def test_delete_through_the_page_ends_the_session_and_tokens(client, auth, session, person):
    secret = tokens.create_token(session=session, user=person["emp"], name="cli", secret_key=SECRET)[1]
    login(auth)
    page = client.post("/account/delete", data={"password": "wrong password", "understood": "y"})
    assert page.status_code == 422 and "not correct" in page.get_data(as_text=True)
    resp = client.post("/account/delete", data={"password": DEFAULT_PASSWORD, "understood": "y"})
    assert resp.status_code == 302
    assert client.get("/home").status_code == 302  # signed out
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert auth.login("emp@example.com", DEFAULT_PASSWORD).status_code == 200  # no such account


def test_the_last_admin_cannot_delete_themselves(session):
    boss = make_user(session, role="admin")
    with pytest.raises(ServiceError):
        delete_account(session=session, user=boss, password=DEFAULT_PASSWORD)


def test_password_change_and_deactivation_revoke_api_tokens(session, person):
    emp = person["emp"]
    auth_service.change_password(session=session, user=emp, current=DEFAULT_PASSWORD, new="a brand new passphrase 9")
    assert all(t.revoked_at is not None for t in session.exec(select(ApiToken)).all())
    tokens.create_token(session=session, user=emp, name="again", secret_key=SECRET)
    auth_service.set_active(session=session, user=emp, active=False)
    assert all(t.revoked_at is not None for t in session.exec(select(ApiToken).where(ApiToken.user_id == emp.id)))


def test_audit_entries_are_written_with_the_action(session, person):
    boss = make_user(session, role="admin")
    emp, coord = person["emp"], person["coord"]
    admin.change_role(session=session, actor=boss, user_id=emp.id, role="coordinator")
    admin.change_role(session=session, actor=boss, user_id=emp.id, role="coordinator")  # no change: no entry
    admin.set_user_active(session=session, actor=boss, user_id=emp.id, active=False)
    admin.set_user_active(session=session, actor=boss, user_id=emp.id, active=True)
    pending = session.exec(select(HoursRecord).where(HoursRecord.status == "pending")).one()
    hours.approve_hours(session=session, actor=coord, record_id=pending.id)
    other = make_user(session)
    match = make_match(session, person["future"], other, status="volunteered")
    roster.reject_volunteer(session=session, actor=coord, match_id=match.id)
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.target_id) for e in entries] == [
        ("role_changed", boss.id, emp.id), ("user_deactivated", boss.id, emp.id),
        ("user_activated", boss.id, emp.id), ("hours_approved", coord.id, pending.id),
        ("volunteer_rejected", coord.id, match.id)]
    assert entries[0].details == {"old": "employee", "new": "coordinator"}
    assert "@" not in repr([e.details for e in entries])  # ids and codes, no e-mail addresses


def test_a_refused_action_leaves_no_audit_entry(session, person):
    stranger = make_user(session, role="coordinator")
    pending = session.exec(select(HoursRecord).where(HoursRecord.status == "pending")).one()
    with pytest.raises(ServiceError):
        hours.approve_hours(session=session, actor=stranger, record_id=pending.id)
    assert session.exec(select(AuditEntry)).all() == []


def test_imports_and_merges_are_audited(session):
    from empathy.admin.services import imports
    from empathy.admin.services import skills as skills_admin
    from empathy.core.labels import skill_label

    boss = make_user(session, role="admin")
    report = imports.import_employees(session=session, data=b"email,name\nnew@example.com,New Person\n",
                                      dry_run=False, secret_key=SECRET, base_url="http://x", actor_id=boss.id)
    assert report.written
    keep, gone = make_skill(session), make_skill(session)
    skills_admin.merge_skills(session=session, keep_id=keep.id, merge_id=gone.id, actor_id=boss.id)
    entries = session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_id, e.details) for e in entries] == [
        ("employees_imported", boss.id, {"created": 1, "updated": 0}),
        ("skills_merged", boss.id, {"merged": gone.id,
                                    "merged_name": {"en": skill_label(gone, "en"), "zh": skill_label(gone, "zh")}})]


def test_audit_page_filters_and_is_admins_only(client, auth, session, person):
    boss = make_user(session, role="admin", email="boss@example.com")
    admin.change_role(session=session, actor=boss, user_id=person["emp"].id, role="coordinator")
    admin.set_user_active(session=session, actor=boss, user_id=person["emp"].id, active=False)
    login(auth, "coord@example.com")
    assert client.get("/admin/audit").status_code == 403
    auth.logout()
    login(auth, "boss@example.com")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Role changed" in html and "Account deactivated" in html
    html = client.get("/admin/audit?action=role_changed").get_data(as_text=True)
    assert "Role changed" in html and "Account deactivated" not in html.split("<table")[1]


def test_every_audited_action_has_a_label_in_the_log():
    from empathy.core.audit import ACTION_LABELS
    from empathy.models import AUDIT_ACTIONS

    assert set(ACTION_LABELS) == set(AUDIT_ACTIONS)


def test_delete_blanks_a_reviewers_reason_about_the_persons_rejected_hours(session, person):
    emp, past = person["emp"], person["past"]
    session.add(HoursRecord(need_id=past.id, user_id=emp.id, hours=2, worked_on=date.today(), department="Finance",
                            status="rejected", rejection_reason="Emma was at the hospital with her son that day"))
    session.commit()
    delete_account(session=session, user=emp, password=DEFAULT_PASSWORD)
    rejected = session.exec(select(HoursRecord).where(HoursRecord.status == "rejected")).one()
    assert (rejected.user_id, rejected.hours, rejected.rejection_reason) == (None, 2, "")


def test_a_deleted_coordinators_name_leaves_the_invitations_others_received(client, auth, session, person,
                                                                            tmp_path):
    from zoneinfo import ZoneInfo

    from empathy.suggestions.index import MatchIndex
    from empathy.volunteering.services.invitations import invite_employees

    coord = person["coord"]
    coord.display_name = "Coralie Ostrander"
    session.add(coord)
    future = make_need(session, owner=coord, title="Beach clean-up")
    guest = make_user(session, email="guest@example.com", display_name="Gus")
    session.commit()
    invite_employees(session=session, index=MatchIndex(tmp_path / "none.joblib", ZoneInfo("UTC")), actor=coord,
                     need_id=future.id, user_ids=[guest.id], message="See you there", base_url="http://x")
    assert "Coralie" in json.dumps(session.exec(select(Notification.params).where(
        Notification.user_id == guest.id)).one())
    delete_account(session=session, user=session.get(User, coord.id), password=DEFAULT_PASSWORD)
    note = session.exec(select(Notification).where(Notification.user_id == guest.id)).one()
    assert "Coralie" not in json.dumps(note.params) and note.params["need"] == future.title
    assert not [m for m in session.exec(select(OutboxMessage)).all() if "Coralie" in m.body + m.subject]
    login(auth, "guest@example.com")
    page = client.get("/notifications").get_data(as_text=True)
    assert "You were invited to help with" in page and "Coralie" not in page


def _bio_traces(raw: bytes) -> list[str]:
    """Encodings in which the test bio's made-up word is still in a stored model (numpy keeps UTF-32)."""
    return [enc for enc in ("utf-8", "utf-32-le") if "zyxquokk".encode(enc) in raw]


def _stored_models(app) -> list[bytes]:
    """Every stored model: each version's bytes (file or row) and the file of releases before versions."""
    from pathlib import Path

    from empathy.models import MatchModel

    with app.app_context():
        from empathy.core.db import get_session
        from empathy.suggestions.location import model_path, model_store

        store = model_store()
        rows = get_session().exec(select(MatchModel)).all()
        found = [r.payload if r.payload is not None else (Path(store.directory) / r.location).read_bytes()
                 for r in rows]
        return found + ([model_path().read_bytes()] if model_path().exists() else [])


@pytest.mark.parametrize("kind", ["directory", "database"])
def test_delete_leaves_nothing_of_the_profile_in_any_stored_matching_model(app, client, auth, session, person, kind):
    from empathy.core.runtime import org_timezone
    from empathy.suggestions.location import model_path, model_store
    from empathy.suggestions.refits import refit
    from tests.factories import profile_of

    app.config["MATCH_MODEL_STORE"] = kind
    emp = person["emp"]
    profile = profile_of(session, emp)
    profile.bio = "Zyxquokka whisperer, weekends only"
    session.add(profile)
    session.commit()
    with app.app_context():
        for _ in range(2):  # two versions kept, both with the bio
            refit(store=model_store(), tz=org_timezone())
        newest = model_store().latest_version()
    assert len(_stored_models(app)) == 2 and all(_bio_traces(raw) for raw in _stored_models(app))
    login(auth)
    response = client.post("/account/delete", data={"password": DEFAULT_PASSWORD, "understood": "y"})
    assert response.status_code == 302
    response.close()  # what a WSGI server does once the response is sent: the refit is queued (run at once here)
    stored = _stored_models(app)
    assert len(stored) == 1 and _bio_traces(stored[0]) == []
    with app.app_context():
        assert model_store().latest_version() > newest and not model_path().exists()
        assert str(emp.id) not in model_store().load(model_store().latest_version()).employee_docs_
