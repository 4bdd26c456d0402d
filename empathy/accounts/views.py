"""Sign in, register, sign out, change password and reset a forgotten one."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser_session
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from empathy.accounts import throttling
from empathy.accounts.forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, RegisterForm, SetPasswordForm
from empathy.accounts.login import current_session_token, me, sign_in
from empathy.accounts.services import auth as auth_service
from empathy.accounts.services import password_reset, registration, two_factor
from empathy.accounts.two_factor_views import start_code_step
from empathy.core import web
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.i18n import ui_language
from empathy.core.runtime import after_response
from empathy.core.urls import safe_next
from empathy.core.web import form_error
from empathy.extensions import limiter

bp = Blueprint("auth", __name__)
web.init_blueprint(bp)


def _register_limit() -> str:
    return current_app.config["REGISTER_LIMITS"]


def _after_login():
    return redirect(safe_next(request.args.get("next")) or url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = throttling.sign_in_attempt(form.email.data)  # 429 when this client may not try now
        user = auth_service.authenticate(
            session=get_session(), email=form.email.data, password=form.password.data
        )
        if user is not None:
            attempt.refund()  # only failures count
            if two_factor.is_enabled(get_session(), user):
                return start_code_step(user, remember=form.remember.data, next_url=safe_next(request.args.get("next")),
                                       secret_key=current_app.config["SECRET_KEY"])
            sign_in(user, remember=form.remember.data)
            return _after_login()
        # One message for every failure: it must not tell whether the email has an account.
        form.form_errors.append(_("The email or password is not correct."))
    return render_template("auth/login.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"], key_func=throttling.client_address)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form, policy = RegisterForm(), registration.current_policy(get_session())
    if form.validate_on_submit():
        try:
            user = registration.register(
                session=get_session(),
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
                # The language the visitor was reading (their switch, else their browser's): the guided
                # profile and everything after it stay in it, and so does the mail the account gets.
                preferred_language=ui_language(),
            )
        except ServiceError as exc:
            form_error(form, exc, "email")
        else:
            sign_in(user, remember=False)
            flash(_("Welcome to Empathy, %(name)s.", name=user.display_name), "success")
            return redirect(url_for("employees.welcome", step=1))  # the guided profile, skills first
    return render_template("auth/register.html", form=form, policy=policy,
                           closed=registration.refusal(policy) if policy.mode == "off" else None)


@bp.post("/logout")
@login_required
def logout():
    token = current_session_token()
    if token:
        auth_service.end_session(session=get_session(), token=token)
    logout_user()
    flash(_("You are signed out."), "info")
    if browser_session.get("sso_provider"):  # signed in through an identity provider: offer its sign-out too
        return redirect(url_for("sso.signed_out"))
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            calendar_token = auth_service.change_password(
                session=get_session(),
                user=me(),
                current=form.current_password.data,
                new=form.new_password.data,
            )
        except ServiceError as exc:
            form_error(form, exc, "new_password")
        else:
            # Every session ended, this one included: sign in again with the new password.
            sign_in(me(), remember=False)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            if calendar_token:
                return _renewed_calendar_link(calendar_token, signed_out=False)
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


def _renewed_calendar_link(token: str, *, signed_out: bool):
    """The calendar link a new password replaced, shown on this response only (never flashed: the session
    cookie is signed, not encrypted), as the page that makes a link shows it."""
    url = url_for("workflow.calendar_feed", token=token, _external=True)
    return render_template("workflow/calendar_link.html", url=url, renewed=True, signed_out=signed_out)


RESET_TOKEN_KEY = "reset_token"


@bp.route("/forgot", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        email = form.email.data
        device = throttling.reset_request(email)  # 429 past the limit per address
        # Counting mails per account, looking the address up and queueing the mail happen after the
        # response: the answer is the same page in the same time whether or not the address has an
        # account, and whether or not a mail goes out.
        after_response(lambda: _send_reset_link(email, device))
        return render_template("auth/forgot.html", form=None, minutes=password_reset.LINK_MINUTES)
    return render_template("auth/forgot.html", form=form)


def _send_reset_link(email: str, device: str | None) -> None:
    if not throttling.may_mail_reset_link(email, device):
        return
    password_reset.request_reset(session=get_session(), email=email, secret_key=current_app.config["SECRET_KEY"],
                                 base_url=current_app.config["BASE_URL"])


@bp.get("/reset/<token>")
def reset_link(token: str):
    # As Django does: the token moves into the signed session cookie, so the page where the
    # password is typed has no secret in its address (history, screenshots, Referer).
    browser_session[RESET_TOKEN_KEY] = token
    return redirect(url_for("auth.reset_password"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_password():
    token = browser_session.get(RESET_TOKEN_KEY, "")
    secret = current_app.config["SECRET_KEY"]
    try:
        user = password_reset.check_token(session=get_session(), token=token, secret_key=secret)
    except ServiceError as exc:
        return render_template("auth/reset.html", problem=exc.message, form=None), 400
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            _user, calendar_token = password_reset.reset_password(
                session=get_session(), token=token, password=form.password.data, secret_key=secret)
        except ServiceError as exc:
            form_error(form, exc, "password")
        else:
            # The link proved the mailbox: this browser may sign in even while the account is
            # throttled for unknown browsers.
            throttling.remember_device(user.email)
            browser_session.pop(RESET_TOKEN_KEY, None)
            if current_session_token():  # someone else may be signed in in this browser
                auth_service.end_session(session=get_session(), token=current_session_token())
            logout_user()
            flash(_("Your password is changed and every device is signed out. Sign in with your new password."),
                  "success")
            if calendar_token:  # this browser proved the mailbox, as a sign-in would: it sees the new link once
                return _renewed_calendar_link(calendar_token, signed_out=True)
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", problem=None, form=form, user=user)
