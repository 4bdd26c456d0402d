"""Sign-ups served by real gunicorn workers at the same moment: each queued e-mail reaches the mail server once.

The test client serves one request at a time; only separate worker processes, each sending the outbox
after its own responses, show whether a message is claimed before it is sent. The workers come from the
suite's one runner (tests/concurrency/harness.py), on SQLite, or on PostgreSQL with EMPATHY_TEST_DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import time

import pytest
import sqlalchemy as sa

from empathy.core.db import utcnow
from empathy.models import ApiToken
from tests.concurrency.harness import (
    Database,
    Seeder,
    Server,
    assert_no_server_errors,
    burst,
    statuses,
)
from tests.mail_server import mail_server  # noqa: F401  (a fixture)

pytestmark = pytest.mark.slow  # real gunicorn workers
SIGNUPS = 20


@pytest.fixture
def database(tmp_path):
    db = Database.create(tmp_path, os.environ.get("EMPATHY_TEST_DATABASE_URL"))
    try:
        db.migrate()
        yield db
    finally:
        db.close()


@pytest.fixture
def server(database, mail_server, tmp_path):  # noqa: F811
    srv = Server(database=database, directory=tmp_path, workers=3,
                 extra_env={"EMPATHY_SMTP": json.dumps(mail_server.smtp)}).start()
    yield srv
    srv.stop()


def _outbox_settled(database: Database) -> bool:
    return database.count("SELECT count(*) FROM outbox_messages WHERE status IN ('queued', 'sending')") == 0


def test_parallel_sign_ups_mail_each_volunteer_once(server, database, mail_server):  # noqa: F811
    seed = Seeder(database)
    need = seed.need(seed.users(1, role="coordinator")[0], seats=SIGNUPS + 5)
    volunteers = seed.users(SIGNUPS, prefix="volunteer")
    callers = seed.api_users(server, volunteers)
    with database.engine.begin() as conn:  # tokens just used: the burst writes sign-ups and mail, not bookkeeping
        conn.execute(sa.update(ApiToken).values(last_used_at=utcnow()))
    log_offset = len(server.log())

    answers = burst([lambda c=c: c.call("POST", f"/needs/{need.id}/signup", json={}, label=c.email) for c in callers])

    assert_no_server_errors(answers, server, log_offset)
    deadline = time.monotonic() + 30  # mail goes out after the responses
    while not _outbox_settled(database) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    recipients = sorted(str(m["To"]) for m in mail_server.received)
    assert (statuses(answers), len(recipients)) == ({201: SIGNUPS}, SIGNUPS), server.log()[-30000:]
    assert recipients == sorted(v.email for v in volunteers)
