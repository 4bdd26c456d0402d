"""API fixtures: users of each role with a personal access token, and a client that sends it.

A pytest plugin (tests/conftest.py loads it), so every domain's API tests can use them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from empathy.accounts.services import tokens
from empathy.core.db import utcnow
from empathy.models import User
from tests.factories import make_user

SECRET = "test-secret-key"  # the app fixture's SECRET_KEY
ROLES = ("employee", "other", "coord", "coord2", "admin")  # the callers, by key


@dataclass
class Caller:
    user: User
    token: str

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


def token_for(session, user: User, **kwargs) -> str:
    return tokens.create_token(session=session, user=user, name="test", secret_key=SECRET, **kwargs)[1]


@pytest.fixture
def callers(session):
    """employee, other (another employee), coord (owns needs), coord2 (does not), admin."""
    out = {}
    for key, role in (("employee", "employee"), ("other", "employee"), ("coord", "coordinator"),
                      ("coord2", "coordinator"), ("admin", "admin")):
        user = make_user(session, role=role, email=f"{key}@example.com")
        out[key] = Caller(user, token_for(session, user))
    return out


class Api:
    """A test client that speaks to /api/v1 with a caller's token."""

    def __init__(self, client, callers):
        self.client, self.callers = client, callers

    def __call__(self, method: str, path: str, who: str | None = None, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if who is not None:
            headers.update(self.callers[who].headers)
        return self.client.open("/api/v1" + path, method=method, headers=headers, **kwargs)

    def statuses(self, method: str, path: str, **kwargs) -> dict[str, int]:
        """The status code each caller gets for the same request."""
        return {who: self(method, path, who, **kwargs).status_code for who in ROLES}


def need_body(**overrides) -> dict:
    """A valid POST /needs body: a remote need in 20 days that asks for Python."""
    start = utcnow() + timedelta(days=20)
    return {"title": "Tutor maths", "cause": "education", "remote": True, "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=3)).isoformat(), "seats": 2,
            "skills": [{"name": "Python", "importance": "must", "min_level": 2}], **overrides}


@pytest.fixture
def api(client, callers):
    return Api(client, callers)
