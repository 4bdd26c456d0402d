"""Sign in, register, sign out and change password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from empathy.auth import current_session_token, me, sign_in
from empathy.db import get_session
from empathy.extensions import limiter
from empathy.forms.auth import ChangePasswordForm, LoginForm, RegisterForm
from empathy.services import ServiceError
from empathy.services import auth as auth_service
from empathy.urls import safe_next

bp = Blueprint("auth", __name__)


def _failed(response) -> bool:
    # Only failures count: a successful sign-in or registration redirects.
    return response.status_code != 302


def _account_key() -> str:
    return "login-account:" + auth_service.normalize_email(request.form.get("email", ""))


def _login_limit() -> str:
    return current_app.config["LOGIN_FAILURE_LIMITS"]


def _account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_FAILURE_LIMITS"]


def _register_limit() -> str:
    return current_app.config["REGISTER_LIMITS"]


def _after_login():
    return redirect(safe_next(request.args.get("next")) or url_for("main.home"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_account_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = auth_service.authenticate(
            session=get_session(), email=form.email.data, password=form.password.data
        )
        if user is not None:
            sign_in(user, remember=form.remember.data)
            return _after_login()
        # One message for every failure: it must not tell whether the email has an account.
        form.form_errors.append(_("The email or password is not correct."))
    return render_template("auth/login.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = auth_service.create_user(
                session=get_session(),
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
        except ServiceError as exc:
            getattr(form, exc.field or "email").errors.append(exc.message)
        else:
            sign_in(user, remember=False)
            flash(_("Welcome to Empathy, %(name)s.", name=user.display_name), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/register.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    token = current_session_token()
    if token:
        auth_service.end_session(session=get_session(), token=token)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            auth_service.change_password(
                session=get_session(),
                user=me(),
                current=form.current_password.data,
                new=form.new_password.data,
            )
        except ServiceError as exc:
            getattr(form, exc.field or "new_password").errors.append(exc.message)
        else:
            # Every session ended, this one included: sign in again with the new password.
            sign_in(me(), remember=False)
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)
