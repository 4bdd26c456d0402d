"""Credentials through the API: recorded by employees, verified by administrators, required by needs."""

from datetime import date, timedelta

import pytest

from tests.factories import make_need


@pytest.fixture
def need(session, callers):
    return make_need(session, owner=callers["coord"].user, status="open", is_remote=True, seats=3, seats_taken=1)


def test_credentials_recorded_then_verified(api, session, callers):
    expires = (date.today() + timedelta(days=300)).isoformat()
    r = api("POST", "/me/credentials", "employee", json={"kind": "first_aid", "expires_on": expires,
                                                          "reference": "FA-1"})
    assert r.status_code == 200 and r.json["verified_at"] is None
    cred_id = r.json["id"]
    assert api("POST", "/me/credentials", "employee", json={"kind": "magic", "expires_on": expires}
               ).json["errors"][0]["field"] == "kind"
    assert [c["kind"] for c in api("GET", "/me/credentials", "employee").json["items"]] == ["first_aid"]
    assert api("GET", "/me/credentials", "other").json["items"] == []
    assert api.statuses("GET", "/admin/credentials")["coord"] == 403
    assert [c["id"] for c in api("GET", "/admin/credentials", "admin").json["items"]] == [cred_id]
    assert api("POST", f"/admin/credentials/{cred_id}/verify", "employee").status_code == 403
    r = api("POST", f"/admin/credentials/{cred_id}/verify", "admin")
    assert r.status_code == 200 and r.json["verified_at"]
    assert api("GET", "/admin/credentials", "admin").json["total"] == 0
    assert api("POST", "/admin/credentials/999999/verify", "admin").status_code == 404


def test_a_needs_required_credentials_are_set_by_its_coordinator_and_hold_back_confirmation(api, session, callers,
                                                                                            need):
    path = f"/needs/{need.id}/credentials"
    statuses = api.statuses("PUT", path, json={"kinds": ["first_aid"]})
    assert {k: statuses[k] for k in ("employee", "other", "coord2")} == {"employee": 403, "other": 403, "coord2": 403}
    r = api("PUT", path, "coord", json={"kinds": ["first_aid", "background_check", "first_aid"]})
    assert r.status_code == 200 and r.json["credentials"] == ["background_check", "first_aid"]
    assert api("GET", f"/needs/{need.id}", "employee").json["credentials"] == ["background_check", "first_aid"]
    bad = api("PUT", path, "coord", json={"kinds": ["magic"]})
    assert bad.status_code == 422 and bad.json["errors"][0]["field"].startswith("kinds")
    # Volunteering for a need without approval would confirm at once: refused without the credentials.
    signed = api("POST", f"/needs/{need.id}/signup", "employee", json={})
    assert signed.status_code == 409 and "First aid certificate" in signed.json["detail"]
    assert api("PUT", path, "admin", json={"kinds": []}).json["credentials"] == []
    assert api("PUT", "/needs/999999/credentials", "coord", json={"kinds": []}).status_code == 404


def test_unverified_credentials_are_paged(api):
    r = api("GET", "/admin/credentials?page=2", "admin")
    assert r.status_code == 200 and r.json["page"] == 2 and r.json["items"] == []


def test_an_expiry_date_past_fifty_years_is_refused_alike_by_service_page_and_api(app, api, client, auth, session,
                                                                                  callers):
    from empathy.core.errors import ServiceError
    from empathy.profiles import credentials
    from tests.factories import DEFAULT_PASSWORD

    latest = date(date.today().year + 50, 12, 31)
    message = f"Enter an expiry date no later than {latest.year}."
    too_late = latest + timedelta(days=1)
    employee = callers["employee"].user

    with app.test_request_context(), pytest.raises(ServiceError) as refused:
        credentials.record_credential(session=session, user=employee, kind="first_aid", expires_on=too_late)
    assert (refused.value.field, refused.value.message) == ("expires_on", message)

    answer = api("POST", "/me/credentials", "employee", json={"kind": "first_aid", "expires_on": too_late.isoformat()})
    assert answer.status_code == 422 and answer.json["errors"] == [{"field": "expires_on", "message": message}]

    auth.login(employee.email, DEFAULT_PASSWORD)
    page = client.post("/credentials", data={"kind": "first_aid", "expires_on": too_late.isoformat()}).text
    assert f'id="expires_on-error">{message}' in page and f'max="{latest.isoformat()}"' in page
    assert api("POST", "/me/credentials", "employee",
               json={"kind": "first_aid", "expires_on": latest.isoformat()}).status_code == 200
