"""Tokens for the API, and the account a token belongs to."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from empathy.accounts import schemas as s
from empathy.accounts import throttling
from empathy.accounts.services import tokens as token_service
from empathy.accounts.services import two_factor
from empathy.api import answers, bp, ok
from empathy.api.auth import BEARER, caller, public
from empathy.api.problems import problem
from empathy.api.schemas import Problem
from empathy.api.tags import ACCOUNT
from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.runtime import totp_keys


@bp.post("/auth/token", tags=[ACCOUNT], responses={200: s.TokenOut, 401: Problem, 403: Problem, 413: Problem,
                                                    422: Problem, 429: Problem, 503: Problem})
@public
def create_token(body: s.TokenRequest):
    """Exchange an email and password (and, with two-factor sign-in, a code) for a token valid for 30 days.

    Failed attempts are counted per address, per account and address, and per account (429 with
    Retry-After past a limit); 503 with Retry-After when they cannot be counted just now. When the
    installation is "single sign-on only", only break-glass administrators may use a password: any other
    address gets the same 401 as a wrong password (sign in through the identity provider and create a token
    on the API tokens page instead).
    """
    attempt = throttling.sign_in_attempt(body.email, api=True)
    try:
        made = token_service.issue_token(session=get_session(), email=body.email, password=body.password,
                                         secret_key=current_app.config["SECRET_KEY"], totp_keys=totp_keys(),
                                         name=body.name, otp=body.otp,
                                         required_roles=tuple(current_app.config["TWO_FACTOR_REQUIRED_ROLES"]))
    except ServiceError as exc:
        if isinstance(exc, two_factor.KeyUnavailable):
            attempt.refund()  # the server's missing key is no guess of the client's
        return problem(401, exc.message)
    if made is None:
        return problem(401, _("The email or password is not correct."))
    attempt.refund()  # only failures count
    row, secret = made
    return ok(s.TokenOut(token=secret, expires_at=row.expires_at))


@bp.get("/me", tags=[ACCOUNT], security=BEARER, responses=answers(200, s.UserOut))
def get_me():
    """The account the token belongs to."""
    return ok(s.user_out(caller()))
