"""The task queue (empathy.core.queue): where it lives, how tasks run, and queueing after a commit."""

from __future__ import annotations

import os
import threading

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from empathy import create_app
from empathy.core.db import get_engine
from empathy.core.queue import (
    BACKGROUND_NICE,
    QueueConfigError,
    background_priority,
    enqueue,
    enqueue_after_commit,
    queue_of,
    task,
)

RUNS: list[tuple] = []


@task
def record_run(value, *, twice=False):
    """A task for these tests: notes its argument and the app it ran in."""
    from flask import current_app

    RUNS.append((value, twice, current_app.config["QUEUE_NAME"]))
    return value * 2


@pytest.fixture(autouse=True)
def _clear_runs():
    RUNS.clear()


def _app(tmp_path, **config):
    return create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
                       **config})


def test_a_test_app_runs_tasks_at_once(tmp_path):
    app = _app(tmp_path)
    with app.app_context():
        assert queue_of().immediate
        result = enqueue(record_run, 21, twice=True)
    assert RUNS == [(21, True, "empathy")]
    assert result.get() == 42


def test_the_default_queue_is_a_file_in_the_instance_folder_and_a_worker_runs_its_tasks(tmp_path):
    app = _app(tmp_path, QUEUE_URL="", QUEUE_NAME="q1")
    app.instance_path = str(tmp_path)
    assert not (tmp_path / "queue.sqlite3").exists()  # creating the app opened nothing
    with app.app_context():
        enqueue(record_run, 5)
        huey = queue_of()
        assert (tmp_path / "queue.sqlite3").exists()
        assert RUNS == []  # only queued
        assert huey.pending_count() == 1
    # The worker's side: its own app (the same configuration), outside any request.
    worker_app = _app(tmp_path, QUEUE_URL="", QUEUE_NAME="q1")
    worker_app.instance_path = str(tmp_path)
    worker = queue_of(worker_app)
    queued = worker.dequeue()
    worker.execute(queued)
    assert RUNS == [(5, False, "q1")]
    assert worker.pending_count() == 0


def test_a_sqlite_url_names_the_file(tmp_path):
    app = _app(tmp_path, QUEUE_URL=f"sqlite:///{tmp_path / 'elsewhere.db'}")
    with app.app_context():
        enqueue(record_run, 1)
    assert (tmp_path / "elsewhere.db").exists()


@pytest.mark.parametrize("url", ["amqp://localhost", "postgresql://x/y", "nonsense"])
def test_an_unknown_queue_url_is_refused_with_a_clear_message(tmp_path, url):
    app = _app(tmp_path, QUEUE_URL=url)
    with app.app_context(), pytest.raises(QueueConfigError, match="QUEUE_URL"):
        enqueue(record_run, 1)


def test_a_function_that_is_not_a_task_is_refused(tmp_path):
    app = _app(tmp_path)
    with app.app_context(), pytest.raises(LookupError, match="not a declared task"):
        enqueue(len, "x")


def test_a_task_is_queued_when_the_session_commits_and_never_after_a_rollback(tmp_path):
    app = _app(tmp_path)
    with app.app_context(), Session(get_engine()) as session:
        session.execute(sa.text("select 1"))  # a transaction is open
        enqueue_after_commit(session, record_run, 1)
        assert RUNS == []
        session.rollback()
        session.commit()  # a later commit must not run what was rolled back
        assert RUNS == []
        enqueue_after_commit(session, record_run, 2)
        session.commit()
        assert RUNS == [(2, False, "empathy")]
        session.commit()
        assert RUNS == [(2, False, "empathy")]  # once


def test_a_queue_that_cannot_be_reached_does_not_undo_the_commit(tmp_path, caplog):
    app = _app(tmp_path, QUEUE_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
    with app.app_context(), Session(get_engine()) as session:
        enqueue_after_commit(session, record_run, 3)
        session.commit()
    assert RUNS == []
    assert "could not queue" in caplog.text


def test_the_worker_command_refuses_an_immediate_queue(tmp_path):
    app = _app(tmp_path)
    from empathy.core import schema

    schema.upgrade(app, "head")
    result = app.test_cli_runner().invoke(args=["queue", "worker"])
    assert result.exit_code != 0
    assert "immediate" in result.output


def test_queue_status_lists_the_periodic_tasks(tmp_path):
    app = _app(tmp_path, QUEUE_URL="")
    app.instance_path = str(tmp_path)
    result = app.test_cli_runner().invoke(args=["queue", "status"])
    assert result.exit_code == 0, result.output
    assert "0 waiting" in result.output
    assert "empathy.volunteering.tasks.send_due_reminders  (periodic)" in result.output


def _in_a_thread(fn):
    """Run `fn` in a thread of its own (its priority is its own) and return what it returned."""
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_a_long_task_runs_below_the_web_workers_priority_in_a_worker_but_not_in_a_request(tmp_path):
    def measure(app):
        with app.app_context():
            before = _priority()
            with background_priority() as lowered:
                inside = _priority()
            return lowered, before, inside

    lowered, before, inside = _in_a_thread(lambda: measure(_app(tmp_path, QUEUE_URL=f"sqlite:///{tmp_path / 'q'}")))
    assert lowered and inside == min(19, before + BACKGROUND_NICE)
    # Under an immediate queue the task runs in the request's thread: that thread keeps its priority.
    assert _in_a_thread(lambda: measure(_app(tmp_path))) == (False, before, before)


def test_refits_run_below_the_web_workers_priority_in_a_worker(tmp_path, monkeypatch):
    # A refit of many employees takes a core for minutes: pages served on the same cores go first.
    from empathy.suggestions import tasks

    seen = []
    monkeypatch.setattr(tasks, "refit", lambda **kw: seen.append(_priority()) or type("Outcome", (), {
        "state": "fitted", "version": 1})())
    app = _app(tmp_path, QUEUE_URL=f"sqlite:///{tmp_path / 'q'}")

    def run():
        with app.app_context():
            before = _priority()
            tasks.refit_model()  # the functions stay callable as they are: as the worker runs them
            tasks.nightly_refit()
            return before

    before = _in_a_thread(run)
    assert seen == [min(19, before + BACKGROUND_NICE)] * 2
