"""Shared machinery of the fuzz tests (issue 15): extreme values, hypothesis strategies, raw request bodies,
routes read from `app.url_map`, the actor each route is fuzzed as, and a request class that records which
query and form keys a view reads.

Nothing here is a hand list of routes or fields: routes come from the URL map, the actor from the access
table of test_access_matrix, query keys from what the view reads, form fields from the rendered HTML.
"""

from __future__ import annotations

import os
import re
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urlsplit

from flask import Flask, Request
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict

from tests.security.test_access_matrix import EXPECTED, FIXED, PARAMS, key_of, url_for_case
from tests.security.world import ROLES, World

# Bounded for CI on 2 cores (about 2-3 minutes for tests/security/test_fuzz_*); raise it to search harder:
# EMPATHY_FUZZ_EXAMPLES=500 pytest tests/security/test_fuzz_forms.py
settings.register_profile(
    "fuzz", max_examples=int(os.environ.get("EMPATHY_FUZZ_EXAMPLES", "12")), deadline=None, database=None,
    derandomize=os.environ.get("EMPATHY_FUZZ_RANDOM") is None, suppress_health_check=list(HealthCheck))
FUZZ = settings.get_profile("fuzz")

HUGE = "99999999999999999999"
# Every one of these is tried once in every field and every query parameter (the systematic phase).
# str values are sent UTF-8 encoded (lone surrogates as the invalid bytes "surrogatepass" gives);
# bytes values are sent as they are, percent-encoded: invalid UTF-8.
EXTREMES: list[str | bytes] = [
    HUGE, "-" + HUGE, "-1", "0", "2147483648", "-2147483649", "9223372036854775808", "1e308", "-1e308", "1e-308",
    "nan", "inf", "-inf", "0x10", "1_000", "٣", "²", "1:²", "2.5",
    "0001-01-01T00:00", "9999-12-31T23:59", "0001-01-01", "9999-12-31", "0000-00-00", "2026-02-30",
    "2026-13-01T25:61", "1970-01-01T00:00:00+99:99", "yesterday",
    "\x00", "a\x00b", "\x01\x02\x1b\x7f", "\r\n\t", "\u202e\u200b\ufeff", "\ud800", "a\udfffb",
    "x" * 100_000, "漢" * 5_000, "", " ", "true", "[]", "{}", "null", "%00", "%s%n", "{{7*7}}", "'\";--",
    "../../etc/passwd", "<script>x</script>", "https://evil.example/", "//evil.example", "javascript:x",
    b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"a\xfe\xffb", b"\x00\xff",
]
RAW_QUERY_BYTES = [b"\xff", b"\xc3(", b"\x00", b"%ff", b"%ed%a0%80", b"%00", b"%", b"%zz", b"&&&", b"=", b"a=1&a=2"]

# Hypothesis: text of every plane with control characters and surrogates, raw bytes, numbers past any range.
_numbers = st.one_of(
    st.integers().map(str), st.integers(min_value=2**31, max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr), st.sampled_from(["nan", "inf", "-inf", "1e309"]))
_dates = st.one_of(
    st.datetimes().map(lambda d: d.strftime("%Y-%m-%dT%H:%M")), st.dates().map(lambda d: d.isoformat()),
    st.from_regex(r"\A[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}(T[0-9]{1,3}:[0-9]{1,3})?\Z"))
_texts = st.one_of(
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40),  # incl. Cc and Cs
    st.text(alphabet=st.characters(max_codepoint=0x20), max_size=10),
    st.integers(min_value=1_000, max_value=60_000).map(lambda n: "y" * n))
VALUES = st.one_of(_numbers, _dates, _texts, st.binary(max_size=20), st.sampled_from(EXTREMES))
EXTRA_KEYS = st.one_of(st.sampled_from(["page", "per_page", "q", "sort", "order", "status", "next", "id", "lang",
                                        "date_from", "date_to", "cause", "site", "skill", "table", "csrf_token"]),
                       st.text(max_size=8), st.binary(max_size=4))


def encode(value: str | bytes) -> bytes:
    """A value as the bytes a client would send: text as UTF-8 (a lone surrogate as invalid bytes), bytes as given."""
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def urlencoded(pairs) -> bytes:
    """`k=v&k=v` from (key, value) pairs, repeated keys kept, every byte percent-encoded as needed."""
    return b"&".join(quote_from_bytes(encode(k)).encode() + b"=" + quote_from_bytes(encode(v)).encode()
                     for k, v in pairs)


class RecordingArgs(ImmutableMultiDict):
    """Query string and form data that note every key a view asks for (`get`, `getlist`, `in`, `[]`)."""

    seen: set | None = None  # set by `recording` for the length of one request

    def _note(self, key):
        if RecordingArgs.seen is not None and isinstance(key, str):
            RecordingArgs.seen.add(key)

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's signature
        self._note(key)
        return super().get(key, default, type)

    def getlist(self, key, type=None):  # noqa: A002
        self._note(key)
        return super().getlist(key, type)

    def __getitem__(self, key):
        self._note(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        self._note(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


def keys_read(client, method: str, url: str, **kwargs) -> set[str]:
    """The query and form keys the view of `url` reads, found by making the request once."""
    RecordingArgs.seen = set()
    try:
        client.open(url, method=method, **kwargs)
        return set(RecordingArgs.seen)
    finally:
        RecordingArgs.seen = None


@dataclass
class Route:
    endpoint: str
    method: str
    roles: list[str]  # the actors it is fuzzed as: ones the access table lets in
    url: str
    is_api: bool
    key: str = field(default="")


SIGNED_IN = ("coord", "emp", "admin")  # owners of the world's objects first: they see the most of a page


def fuzz_routes(app: Flask, method: str, world: World | None = None) -> list[Route]:
    """Every route of `method` in the URL map (static files aside), with the actors allowed to use it: for a GET
    each of coordinator, employee and admin that may, for a POST anyone if it is public, else the first of them."""
    from tests.security.test_access_matrix import cases

    out = []
    for rule, meth, values in cases(app.url_map.iter_rules()):
        if meth != method or rule.endpoint == "static":
            continue
        key = key_of(rule, meth, values)
        allowed = {role for role, answer in zip(ROLES, EXPECTED[key]) if answer.startswith("ok")}
        roles = [role for role in SIGNED_IN if role in allowed] or sorted(allowed, key=ROLES.index)[:1]
        if method != "GET" and "anon" in allowed:
            roles = ["anon"]  # a public form (sign in, register, reset): a signed-in actor is sent elsewhere
        if not roles:
            continue
        url = url_for_case(rule, values, world) if world else _placeholder_url(rule, values)
        out.append(Route(rule.endpoint, meth, roles if method == "GET" else roles[:1], url,
                         rule.rule.startswith("/api/"), " ".join(key)))
    return out


def _placeholder_url(rule, values) -> str:
    path = rule.rule
    for name in rule.arguments:
        value = values.get(name, FIXED.get(name, "{" + str(PARAMS.get(name)) + "}"))
        path = re.sub(r"<(?:[^:<>]+:)?" + name + r"(?:\([^)]*\))?>", str(value), path)
    return path


def client_as(app: Flask, world: World, role: str, *, is_api: bool):
    """A test client signed in as `role` (a server-side session for pages, a bearer token for the API)."""
    client = app.test_client()
    headers = {}
    if role != "anon":
        if is_api:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        else:
            with client.session_transaction() as sess:
                sess["_user_id"], sess["_fresh"] = world.sessions[role], True
    return client, headers


@dataclass
class Failures:
    """5xx answers and exceptions, each with the request that caused it; `assert not failures.found`."""

    found: list[str] = field(default_factory=list)

    def call(self, client, method: str, url: str, *, what: str, **kwargs):
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception:  # noqa: BLE001 - TESTING propagates what would be a 500: record it with its cause
            self.found.append(f"{method} {url} {what}: exception\n{traceback.format_exc(limit=-4)}")
            return None
        if response.status_code >= 500:
            self.found.append(f"{method} {url} {what}: {response.status_code}")
        return response

    def report(self) -> str:
        return f"{len(self.found)} answers of 5xx:\n" + "\n".join(self.found[:15])


class _FormFields(HTMLParser):
    """Forms of a page as {action path: [field names in order]}, with the default value of each field."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: dict[str, dict[str, str]] = {}
        self.files: set[str] = set()
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            action = urlsplit(a.get("action") or self.page_path).path
            self._current = self.forms.setdefault(action, {})
        elif tag in ("input", "select", "textarea", "button") and self._current is not None and a.get("name"):
            if a.get("type") == "file":
                self.files.add(a["name"])
            if a.get("type") in ("checkbox", "radio") and "checked" not in a and a["name"] in self._current:
                return
            self._current.setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def post_forms(html: str, page_path: str) -> tuple[dict[str, dict[str, str]], set[str]]:
    """{action path: {field name: default value}} of every POST form in `html`, and the names of file fields."""
    parser = _FormFields(page_path)
    parser.feed(html)
    return parser.forms, parser.files


def build_fuzz_world(session, model_path: str) -> World:
    """The access tests' world, plus a live need (ids["need_id"]) with a must-have skill that two employees have,
    requiring a credential one of them lacks, and a fitted matching model saved at `model_path`: pages of
    suggestions, teams and people then list candidates."""
    from datetime import timedelta
    from pathlib import Path
    from zoneinfo import ZoneInfo

    from empathy.core.db import utcnow
    from empathy.models import Skill
    from empathy.profiles import credentials
    from tests.factories import add_employee_skill, make_need
    from tests.security.world import build_world

    world = build_world(session)
    skill = session.get(Skill, world.ids["skill_id"])
    need = make_need(session, owner=world.users["coord"], skills=[(skill, "must", 1)], is_remote=True,
                     starts_at=utcnow() + timedelta(days=10))
    for key in ("emp", "other"):
        add_employee_skill(session, world.users[key], skill, level=3)
    credentials.set_required_kinds(session=session, actor=world.users["coord"], need_id=need.id, kinds=["first_aid"])
    world.ids["need_id"] = need.id
    from empathy.suggestions.index import fit_and_save

    fit_and_save(session, Path(model_path), ZoneInfo("Asia/Shanghai"))
    return world
