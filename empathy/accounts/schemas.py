"""The API's bodies for tokens and the caller's account, and the presenter of a user."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from empathy.api.schemas import Model, Out, Str
from empathy.models import User


class TokenRequest(Model):
    email: Str = Field(min_length=1, max_length=254)
    password: Str = Field(min_length=1, max_length=256)
    name: Str = Field(default="", max_length=100, description="A name to recognise the token by.")
    otp: Str = Field(default="", max_length=32, description="For accounts with two-factor sign-in: the code from "
                                                            "the authenticator app, or a recovery code.")


class TokenOut(Out):
    token: str
    expires_at: datetime


class UserOut(Out):
    id: int
    email: str
    display_name: str
    role: Literal["employee", "coordinator", "admin"]
    preferred_language: str | None = None


def user_out(u: User) -> UserOut:
    return UserOut(id=u.id, email=u.email, display_name=u.display_name, role=u.role,
                   preferred_language=u.preferred_language)
