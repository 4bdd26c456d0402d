"""The OIDC_PROVIDERS setting is checked when the app is made, without touching the network."""

from __future__ import annotations

import pytest

from empathy import create_app

GOOD = {"name": "entra", "label": "Microsoft", "issuer": "https://login.microsoftonline.com/t/v2.0",
        "client_id": "id", "client_secret": "secret"}


def _app(*providers):
    return create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x",
                       "OIDC_PROVIDERS": list(providers)})


def test_a_good_provider_is_registered_with_pkce_and_its_scopes():
    app = _app(GOOD)
    with app.app_context():
        from empathy.sso.providers import client, find

        provider = find("entra")
        assert provider.metadata_url == "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration"
        oauth_client = client(provider)
        assert oauth_client.client_kwargs["code_challenge_method"] == "S256"
        assert oauth_client.client_kwargs["scope"] == "openid email profile"
        assert oauth_client.client_kwargs["token_endpoint_auth_method"] == "client_secret_basic"


def test_the_secret_may_go_in_the_form_body():
    app = _app({**GOOD, "token_endpoint_auth_method": "client_secret_post"})
    with app.app_context():
        from empathy.sso.providers import client, find

        assert client(find("entra")).client_kwargs["token_endpoint_auth_method"] == "client_secret_post"


@pytest.mark.parametrize("bad,message", [
    ({**GOOD, "client_secret": ""}, "lacks client_secret"),
    ({**GOOD, "name": "Has Spaces"}, "name must be"),
    ({**GOOD, "issuer": "http://idp.example.com"}, "https://"),
    ({**GOOD, "scopes": "email profile"}, "must include openid"),
    ({**GOOD, "claims": {"email": 3}}, "claims must map"),
    ({**GOOD, "verified_domains": "corp.example"}, "verified_domains"),
    ({**GOOD, "token_endpoint_auth_method": "private_key_jwt"}, "token_endpoint_auth_method"),
    ("entra", "must be a mapping"),
])
def test_a_bad_provider_is_refused_with_the_entry_named(bad, message):
    with pytest.raises(ValueError, match=message):
        _app(bad)


def test_two_providers_may_not_share_a_name():
    with pytest.raises(ValueError, match="its own name"):
        _app(GOOD, GOOD)
