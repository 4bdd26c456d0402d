"""The app with one identity provider, the real mock provider process, and a sign-in driver."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from empathy import create_app
from empathy.core.db import get_engine
from tests.sso.provider import MockProvider, running_provider


@pytest.fixture(scope="session")
def provider(tmp_path_factory) -> MockProvider:
    with running_provider(tmp_path_factory.mktemp("oidc") / "provider.log") as running:
        yield running


@pytest.fixture
def app(database_url, tmp_path, provider):
    app = create_app({
        "TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False, "MATCH_MODEL_PATH": str(tmp_path / "model.joblib"),
        "TOTP_KEY_FILE": str(tmp_path / "totp-key"),
        "OIDC_PROVIDERS": [provider.config()],
    })
    yield app
    get_engine(app).dispose()


class SignIn:
    """Drive a sign-in as a browser would: start here, authorise at the provider, come back."""

    def __init__(self, client, provider: MockProvider):
        self.client = client
        self.provider = provider

    def start(self, path: str = "/login/sso/mock") -> str:
        """Start a sign-in; returns the provider's authorisation URL we were sent to."""
        resp = self.client.get(path)
        assert resp.status_code == 302, resp.get_data(as_text=True)
        location = resp.headers["Location"]
        assert location.startswith(self.provider.issuer + "/oauth2/authorize?")
        return location

    def authorise(self, authorize_url: str, sub: str) -> str:
        """Say at the provider's page that `sub` signs in; returns our callback URL (path and query)."""
        resp = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=10)
        assert resp.status_code == 302, resp.text
        callback = urlsplit(resp.headers["Location"])
        assert "code" in parse_qs(callback.query), resp.headers["Location"]
        return f"{callback.path}?{callback.query}"

    def come_back(self, callback: str):
        return self.client.get(callback)

    def __call__(self, sub: str):
        return self.come_back(self.authorise(self.start(), sub))


@pytest.fixture
def sso(client, provider) -> SignIn:
    return SignIn(client, provider)
