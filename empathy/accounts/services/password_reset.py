"""Self-service password reset: a mailed, signed, single-use link that expires within the hour."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from empathy.accounts.services import password_links as links
from empathy.accounts.services.auth import find_user_by_email
from empathy.accounts.services.password_links import LinkKind
from empathy.core.db import begin_write, retrying
from empathy.core.mail import queue_mail, render_mail
from empathy.models import User

MAIL_KIND = "password_reset"
LINK = LinkKind(
    salt="empathy.password-reset",
    max_age=timedelta(hours=1),
    path="reset",
    expired=_l("This reset link has expired. Ask for a new one."),
    invalid=_l("This reset link is not valid. Check that you copied all of it, or ask for a new one."),
    used=_l("This reset link has already been used. Sign in with your new password, or ask for a new link."),
    audit_action="password_reset",
)
LINK_MINUTES = int(LINK.max_age.total_seconds() // 60)


@retrying
def request_reset(*, session: Session, email: str, secret_key: str, base_url: str) -> bool:
    """Mail a reset link when an active account has this address. Commits.

    The caller must answer the same way whatever this returns: whether an address has an account
    is not for anyone to learn from this form.
    """
    begin_write(session)
    user = find_user_by_email(session, email)
    if user is None or not user.active:
        return False
    url = links.link_url(LINK, user, secret_key=secret_key, base_url=base_url)
    language = user.preferred_language or "en"
    with force_locale(language):
        subject = str(_l("Reset your Empathy password"))
        body, html = render_mail("password_reset", language, name=user.display_name, minutes=LINK_MINUTES, url=url)
    queue_mail(session, to=user.email, subject=subject, body=body, html=html, kind=MAIL_KIND, language=language)
    session.commit()
    return True


def check_token(*, session: Session, token: str, secret_key: str) -> User:
    """The user a live reset link belongs to; ServiceError when invalid, used or expired."""
    return links.check_token(LINK, session=session, token=token, secret_key=secret_key)


def reset_password(*, session: Session, token: str, password: str, secret_key: str) -> tuple[User, str | None]:
    """Set a new password through a live link; every session and API token of the user ends, and their
    calendar link gets a new secret. Returns the user and that link's new token (or None). Commits."""
    return links.set_password(LINK, session=session, token=token, password=password, secret_key=secret_key)
