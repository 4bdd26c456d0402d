"""No one sets a field they may not (role, approval, status, owner, someone else's row) through a form or the API."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from empathy.models import EmployeeProfile, HoursRecord, Need, User
from tests.factories import DEFAULT_PASSWORD
from tests.security.world import build_world

FORBIDDEN = {"role": "admin", "active": "1", "user_id": "1", "owner_id": "1", "status": "approved",
             "id": "1", "password_hash": "x", "seats_taken": "0", "is_admin": "y", "reviewed_by_id": "1"}


@pytest.fixture
def w(session):
    return build_world(session)


def signed_in(app, w, key):
    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = w.sessions[key]
    return client


def test_registration_cannot_choose_a_role(client, session):
    resp = client.post("/register", data={"display_name": "Mallory", "email": "mallory@example.com",
                                          "password": DEFAULT_PASSWORD, "confirm": DEFAULT_PASSWORD, **FORBIDDEN})
    assert resp.status_code == 302
    user = session.exec(select(User).where(User.email == "mallory@example.com")).one()
    assert user.role == "employee" and user.active


def test_profile_form_changes_only_the_signed_in_users_profile(app, session, w):
    client = signed_in(app, w, "emp")
    other_id = w.users["other"].id
    data = {"skills-0-name": "", "skills-0-level": "2", "skills-0-years": "", "department": "Mine", "site_id": "",
            "bio": "", "hours_per_month": "8", "available_weekdays": "y", "is_suggestible": "y", "submit": "1",
            **FORBIDDEN, "user_id": str(other_id)}
    assert client.post("/profile", data=data).status_code == 302
    session.expire_all()
    profiles = {p.user_id: p.department for p in session.exec(select(EmployeeProfile)).all()}
    assert profiles[w.users["emp"].id] == "Mine" and profiles[other_id] == "other department"
    assert session.get(User, w.users["emp"].id).role == "employee"


def test_need_form_cannot_set_owner_status_or_seats_taken(app, session, w):
    client = signed_in(app, w, "coord2")
    data = {"title": "Mine", "description": "", "cause": "education", "beneficiary": "", "site": "", "remote": "y",
            "starts_at": "2031-03-01T09:00", "ends_at": "2031-03-01T12:30", "seats": "4",
            "hours_per_volunteer": "3", "skills-0-name": "", "skills-0-importance": "must",
            "skills-0-min_level": "1", "submit": "1", **FORBIDDEN, "owner_id": str(w.users["coord"].id),
            "status": "open", "seats_taken": "4"}
    assert client.post("/needs/new", data=data).status_code == 302
    need = session.exec(select(Need).where(Need.title == "Mine")).one()
    assert (need.owner_id, need.status, need.seats_taken) == (w.users["coord2"].id, "draft", 0)


def test_hours_form_cannot_approve_itself(app, session, w):
    client = signed_in(app, w, "emp")
    data = {"hours": "1.5", "worked_on": date.today().isoformat(), "note": "", **FORBIDDEN}
    client.post(f"/commitments/{w.ids['match_id']}/hours", data=data)
    assert {r.status for r in session.exec(select(HoursRecord)).all()} == {"pending"}


def test_privacy_form_ignores_fields_it_does_not_have(app, session, w):
    client = signed_in(app, w, "emp")
    assert client.post("/account/privacy", data={"skills": "y", **FORBIDDEN}).status_code == 302
    session.expire_all()
    assert session.get(User, w.users["emp"].id).role == "employee"


@pytest.mark.parametrize("method,path,body", [
    ("PUT", "/me/profile", {"department": "D", "role": "admin"}),
    ("PUT", "/me/profile", {"department": "D", "user_id": 1}),
    ("POST", "/needs", {"title": "T", "cause": "education", "starts_at": "2031-03-01T09:00:00+08:00",
                        "ends_at": "2031-03-01T12:00:00+08:00", "owner_id": 1}),
    ("POST", "/needs", {"title": "T", "cause": "education", "starts_at": "2031-03-01T09:00:00+08:00",
                        "ends_at": "2031-03-01T12:00:00+08:00", "status": "open"}),
    ("PATCH", "/needs/{need_id}", {"status": "completed"}),
    ("PATCH", "/needs/{need_id}", {"owner_id": 1}),
    ("PATCH", "/needs/{need_id}", {"seats_taken": 0}),
    ("POST", "/matches/{match_id}/hours", {"hours": 1.0, "worked_on": date.today().isoformat(),
                                           "status": "approved"}),
])
def test_api_refuses_fields_it_does_not_document(app, session, w, method, path, body):
    who = "emp" if "profile" in path or "hours" in path else "coord"
    before = (session.exec(select(Need)).all(), session.exec(select(User.role)).all())
    resp = app.test_client().open("/api/v1" + path.format(**w.ids), method=method, json=body,
                                  headers={"Authorization": f"Bearer {w.tokens[who]}"})
    assert resp.status_code == 422
    session.expire_all()
    assert (session.exec(select(Need)).all(), session.exec(select(User.role)).all()) == before


def test_api_token_cannot_be_made_for_someone_else_without_their_password(client, w):
    resp = client.post("/api/v1/auth/token", json={"email": "emp@example.com", "password": "guess guess guess"})
    assert resp.status_code == 401
