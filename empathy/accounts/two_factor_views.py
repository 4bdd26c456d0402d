"""Two-factor sign-in: the code step after the password, and the settings page that turns it on and off."""

from __future__ import annotations

import time

import segno
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser_session
from flask_babel import gettext as _
from flask_login import current_user, login_required

from empathy.accounts import throttling
from empathy.accounts.forms import DisableTwoFactorForm, SetupCodeForm, TwoFactorCodeForm
from empathy.accounts.login import me, sign_in
from empathy.accounts.services import two_factor as service
from empathy.accounts.services.password_links import password_fingerprint
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.runtime import totp_keys
from empathy.core.urls import safe_next
from empathy.core.web import form_error
from empathy.models import User

bp = Blueprint("two_factor", __name__)
web.init_blueprint(bp)

PENDING = "2fa_pending"  # {"u": user id, "t": when the password was right, "r": remember me, "n": next}
SETUP = "2fa_setup"  # the new secret, until a code proves the app has it
PENDING_FOR = 300  # seconds between the password and the code


def start_code_step(user: User, *, remember: bool, next_url: str | None, secret_key: str):
    """After a right password: remember who is half signed in and ask for the code."""
    # "f" ties the step to this password: a reset or change in between makes it void.
    browser_session[PENDING] = {"u": user.id, "t": int(time.time()), "r": bool(remember), "n": next_url or "",
                                "f": password_fingerprint(user, secret_key)}
    return redirect(url_for("two_factor.login_code"))


def _pending() -> dict | None:
    pending = browser_session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("t", 0) > PENDING_FOR:
        return None
    return pending


def _check(user: User, code: str) -> bool:
    """Whether the code is right; 429 first when this client has had too many wrong ones."""
    attempt = throttling.code_attempt(user)
    try:
        ok = service.verify(session=get_session(), user=user, code=code, keys=totp_keys())
    except service.KeyUnavailable:
        attempt.refund()  # the server's missing key is no guess of the client's
        raise
    if ok:
        attempt.refund()  # only wrong codes count
    return ok


# Where someone who must set up two-factor sign-in may still go before they have.
SETUP_ALLOWED = frozenset({"two_factor.settings", "two_factor.begin_setup", "two_factor.confirm_setup",
                           "auth.logout", "main.set_language", "static"})


@bp.before_app_request
def require_two_factor():
    """Send signed-in users whose role must use two-factor sign-in to set it up first (TWO_FACTOR_REQUIRED_ROLES)."""
    required = current_app.config["TWO_FACTOR_REQUIRED_ROLES"]
    if not required or request.endpoint in SETUP_ALLOWED or request.blueprint == "api":
        return None
    if not current_user.is_authenticated or current_user.role not in required:
        return None
    if service.is_enabled(get_session(), me()):
        return None
    flash(_("Your organisation asks you to use two-factor sign-in. Set it up to go on."), "info")
    return redirect(url_for("two_factor.settings"))


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    pending = _pending()
    user = get_session().get(User, pending["u"]) if pending else None
    if user is None or not user.active or pending.get("f") != password_fingerprint(
            user, current_app.config["SECRET_KEY"]):
        browser_session.pop(PENDING, None)
        flash(_("Sign in again: the code must follow the password within five minutes."), "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if _check(user, form.code.data):
            sign_in(user, remember=pending["r"])
            left = service.recovery_codes_left(get_session(), user)
            if left <= 3:
                flash(_("You have %(n)d recovery codes left. Make new ones on the two-factor page.", n=left), "warning")
            return redirect(safe_next(pending["n"]) or url_for("main.home"))
        form.code.errors = [*form.code.errors, _("This code is not right.")]
    return render_template("auth/login_code.html", form=form)


@bp.get("/account/two-factor")
@login_required
def settings():
    row = service.get(get_session(), me().id)
    return render_template("auth/two_factor.html", row=row, form=TwoFactorCodeForm(),
                           disable_form=_disable_form(), has_password=me().password_hash is not None)


def _disable_form() -> DisableTwoFactorForm:
    # An account without a password (single sign-on) turns two-factor sign-in off with a code alone.
    form = DisableTwoFactorForm()
    if me().password_hash is None:
        del form.password
    return form


@bp.post("/account/two-factor/setup")
@login_required
def begin_setup():
    if service.is_enabled(get_session(), me()):
        return redirect(url_for("two_factor.settings"))
    if me().password_hash is None:
        # Signing in through the identity provider never asks for our code: a second factor belongs there.
        flash(_("You sign in with your organisation's account: set up a second factor there."), "info")
        return redirect(url_for("two_factor.settings"))
    browser_session[SETUP] = service.new_secret()
    return redirect(url_for("two_factor.confirm_setup"))


@bp.route("/account/two-factor/confirm", methods=["GET", "POST"])
@login_required
def confirm_setup():
    secret = browser_session.get(SETUP)
    if not secret or service.is_enabled(get_session(), me()):
        return redirect(url_for("two_factor.settings"))
    form = SetupCodeForm()
    if form.validate_on_submit():
        try:
            codes = service.enable(session=get_session(), user=me(), secret=secret, code=form.code.data,
                                   keys=totp_keys(), base_url=current_app.config["BASE_URL"])
        except ServiceError as exc:
            form_error(form, exc, "code")
        else:
            browser_session.pop(SETUP, None)
            sign_in(me(), remember=False)  # every other session ended: this one starts afresh
            flash(_("Two-factor sign-in is on. Other devices are signed out."), "success")
            return render_template("auth/recovery_codes.html", codes=codes)
    uri = service.provisioning_uri(secret, me())
    qr = segno.make(uri, error="m").svg_inline(scale=5, border=2)
    return render_template("auth/two_factor_setup.html", form=form, qr=qr, secret=secret)


@bp.post("/account/two-factor/recovery-codes")
@login_required
def new_recovery_codes():
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if not _check(me(), form.code.data):
            flash(_("This code is not right."), "error")
        else:
            codes = service.regenerate_recovery_codes(session=get_session(), user=me())
            return render_template("auth/recovery_codes.html", codes=codes)
    return redirect(url_for("two_factor.settings"))


@bp.post("/account/two-factor/disable")
@login_required
def disable():
    form = _disable_form()
    if form.validate_on_submit():
        attempt = throttling.code_attempt(me())  # a wrong password counts as much as a wrong code
        password = form.password.data if "password" in form else None
        try:
            service.disable(session=get_session(), user=me(), password=password, code=form.code.data,
                            keys=totp_keys(), base_url=current_app.config["BASE_URL"])
        except ServiceError as exc:
            if isinstance(exc, service.KeyUnavailable):
                attempt.refund()  # a wrong password counts as much as a wrong code; the server's missing key does not
            form_error(form, exc, "code")
        else:
            attempt.refund()
            flash(_("Two-factor sign-in is off."), "success")
            return redirect(url_for("two_factor.settings"))
    row = service.get(get_session(), me().id)
    return render_template("auth/two_factor.html", row=row, form=TwoFactorCodeForm(), disable_form=form,
                           has_password=me().password_hash is not None), 200
