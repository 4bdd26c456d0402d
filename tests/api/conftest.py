"""API fixtures: users of each role with a personal access token, and a client that sends it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from empathy.accounts.services import tokens
from empathy.models import User
from tests.factories import make_user

SECRET = "test-secret-key"  # the app fixture's SECRET_KEY


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


@pytest.fixture
def api(client, callers):
    return Api(client, callers)
