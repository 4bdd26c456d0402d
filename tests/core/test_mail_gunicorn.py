"""Sign-ups served by real gunicorn workers at the same moment: each queued e-mail reaches the mail server once.

The test client serves one request at a time; only separate worker processes, each sending the outbox
after its own responses, show whether a message is claimed before it is sent.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from empathy import create_app
from empathy.core import schema
from empathy.core.db import get_engine, make_engine, utcnow
from empathy.models import ApiToken
from tests.api.fixtures import token_for
from tests.conftest import PG_URL
from tests.factories import make_need, make_user
from tests.mail_server import mail_server  # noqa: F401  (a fixture)

REPO = Path(__file__).resolve().parents[2]
SECRET = "test-secret-key"  # token_for signs with this key
SIGNUPS = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_database(request, tmp_path):
    """A database of the server's own, migrated: a SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        url, drop = f"sqlite:///{tmp_path / 'app.sqlite'}", None
    else:
        if not PG_URL:
            pytest.skip("EMPATHY_TEST_DATABASE_URL is not set (CI runs this on PostgreSQL)")
        name = f"{make_url(PG_URL).database}_mail_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)

        def drop():
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET})
    schema.upgrade(app)
    get_engine(app).dispose()
    yield url
    if drop:
        drop()


@pytest.fixture
def server(migrated_database, mail_server, tmp_path):  # noqa: F811
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_")}
    env.update(EMPATHY_DATABASE_URL=migrated_database, EMPATHY_SECRET_KEY=SECRET,
               EMPATHY_SMTP=json.dumps(mail_server.smtp), EMPATHY_MATCH_MODEL_PATH=str(tmp_path / "model.joblib"),
               EMPATHY_BASE_URL="http://127.0.0.1", PYTHONPATH=str(REPO))
    log = open(tmp_path / "gunicorn.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}",
                             "--timeout", "60", "wsgi:app"], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    LOGS[url] = tmp_path / "gunicorn.log"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()
            try:
                if requests.get(url + "/login", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, "gunicorn did not answer"
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
        log.close()


LOGS: dict[str, Path] = {}


def log_of(url: str) -> str:
    """The end of the server's log: the tracebacks behind an unexpected answer."""
    return LOGS[url].read_text(errors="replace")[-30000:]


def _outbox_settled(engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT count(*) FROM outbox_messages WHERE status IN ('queued', 'sending')")
                            ).scalar_one() == 0


def test_parallel_sign_ups_mail_each_volunteer_once(server, migrated_database, mail_server):  # noqa: F811
    engine = make_engine(migrated_database)
    with Session(engine, expire_on_commit=False) as session:
        need = make_need(session, owner=make_user(session, role="coordinator"), seats=SIGNUPS + 5)
        tokens = [token_for(session, make_user(session, email=f"volunteer{i}@example.com")) for i in range(SIGNUPS)]
        # Tokens just used: the burst writes sign-ups and mail, not the tokens' bookkeeping.
        session.execute(sa.update(ApiToken).values(last_used_at=utcnow()))
        session.commit()

    start, answers = threading.Barrier(SIGNUPS), []

    def sign_up(token: str) -> None:
        start.wait()
        answers.append(requests.post(f"{server}/api/v1/needs/{need.id}/signup", json={},
                                     headers={"Authorization": f"Bearer {token}"}, timeout=60).status_code)

    threads = [threading.Thread(target=sign_up, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    deadline = time.monotonic() + 30  # mail goes out after the responses
    while not _outbox_settled(engine) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(0.5)
    engine.dispose()
    recipients = sorted(str(m["To"]) for m in mail_server.received)
    signed_up = answers.count(201)
    assert (signed_up, len(recipients)) == (SIGNUPS, SIGNUPS), (
        f"{signed_up} sign-ups answered 201 and {len(recipients)} e-mails were received for {SIGNUPS} sign-ups\n"
        + log_of(server))
    assert recipients == sorted(f"volunteer{i}@example.com" for i in range(SIGNUPS))
