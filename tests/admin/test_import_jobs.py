"""Imports as queue tasks: the job's lifecycle, all-or-nothing with live progress, the page, the API's 202
and polling, and the activation links kept for the administrator who started the import."""

from __future__ import annotations

import io
import os
import re
import threading
from collections import Counter
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session, func, select

from empathy import create_app
from empathy.admin.services import import_jobs, imports
from empathy.core import mail
from empathy.core.crypto import KeyRing
from empathy.core.db import get_engine, utcnow
from empathy.core.queue import BACKGROUND_NICE, queue_of, read_note
from empathy.models import EmployeeSkill, ImportJob, OutboxMessage, User
from tests.api.fixtures import Api, token_for
from tests.factories import DEFAULT_PASSWORD, make_skill, make_user
from tests.mail_server import mail_server  # noqa: F401  (a fixture)

HEADER = "email,name,skills\n"
KEYS = "k" * 40


@pytest.fixture
def app(database_url, tmp_path):
    """The app with a real queue (a SQLite file): a queued import waits until the test runs the worker's part."""
    app = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key", "WTF_CSRF_ENABLED": False,
        "MATCH_MODEL_PATH": str(tmp_path / "model.joblib"), "TOTP_KEY_FILE": str(tmp_path / "totp-key"),
        "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
    })
    yield app
    get_engine(app).dispose()


def run_worker(app) -> int:
    """Run every queued task, as a worker would; returns how many ran."""
    huey = queue_of(app)
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def people(n: int, *, skills: str = "Accounting:3;Teaching") -> str:
    return HEADER + "".join(f"p{i}@example.com,Person {i},{skills}\n" for i in range(n))


def count(session, model) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def admin(session, client):
    make_skill(session, name="Accounting")
    make_skill(session, name="Teaching")
    user = make_user(session, role="admin", email="admin@example.com", display_name="The Admin")
    client.post("/login", data={"email": "admin@example.com", "password": DEFAULT_PASSWORD})
    return user


def upload(client, text: str, *, dry_run: bool = False):
    form = {"file": (io.BytesIO(text.encode()), "people.csv")}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/admin/import", data=form, content_type="multipart/form-data")


# ----------------------------------------------------------------------------- the page
def test_an_upload_becomes_a_queued_job_whose_page_shows_progress_then_the_result(app, client, admin, session):
    response = upload(client, people(3))
    assert response.status_code == 302
    job = session.exec(select(ImportJob)).one()
    assert response.headers["Location"] == f"/admin/imports/{job.id}"
    assert job.state == "queued" and job.rows_total == 3 and job.content and job.created_by == admin.id
    page = client.get(f"/admin/imports/{job.id}").text
    assert "<progress" in page and "Waiting for a worker" in page and "0 of 3 rows" in page
    assert '<meta http-equiv="refresh" content="2">' in page  # without JS the page refreshes itself
    assert client.get(f"/admin/imports/{job.id}/status").json == {
        "state": "queued", "stage": "waiting", "done": 0, "total": 3, "percent": 0, "finished": False}
    assert count(session, User) == 1  # only the admin: nothing is imported in the request

    assert run_worker(app) == 2  # the import, then the delivery of its e-mails (one deliver_batch)
    status = client.get(f"/admin/imports/{job.id}/status").json
    assert status["state"] == "done" and status["finished"] and status["done"] == 3 and status["percent"] == 100
    page = client.get(f"/admin/imports/{job.id}").text
    assert "Import done" in page and "Accounts created: 3" in page and "<progress" not in page
    assert len(re.findall(r'value="http://[^"]+/activate/[^"]+"', page)) == 3
    session.rollback()
    job = session.get(ImportJob, job.id)
    assert job.content is None and job.finished_at is not None  # the file is not kept once imported
    assert count(session, User) == 4 and count(session, EmployeeSkill) == 6
    assert {m.status for m in session.exec(select(OutboxMessage)).all()} == {"logged"}  # the task delivered them
    download = client.get(f"/admin/imports/{job.id}/links.csv")
    assert download.mimetype == "text/csv" and download.data.decode("utf-8-sig").count("/activate/") == 3


def test_a_file_the_import_cannot_read_is_refused_at_the_upload(app, client, admin, session):
    response = upload(client, "mail,full name\nx,y\n")
    assert response.status_code == 200 and "lacks the required column" in response.text
    assert count(session, ImportJob) == 0


def test_bad_rows_fail_the_job_with_every_reason(app, client, admin, session):
    upload(client, HEADER + "ok@example.com,OK,\nbroken,No Email,\n")
    run_worker(app)
    job = session.exec(select(ImportJob)).one()
    assert job.state == "failed"
    page = client.get(f"/admin/imports/{job.id}").text
    assert "Nothing was imported" in page and "is not a valid email address" in page
    assert count(session, User) == 1


def test_a_dry_run_job_checks_and_writes_nothing(app, client, admin, session):
    upload(client, people(2), dry_run=True)
    run_worker(app)
    job = session.exec(select(ImportJob)).one()
    assert job.state == "done" and job.links_sealed is None
    assert "Accounts to create: 2" in client.get(f"/admin/imports/{job.id}").text
    assert count(session, User) == 1


def test_a_job_runs_once_even_if_queued_twice(app, client, admin, session):
    upload(client, people(2))
    job = session.exec(select(ImportJob)).one()
    with app.app_context():
        from empathy.admin.tasks import run_import
        from empathy.core.queue import enqueue

        enqueue(run_import, job.id)
    assert run_worker(app) == 3  # the import twice (the second finds it taken), one deliver_batch
    assert count(session, User) == 3 and count(session, OutboxMessage) == 2


def test_an_import_s_activation_mail_is_delivered_by_deliver_batch_tasks_each_message_once(
        app, client, admin, session, mail_server):  # noqa: F811
    app.config["SMTP"] = mail_server.smtp
    upload(client, people(120))
    huey = queue_of(app)
    huey.execute(huey.dequeue())  # the import task

    assert mail_server.received == []  # the import sent nothing itself: its commit queued the deliveries
    tasks = []
    while (task := huey.dequeue()) is not None:
        tasks.append(task)
    assert {t.name for t in tasks} == {"deliver_batch"}
    assert [len(t.args[0]) for t in tasks] == [mail.BATCH, mail.BATCH, 20]
    session.rollback()
    ids = set(session.exec(select(OutboxMessage.id)).all())
    assert {i for t in tasks for i in t.args[0]} == ids and len(ids) == 120
    for task in tasks + tasks:  # each task run twice (a retry, a second worker): still once per message
        huey.execute(task)

    received = Counter(str(m["To"]) for m in mail_server.received)
    assert received == Counter(f"p{i}@example.com" for i in range(120))
    assert mail_server.connections_used() == 3  # one connection per batch
    first = mail_server.received[0]
    assert first.get_content_type() == "multipart/alternative"
    text, html = (part.get_payload(decode=True).decode() for part in first.get_payload())
    assert "/activate/" in text and "/activate/" in html and "<html" in html
    session.rollback()
    assert {m.status for m in session.exec(select(OutboxMessage)).all()} == {"sent"}


def test_the_import_task_runs_at_a_lower_cpu_priority_than_the_web_workers(app, client, admin, monkeypatch):
    seen = []
    real = import_jobs.run_import_job

    def recording(**kwargs):
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        return real(**kwargs)

    monkeypatch.setattr(import_jobs, "run_import_job", recording)
    upload(client, people(2))
    huey = queue_of(app)
    task = huey.dequeue()
    before = []

    def work():  # a thread of its own, like a worker's: its priority is its own
        before.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))
        huey.execute(task)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert seen == [min(19, before[0] + BACKGROUND_NICE)]


def test_a_job_whose_task_cannot_be_queued_fails_with_a_clear_message(app, client, admin, session, monkeypatch):
    from empathy.admin.views import data

    def unreachable(*args, **kwargs):
        raise ConnectionError("queue down")

    monkeypatch.setattr(data, "enqueue", unreachable)
    page = client.get(upload(client, people(2)).headers["Location"]).text
    assert "the task queue cannot be reached" in page
    assert session.exec(select(ImportJob)).one().state == "failed"


# ----------------------------------------------------------------------------- all or nothing, with progress
def _run_job(app, session, job_id, note):
    with app.app_context():
        return import_jobs.run_import_job(session=session, job_id=job_id, secret_key="k", base_url="http://x",
                                          keys=KeyRing([KEYS]), note=note)


def _job(session, text: str, actor) -> int:
    data = text.encode()
    return import_jobs.start_import(session=session, data=data, filename="big.csv", dry_run=False,
                                    actor_id=actor.id, language="en").id


def test_progress_is_visible_while_the_import_transaction_is_open_and_its_rows_are_not(app, session, admin):
    job_id = _job(session, people(2500), admin)
    seen = []

    def note(value):
        if value is None:
            return
        # What a web request sees meanwhile, through a connection of its own.
        with app.app_context(), Session(get_engine(app)) as other:
            status = import_jobs.job_status(session=other, job_id=job_id, live=value)
            users = other.exec(select(func.count()).select_from(User)).one()
        seen.append((status.state, status.stage, status.done, users))

    with Session(get_engine(app), expire_on_commit=False) as worker:
        outcome = _run_job(app, worker, job_id, note)
    assert outcome.job.state == "done"
    writing = [s for s in seen if s[1] == "writing"]
    assert [s[2] for s in writing] == [1000, 2000, 2500]
    assert all(state == "running" and users == 1 for state, _stage, _done, users in writing)
    assert any(s[1] == "checking" and 0 < s[2] < 2500 for s in seen)
    assert count(session, User) == 2501


def test_a_bad_row_at_row_9000_of_a_big_file_leaves_nothing(app, session, admin):
    rows = people(9100).splitlines(keepends=True)
    rows[9001] = "p8999.example.com,Bad Row,Accounting\n"  # data row 9,001: line 9,002 of the file
    job_id = _job(session, "".join(rows), admin)
    with Session(get_engine(app), expire_on_commit=False) as worker:
        outcome = _run_job(app, worker, job_id, lambda value: None)
    assert outcome.job.state == "failed"
    assert [(e["line"], e["field"]) for e in outcome.job.report["errors"]] == [(9002, "email")]
    assert count(session, User) == 1 and count(session, OutboxMessage) == 0


def test_an_error_while_writing_the_ninth_thousand_rows_rolls_everything_back(app, session, admin, monkeypatch):
    job_id = _job(session, people(9100), admin)
    real = imports._Plan._write_skills

    def failing(self, rows):
        if any(r.email == "p9000@example.com" for r in rows):
            raise sa.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))
        return real(self, rows)

    monkeypatch.setattr(imports._Plan, "_write_skills", failing)
    with Session(get_engine(app), expire_on_commit=False) as worker:
        outcome = _run_job(app, worker, job_id, lambda value: None)
    assert outcome.job.state == "failed" and "Nothing was imported" in outcome.job.report["message"]
    assert count(session, User) == 1 and count(session, EmployeeSkill) == 0 and count(session, OutboxMessage) == 0


# ----------------------------------------------------------------------------- the activation links
def test_links_are_sealed_shown_to_the_admin_who_started_the_import_and_gone_once_dismissed(
        app, client, admin, session):
    other_admin = make_user(session, role="admin", email="other@example.com")
    upload(client, people(2))
    run_worker(app)
    job = session.exec(select(ImportJob)).one()
    assert job.links_sealed and "activate" not in job.links_sealed and "p0@example.com" not in job.links_sealed
    assert job.links_expire_at - job.finished_at == import_jobs.LINKS_KEEP

    other = app.test_client()
    other.post("/login", data={"email": other_admin.email, "password": DEFAULT_PASSWORD})
    assert "Accounts created: 2" in other.get(f"/admin/imports/{job.id}").text
    assert "/activate/" not in other.get(f"/admin/imports/{job.id}").text
    assert other.post(f"/admin/imports/{job.id}/links/forget").status_code == 302
    session.rollback()
    assert session.get(ImportJob, job.id).links_sealed is not None  # not theirs to dismiss

    page = client.get(f"/admin/imports/{job.id}").text
    assert page.count("/activate/") == 2 and 'id="forget-links"' in page
    assert client.get(f"/admin/imports/{job.id}").text.count("/activate/") == 2  # until the admin leaves
    assert client.post(f"/admin/imports/{job.id}/links/forget", data={"beacon": "1"}).status_code == 204
    page = client.get(f"/admin/imports/{job.id}").text
    assert "/activate/" not in page and "Accounts created: 2" in page
    assert client.get(f"/admin/imports/{job.id}/links.csv").status_code == 404
    session.rollback()
    assert session.get(ImportJob, job.id).links_sealed is None


def test_links_expire_and_stalled_jobs_fail_in_the_periodic_sweep(app, client, admin, session):
    upload(client, people(1))
    run_worker(app)
    upload(client, people(1).replace("p0", "q0"))
    stalled = session.exec(select(ImportJob).where(ImportJob.state == "queued")).one()
    stalled.state, stalled.started_at = "running", utcnow() - import_jobs.STALLED - timedelta(minutes=1)
    session.add(stalled)
    session.commit()
    later = utcnow() + import_jobs.LINKS_KEEP + timedelta(seconds=1)
    assert import_jobs.prune_import_jobs(session=session, now=later) == {"links": 1, "stalled": 1, "deleted": 0}
    session.rollback()
    session.expire_all()
    jobs = {j.id: j for j in session.exec(select(ImportJob)).all()}
    assert all(j.links_sealed is None for j in jobs.values())
    assert jobs[stalled.id].state == "failed" and "stopped" in jobs[stalled.id].report["message"]
    assert "stopped" in client.get(f"/admin/imports/{stalled.id}").text
    much_later = utcnow() + import_jobs.KEEP_JOBS + timedelta(days=1)
    assert import_jobs.prune_import_jobs(session=session, now=much_later)["deleted"] == 2


# ----------------------------------------------------------------------------- the API
@pytest.fixture
def api_admins(session, client):
    make_skill(session, name="Accounting")
    make_skill(session, name="Teaching")
    first = make_user(session, role="admin", email="api-admin@example.com")
    second = make_user(session, role="admin", email="api-admin2@example.com")
    from tests.api.fixtures import Caller

    return Api(client, {"admin": Caller(first, token_for(session, first)),
                        "admin2": Caller(second, token_for(session, second))})


CSV = {"Content-Type": "text/csv"}


def test_a_large_file_answers_202_with_a_location_to_poll_until_done(app, api_admins, session):
    answer = api_admins("POST", "/admin/employees/import", "admin", data=people(import_jobs.SYNC_ROWS + 1),
                        headers=CSV)
    assert answer.status_code == 202, answer.json
    location = answer.headers["Location"]
    assert re.fullmatch(r"/api/v1/admin/imports/\d+", location)
    assert answer.json["state"] == "queued" and answer.json["progress"]["total"] == import_jobs.SYNC_ROWS + 1
    path = location.removeprefix("/api/v1")
    polled = api_admins("GET", path, "admin").json
    assert polled["state"] == "queued" and polled["report"] is None and polled["activation_links"] is None
    assert count(session, User) == 2

    run_worker(app)
    assert api_admins("GET", path, "admin2").json["activation_links"] is None  # not the caller who started it
    done = api_admins("GET", path, "admin").json
    assert done["state"] == "done" and done["progress"]["done"] == done["progress"]["total"]
    assert done["report"]["created"] == import_jobs.SYNC_ROWS + 1 and done["report"]["written"] is True
    assert len(done["activation_links"]) == import_jobs.SYNC_ROWS + 1
    assert "/activate/" in done["activation_links"][0]["url"]
    again = api_admins("GET", path, "admin").json
    assert again["activation_links"] is None and again["report"]["created"] == import_jobs.SYNC_ROWS + 1
    assert api_admins("GET", "/admin/imports/999999", "admin").status_code == 404


def test_a_small_file_is_imported_at_once(app, api_admins, session):
    answer = api_admins("POST", "/admin/employees/import", "admin", data=people(import_jobs.SYNC_ROWS),
                        headers=CSV)
    assert answer.status_code == 200 and answer.json["created"] == import_jobs.SYNC_ROWS
    assert "Location" not in answer.headers and count(session, ImportJob) == 0


def test_a_large_file_with_a_bad_row_fails_its_job_with_the_reasons(app, api_admins, session):
    text = people(import_jobs.SYNC_ROWS + 1).replace("p7@example.com", "p7.example.com")
    path = api_admins("POST", "/admin/employees/import", "admin", data=text,
                      headers=CSV).headers["Location"].removeprefix("/api/v1")
    run_worker(app)
    failed = api_admins("GET", path, "admin").json
    assert failed["state"] == "failed" and failed["report"]["written"] is False
    assert [(e["line"], e["field"]) for e in failed["report"]["errors"]] == [(9, "email")]
    assert count(session, User) == 2


def test_the_live_note_is_read_from_the_queue_storage(app):
    with app.app_context():
        from empathy.core.queue import drop_note, put_note

        put_note(import_jobs.progress_note_name(7), {"stage": "writing", "done": 10})
        assert read_note(import_jobs.progress_note_name(7)) == {"stage": "writing", "done": 10}
        assert read_note(import_jobs.progress_note_name(7)) == {"stage": "writing", "done": 10}  # peeked, kept
        drop_note(import_jobs.progress_note_name(7))
        assert read_note(import_jobs.progress_note_name(7)) is None
