"""Real gunicorn workers over a database of their own, and bounded bursts of parallel requests.

The concurrency suite must see what production sees: several worker processes, each with its own
connection pool, writing to one SQLite file (or one PostgreSQL database) at the same moment. The
Flask test client runs one request at a time and cannot show a "database is locked".

- `Database`: a fresh SQLite file, or a PostgreSQL database of its own (a unique name on the server
  of EMPATHY_TEST_DATABASE_URL), migrated with the app's own Alembic migrations; dropped afterwards.
- `Server`: `gunicorn wsgi:app` (the README's deployment command) on a free port, configured through
  EMPATHY_* variables like a deployment, with sync or threaded workers; stopped at teardown. The one runner
  of real workers for the whole suite (tests/core/test_mail_gunicorn.py and
  tests/accounts/test_throttling_workers.py use it too): `post_from` sends from another loopback address,
  `pids_that_answered` tells which workers served a path.
- `ApiUser` / `WebUser`: a bearer token from POST /api/v1/auth/token, or a browser session signed in
  through the login form, with the CSRF token its forms need.
- `Seeder`: accounts (registration service), tokens (token service) and needs, matches and hours rows
  to decide on, each with unique names so tests sharing one database count only their own rows.
- `burst`: run N calls at once (a barrier releases them together) and collect every answer.
"""

from __future__ import annotations

import http.client
import itertools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import requests
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session
from werkzeug.security import generate_password_hash

from empathy.accounts.services import auth, tokens
from empathy.accounts.services.passwords import HASH_METHOD
from empathy.core.db import utcnow
from empathy.models import HoursRecord, Match, Need, User

REPO = Path(__file__).resolve().parents[2]
SECRET_KEY = "concurrency-suite-secret-key-not-for-production"
PASSWORD = "a long enough password for the suite"  # every seeded account's
# Every request of the suite comes from 127.0.0.1, like an office behind one address: the sign-in and
# registration limits (tested on their own in tests/accounts) must not turn the bursts into 429s.
GENEROUS_LIMITS = {name: "100000 per hour" for name in (
    "EMPATHY_LOGIN_FAILURE_LIMITS", "EMPATHY_LOGIN_ACCOUNT_FAILURE_LIMITS", "EMPATHY_REGISTER_LIMITS",
    "EMPATHY_RESET_REQUEST_LIMITS", "EMPATHY_RESET_ACCOUNT_LIMITS")}
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(M)sms %(p)s"  # method, path, status, time, worker pid as <pid>
REQUEST_TIMEOUT = 60  # seconds; a request stuck longer than gunicorn's own timeout is a failure anyway


# ----------------------------------------------------------------------------- the database
@dataclass
class Database:
    """One database for one server: `url` for the app, `engine` for arranging and counting rows."""

    url: str
    engine: sa.Engine
    _drop: Callable[[], None] | None = None

    @classmethod
    def create(cls, directory: Path, postgres_url: str | None = None) -> Database:
        """A new empty database: a SQLite file in `directory`, or a uniquely named PostgreSQL database
        on the server of `postgres_url` (its name plus `_conc_<worker>_<random>`)."""
        if not postgres_url:
            url = f"sqlite:///{directory / 'concurrency.sqlite'}"
            return cls(url=url, engine=_app_engine(url))
        base = make_url(postgres_url)
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = f"{base.database}_conc_{worker}_{uuid.uuid4().hex[:8]}"[:63]
        server = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = base.set(database=name).render_as_string(hide_password=False)
        db = cls(url=url, engine=_app_engine(url))

        def drop() -> None:
            db.engine.dispose()
            with server.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            server.dispose()

        db._drop = drop
        return db

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        """Bring the schema to the newest migration through the app's own Alembic driver."""
        from empathy import create_app
        from empathy.core import schema
        from empathy.core.db import get_engine

        app = create_app({"DATABASE_URL": self.url, "SECRET_KEY": SECRET_KEY})
        try:
            schema.upgrade(app)
        finally:
            get_engine(app).dispose()

    def count(self, sql: str, **params) -> int:
        """The one number a counting query returns, e.g. count("SELECT count(*) FROM users")."""
        with self.engine.connect() as conn:
            return int(conn.execute(sa.text(sql), params).scalar_one())

    def close(self) -> None:
        if self._drop is not None:
            self._drop()
        else:
            self.engine.dispose()


def _app_engine(url: str) -> sa.Engine:
    """The same engine settings as the app (WAL, busy timeout, BEGIN IMMEDIATE for begin_write)."""
    from empathy.core.db import make_engine

    return make_engine(url)


# ----------------------------------------------------------------------------- the server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """gunicorn serving wsgi:app over `database`; `threads` > 1 means gthread workers."""

    database: Database
    directory: Path
    workers: int = 3
    threads: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    generous_limits: bool = True  # False: the configured sign-in limits, for tests of the limits themselves
    port: int = 0  # 0: any free port
    url: str = ""
    _proc: subprocess.Popen | None = None
    _log_path: Path | None = None

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EMPATHY_")}
        env.update(
            EMPATHY_DATABASE_URL=self.database.url,
            EMPATHY_SECRET_KEY=SECRET_KEY,
            EMPATHY_MATCH_MODEL_PATH=str(self.directory / "model.joblib"),
            EMPATHY_MATCH_MODEL_DIR=str(self.directory / "models"),
            EMPATHY_BASE_URL="http://127.0.0.1",
            # Tasks run in the request that queues them, unless a test gives the server a queue (and a worker)
            # in extra_env: never the repository's instance/queue.sqlite3, which no worker here reads.
            EMPATHY_QUEUE_URL="immediate",
            PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep),
            PYTHONUNBUFFERED="1",
            **(GENEROUS_LIMITS if self.generous_limits else {}),
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 60) -> Server:
        port = self.port or free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._log_path = self.directory / f"gunicorn-{port}.log"
        # --preload: the app is imported once and the workers fork from it (it opens no connection on import).
        command = [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(self.workers),
                   "--bind", f"127.0.0.1:{port}",
                   "--timeout", "60", "--graceful-timeout", "5", "--access-logfile", "-",
                   "--access-logformat", ACCESS_FORMAT]
        if self.threads > 1:
            command += ["--worker-class", "gthread", "--threads", str(self.threads)]
        command.append("wsgi:app")
        with open(self._log_path, "wb") as log:
            self._proc = subprocess.Popen(command, cwd=REPO, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                          start_new_session=True)
        self._wait_until_all_workers_answer(timeout)
        return self

    def _wait_until_all_workers_answer(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        ready = 0
        while ready < self.workers * 2:  # a few answers in a row: every worker has imported the app
            if self._proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self._proc.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.log()}")
            try:
                ready = ready + 1 if requests.get(self.url + "/login", timeout=10).status_code == 200 else 0
            except requests.RequestException:
                ready = 0
                time.sleep(0.2)

    def pids_that_answered(self, method: str, path: str) -> set[str]:
        """The worker processes whose access log lines show `method path` (any status)."""
        pattern = rf"^{re.escape(method)} {re.escape(path)} \d+ \d+ms <(\d+)>$"
        return set(re.findall(pattern, self.log(), re.M))

    def post_from(self, path: str, *, form: dict | None = None, body: dict | None = None,
                  source: str = "127.0.0.1") -> int:
        """POST a form (or a JSON `body`) from the loopback address `source` (127.0.0.2, ...: another client to
        the rate limits); returns the status."""
        host, port = self.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=REQUEST_TIMEOUT, source_address=(source, 0))
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

    def log(self) -> str:
        return self._log_path.read_text(errors="replace") if self._log_path and self._log_path.exists() else ""

    def errors_since(self, offset: int) -> str:
        """The distinct exceptions the server logged after `offset` characters, with their SQL and a count."""
        seen: dict[str, int] = {}
        lines = self.log()[offset:].splitlines()
        for i, line in enumerate(lines):
            if re.match(r"^[A-Za-z_]\w*(\.\w+)+: ", line):  # an exception line of a traceback
                sql = next((ln for ln in lines[i + 1:i + 3] if ln.startswith("[SQL:")), "")
                key = f"{line[:200]} {sql[:160]}".strip()
                seen[key] = seen.get(key, 0) + 1
        return "\n".join(f"{n} x {key}" for key, n in seen.items()) or "(no exception in the server log)"

    def stop(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        os.killpg(self._proc.pid, signal.SIGTERM)  # the master and its workers: the group this Popen started
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()


# ----------------------------------------------------------------------------- signing in
@dataclass
class Answer:
    """One request's outcome: status code, body text, JSON (or None) and seconds taken."""

    status: int
    text: str
    json: object
    seconds: float
    label: str = ""
    headers: dict = field(default_factory=dict)  # the response's (a redirect's Location, a replay's mark)

    @classmethod
    def of(cls, response: requests.Response, started: float, label: str = "") -> Answer:
        try:
            body = response.json()
        except ValueError:
            body = None
        return cls(response.status_code, response.text, body, time.monotonic() - started, label,
                   dict(response.headers))


class ApiUser:
    """A caller of /api/v1 with a bearer token."""

    def __init__(self, server: Server, token: str, email: str = ""):
        self.server, self.token, self.email = server, token, email

    @classmethod
    def sign_in(cls, server: Server, email: str, password: str) -> ApiUser:
        """Exchange the credentials for a token through POST /api/v1/auth/token (the API's own sign-in)."""
        answer = api_token_request(server, email, password)
        assert answer.status == 200, f"no token for {email}: {answer.status} {answer.text[:300]}"
        return cls(server, answer.json["token"], email)

    def call(self, method: str, path: str, label: str = "", **kwargs) -> Answer:
        started = time.monotonic()
        response = requests.request(method, self.server.url + "/api/v1" + path, timeout=REQUEST_TIMEOUT,
                                    headers={"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})},
                                    **kwargs)
        return Answer.of(response, started, label)


def api_token_request(server: Server, email: str, password: str) -> Answer:
    started = time.monotonic()
    response = requests.post(server.url + "/api/v1/auth/token", json={"email": email, "password": password},
                             timeout=REQUEST_TIMEOUT)
    return Answer.of(response, started, email)


class WebUser:
    """A browser: its own cookie jar, signed in through the login form, sending the CSRF token."""

    def __init__(self, server: Server):
        self.server = server
        self.http = requests.Session()

    def csrf(self, path: str = "/login") -> str:
        page = self.http.get(self.server.url + path, timeout=REQUEST_TIMEOUT)
        match = CSRF_FIELD.search(page.text)
        assert match, f"no CSRF token on {path} ({page.status_code})"
        return match.group(1)

    def login_answer(self, email: str, password: str, token: str | None = None) -> Answer:
        """POST the login form (with the token of a fresh GET unless given); a success redirects (302)."""
        token = token or self.csrf("/login")
        started = time.monotonic()
        response = self.http.post(self.server.url + "/login", allow_redirects=False, timeout=REQUEST_TIMEOUT,
                                  data={"email": email, "password": password, "csrf_token": token})
        return Answer.of(response, started, email)

    @classmethod
    def sign_in(cls, server: Server, email: str, password: str) -> WebUser:
        user = cls(server)
        answer = user.login_answer(email, password)
        assert answer.status == 302, f"{email} could not sign in: {answer.status} {answer.text[:300]}"
        return user

    def register(self, email: str, token: str, name: str = "Racing Person") -> Answer:
        """POST the registration form with PASSWORD; a success signs in and redirects (302)."""
        return self.post("/register", {"display_name": name, "email": email, "password": PASSWORD,
                                        "confirm": PASSWORD}, token=token, label=email)

    def get(self, path: str, label: str = "") -> Answer:
        started = time.monotonic()
        return Answer.of(self.http.get(self.server.url + path, timeout=REQUEST_TIMEOUT, allow_redirects=False),
                         started, label)

    def post(self, path: str, data: dict | None = None, *, csrf_from: str = "/commitments", token: str | None = None,
             label: str = "", **kwargs) -> Answer:
        """POST a form with the session's CSRF token (fetched from `csrf_from` unless given)."""
        token = token or self.csrf(csrf_from)
        started = time.monotonic()
        response = self.http.post(self.server.url + path, data={**(data or {}), "csrf_token": token},
                                  allow_redirects=False, timeout=REQUEST_TIMEOUT, **kwargs)
        return Answer.of(response, started, label)


# ----------------------------------------------------------------------------- arranging data
_seq = itertools.count(1)


class Seeder:
    """Arrange rows through the app's own services (accounts, tokens) or as the factories do (needs)."""

    def __init__(self, database: Database):
        self.database = database
        # One scrypt hash for everyone: hashing 40 passwords would take longer than the bursts.
        self.password_hash = generate_password_hash(PASSWORD, method=HASH_METHOD)

    def session(self) -> Session:
        return Session(self.database.engine, expire_on_commit=False)

    def tag(self) -> str:
        return f"{next(_seq)}-{uuid.uuid4().hex[:6]}"

    def users(self, n: int, *, role: str = "employee", prefix: str = "person") -> list[User]:
        """`n` active accounts with PASSWORD, created by the registration service."""
        out = []
        with self.session() as s:
            for _ in range(n):
                tag = self.tag()
                user = auth.create_user(session=s, email=f"{prefix}-{tag}@example.com",
                                        display_name=f"{prefix.title()} {tag}", password=None, role=role)
                user.password_hash = self.password_hash
                s.add(user)
                s.commit()
                out.append(user)
        return out

    def api_users(self, server: Server, users: list[User]) -> list[ApiUser]:
        """A personal access token for each user (the token service: no password hashing per user)."""
        out = []
        with self.session() as s:
            for user in users:
                _row, secret = tokens.create_token(session=s, user=user, name="suite", secret_key=SECRET_KEY)
                out.append(ApiUser(server, secret, user.email))
        return out

    def web_user(self, server: Server, user: User) -> WebUser:
        return WebUser.sign_in(server, user.email, PASSWORD)

    def need(self, owner: User | None, *, seats: int = 5, starts_in: timedelta = timedelta(days=10),
             lasts: timedelta = timedelta(hours=6), **values) -> Need:
        start = utcnow() + starts_in
        with self.session() as s:
            need = Need(title=f"Need {self.tag()}", description="Help needed.", cause="education",
                        starts_at=start, ends_at=start + lasts, seats=seats, status="open",
                        owner_id=owner.id if owner else None, **values)
            s.add(need)
            s.commit()
            return need

    def matches(self, need: Need, users: list[User], *, status: str) -> list[Match]:
        with self.session() as s:
            rows = [Match(need_id=need.id, user_id=u.id, status=status) for u in users]
            s.add_all(rows)
            s.commit()
            return rows

    def hours(self, need: Need, matches: list[Match], *, hours: float = 2.0) -> list[HoursRecord]:
        """A pending hours record on each (confirmed) match, worked on the need's first day."""
        with self.session() as s:
            rows = [HoursRecord(need_id=need.id, match_id=m.id, user_id=m.user_id, hours=hours,
                                worked_on=need.starts_at.date()) for m in matches]
            s.add_all(rows)
            s.commit()
            return rows


# ----------------------------------------------------------------------------- bursts
def burst(calls: Sequence[Callable[[], Answer]], *, parallel: int | None = None) -> list[Answer]:
    """Run the calls at once on `parallel` threads (default: all of them, at most 40) and return every
    answer in the calls' order. A barrier holds the first wave until every thread is ready."""
    parallel = min(parallel or len(calls), 40, len(calls))
    barrier = threading.Barrier(parallel)

    def run(index: int) -> Answer:
        if index < parallel:
            try:
                barrier.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass
        try:
            return calls[index]()
        except requests.RequestException as exc:  # a connection reset is as bad as a 500
            return Answer(599, f"{type(exc).__name__}: {exc}", None, 0.0)

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(run, range(len(calls))))


def statuses(answers: Sequence[Answer]) -> dict[int, int]:
    """How many answers had each status code, e.g. {201: 5, 409: 35}."""
    out: dict[int, int] = {}
    for a in answers:
        out[a.status] = out.get(a.status, 0) + 1
    return dict(sorted(out.items()))


def server_errors(answers: Sequence[Answer]) -> list[Answer]:
    return [a for a in answers if a.status >= 500]


def describe(answers: Sequence[Answer], server: Server | None = None, log_offset: int = 0) -> str:
    """A failure message: the status counts, the first bodies of 5xx answers, and the server's errors."""
    bad = server_errors(answers)
    text = f"statuses {statuses(answers)}"
    for a in bad[:2]:
        title = re.search(r"<title>(.*?)</title>", a.text, re.S)
        text += f"\n--- {a.status} {a.label}: {title.group(1).strip() if title else a.text[:200]}"
    if server is not None and bad:
        text += "\n--- exceptions in the server log:\n" + server.errors_since(log_offset)
    return text


def assert_no_server_errors(answers: Sequence[Answer], server: Server, log_offset: int = 0) -> None:
    """Fail with the status counts and the server's exceptions when any answer was a 5xx."""
    if server_errors(answers):
        raise AssertionError(describe(answers, server, log_offset))


def cleanup_directory(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
