"""The installation's OpenID Connect providers (config OIDC_PROVIDERS), as Authlib Flask clients.

Each provider is a mapping:

    {"name": "entra",                      # in the URLs: /login/sso/entra, /login/sso/entra/callback
     "label": "Microsoft",                 # on the button: "Sign in with Microsoft"
     "issuer": "https://login.microsoftonline.com/<tenant id>/v2.0",
     "client_id": "...", "client_secret": "...",
     "scopes": "openid email profile",     # optional, this is the default
     "claims": {"site": "office"},         # optional: which claim gives email, email_verified, name,
                                           # department and site (services.DEFAULT_CLAIMS otherwise)
     "create_accounts": True,              # optional: False links existing accounts only
     "verified_domains": [],               # optional: e-mail domains whose addresses this provider
                                           # issues itself, taken as verified without email_verified
     "token_endpoint_auth_method": "client_secret_basic"}  # or "client_secret_post"

The registry is made per app (not one object in extensions.py), because each app's providers come
from its own configuration. Nothing here touches the network until a sign-in starts: discovery
(`<issuer>/.well-known/openid-configuration`) happens on first use and is kept by the client.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from authlib.integrations.flask_client import FlaskOAuth2App, OAuth
from flask import Flask, current_app

EXTENSION = "empathy.sso"
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DEFAULT_SCOPES = "openid email profile"
# Seconds to wait for the provider's discovery, keys and token endpoints.
TIMEOUT = 10
LOOPBACK = {"localhost", "127.0.0.1", "::1"}
# How the client secret reaches the token endpoint (RFC 6749, 2.3.1): the header, or the form body.
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


@dataclass(frozen=True)
class Provider:
    """One configured provider: how it is named, shown, reached, and how its claims map to ours."""

    name: str
    label: str
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = DEFAULT_SCOPES
    claims: dict[str, str] = field(default_factory=dict)
    create_accounts: bool = True
    verified_domains: tuple[str, ...] = ()
    token_endpoint_auth_method: str = "client_secret_basic"

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def _provider(entry: object, index: int) -> Provider:
    where = f"OIDC_PROVIDERS[{index}]"
    if not isinstance(entry, dict):
        raise ValueError(f"{where} must be a mapping with name, label, issuer, client_id and client_secret")
    missing = [key for key in ("name", "label", "issuer", "client_id", "client_secret") if not entry.get(key)]
    if missing:
        raise ValueError(f"{where} lacks {', '.join(missing)}")
    if not NAME.match(str(entry["name"])):
        raise ValueError(f"{where}: name must be 1-40 lower-case letters, digits, '-' or '_' (it is in URLs)")
    issuer = urlsplit(str(entry["issuer"]))
    # OpenID Connect Discovery 1.0, 3: the issuer is an https URL (plain http only on this machine, for tests).
    if not (issuer.scheme == "https" or (issuer.scheme == "http" and issuer.hostname in LOOPBACK)):
        raise ValueError(f"{where}: issuer must be an https:// URL")
    scopes = str(entry.get("scopes") or DEFAULT_SCOPES)
    if "openid" not in scopes.split():
        raise ValueError(f"{where}: scopes must include openid")
    claims = entry.get("claims") or {}
    if not isinstance(claims, dict) or not all(isinstance(v, str) for v in claims.values()):
        raise ValueError(f"{where}: claims must map our names to claim names")
    domains = entry.get("verified_domains") or []
    if not isinstance(domains, list | tuple) or not all(isinstance(d, str) and "." in d for d in domains):
        raise ValueError(f"{where}: verified_domains must be a list of e-mail domains, e.g. [\"example.com\"]")
    auth_method = entry.get("token_endpoint_auth_method") or "client_secret_basic"
    if auth_method not in AUTH_METHODS:
        raise ValueError(f"{where}: token_endpoint_auth_method must be one of {', '.join(AUTH_METHODS)}")
    return Provider(name=entry["name"], label=str(entry["label"]), issuer=str(entry["issuer"]).rstrip("/"),
                    client_id=str(entry["client_id"]), client_secret=str(entry["client_secret"]), scopes=scopes,
                    claims=dict(claims), create_accounts=bool(entry.get("create_accounts", True)),
                    verified_domains=tuple(d.strip().lower() for d in domains),
                    token_endpoint_auth_method=auth_method)


def init_app(app: Flask) -> None:
    """Check OIDC_PROVIDERS (ValueError names the entry at fault) and register one Authlib client each."""
    providers = [_provider(entry, i) for i, entry in enumerate(app.config.get("OIDC_PROVIDERS") or [])]
    names = [p.name for p in providers]
    if len(set(names)) != len(names):
        raise ValueError("OIDC_PROVIDERS: each provider needs its own name")
    oauth = OAuth(app)
    for p in providers:
        # PKCE with S256 (RFC 7636); Authlib adds state and, for the openid scope, a nonce it checks.
        oauth.register(p.name, client_id=p.client_id, client_secret=p.client_secret,
                       server_metadata_url=p.metadata_url,
                       client_kwargs={"scope": p.scopes, "code_challenge_method": "S256",
                                      "token_endpoint_auth_method": p.token_endpoint_auth_method,
                                      "default_timeout": TIMEOUT})
    app.extensions[EXTENSION] = {p.name: p for p in providers}


def providers() -> list[Provider]:
    """The current app's providers, in the order of the configuration."""
    return list(current_app.extensions.get(EXTENSION, {}).values())


def find(name: str) -> Provider | None:
    return current_app.extensions.get(EXTENSION, {}).get(name)


def client(provider: Provider) -> FlaskOAuth2App:
    """The Authlib client of a provider of the current app."""
    return current_app.extensions["authlib.integrations.flask_client"].create_client(provider.name)


def discover(provider: Provider) -> dict:
    """The provider's metadata (fetched once per process). Raises requests' errors when it cannot be
    reached, or ValueError when it names another issuer (Discovery 1.0, 4.3: they must be the same)."""
    metadata = client(provider).load_server_metadata()
    if str(metadata.get("issuer", "")).rstrip("/") != provider.issuer:
        raise ValueError(f"the provider {provider.name} names the issuer {metadata.get('issuer')!r}, "
                         f"not {provider.issuer!r}")
    return metadata
