"""Single-use, expiring activation links for accounts created without a password."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from markupsafe import escape
from sqlmodel import Session

from empathy.accounts.services import password_links as links
from empathy.accounts.services.password_links import LinkKind
from empathy.core.db import begin_write, bulk_insert, retrying, utcnow
from empathy.core.errors import NotFound, ServiceError
from empathy.core.mail import queue_inserted, queue_mail, render_mail
from empathy.models import OutboxMessage, User

MAIL_KIND = "activation"
LINK = LinkKind(
    salt="empathy.activation",
    max_age=timedelta(days=7),
    path="activate",
    expired=_l("This activation link has expired. Ask an administrator for a new one."),
    invalid=_l("This activation link is not valid. Check that you copied all of it."),
    used=_l("This activation link has already been used. "
            "Sign in with your password, or ask an administrator for a new link."),
)
MAX_AGE = LINK.max_age


def make_token(user: User, *, secret_key: str) -> str:
    """A signed token naming the user and the state of their password."""
    return links.make_token(LINK, user, secret_key=secret_key)


def activation_url(user: User, *, secret_key: str, base_url: str) -> str:
    """The absolute link an employee opens to set their first password."""
    return links.link_url(LINK, user, secret_key=secret_key, base_url=base_url)


def needs_activation(user: User) -> bool:
    return user.password_hash is None


def check_token(*, session: Session, token: str, secret_key: str) -> User:
    """The user a live link belongs to; ServiceError when invalid, used or expired."""
    return links.check_token(LINK, session=session, token=token, secret_key=secret_key)


def activate_account(*, session: Session, token: str, password: str, secret_key: str) -> User:
    """Set the first password through a live link; the link stops working at once."""
    user, _calendar_token = links.set_password(LINK, session=session, token=token, password=password,
                                               secret_key=secret_key)
    return user


def _activation_message(name: str, url: str, language: str) -> tuple[str, str, str | None]:
    """The subject, text and HTML of the activation e-mail (templates mail/activation.*) in `language`."""
    with force_locale(language):
        subject = str(_l("Activate your Empathy account"))
        text, html = render_mail("activation", language, name=name, url=url, days=MAX_AGE.days)
    return subject, text, html


def queue_activation_mail(session: Session, user: User, *, secret_key: str, base_url: str) -> str:
    """Queue the activation e-mail in the user's language (else English); the caller commits."""
    url = activation_url(user, secret_key=secret_key, base_url=base_url)
    language = user.preferred_language or "en"
    subject, body, html = _activation_message(user.display_name, url, language)
    queue_mail(session, to=user.email, subject=subject, body=body, html=html, kind=MAIL_KIND, language=language)
    return url


class NewAccount(Protocol):
    """What an activation link and its e-mail read of an account (a User, or a lighter record of one)."""

    id: int
    email: str
    display_name: str
    preferred_language: str | None
    password_hash: str | None
    created_at: datetime


class _Marker:
    display_name = "\x00name\x00"
    url = "\x00url\x00"


def queue_activation_mails(session: Session, users: Sequence[NewAccount], *, secret_key: str,
                           base_url: str) -> tuple[list[int], list[tuple[str, str, str]]]:
    """Queue the activation e-mails of many new accounts with bulk INSERTs (an import of thousands).

    The same messages as `queue_activation_mail`, each in its user's language. Returns the outbox ids
    and (email, name, link) per user, in order. The caller commits; its commit queues their delivery
    (`deliver_batch`, as for any e-mail)."""
    rows = []
    now = utcnow()
    by_language: dict[str, list[tuple[NewAccount, str]]] = {}
    urls = links.link_urls(LINK, users, secret_key=secret_key, base_url=base_url)
    for user, url in zip(users, urls):
        by_language.setdefault(user.preferred_language or "en", []).append((user, url))
    for language, group in by_language.items():
        # Rendered once per language around two markers, which each user's link and name replace (the file
        # cannot hold a NUL, so no name contains a marker); in the HTML part, escaped.
        subject, body, html = _activation_message(_Marker.display_name, _Marker.url, language)
        for user, url in group:
            text = body.replace(_Marker.url, url).replace(_Marker.display_name, user.display_name)
            page = (html.replace(_Marker.url, str(escape(url))).replace(_Marker.display_name,
                                                                       str(escape(user.display_name)))
                    if html is not None else None)
            rows.append({"to_address": user.email, "subject": subject, "body": text, "html_body": page,
                         "kind": MAIL_KIND, "status": "queued", "created_at": now})
    ids = [row[0] for row in bulk_insert(session, OutboxMessage.__table__, rows, returning=("id",))]
    queue_inserted(session, ids)  # delivered by deliver_batch tasks once the caller commits
    return ids, [(user.email, user.display_name, url) for user, url in zip(users, urls)]


def activation_link_for(*, session: Session, user_id: int, secret_key: str, base_url: str) -> tuple[User, str]:
    """The live activation link of a user who has not set a password yet."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(str(_l("This user does not exist.")))
    if not needs_activation(user):
        raise ServiceError(str(_l("%(name)s has already set a password.", name=user.display_name)))
    return user, activation_url(user, secret_key=secret_key, base_url=base_url)


@retrying
def resend_activation_mail(*, session: Session, user_id: int, secret_key: str, base_url: str) -> User:
    """Queue the activation e-mail again for a user who has not set a password yet. Commits."""
    begin_write(session)
    user, _url = activation_link_for(session=session, user_id=user_id, secret_key=secret_key, base_url=base_url)
    queue_activation_mail(session, user, secret_key=secret_key, base_url=base_url)
    session.commit()
    return user
