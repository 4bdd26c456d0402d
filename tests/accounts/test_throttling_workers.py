"""Failed sign-ins are counted across real gunicorn workers: exactly the limit, not the limit per worker.

A small runner of its own starts `gunicorn --workers 3` with the app factory on a temporary SQLite
file and a free port; requests come in parallel from loopback addresses (127.0.0.1, 127.0.0.2, ...),
so the server sees real, distinct client addresses.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlmodel import Session

import empathy
from empathy import create_app
from empathy.accounts.services import auth
from empathy.core import schema
from empathy.core.db import get_engine
from tests.factories import DEFAULT_PASSWORD

ROOT = Path(empathy.__file__).resolve().parents[1]  # the code under test, wherever it is imported from
WORKERS = 3
WEB_OWNER, API_OWNER = "web.owner@example.com", "api.owner@example.com"


@dataclass
class Server:
    port: int
    log: Path

    def post(self, path: str, *, form: dict | None = None, body: dict | None = None,
             source: str = "127.0.0.1") -> int:
        """POST from the loopback address `source`; returns the status."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60, source_address=(source, 0))
        try:
            if body is not None:
                conn.request("POST", path, body=json.dumps(body), headers={"Content-Type": "application/json"})
            else:
                conn.request("POST", path, body=urlencode(form or {}),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    def pids_that_answered(self, path: str) -> set[str]:
        return {m.group(1) for m in re.finditer(rf"^ACCESS <(\d+)> \d+ POST {re.escape(path)}$",
                                                self.log.read_text(), re.M)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(proc: subprocess.Popen, log: Path, port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.poll() is None, "gunicorn stopped:\n" + log.read_text()
        booted = log.read_text().count("Booting worker")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                if booted >= WORKERS:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn did not start within 60 s:\n" + log.read_text())


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gunicorn")
    url = f"sqlite:///{tmp / 'empathy.sqlite'}"
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "k"})
    schema.upgrade(app)
    with Session(get_engine(app)) as session:
        for email in (WEB_OWNER, API_OWNER):
            auth.create_user(session=session, email=email, display_name="Owner", password=DEFAULT_PASSWORD)
    get_engine(app).dispose()

    port, log = _free_port(), tmp / "gunicorn.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMPATHY_DATABASE_URL": url,
           "EMPATHY_SECRET_KEY": "gunicorn-test-secret", "EMPATHY_WTF_CSRF_ENABLED": "false",
           "EMPATHY_MATCH_MODEL_PATH": str(tmp / "model.joblib")}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
             "--access-logfile", "-", "--access-logformat", "ACCESS %(p)s %(s)s %(m)s %(U)s",
             "--graceful-timeout", "5", "empathy:create_app()"],
            cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_until_up(proc, log, port)
        yield Server(port, log)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _in_parallel(count: int, call) -> list[int]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: call(), range(count)))


def test_wrong_passwords_spread_over_the_workers_are_refused_after_exactly_the_limit(server):
    statuses = _in_parallel(15, lambda: server.post(
        "/login", form={"email": WEB_OWNER, "password": "wrong password!!"}))
    # 5 per account and address (LOGIN_ACCOUNT_ADDRESS_FAILURE_LIMITS): 5 checked, 10 refused.
    assert sorted(statuses) == [200] * 5 + [429] * 10
    assert len(server.pids_that_answered("/login")) >= 2, "the requests did not spread over the workers"
    # The owner, at another address, is not refused.
    assert server.post("/login", form={"email": WEB_OWNER, "password": DEFAULT_PASSWORD},
                       source="127.0.0.2") == 302


def test_wrong_api_passwords_spread_over_the_workers_are_refused_after_exactly_the_limit(server):
    statuses = _in_parallel(12, lambda: server.post(
        "/api/v1/auth/token", body={"email": API_OWNER, "password": "wrong password!!"}, source="127.0.0.3"))
    assert sorted(statuses) == [401] * 5 + [429] * 7
    assert len(server.pids_that_answered("/api/v1/auth/token")) >= 2
    assert server.post("/api/v1/auth/token", body={"email": API_OWNER, "password": DEFAULT_PASSWORD},
                       source="127.0.0.4") == 200
