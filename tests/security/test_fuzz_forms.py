"""Every POST route of the web UI takes any form body without a 5xx (issue 15).

The fields of a route are read from the rendered HTML: every page of the URL map is fetched as the actor the access
table lets use the route, and the POST forms whose action is that route give their field names and default values;
the keys the view reads on a first POST (tests.security.fuzzing.RecordingArgs) are added, for buttons posted from
pages the world does not show. CSRF is off in the test app (tests/conftest.py), as in the rest of the suite.

A systematic phase sends every extreme value in every field at once, then bodies of raw bytes that are not UTF-8;
hypothesis then fills each field with its default or a random value, with repeated and unknown keys. The app must
still answer a page afterwards.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from empathy.accounts.services import auth as auth_service
from empathy.core.db import get_engine
from tests.security.fuzzing import (
    EXTRA_KEYS,
    EXTREMES,
    FUZZ,
    VALUES,
    Failures,
    RecordingRequest,
    build_fuzz_world,
    client_as,
    encode,
    fuzz_routes,
    keys_read,
    post_forms,
    urlencoded,
)

FORM_TYPE = "application/x-www-form-urlencoded"


def _routes():
    from empathy import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x"})
    return [route.key for route in fuzz_routes(app, "POST") if not route.is_api]


POST_ROUTES = _routes()


@pytest.fixture
def world(app):
    app.request_class = RecordingRequest
    with Session(get_engine(app), expire_on_commit=False) as session:
        return build_fuzz_world(session, app.config["MATCH_MODEL_PATH"])


_FORMS: dict[str, tuple[dict[str, dict[str, str]], set[str]]] = {}


def forms_on_pages(app, world, role: str) -> tuple[dict[str, dict[str, str]], set[str]]:
    """Every POST form on every page `role` may open: {action path: {field: default}}, and the file fields.

    Read once per actor: every test's world is built alike on a fresh database, so its pages have the same ids."""
    if role not in _FORMS:
        _FORMS[role] = _crawl(app, world, role)
    return _FORMS[role]


def _crawl(app, world, role: str):
    client, _ = client_as(app, world, role, is_api=False)
    forms: dict[str, dict[str, str]] = {}
    files: set[str] = set()
    for page in fuzz_routes(app, "GET", world):
        if page.is_api or role not in page.roles:
            continue
        response = client.get(page.url)
        if response.status_code == 200 and response.mimetype == "text/html":
            found, file_fields = post_forms(response.get_data(as_text=True), page.url)
            for action, fields in found.items():
                forms.setdefault(action, {}).update(fields)
            files |= file_fields
    return forms, files


BOUNDARY = "fuzz-boundary-7d3a"


def multipart(pairs, files: set[str]) -> bytes:
    """A multipart body from (key, value) pairs, every value as raw bytes; file fields as uploads."""
    parts = []
    for key, value in pairs:
        name = encode(key).replace(b'"', b"%22")
        upload = b'; filename="upload.csv"' if key in files else b""
        parts.append(b"--" + BOUNDARY.encode() + b'\r\nContent-Disposition: form-data; name="' + name + b'"'
                     + upload + b"\r\n\r\n" + encode(value) + b"\r\n")
    return b"".join(parts) + b"--" + BOUNDARY.encode() + b"--\r\n"


@pytest.mark.slow
@pytest.mark.parametrize("key", POST_ROUTES)
def test_any_form_body_gets_an_answer_below_500(app, world, key):
    route = {r.key: r for r in fuzz_routes(app, "POST", world)}[key]
    role = route.roles[0]
    forms, files = forms_on_pages(app, world, role)
    defaults = dict(forms.get(route.url, {}))
    client, _ = client_as(app, world, role, is_api=False)
    read = keys_read(client, "POST", route.url, data=urlencoded(defaults.items()), content_type=FORM_TYPE)
    for name in sorted(read - set(defaults)):
        defaults[name] = ""
    fields = sorted(defaults)
    failures = Failures()

    def post(pairs, *, raw: bytes | None = None, query: str = ""):
        pairs = list(pairs)
        what = f"as {role} {pairs[:6]!r:.300}" if raw is None else f"as {role} raw {raw[:200]!r}"
        if raw is not None:
            return failures.call(client, "POST", route.url, what=what, data=raw, content_type=FORM_TYPE)
        if files & set(fields):
            return failures.call(client, "POST", route.url, what=what, data=multipart(pairs, files),
                                 content_type=f"multipart/form-data; boundary={BOUNDARY}")
        return failures.call(client, "POST", route.url + query, what=what, data=urlencoded(pairs),
                             content_type=FORM_TYPE)

    for value in EXTREMES:  # every extreme value in every field, once
        post([(name, value) for name in fields])
    for raw in (b"\xff\xfe", b"\xed\xa0\x80", b"\x00", b"%ff", b"%", b"=&=&", b"a" * 70_000):
        post([], raw=b"&".join(name.encode() + b"=" + raw for name in fields) or raw)  # bytes as they are
        post([], raw=raw)

    @FUZZ
    @given(st.fixed_dictionaries({name: st.one_of(st.just(defaults[name]), VALUES) for name in fields}),
           st.lists(st.tuples(st.one_of(st.sampled_from(fields or ["x"]), EXTRA_KEYS), VALUES), max_size=4),
           st.sampled_from(["", "?next=%ff", "?next=//evil.example", "?lang=%00", "?page=" + "9" * 30]))
    def fuzz(values, extra, query):
        post([*values.items(), *extra], query=query)  # extra: repeated keys and unknown ones

    fuzz()
    with Session(get_engine(app), expire_on_commit=False) as session:  # this route may have signed out
        fresh = auth_service.start_session(session=session, user=world.users.get(role) or world.users["emp"])
    after = app.test_client()
    with after.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = fresh, True
    answer = failures.call(after, "GET", "/home", what="afterwards")
    assert answer is not None and answer.status_code == 200
    assert not failures.found, failures.report()
