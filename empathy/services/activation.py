"""Single-use, expiring activation links for accounts created without a password."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask_babel import force_locale, lazy_gettext as _l
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlmodel import Session

from empathy.models import User
from empathy.services import NotFound, ServiceError
from empathy.services.mail import queue_mail
from empathy.services.passwords import check_password_rules, hash_password

SALT = "empathy.activation"
MAX_AGE = timedelta(days=7)
MAIL_KIND = "activation"


def _fingerprint(user: User, secret_key: str) -> str:
    # Changes as soon as a password is set, which is what makes a link single-use.
    state = f"{user.id}:{user.password_hash or ''}".encode()
    return hmac.new(secret_key.encode(), state, hashlib.sha256).hexdigest()[:24]


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def make_token(user: User, *, secret_key: str) -> str:
    """A signed token naming the user and the state of their password."""
    return _serializer(secret_key).dumps({"u": user.id, "f": _fingerprint(user, secret_key)})


def activation_url(user: User, *, secret_key: str, base_url: str) -> str:
    """The absolute link an employee opens to set their first password."""
    return f"{base_url.rstrip('/')}/activate/{make_token(user, secret_key=secret_key)}"


def needs_activation(user: User) -> bool:
    return user.password_hash is None


def check_token(*, session: Session, token: str, secret_key: str) -> User:
    """The user a live link belongs to; ServiceError when invalid, used or expired."""
    try:
        data = _serializer(secret_key).loads(token, max_age=int(MAX_AGE.total_seconds()))
    except SignatureExpired:
        raise ServiceError(str(_l("This activation link has expired. Ask an administrator for a new one."))) from None
    except BadData:
        raise ServiceError(str(_l("This activation link is not valid. Check that you copied all of it."))) from None
    user = session.get(User, data.get("u")) if isinstance(data, dict) and isinstance(data.get("u"), int) else None
    if user is None or not user.active:
        raise ServiceError(str(_l("This activation link is not valid. Check that you copied all of it.")))
    if not hmac.compare_digest(str(data.get("f", "")), _fingerprint(user, secret_key)):
        raise ServiceError(
            str(_l("This activation link has already been used. Sign in with your password, or ask an administrator for a new link."))
        )
    return user


def activate_account(*, session: Session, token: str, password: str, secret_key: str) -> User:
    """Set the first password through a live link; the link stops working at once."""
    user = check_token(session=session, token=token, secret_key=secret_key)
    check_password_rules(password)
    user.password_hash = hash_password(password)
    session.add(user)
    session.commit()
    return user


def queue_activation_mail(session: Session, user: User, *, secret_key: str, base_url: str) -> str:
    """Queue the activation e-mail in the user's language (else English); the caller commits."""
    url = activation_url(user, secret_key=secret_key, base_url=base_url)
    with force_locale(user.preferred_language or "en"):
        subject = str(_l("Activate your Empathy account"))
        body = str(_l(
            "Hello %(name)s,\n\n"
            "An account on Empathy, our skills-based volunteering platform, has been created for you.\n"
            "Open this link to choose your password (it works once and expires in %(days)d days):\n\n"
            "%(url)s\n\n"
            "If you did not expect this message, you can ignore it.",
            name=user.display_name, days=MAX_AGE.days, url=url,
        ))
    queue_mail(session, to=user.email, subject=subject, body=body, kind=MAIL_KIND)
    return url


def activation_link_for(*, session: Session, user_id: int, secret_key: str, base_url: str) -> tuple[User, str]:
    """The live activation link of a user who has not set a password yet."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(str(_l("This user does not exist.")))
    if not needs_activation(user):
        raise ServiceError(str(_l("%(name)s has already set a password.", name=user.display_name)))
    return user, activation_url(user, secret_key=secret_key, base_url=base_url)


def resend_activation_mail(*, session: Session, user_id: int, secret_key: str, base_url: str) -> User:
    """Queue the activation e-mail again for a user who has not set a password yet."""
    user, _url = activation_link_for(session=session, user_id=user_id, secret_key=secret_key, base_url=base_url)
    queue_activation_mail(session, user, secret_key=secret_key, base_url=base_url)
    session.commit()
    return user
