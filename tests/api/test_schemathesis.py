"""Property-based conformance: schemathesis drives every operation of the OpenAPI document in-process.

With a token of each role: no response is a 5xx, every response (status, media type, body) matches
the document, and data the document forbids is refused with a 4xx. Bounded for CI on 2 cores.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from empathy import create_app
from empathy.accounts.services import tokens
from empathy.core.db import utcnow
from tests.api.fixtures import SECRET
from tests.factories import make_match, make_need, make_skill, make_user

# The document does not depend on the database: load it once from an app on a throwaway file
# (nothing connects to it). Each test then sends its cases to its own app on a fresh database.
# (schemathesis.pytest.from_fixture does not work with pytest 9.2 yet.)
_doc_app = create_app({"TESTING": True, "SECRET_KEY": "doc", "DATABASE_URL": "sqlite:///"
                       + os.path.join(tempfile.gettempdir(), "empathy-openapi-doc.sqlite")})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", _doc_app)
# Schemathesis sets credentials when it generates cases, some at collection time, so the token is a
# fixed string; each test's fresh database maps it to a caller of that test's role.
TOKEN = "emp_schemathesis-caller"


@schema.auth()
class BearerToken:
    """Schemathesis adds the token itself, so it knows which requests carry credentials."""

    def get(self, case, context):
        return TOKEN

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def seeded(app, session):
    """The test's app, with a little data so that low ids exist and some calls get past "not found"."""
    coord = make_user(session, role="coordinator", email="st-coord@example.com")
    employee = make_user(session, email="st-employee@example.com")
    make_skill(session, name="Python")
    need = make_need(session, owner=coord, is_remote=True)
    make_match(session, need, employee, status="invited")
    make_need(session, owner=coord, is_remote=True, starts_at=utcnow() - timedelta(days=3))
    return app


def _bearer(session, role: str) -> None:
    """A caller of this role, whose token is the one the auth above sends."""
    user = make_user(session, role=role, email=f"st-{role}-caller@example.com")
    row, _secret = tokens.create_token(session=session, user=user, name="schemathesis", secret_key=SECRET)
    row.token_hash = tokens.token_hash(SECRET, TOKEN)
    session.add(row)
    session.commit()


@pytest.fixture
def as_employee(session):
    return _bearer(session, "employee")


@pytest.fixture
def as_coordinator(session):
    return _bearer(session, "coordinator")


@pytest.fixture
def as_admin(session):
    return _bearer(session, "admin")


# positive_data_acceptance expects every schema-valid request to succeed, but the services also
# refuse valid-looking data with a 422 naming the field (an unknown cause, a need that has ended,
# the same skill twice): that check would flag the API's own validation, so it is left out.
EXCLUDED = [positive_data_acceptance]
BOUNDED = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_api_conforms_as_employee(case, seeded, as_employee):
    case.call_and_validate(app=seeded, excluded_checks=EXCLUDED)


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_api_conforms_as_coordinator(case, seeded, as_coordinator):
    case.call_and_validate(app=seeded, excluded_checks=EXCLUDED)


@pytest.mark.slow
@schema.parametrize()
@BOUNDED
def test_api_conforms_as_admin(case, seeded, as_admin):
    case.call_and_validate(app=seeded, excluded_checks=EXCLUDED)
