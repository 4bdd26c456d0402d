"""The administrators' outbox: every e-mail with its state, a permanent failure shown with its reason, and
"retry now" (confirmed, audited) for a failed one; the same list in the API."""

from __future__ import annotations

from sqlmodel import select

from empathy.core import mail
from empathy.models import AuditEntry, OutboxMessage
from tests.api.fixtures import token_for
from tests.factories import DEFAULT_PASSWORD, make_need, make_user
from tests.mail_server import mail_server  # noqa: F401  (a fixture)


def _stored(session, message: OutboxMessage) -> OutboxMessage:
    session.rollback()
    return session.get(OutboxMessage, message.id, populate_existing=True)


def _admin(auth, session):
    admin = make_user(session, role="admin", email="admin@example.com")
    assert auth.login(admin.email, DEFAULT_PASSWORD).status_code == 302
    return admin


def test_a_permanent_refusal_is_marked_failed_and_shown_on_the_admin_page(app, client, auth, session,
                                                                          mail_server):  # noqa: F811
    app.config["SMTP"] = mail_server.smtp
    mail_server.answer("gone@example.com", "550 5.1.1 no such user")
    volunteer = make_user(session, email="gone@example.com")
    need = make_need(session, owner=make_user(session, role="coordinator"))
    answer = client.post(f"/api/v1/needs/{need.id}/signup", json={},
                         headers={"Authorization": f"Bearer {token_for(session, volunteer)}"})
    assert answer.status_code == 201

    row = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "gone@example.com")).one()
    assert (row.status, row.attempts) == ("failed", 1) and "no such user" in row.error
    _admin(auth, session)
    page = client.get("/admin/outbox?status=failed")
    assert page.status_code == 200
    assert "gone<wbr>@example.com" in page.text and "no such user" in page.text and "Retry now" in page.text
    assert "gone<wbr>@example.com" not in client.get("/admin/outbox?status=sent").text  # wraps before its @
    assert 'href="/admin/outbox"' in client.get("/admin/users").text  # linked from the admin navigation


def test_retry_now_asks_first_then_queues_again_and_is_audited(app, client, auth, session, mail_server):  # noqa: F811
    app.config["SMTP"] = mail_server.smtp
    failed = OutboxMessage(to_address="back@example.com", subject="Hello again", body="Hi", kind="test",
                           status="failed", attempts=mail.MAX_ATTEMPTS, error="451 try later")
    session.add(failed)
    session.commit()
    admin = _admin(auth, session)

    confirm = client.get(f"/admin/outbox/{failed.id}/retry")
    assert confirm.status_code == 200 and "Send this e-mail again?" in confirm.text
    assert _stored(session, failed).status == "failed"  # asking changed nothing

    done = client.post(f"/admin/outbox/{failed.id}/retry", data={})
    assert done.status_code == 302, done.text
    stored = _stored(session, failed)
    assert (stored.status, stored.attempts) == ("sent", 1)  # queued again; the immediate queue delivered it
    assert mail_server.subjects() == ["Hello again"]
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "mail_retried")).one()
    assert (entry.actor_id, entry.target_id) == (admin.id, failed.id)

    again = client.post(f"/admin/outbox/{failed.id}/retry", data={}, follow_redirects=True)
    assert "not failed" in again.text  # only a failed message; nothing sent twice
    assert mail_server.subjects() == ["Hello again"]
    assert client.get("/admin/outbox/999999/retry").status_code == 404


def test_the_outbox_pages_and_filters_and_ignores_an_unknown_state(client, auth, session):
    for i in range(60):
        session.add(OutboxMessage(to_address=f"p{i}@example.com", subject=f"s{i}", body="b",
                                  status="sent" if i % 2 else "queued"))
    session.commit()
    _admin(auth, session)
    first = client.get("/admin/outbox")
    # An address wraps before its @ (_text.html email_address).
    assert first.status_code == 200 and "p59<wbr>@example.com" in first.text and "p0<wbr>@example.com" not in first.text
    assert "p0<wbr>@example.com" in client.get("/admin/outbox?page=2").text
    queued = client.get("/admin/outbox?status=queued").text
    assert "p58<wbr>@example.com" in queued and "p59<wbr>@example.com" not in queued
    assert client.get("/admin/outbox?status=nonsense&page=99999999999999999999").status_code == 200


def test_the_api_lists_the_outbox_for_admins_only(api, session):
    session.add_all([OutboxMessage(to_address="a@example.com", subject="one", body="b", status="failed",
                                   attempts=1, error="550 refused"),
                     OutboxMessage(to_address="b@example.com", subject="two", body="b", status="sent")])
    session.commit()
    answer = api("GET", "/admin/outbox?status=failed", "admin")
    assert answer.status_code == 200
    body = answer.json
    assert body["total"] == 1 and body["items"][0]["subject"] == "one"
    assert body["items"][0]["error"] == "550 refused" and body["items"][0]["status"] == "failed"
    assert api("GET", "/admin/outbox", "admin").json["total"] == 2
    assert api("GET", "/admin/outbox?status=nonsense", "admin").status_code == 422
    assert api("GET", "/admin/outbox", "coord").status_code == 403
