"""Sign in through an OpenID Connect provider: start (redirect there), callback (back here), and the
page after sign-out that offers to end the session at the provider too."""

from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser_session
from flask_babel import gettext as _
from flask_login import current_user, login_required
from joserfc.errors import JoseError

from empathy.accounts.login import mark_confirmed, sign_in
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.urls import safe_next
from empathy.sso import services
from empathy.sso.providers import Provider, client, discover, find, providers

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)
web.init_blueprint(bp)

NEXT_KEY = "sso_next"
PROVIDER_KEY = "sso_provider"  # the provider of this browser's session, for the sign-out page
ID_TOKEN_KEY = "sso_id_token"  # its ID token, the hint the provider's sign-out asks for
CONFIRM_KEY = "sso_confirm"  # a signed-in user confirming who they are: {"u": user id, "n": where to go next}
MAX_KEPT_ID_TOKEN = 2000  # larger tokens are not kept: the signed cookie holds 4 KB in all


@bp.app_context_processor
def _login_options() -> dict:
    return {"sso_providers": providers(), "sso_only": bool(current_app.config.get("SSO_ONLY"))}


def _provider_or_404(name: str) -> Provider:
    provider = find(name)
    if provider is None:
        abort(404)
    return provider


def _problem(provider: Provider, message: str, status: int):
    return render_template("sso/problem.html", provider=provider, message=message), status


def _unreachable(provider: Provider, exc: Exception):
    log.warning("identity provider %s: %s", provider.name, exc)
    return _problem(provider, _("%(provider)s cannot be reached just now. Try again in a few minutes.",
                                provider=provider.label), 503)


@bp.get("/login/sso/<provider>")
def start(provider: str):
    provider = _provider_or_404(provider)
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    try:
        discover(provider)
        browser_session[NEXT_KEY] = safe_next(request.args.get("next")) or ""
        browser_session.pop(CONFIRM_KEY, None)
        return _redirect_to(provider)
    except (requests.RequestException, ValueError) as exc:
        return _unreachable(provider, exc)


@bp.get("/account/confirm/sso/<provider>")
@login_required
def confirm(provider: str):
    """A signed-in user without a password proves who they are before a sensitive step (deleting the account):
    they sign in again at the provider (`prompt=login`, OpenID Connect Core 1.0 section 3.1.2.1), and come back
    to `next` confirmed for accounts.login.CONFIRMED_FOR seconds."""
    provider = _provider_or_404(provider)
    try:
        discover(provider)
        browser_session[CONFIRM_KEY] = {"u": current_user.id, "n": safe_next(request.args.get("next")) or ""}
        return _redirect_to(provider, prompt="login")
    except (requests.RequestException, ValueError) as exc:
        return _unreachable(provider, exc)


def _redirect_to(provider: Provider, **params: str):
    # Authlib keeps each started sign-in (state, nonce, PKCE verifier) in the cookie for an hour; one at a
    # time is enough, and keeps a browser that starts many from outgrowing the 4 KB cookie.
    for key in [k for k in browser_session if k.startswith(f"_state_{provider.name}_")]:
        browser_session.pop(key)
    return client(provider).authorize_redirect(url_for("sso.callback", provider=provider.name, _external=True),
                                               **params)


@bp.get("/login/sso/<provider>/callback")
def callback(provider: str):
    provider = _provider_or_404(provider)
    try:
        discover(provider)
        token = client(provider).authorize_access_token()
    except MismatchingStateError:
        # Not a sign-in this browser started (an old or copied link, or a forged one): nothing is used.
        return _problem(provider, _("This answer from %(provider)s does not belong to a sign-in started in this "
                                    "browser, or was used already. Start again.", provider=provider.label), 400)
    except OAuthError as exc:
        if exc.error == "access_denied":
            return _problem(provider, _("%(provider)s did not sign you in: the request was declined.",
                                        provider=provider.label), 400)
        log.warning("identity provider %s refused the sign-in: %s", provider.name, exc)
        return _problem(provider, _("%(provider)s did not confirm the sign-in (the code may be used or expired). "
                                    "Start again.", provider=provider.label), 400)
    except JoseError as exc:
        log.warning("identity provider %s sent an ID token that does not verify: %s", provider.name, exc)
        return _problem(provider, _("The answer from %(provider)s could not be verified. Start again, or ask "
                                    "your administrator.", provider=provider.label), 400)
    except (requests.RequestException, ValueError) as exc:
        return _unreachable(provider, exc)
    claims = token.get("userinfo")  # the verified ID token's claims; Authlib checked signature, iss, aud, nonce
    if not claims:
        return _problem(provider, _("The answer from %(provider)s could not be verified. Start again, or ask "
                                    "your administrator.", provider=provider.label), 400)
    try:
        identity = services.identity_from_claims(claims, issuer=provider.issuer, mapping=provider.claims,
                                                 verified_domains=provider.verified_domains)
        confirming = browser_session.pop(CONFIRM_KEY, None)
        if confirming is not None:
            return _confirmed(provider, identity, confirming)
        user, outcome = services.sign_in_with_identity(session=get_session(), identity=identity,
                                                       create_accounts=provider.create_accounts,
                                                       preferred_language=ui_language())
    except ServiceError as exc:
        return _problem(provider, exc.message, exc.status)
    next_url = browser_session.get(NEXT_KEY) or None
    sign_in(user, remember=False)  # clears the cookie session: a new session at each sign-in
    browser_session[PROVIDER_KEY] = provider.name
    id_token = token.get("id_token") or ""
    if len(id_token) <= MAX_KEPT_ID_TOKEN:
        browser_session[ID_TOKEN_KEY] = id_token
    if outcome == "created":
        flash(_("Welcome to Empathy, %(name)s.", name=user.display_name), "success")
    return redirect(next_url or url_for("main.home"))


def _confirmed(provider: Provider, identity: services.Identity, confirming: dict):
    if not current_user.is_authenticated or current_user.id != confirming.get("u"):
        return _problem(provider, _("You are no longer signed in here: sign in, then try again."), 400)
    if not services.is_identity_of(session=get_session(), identity=identity, user_id=current_user.id):
        return _problem(provider, _("You signed in at %(provider)s as someone other than the person signed in "
                                    "here, so nothing was confirmed.", provider=provider.label), 403)
    mark_confirmed()
    return redirect(confirming.get("n") or url_for("main.home"))


@bp.get("/logout/sso")
def signed_out():
    """After the local sign-out (auth.logout sends a single sign-on session here): offer the provider's."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    provider = find(browser_session.pop(PROVIDER_KEY, "") or "")
    id_token = browser_session.pop(ID_TOKEN_KEY, None)
    if provider is None:
        return redirect(url_for("auth.login"))
    try:
        metadata = discover(provider)
    except (requests.RequestException, ValueError):
        metadata = {}
    provider_url = None
    if metadata.get("end_session_endpoint"):
        # OpenID Connect RP-Initiated Logout 1.0: the provider may send the browser back to our sign-in page.
        provider_url = client(provider).create_logout_url(
            post_logout_redirect_uri=url_for("auth.login", _external=True), id_token_hint=id_token,
            client_id=provider.client_id)["url"]
    return render_template("sso/signed_out.html", provider=provider, provider_url=provider_url)

