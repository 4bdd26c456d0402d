"""Request bodies schemathesis does not write: every API operation with a body (from the OpenAPI document) takes
deep nesting, bytes that are not UTF-8, escapes of lone surrogates, numbers past any range and control characters
in every field, and answers below 500 (issue 15).

The valid body of each operation (tests.security.test_access_matrix.api_body) is the starting point: each field is
replaced by each extreme value in turn, then every field at once; then whole bodies that are not JSON at all.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session

from empathy.core.db import get_engine
from tests.security.fuzzing import Failures, build_fuzz_world, client_as, fuzz_routes
from tests.security.test_access_matrix import api_body

DEEP = 50_000  # past Python's recursion limit
# JSON text as sent: numbers no double holds (1e400 is inf once parsed), escapes of a lone surrogate and of NUL.
EXTREME_JSON = [
    "99999999999999999999", "-99999999999999999999", "1e308", "-1e308", "1e400", "-1e400", "1e-400", "-0", "0.1e1",
    "2147483648", '"99999999999999999999"', '"²"', '"٣"', '"nan"', '"inf"', "true", "null", "[]", "{}", '""', '" "',
    '"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"a\\udfffb"', '"\\u0001\\u001f\\u007f"', '"\\u202e"',
    json.dumps("x" * 100_000), json.dumps("漢" * 5_000),
    '"0001-01-01T00:00:00Z"', '"9999-12-31T23:59:59+14:00"', '"0001-01-01"', '"9999-12-31"', '"2026-02-30"',
    '"2026-01-01T00:00:00+99:00"', '"2026-01-01T00:00:00"',
    "[" * DEEP + "]" * DEEP, '{"a":' * DEEP + "1" + "}" * DEEP, "[" + "[1]," * 10_000 + "1]",
]
RAW_BODIES = [
    b"", b"\xff\xfe", b'{"title": "\xff"}', b'{"\xed\xa0\x80": 1}', b"\x00", b'{"a": 1}\x00',
    '{"title": "T"}'.encode("utf-16"), b"\xef\xbb\xbf{}", b"{", b"[]", b"1e400", b'"text"', b"null",
    b"[" * DEEP + b"]" * DEEP,
]


@pytest.fixture
def world(app):
    with Session(get_engine(app), expire_on_commit=False) as session:
        return build_fuzz_world(session, app.config["MATCH_MODEL_PATH"])


def _operations():
    from empathy import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    return [route.key for method in ("POST", "PUT", "PATCH") for route in fuzz_routes(app, method) if route.is_api]


OPERATIONS = _operations()


def body_fields(app, endpoint: str) -> list[str]:
    """The top-level fields of an operation's JSON body, from the OpenAPI document."""
    doc = app.api_doc
    operation_id = endpoint.removeprefix("api.")
    for ops in doc["paths"].values():
        for op in ops.values():
            if op.get("operationId") != operation_id:
                continue
            schema = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
            if "$ref" in schema:
                schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
            return sorted(schema.get("properties", {}))
    return []


@pytest.mark.slow
@pytest.mark.parametrize("key", OPERATIONS)
def test_any_body_gets_an_answer_below_500(app, world, key):
    method = key.rsplit(" ", 1)[1]
    route = {r.key: r for r in fuzz_routes(app, method, world)}[key]
    client, headers = client_as(app, world, route.roles[0], is_api=True)
    headers = {**headers, "Content-Type": "application/json"}
    base = {name: json.dumps(value) for name, value in (api_body(route.endpoint, world) or {}).items()}
    fields = sorted(set(base) | set(body_fields(app, route.endpoint)))
    failures = Failures()

    def send(body: bytes, what: str):
        failures.call(client, method, route.url, what=f"as {route.roles[0]} {what}", data=body, headers=headers)

    for value in EXTREME_JSON:
        for name in fields if len(value) < 1_000 else ():  # one field at a time, the others valid (the big
            # values, deep nesting and long text, go in every field at once only: they cost the most to send)
            members = {**base, name: value}
            send(("{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in members.items()) + "}").encode(),
                 what=f"{name}={value[:60]}")
        send(("{" + ",".join(f"{json.dumps(k)}:{value}" for k in fields) + "}").encode(), what=f"all={value[:60]}")
        send(value.encode(), what=f"body={value[:60]}")
    for raw in RAW_BODIES:
        send(raw, what=f"raw {raw[:60]!r}")
        failures.call(client, method, route.url, what=f"raw as form {raw[:60]!r}", data=raw,
                      headers={**headers, "Content-Type": "application/x-www-form-urlencoded"})
    answer = failures.call(client, "GET", "/api/v1/me", what="afterwards", headers=headers)
    assert answer is not None and answer.status_code in (200, 401)  # 401: this operation was the caller's sign-in
    assert not failures.found, failures.report()
