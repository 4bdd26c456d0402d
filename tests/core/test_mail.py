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


def test_a_dropped_connection_is_opened_again_at_once(session, mail_server, monkeypatch):  # noqa: F811
    message = _message(session)
    real_send, calls = smtplib.SMTP.send_message, []

    def drop_first(client, msg, *args, **kwargs):
        calls.append(msg["Subject"])
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(client, msg, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", drop_first)
    assert mail.deliver_queued(session, mail_server.smtp) == {"sent": 1}
    assert len(calls) == 2 and len(mail_server.received) == 1
    assert _stored(session, message).attempts == 1  # one attempt, two connections


def test_a_batch_goes_over_one_connection(session, mail_server):  # noqa: F811
    for i in range(12):
        _message(session, to_address=f"person{i}@example.com", subject=f"message {i:02}")

    assert mail.deliver_queued(session, mail_server.smtp) == {"sent": 12}

    assert len(mail_server.received) == 12
    assert mail_server.connections_used() == 1


def test_a_refusal_in_a_batch_leaves_the_connection_to_the_other_messages(session, mail_server):  # noqa: F811
    mail_server.answer("gone@example.com", "550 5.1.1 no such user")
    _message(session, to_address="first@example.com", subject="first")
    _message(session, to_address="gone@example.com", subject="refused")
    _message(session, to_address="last@example.com", subject="last")

    assert mail.deliver_queued(session, mail_server.smtp) == {"sent": 2, "failed": 1}

    assert mail_server.subjects() == ["first", "last"]
    assert mail_server.connections_used() == 1


def test_a_server_that_cannot_be_reached_is_tried_once_per_batch(session, monkeypatch):
    for i in range(5):
        _message(session, subject=f"message {i}")
    opened = []
    real_init = smtplib.SMTP.__init__

    def counting_init(client, *args, **kwargs):
        opened.append(args)
        real_init(client, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "__init__", counting_init)
    assert mail.deliver_queued(session, _closed_port()) == {"queued": 5}
    assert len(opened) == 1  # the other four failed with the same error, without waiting for it again


def test_a_request_only_queues_and_the_commit_queues_its_delivery(app, client, session, mail_server,  # noqa: F811
                                                                   monkeypatch):
    app.config["SMTP"] = mail_server.smtp
    waiting = _message(session, to_address="someone.else@example.com", subject="queued by another request")
    need = make_need(session, owner=make_user(session, role="coordinator"))
    volunteer = make_user(session, email="volunteer@example.com")
    queued = []
    monkeypatch.setattr("empathy.core.queue.enqueue", lambda func, *args, **kw: queued.append((func, args)))

    answer = client.post(f"/api/v1/needs/{need.id}/signup", json={},
                         headers={"Authorization": f"Bearer {token_for(session, volunteer)}"})
    answer.close()

    assert answer.status_code == 201
    assert mail_server.received == []  # nothing is sent by the request, during or after its response
    [(func, (ids,))] = queued
    assert func is mail.deliver_batch
    [mine] = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == "volunteer@example.com")).all()
    assert ids == [mine.id] and mine.status == "queued"
    later = _message(session, to_address="later@example.com", next_attempt_at=utcnow() + timedelta(minutes=5),
                     attempts=1)
    with app.app_context():  # the worker runs the task: its message, and the others due, over one connection
        assert mail.deliver_batch(ids) == {"sent": 2}
        assert mail.deliver_batch(ids) == {}  # run twice: nothing is sent twice
    assert sorted(str(m["To"]) for m in mail_server.received) == ["someone.else@example.com",
                                                                   "volunteer@example.com"]
    assert mail_server.connections_used() == 1
    assert _stored(session, waiting).status == "sent"
    assert _stored(session, later).status == "queued"  # not due yet: left for the sweep


def test_under_an_immediate_queue_a_request_s_mail_is_delivered_at_its_commit(app, client, session,
                                                                               mail_server):  # noqa: F811
    app.config["SMTP"] = mail_server.smtp
    need = make_need(session, owner=make_user(session, role="coordinator"))
    volunteer = make_user(session, email="volunteer@example.com", preferred_language="zh")

    answer = client.post(f"/api/v1/needs/{need.id}/signup", json={},
                         headers={"Authorization": f"Bearer {token_for(session, volunteer)}"})

    assert answer.status_code == 201
    [received] = mail_server.received
    assert received.get_content_type() == "multipart/alternative"
    text, html = (part.get_payload(decode=True).decode() for part in received.get_payload())
    assert need.title in text and need.title in html
    assert '<html lang="zh-Hans">' in html


def test_a_rolled_back_transaction_queues_no_delivery(app, mail_server, monkeypatch):  # noqa: F811
    queued = []
    monkeypatch.setattr("empathy.core.queue.enqueue", lambda func, *args, **kw: queued.append(args))
    with app.app_context(), Session(get_engine(app)) as session:
        mail.queue_mail(session, to="a@example.com", subject="never", body="x")
        session.flush()
        session.rollback()
        mail.queue_mail(session, to="b@example.com", subject="one", body="x")
        mail.queue_mail(session, to="c@example.com", subject="two", body="x")
        session.commit()
        ids = session.exec(select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
    assert queued == [([*ids],)] and len(ids) == 2  # one task for the transaction's two messages


def test_the_sweep_sends_retries_whose_time_came_over_one_connection(app, session, mail_server):  # noqa: F811
    app.config["SMTP"] = mail_server.smtp
    mail_server.answer("busy@example.com", "451 4.3.0 try again later", times=1)
    busy = _message(session, to_address="busy@example.com", subject="busy")
    with app.app_context():
        assert mail.sweep_outbox() == {"queued": 1}  # transient: tried again later
        assert mail.sweep_outbox() == {}  # not yet
        stored = _stored(session, busy)
        stored.next_attempt_at = utcnow() - timedelta(seconds=1)  # time passes
        session.add(stored)
        session.commit()
        assert mail.sweep_outbox() == {"sent": 1}
        assert mail.sweep_outbox() == {}
    assert mail_server.subjects() == ["busy"]  # delivered once
    assert (_stored(session, busy).status, _stored(session, busy).attempts) == ("sent", 2)


def test_a_failed_message_queued_again_by_an_admin_is_delivered(app, session, mail_server):  # noqa: F811
    app.config["SMTP"] = mail_server.smtp
    failed = _message(session, status="failed", attempts=mail.MAX_ATTEMPTS, error="550 no such user")
    with app.app_context():
        assert mail.retry_failed(session, failed.id) is True
        session.commit()  # the commit queues the delivery (immediate here)
    assert mail_server.subjects() == ["Hello"]
    assert _stored(session, failed).status == "sent"
    with app.app_context():
        assert mail.retry_failed(session, failed.id) is False  # only a failed message
        session.commit()


def test_send_mail_command_sends_what_is_due_and_says_what_happened(app, runner, session, mail_server,  # noqa: F811
                                                                     monkeypatch):
    app.config["SMTP"] = mail_server.smtp
    monkeypatch.setattr("empathy.cli._require_migrated", lambda: None)  # the test database is made from the models
    _message(session, subject="due")
    _message(session, subject="later", next_attempt_at=utcnow() + timedelta(minutes=5), attempts=1)

    result = runner.invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    assert "1 e-mail sent, 0 to be tried again, 0 failed." in result.output
    assert mail_server.subjects() == ["due"]
