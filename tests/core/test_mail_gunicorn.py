"""200 sign-ups served by real gunicorn workers at the same moment, delivered by a real queue worker: each
queued e-mail reaches the mail server exactly once.

The test client serves one request at a time; only separate processes (gunicorn workers queueing, a
`flask queue worker` claiming and sending) show whether a message is claimed before it is sent and whether
a request only queues. The queue is a SQLite file, as `make run` has it; the database is SQLite, or
PostgreSQL with EMPATHY_TEST_DATABASE_URL. The workers come from the suite's one runner
(tests/concurrency/harness.py). EMPATHY_TEST_PORT_BASE=N serves on ports N (web) and N+1 (SMTP).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa

from empathy.core.db import utcnow
from empathy.models import ApiToken
from tests.concurrency.harness import REPO, Database, Seeder, Server, assert_no_server_errors, burst, statuses
from tests.mail_server import MailServer

pytestmark = pytest.mark.slow  # real gunicorn workers and a queue worker
SIGNUPS = 200
PORT_BASE = int(os.environ.get("EMPATHY_TEST_PORT_BASE", "0"))


class QueueWorker:
    """`flask --app empathy queue worker` in a process group of its own, with the server's environment."""

    def __init__(self, env: dict[str, str], directory: Path, threads: int = 2):
        self.log_path = directory / "queue-worker.log"
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "empathy", "queue", "worker", "-w", str(threads)],
                cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


@pytest.fixture
def mail_server():
    server = MailServer(port=PORT_BASE + 1 if PORT_BASE else 0).start()
    yield server
    server.stop()


@pytest.fixture
def database(tmp_path):
    db = Database.create(tmp_path, os.environ.get("EMPATHY_TEST_DATABASE_URL"))
    try:
        db.migrate()
        yield db
    finally:
        db.close()


@pytest.fixture
def server(database, mail_server, tmp_path):
    srv = Server(database=database, directory=tmp_path, workers=3, port=PORT_BASE,
                 extra_env={"EMPATHY_SMTP": json.dumps(mail_server.smtp),
                            "EMPATHY_QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}"}).start()
    yield srv
    srv.stop()


@pytest.fixture
def worker(server, tmp_path):
    proc = QueueWorker(server.env(), tmp_path)
    yield proc
    proc.stop()


def _outbox(database: Database) -> dict[str, int]:
    with database.engine.connect() as conn:
        return dict(conn.execute(sa.text("SELECT status, count(*) FROM outbox_messages GROUP BY status")).all())


def test_200_parallel_sign_ups_deliver_exactly_200_messages(server, worker, database, mail_server):
    seed = Seeder(database)
    need = seed.need(seed.users(1, role="coordinator")[0], seats=SIGNUPS + 5)
    volunteers = seed.users(SIGNUPS, prefix="volunteer")
    callers = seed.api_users(server, volunteers)
    with database.engine.begin() as conn:  # tokens just used: the burst writes sign-ups and mail, not bookkeeping
        conn.execute(sa.update(ApiToken).values(last_used_at=utcnow()))
    log_offset = len(server.log())

    answers = burst([lambda c=c: c.call("POST", f"/needs/{need.id}/signup", json={}, label=c.email) for c in callers])

    assert_no_server_errors(answers, server, log_offset)
    assert statuses(answers) == {201: SIGNUPS}
    deadline = time.monotonic() + 120
    while len(mail_server.received) < SIGNUPS and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(2)  # a duplicate, if any, would arrive meanwhile
    recipients = Counter(str(m["To"]) for m in mail_server.received)
    assert sum(recipients.values()) == SIGNUPS, (_outbox(database), worker.log()[-5000:])
    assert recipients == Counter(v.email for v in volunteers)  # each volunteer once, nobody twice
    assert len({str(m["Message-ID"]) for m in mail_server.received}) == SIGNUPS
    assert _outbox(database) == {"sent": SIGNUPS}
    # The requests only queued: no gunicorn worker talked to the mail server.
    assert "smtplib" not in server.log()[log_offset:]
    print(f"\n{SIGNUPS} sign-ups on {database.dialect}: {sum(recipients.values())} messages received over "
          f"{mail_server.connections_used()} connections; slowest answer {max(a.seconds for a in answers):.2f} s")
