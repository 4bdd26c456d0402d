"""Bearer-token sign-in for the API. The session cookie is never looked at here."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, g, request
from flask_babel import gettext as _

from empathy.accounts.services import tokens as token_service
from empathy.accounts.services import two_factor
from empathy.api.problems import problem
from empathy.core.db import get_session
from empathy.models import User

PUBLIC_ATTR = "_api_public"
ROLES_ATTR = "_api_roles"
BEARER = [{"bearer": []}]


def public(view: Callable) -> Callable:
    """Mark a view that needs no token (flask-openapi3 copies the mark onto its wrapper)."""
    setattr(view, PUBLIC_ATTR, True)
    return view


def roles(*names: str) -> Callable:
    """Allow only these roles (admins pass every check), answered 403 before the body is read."""

    def mark(view: Callable) -> Callable:
        setattr(view, ROLES_ATTR, names)
        return view

    return mark


def _bearer() -> str | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def authenticate_request():
    """before_request of the API blueprint: 401 without a live token, 403 for the wrong role."""
    g.api_user = None
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or getattr(view, PUBLIC_ATTR, False):
        return None
    secret = _bearer()
    user = None
    if secret:
        user = token_service.load_token_user(session=get_session(), secret=secret,
                                             secret_key=current_app.config["SECRET_KEY"])
    if user is None:
        return problem(401, _("Send a valid personal access token: Authorization: Bearer <token>."),
                       headers={"WWW-Authenticate": 'Bearer realm="empathy"'})
    if user.role in current_app.config["TWO_FACTOR_REQUIRED_ROLES"] and not two_factor.is_enabled(get_session(), user):
        # A token made before the role required two-factor sign-in stops working until it is set up.
        return problem(401, _("Set up two-factor sign-in in the web app first: your role requires it."),
                       headers={"WWW-Authenticate": 'Bearer realm="empathy"'})
    g.api_user = user
    allowed = getattr(view, ROLES_ATTR, None)
    if allowed and user.role != "admin" and user.role not in allowed:
        return problem(403, _("Your role does not allow this."))
    return None


def caller() -> User:
    """The user of this API request's token."""
    return g.api_user
