"""Flask-Login wiring and the one role check used by every view."""

from __future__ import annotations

import time
from functools import wraps

from flask import Flask, abort, current_app, g
from flask import session as cookie
from flask_login import current_user, login_user

from empathy.accounts.services import auth as auth_service
from empathy.accounts.services import settings
from empathy.accounts.throttling import remember_device
from empathy.core.db import get_session
from empathy.extensions import login_manager
from empathy.models import User


def init_login(app: Flask) -> None:
    login_manager.user_loader(_load_user)
    login_manager.login_message = None


def _policy() -> auth_service.SessionPolicy:
    return auth_service.SessionPolicy(
        idle=current_app.config["SESSION_IDLE_TIMEOUT"],
        absolute=current_app.config["SESSION_ABSOLUTE_TIMEOUT"],
    )


def _load_user(token: str) -> User | None:
    user = auth_service.load_session_user(session=get_session(), token=token, policy=_policy())
    if user is not None:
        g.auth_session_token = token
    return user


def sign_in(user: User, *, remember: bool) -> None:
    """Start a new server-side session for the user and bind this browser to it."""
    lang = cookie.get("lang")
    cookie.clear()  # a new session at login: nothing from before carries over ...
    if lang:
        cookie["lang"] = lang  # ... but the language the visitor chose with the switch
        if lang in current_app.config["LANGUAGES"] and lang != user.preferred_language:
            # The latest choice wins: it becomes the account's, as the switch does for a signed-in user.
            settings.set_preferred_language(session=get_session(), user=user, code=lang)
    token = g.auth_session_token = auth_service.start_session(session=get_session(), user=user)
    login_user(user, remember=remember)
    # Flask-Login keeps user.get_id() (the row id) as the cookie's user id, for the user loader and
    # the remember-me cookie. Ours is the server-side session's token, which logout revokes.
    cookie["_user_id"] = token
    mark_confirmed()  # signing in proves who one is, as a confirmation does
    # This browser now knows the password (and code): someone else's failures must not stop it.
    remember_device(user.email)


# When this browser last proved who is using it (a sign-in, or signing in again at the identity provider
# to confirm a sensitive step), in seconds since the epoch; kept in the signed session cookie.
CONFIRMED_AT_KEY = "confirmed_at"
CONFIRMED_FOR = 300  # seconds a confirmation stands for: as GitHub's "sudo mode" and the two-factor step


def mark_confirmed() -> None:
    """Record that the person at this browser has just proved who they are."""
    cookie[CONFIRMED_AT_KEY] = int(time.time())


def recently_confirmed(max_age: int = CONFIRMED_FOR) -> bool:
    """Whether the person at this browser proved who they are within `max_age` seconds (sign-in included).

    For accounts with no password (single sign-on): the steps that ask others for their current password
    (deleting the account) ask them to sign in again at their identity provider instead."""
    at = cookie.get(CONFIRMED_AT_KEY)
    return isinstance(at, int) and 0 <= time.time() - at <= max_age


def current_session_token() -> str | None:
    return g.get("auth_session_token")


def role_required(*roles: str):
    """Allow signed-in users with one of the roles (admins pass every role check)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role != "admin" and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def me() -> User:
    """The signed-in user as a model instance (services need the object, not the proxy)."""
    return current_user._get_current_object()
