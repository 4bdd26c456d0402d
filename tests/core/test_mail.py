"""The outbox: every queued message reaches the mail server once, however many deliveries run at once."""

from __future__ import annotations

import smtplib
import socket
import threading
from collections import Counter
from datetime import timedelta

from sqlmodel import Session, select

from empathy.core import mail
from empathy.core.db import get_engine, utcnow
from empathy.models import OutboxMessage
from tests.api.fixtures import token_for
from tests.factories import make_need, make_user
from tests.mail_server import mail_server  # noqa: F401  (a fixture)


def _deliver_in_parallel(app, smtp: dict, runs: int) -> list[Exception]:
    """`runs` threads, each with a session of its own, call the outbox's delivery at the same moment."""
    start = threading.Barrier(runs)
    errors = []

    def run():
        with Session(get_engine(app), expire_on_commit=False) as session:
            start.wait()
            try:
                mail.deliver_queued(session, smtp)
            except Exception as exc:  # noqa: BLE001  (reported below, with the thread's own error)
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_parallel_deliveries_send_each_queued_message_exactly_once(app, session, mail_server):  # noqa: F811
    for i in range(20):
        mail.queue_mail(session, to=f"person{i}@example.com", subject=f"message {i:02}", body="Hello", kind="test")
    session.commit()

    errors = _deliver_in_parallel(app, mail_server.smtp, runs=6)

    received = Counter(mail_server.subjects())
    assert sum(received.values()) == 20, f"{sum(received.values())} received for 20 queued"
    assert errors == []
    assert set(received) == {f"message {i:02}" for i in range(20)}
    session.expire_all()
    assert {m.status for m in session.exec(select(OutboxMessage)).all()} == {"sent"}


def _message(session, **columns) -> OutboxMessage:
    message = OutboxMessage(**{"to_address": "person@example.com", "subject": "Hello", "body": "Hi", "kind": "test",
                               **columns})
    session.add(message)
    session.commit()
    return message


def _stored(session, message: OutboxMessage) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, message.id)


def _closed_port() -> dict:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return {"host": "127.0.0.1", "port": port, "starttls": False}  # nothing listens there now


def test_a_message_whose_sender_stopped_is_sent_again_only_after_the_claim_timeout(session, mail_server):  # noqa: F811
    now = utcnow()
    recent = _message(session, subject="recent", status="sending", attempts=1, claimed_by="x" * 32,
                      claimed_at=now - mail.CLAIM_TIMEOUT + timedelta(minutes=1))
    abandoned = _message(session, subject="abandoned", status="sending", attempts=1, claimed_by="y" * 32,
                         claimed_at=now - mail.CLAIM_TIMEOUT - timedelta(minutes=1))

    assert mail.deliver_queued(session, mail_server.smtp) == {"sent": 1}

    assert mail_server.subjects() == ["abandoned"]
    assert _stored(session, recent).status == "sending"  # its sender may still be at work
    stored = _stored(session, abandoned)
    assert (stored.status, stored.attempts, stored.claimed_by) == ("sent", 2, None)


def test_a_failed_attempt_is_retried_later_with_growing_delays_and_then_given_up(session, mail_server):  # noqa: F811
    message = _message(session)
    down = _closed_port()
    delays = []
    for attempt in range(1, mail.MAX_ATTEMPTS + 1):
        before = utcnow()
        assert mail.deliver_queued(session, down) == {"queued" if attempt < mail.MAX_ATTEMPTS else "failed": 1}
        stored = _stored(session, message)
        assert stored.attempts == attempt and stored.error
        if attempt < mail.MAX_ATTEMPTS:
            assert stored.status == "queued"
            delays.append(stored.next_attempt_at - before)
            assert mail.deliver_queued(session, down) == {}  # not due yet: nothing is tried
            stored.next_attempt_at = utcnow() - timedelta(seconds=1)  # time passes
            session.add(stored)
            session.commit()
    assert _stored(session, message).status == "failed"
    assert delays == sorted(delays) and delays[0] >= timedelta(minutes=1) - timedelta(seconds=5)
    assert mail.deliver_queued(session, mail_server.smtp) == {}  # given up: not sent any more
    assert mail_server.received == []


def test_a_refused_recipient_fails_at_once_and_a_busy_server_is_tried_again(session, mail_server):  # noqa: F811
    mail_server.answer("gone@example.com", "550 5.1.1 no such user")
    mail_server.answer("busy@example.com", "451 4.3.0 try again later")
    gone = _message(session, to_address="gone@example.com")
    busy = _message(session, to_address="busy@example.com")

    assert mail.deliver_queued(session, mail_server.smtp) == {"failed": 1, "queued": 1}

    assert (_stored(session, gone).status, _stored(session, gone).attempts) == ("failed", 1)
    assert _stored(session, busy).status == "queued" and _stored(session, busy).next_attempt_at > utcnow()


def test_a_dropped_connection_is_tried_again_at_once(session, mail_server, monkeypatch):  # noqa: F811
    message = _message(session)
    real_send, calls = mail._send, []

    def drop_first(msg, smtp):
        calls.append(msg.id)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        real_send(msg, smtp)

    monkeypatch.setattr(mail, "_send", drop_first)
    assert mail.deliver_queued(session, mail_server.smtp) == {"sent": 1}
    assert len(calls) == 2 and len(mail_server.received) == 1
    assert _stored(session, message).attempts == 1  # one attempt, two connections


def test_a_request_sends_only_the_mail_it_queued(app, client, session, mail_server):  # noqa: F811
    app.config["SMTP"] = mail_server.smtp
    waiting = _message(session, to_address="someone.else@example.com", subject="queued by another request")
    need = make_need(session, owner=make_user(session, role="coordinator"))
    volunteer = make_user(session, email="volunteer@example.com")

    answer = client.post(f"/api/v1/needs/{need.id}/signup", json={},
                         headers={"Authorization": f"Bearer {token_for(session, volunteer)}"})
    answer.close()  # as a WSGI server does once the response is sent: the request's mail goes out then

    assert answer.status_code == 201
    assert [str(m["To"]) for m in mail_server.received] == ["volunteer@example.com"]
    assert _stored(session, waiting).status == "queued"  # the send-mail command's, not this request's


def test_send_mail_command_sends_what_is_due_and_says_what_happened(app, runner, session, mail_server,  # noqa: F811
                                                                     monkeypatch):
    app.config["SMTP"] = mail_server.smtp
    monkeypatch.setattr("empathy.cli._require_migrated", lambda: None)  # the test database is made from the models
    _message(session, subject="due")
    _message(session, subject="later", next_attempt_at=utcnow() + timedelta(minutes=5), attempts=1)

    result = runner.invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    assert "1 e-mails sent, 0 to be tried again, 0 failed." in result.output
    assert mail_server.subjects() == ["due"]
