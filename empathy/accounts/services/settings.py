"""Account settings a user changes for themselves."""

from __future__ import annotations

from sqlmodel import Session

from empathy.core.db import begin_write, retrying
from empathy.models import User


@retrying
def set_preferred_language(*, session: Session, user: User, code: str) -> None:
    """Keep the user's interface language. Commits."""
    begin_write(session)
    user.preferred_language = code
    session.add(user)
    session.commit()
