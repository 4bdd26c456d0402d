"""Idempotency-Key on the create operations: a repeated request creates nothing more and gets the first answer."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import func, select

from empathy.core.db import utcnow
from empathy.models import HoursRecord, Match, Need
from tests.api.fixtures import need_body
from tests.factories import make_match, make_need


def _count(session, model) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_repeated_create_answers_the_first_answer_again(api, session):
    body = need_body()
    first = api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "need-1"})
    again = api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "need-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert _count(session, Need) == 1
    # The same body under a new key, or with no key, is a new need.
    new_key = api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "need-2"})
    assert new_key.json["id"] != first.json["id"]
    api("POST", "/needs", "coord", json=body)
    assert _count(session, Need) == 3


def test_the_same_key_for_another_request_is_refused(api, session):
    body = need_body()
    api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "k"})
    other = api("POST", "/needs", "coord", json={**body, "title": "Something else"}, headers={"Idempotency-Key": "k"})
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert other.json["errors"][0]["field"] == "Idempotency-Key"
    assert _count(session, Need) == 1
    bad = api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "has space"})
    assert bad.status_code == 422 and _count(session, Need) == 1


def test_keys_are_each_callers_own(api, session):
    body = need_body()
    api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "shared"})
    second = api("POST", "/needs", "coord2", json=body, headers={"Idempotency-Key": "shared"})
    assert second.status_code == 201 and "Idempotent-Replayed" not in second.headers
    mine_again = api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "shared"})
    assert mine_again.headers["Idempotent-Replayed"] == "true"
    assert _count(session, Need) == 2


def test_hours_and_sign_ups_with_a_key_are_made_once(api, session, callers):
    started = make_need(session, owner=callers["coord"].user, starts_at=utcnow() - timedelta(days=1),
                        ends_at=utcnow() + timedelta(days=1))  # today is one of its days
    match = make_match(session, started, callers["employee"].user, status="confirmed")
    hours = {"hours": 2.5, "worked_on": utcnow().date().isoformat(), "note": "Sorting"}
    answers = [api("POST", f"/matches/{match.id}/hours", "employee", json=hours, headers={"Idempotency-Key": "h1"})
               for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201] and answers[0].json == answers[1].json
    assert _count(session, HoursRecord) == 1
    need = make_need(session, owner=callers["coord"].user, status="open", seats=3)
    signups = [api("POST", f"/needs/{need.id}/signup", "other", json={"message": ""},
                   headers={"Idempotency-Key": "s1"}) for _ in range(2)]
    assert [a.status_code for a in signups] == [201, 201] and signups[1].headers["Idempotent-Replayed"] == "true"
    assert _count(session, Match) == 2
    # Without a key the second sign-up is refused as before: one person, one sign-up.
    assert api("POST", f"/needs/{need.id}/signup", "other", json={"message": ""}).status_code == 409


def test_a_repeat_of_a_create_whose_result_is_gone_is_a_conflict(api, session):
    body = need_body()
    first = api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "gone"})
    assert api("DELETE", f"/needs/{first.json['id']}", "coord").status_code == 204
    again = api("POST", "/needs", "coord", json=body, headers={"Idempotency-Key": "gone"})
    assert again.status_code == 409 and _count(session, Need) == 0


def test_the_document_describes_the_header_on_create_operations(client):
    doc = client.get("/api/v1/openapi.json").json
    for path, method in (("/api/v1/needs", "post"), ("/api/v1/matches/{match_id}/hours", "post"),
                         ("/api/v1/needs/{need_id}/signup", "post"), ("/api/v1/needs/{need_id}/duplicate", "post")):
        operation = doc["paths"][path][method]
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"] if p["in"] == "header"], path
        assert "Idempotent-Replayed" in operation["responses"]["201"]["headers"]
    for path in ("/api/v1/needs/{need_id}/invitations", "/api/v1/me/credentials"):
        operation = doc["paths"][path]["post"]
        assert "Idempotency-Key" in [p["name"] for p in operation["parameters"] if p["in"] == "header"], path
        assert "Idempotent-Replayed" in operation["responses"]["200"]["headers"]
    assert "delete" in doc["paths"]["/api/v1/needs/{need_id}"]
    assert not any(p.get("name") == "Idempotency-Key" for p in doc["paths"]["/api/v1/needs/{need_id}"]["patch"]
                   .get("parameters", []))


def test_invitations_and_credentials_with_a_key_answer_the_first_answer(api, session, callers):
    from empathy.models import Credential

    need = make_need(session, owner=callers["coord"].user, status="open", seats=3)
    body = {"user_ids": [callers["employee"].user.id], "message": "Join us"}
    first = api("POST", f"/needs/{need.id}/invitations", "coord", json=body, headers={"Idempotency-Key": "inv"})
    again = api("POST", f"/needs/{need.id}/invitations", "coord", json=body, headers={"Idempotency-Key": "inv"})
    assert first.json == again.json == {"invited": 1} and again.headers["Idempotent-Replayed"] == "true"
    # Without the key, the same invitation again is a natural no-op: nobody is invited twice.
    assert api("POST", f"/needs/{need.id}/invitations", "coord", json=body).json == {"invited": 0}
    expiry = (utcnow() + timedelta(days=200)).date().isoformat()
    cred = {"kind": "first_aid", "expires_on": expiry, "reference": "FA-1"}
    answers = [api("POST", "/me/credentials", "employee", json=cred, headers={"Idempotency-Key": "c"})
               for _ in range(2)]
    assert [a.status_code for a in answers] == [200, 200] and answers[0].json == answers[1].json
    assert answers[1].headers["Idempotent-Replayed"] == "true"
    assert _count(session, Credential) == 1
