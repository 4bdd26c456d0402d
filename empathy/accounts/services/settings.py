"""Account settings a user changes for themselves."""

from __future__ import annotations

from sqlmodel import Session

from empathy.models import User


def set_preferred_language(*, session: Session, user: User, code: str) -> None:
    user.preferred_language = code
    session.add(user)
    session.commit()
