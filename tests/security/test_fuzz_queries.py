"""Every GET route of the URL map takes any query string without a 5xx (issue 15).

For each route the query keys its view reads are found by asking once as each actor allowed in
(tests.security.fuzzing.RecordingArgs); the route is fuzzed as each actor that reads another set of keys.
A systematic phase then sends every extreme value in every one of those keys, and raw bytes that are not UTF-8
or not percent-encoding; hypothesis then sends random pairs of those keys and others, repeated keys included.
The app must still answer a page afterwards.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from empathy.core.db import get_engine
from tests.security.fuzzing import (
    EXTRA_KEYS,
    EXTREMES,
    FUZZ,
    RAW_QUERY_BYTES,
    VALUES,
    Failures,
    RecordingRequest,
    build_fuzz_world,
    client_as,
    fuzz_routes,
    keys_read,
    urlencoded,
)


def _routes():
    from empathy import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    return [route.key for route in fuzz_routes(app, "GET")]


GET_ROUTES = _routes()


@pytest.fixture
def world(app):
    app.request_class = RecordingRequest
    with Session(get_engine(app), expire_on_commit=False) as session:
        return build_fuzz_world(session, app.config["MATCH_MODEL_PATH"])


@pytest.mark.slow
@pytest.mark.parametrize("key", GET_ROUTES)
def test_any_query_string_gets_an_answer_below_500(app, world, key):
    route = {r.key: r for r in fuzz_routes(app, "GET", world)}[key]
    failures = Failures()
    # Each actor allowed in whose view reads another set of keys (a coordinator's need page has filters an
    # employee's lacks); one actor for a view that reads the same keys whoever asks, to keep the suite quick.
    clients = {role: client_as(app, world, role, is_api=route.is_api) for role in route.roles}
    by_keys = {}
    for role, (client, headers) in clients.items():
        by_keys.setdefault(frozenset(keys_read(client, "GET", route.url, headers=headers)), role)
    for keys, role in by_keys.items():
        client, headers = clients[role]
        fuzz_query(failures, client, route.url, sorted(keys | {"page", "q"}), headers=headers, what=f"as {role}")
        after = failures.call(client, "GET", "/api/v1/me" if route.is_api else "/home", what="afterwards",
                              headers=headers)
        assert after is not None and after.status_code == (200 if role != "anon" else 302)
    assert not failures.found, failures.report()


def fuzz_query(failures: Failures, client, url: str, read: list[str], *, headers: dict, what: str) -> None:
    """The systematic phase, then hypothesis, on the query string of one URL."""

    def get(query: bytes):
        failures.call(client, "GET", url, what=f"{what} ?{query[:120]!r}", headers=headers,
                      query_string=query.decode("latin-1"))  # WSGI carries bytes as latin-1

    for value in EXTREMES:  # every extreme value in every key the view reads, once
        get(urlencoded([(k, value) for k in read]))
    for raw in RAW_QUERY_BYTES:  # bytes that are not UTF-8, or not percent-encoding, as they are
        get(b"&".join(k.encode() + b"=" + raw for k in read) + b"&" + raw)

    @FUZZ
    @given(st.lists(st.tuples(st.one_of(st.sampled_from(read), EXTRA_KEYS), VALUES), min_size=1, max_size=8))
    def fuzz(pairs):
        get(urlencoded(pairs))

    fuzz()
