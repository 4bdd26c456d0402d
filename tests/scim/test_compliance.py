"""scim2-tester, the SCIM compliance checker, against the live server: every check on Users and Groups passes.

The app runs under werkzeug's threaded server on a port of its own (5650-5659) over a fresh database, and
scim2-tester drives it through HTTP like an identity provider: discovery, create, read (with `attributes`
and `excludedAttributes`), replace, PATCH add/replace/remove on every attribute the schemas publish, delete.
"""

from __future__ import annotations

import collections
import socket
import threading

import httpx2
import pytest
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server
from sqlmodel import Session
from werkzeug.serving import make_server

from empathy.core.db import get_engine
from empathy.scim.services import tokens
from tests.factories import make_user

PORTS = range(5650, 5660)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5650-5659")


@pytest.fixture
def live_scim(app):
    port = _free_port()
    app.config["BASE_URL"] = f"http://127.0.0.1:{port}"
    with Session(get_engine(app), expire_on_commit=False) as session:
        admin = make_user(session, role="admin", email="admin@corp.example")
        with app.app_context():
            _row, secret = tokens.create_token(session=session, actor=admin, name="scim2-tester",
                                               secret_key=app.config["SECRET_KEY"])
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    client = httpx2.Client(base_url=f"http://127.0.0.1:{port}/scim/v2", timeout=30,
                           headers={"Authorization": f"Bearer {secret}"})
    yield SyncSCIMClient(client)
    client.close()
    server.shutdown()
    thread.join(timeout=10)


def test_scim2_tester_reports_no_failure_for_users_and_groups(live_scim):
    results = check_server(live_scim, raise_exceptions=False)
    failed = [f"{r.resource_type or '-'} {r.title}: {r.reason}" for r in results
              if r.status in (Status.ERROR, Status.CRITICAL)]
    assert not failed, "\n".join(failed)
    passed = collections.Counter(r.resource_type for r in results if r.status == Status.SUCCESS)
    # Both resource types were exercised (create, read, replace, delete and a PATCH per attribute), not skipped.
    assert passed["User"] >= 20 and passed["Group"] >= 10, passed
    skipped = [(r.resource_type, r.title, r.reason) for r in results if r.status == Status.SKIPPED]
    assert not skipped  # nothing left out, the search across resource types (POST /.search) included
