"""SSO-only mode at the web edge: the password pages and the password token operation refuse everyone
but the break-glass administrators. Registration, activation and setting a password say where to sign in
instead; sign-in, "forgot your password" and the token exchange answer as they answer a wrong password or
an unknown address, so that they do not tell which addresses are the break-glass administrators'.

One hook for the whole app (like the security headers), so the accounts pages stay unaware of single
sign-on; GATED names every endpoint it closes, and a test checks that each one exists."""

from __future__ import annotations

from flask import Flask, current_app, render_template, request
from flask import session as browser_session
from flask_babel import gettext as _
from flask_login import current_user

from empathy.accounts import throttling
from empathy.accounts.forms import ForgotPasswordForm, LoginForm
from empathy.accounts.services import password_reset
from empathy.accounts.services.passwords import verify_password
from empathy.api.problems import problem
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.sso import policy
from empathy.sso.providers import providers

RESET_TOKEN_KEY = "reset_token"
# Endpoints that take or set a password. Each is open to break-glass administrators only.
GATED = ("auth.login", "auth.register", "auth.forgot_password", "auth.reset_link", "auth.reset_password",
         "auth.change_password", "activation.activate", "api.create_token")


def init_app(app: Flask) -> None:
    app.before_request(_gate)


def _break_glass() -> list[str]:
    return current_app.config.get("SSO_BREAK_GLASS_EMAILS") or []


def passwords_off_message() -> str:
    return _("Passwords are turned off here: sign in with your organisation's account. Only break-glass "
             "administrators sign in with a password.")


def _passwords_off_page():
    return render_template("sso/passwords_off.html", providers=providers(), message=passwords_off_message()), 403


def _allowed(endpoint: str) -> bool:
    session = get_session()
    if endpoint in ("auth.login", "auth.forgot_password"):
        # The form is shown (break-glass administrators use it); a POST goes ahead only for their addresses.
        return request.method != "POST" or policy.may_use_password(session, request.form.get("email", ""),
                                                                   _break_glass())
    if endpoint == "auth.reset_link":
        return True  # it only moves the token into the session; the reset page decides
    if endpoint == "auth.reset_password":
        try:
            user = password_reset.check_token(session=session, token=_reset_token(),
                                              secret_key=current_app.config["SECRET_KEY"])
        except ServiceError:
            return True  # the page itself says the link is not valid
        return policy.is_break_glass(user, _break_glass())
    if endpoint == "auth.change_password":
        return not current_user.is_authenticated or policy.is_break_glass(current_user, _break_glass())
    if endpoint == "api.create_token":
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
        return not isinstance(email, str) or policy.may_use_password(session, email, _break_glass())
    return False  # registration and activation: accounts come from the identity provider


def _reset_token() -> str:
    # Where accounts.views.RESET_TOKEN_KEY keeps the reset link's token (tests/sso checks they agree).
    return browser_session.get(RESET_TOKEN_KEY, "")


def _gate():
    if not current_app.config.get("SSO_ONLY") or request.endpoint not in GATED:
        return None
    if _allowed(request.endpoint):
        return None
    # The password forms and the token exchange answer an address that may not use a password exactly as
    # they answer a wrong password or an unknown address (the same page, status, counting and cost), so that
    # nobody can find out which addresses are the break-glass administrators'. Their pages say that
    # passwords are off for everyone else.
    if request.endpoint == "api.create_token":
        return _token_refused()
    if request.endpoint == "auth.login":
        return _as_a_wrong_password()
    if request.endpoint == "auth.forgot_password":
        return _as_an_unknown_address()
    return _passwords_off_page()


def _as_a_wrong_password():
    form = LoginForm()
    if not form.validate_on_submit():
        return None  # the sign-in page shows what is missing, as for anyone
    throttling.sign_in_attempt(form.email.data)  # counted as a failure is, never refunded (429 past the limit)
    verify_password(None, form.password.data)  # as long as checking a password takes
    form.form_errors.append(_("The email or password is not correct."))
    return render_template("auth/login.html", form=form)


def _as_an_unknown_address():
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        return None
    throttling.reset_request(form.email.data)
    return render_template("auth/forgot.html", form=None, minutes=password_reset.LINK_MINUTES)


def _token_refused():
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("password"), str):
        return None  # the API's own validation answers (422)
    throttling.sign_in_attempt(body["email"], api=True)
    verify_password(None, body["password"])
    return problem(401, _("The email or password is not correct."))
