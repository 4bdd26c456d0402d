"""From a provider's verified claims to a local account: find it by its link, link it by a verified
e-mail address, or create it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from empathy.accounts.services.auth import find_user_by_email, normalize_email
from empathy.core import audit
from empathy.core.db import begin_write, retrying, utcnow
from empathy.core.errors import Conflict, Forbidden, ServiceError
from empathy.core.text import fold
from empathy.models import EmployeeProfile, ExternalIdentity, Site, User
from empathy.models.profile_schemas import MAX_DEPARTMENT
from empathy.models.sso import MAX_ISSUER, MAX_SUBJECT

# Our names for what a provider tells, and the claim that tells it by default (OpenID Connect Core 1.0,
# 5.1); an installation maps others, e.g. {"site": "office"} or {"email_verified": "xms_edov"}.
DEFAULT_CLAIMS = {"email": "email", "email_verified": "email_verified", "name": "name",
                  "department": "department", "site": "site"}
MAX_NAME = 120


class UnverifiedEmail(Forbidden):
    """The provider does not vouch for the address: it may not create or link an account."""


class AccountDisabled(Forbidden):
    """The account exists and is deactivated."""


@dataclass(frozen=True)
class Identity:
    """What a verified ID token says about the person, in our terms."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str
    department: str
    site: str


def _text(value: object, limit: int) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        return ""
    # Control characters never reach a row (PostgreSQL refuses NUL; none belongs in a name).
    return "".join(ch for ch in str(value) if ch.isprintable()).strip()[:limit]


def _is_true(value: object) -> bool:
    # Some providers send the JSON boolean, some (Amazon Cognito, older Okta) the string "true".
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def identity_from_claims(claims: Mapping[str, object], *, issuer: str, mapping: Mapping[str, str],
                         verified_domains: Iterable[str] = ()) -> Identity:
    """Our `Identity` from verified ID token claims, reading each field from the claim `mapping` names
    (missing keys fall back to DEFAULT_CLAIMS). Raises ServiceError when `sub` is missing or too long.

    An address counts as verified when the provider says so (`email_verified` true), or when its domain
    is one of `verified_domains`: the installation's word that this provider hands out the addresses of
    those domains itself (a single-tenant work directory that sends no `email_verified`, such as
    Microsoft Entra ID or Feishu's enterprise e-mail)."""
    names = {**DEFAULT_CLAIMS, **mapping}
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > MAX_SUBJECT or len(issuer) > MAX_ISSUER:
        raise ServiceError(str(_l("The identity provider did not say who you are. Try again, or ask your "
                                  "administrator.")))
    email = normalize_email(_text(claims.get(names["email"]), 254))
    domain = email.rpartition("@")[2]
    managed = bool(domain) and domain in {d.strip().lower().lstrip("@") for d in verified_domains}
    return Identity(
        issuer=issuer, subject=subject, email=email,
        email_verified=_is_true(claims.get(names["email_verified"])) or managed,
        name=_text(claims.get(names["name"]), MAX_NAME),
        department=_text(claims.get(names["department"]), MAX_DEPARTMENT),
        site=_text(claims.get(names["site"]), 120),
    )


def _site_id(session: Session, name: str) -> int | None:
    """The active site whose code or name (either language) is `name`, compared folded; None if none is."""
    if not name:
        return None
    key = fold(name)
    for site in session.exec(select(Site).where(Site.is_active)).all():
        if key in (fold(site.code), fold(site.name_en), fold(site.name_zh)):
            return site.id
    return None


def is_identity_of(*, session: Session, identity: Identity, user_id: int) -> bool:
    """Whether this provider identity (issuer and subject) is linked to the account `user_id`."""
    link = session.exec(select(ExternalIdentity).where(ExternalIdentity.issuer == identity.issuer,
                                                       ExternalIdentity.subject == identity.subject)).first()
    return link is not None and link.user_id == user_id


def sign_in_with_identity(*, session: Session, identity: Identity, create_accounts: bool = True,
                          preferred_language: str | None = None) -> tuple[User, str]:
    """The account this identity signs in to, and what happened: "signed_in", "linked" or "created". Commits.

    An identity already linked signs in to its account whatever its address is now. Otherwise the
    provider must vouch for the address (`email_verified`): an account with that address is linked,
    or, when `create_accounts`, an employee account is created with the name, department and site
    the claims give, speaking `preferred_language` (the language the person was reading; an existing
    account keeps its own). Raises UnverifiedEmail, AccountDisabled (a deactivated account is neither
    signed in nor linked), or Forbidden when no account may be created.
    """
    try:
        return _sign_in(session=session, identity=identity, create_accounts=create_accounts,
                        preferred_language=preferred_language)
    except Conflict:
        # Two first sign-ins of one person at the same moment: the other one linked or created the
        # account, so this one finds it by its link now.
        return _sign_in(session=session, identity=identity, create_accounts=create_accounts,
                        preferred_language=preferred_language)


@retrying
def _sign_in(*, session: Session, identity: Identity, create_accounts: bool,
             preferred_language: str | None = None) -> tuple[User, str]:
    disabled = AccountDisabled(str(_l("This account is deactivated. Ask your administrator to reactivate it.")))
    begin_write(session)
    link = session.exec(select(ExternalIdentity).where(ExternalIdentity.issuer == identity.issuer,
                                                       ExternalIdentity.subject == identity.subject)).first()
    if link is not None:
        user = session.get(User, link.user_id)
        if not user.active:
            raise disabled
        link.last_sign_in_at = utcnow()
        session.add(link)
        session.commit()
        return user, "signed_in"
    if not identity.email:
        raise UnverifiedEmail(str(_l("The identity provider did not give your e-mail address, so no account "
                                     "can be found or created for you. Ask your administrator.")))
    if not identity.email_verified:
        raise UnverifiedEmail(str(_l("The identity provider has not verified your e-mail address %(email)s, so "
                                     "it cannot sign you in here. Verify the address there, or ask your "
                                     "administrator.", email=identity.email)))
    user = find_user_by_email(session, identity.email)
    outcome = "linked"
    if user is not None and not user.active:
        raise disabled
    if user is None:
        if not create_accounts:
            raise Forbidden(str(_l("There is no account for %(email)s here. Ask your administrator to add "
                                   "you.", email=identity.email)))
        user = User(email=identity.email, display_name=identity.name or identity.email.split("@")[0],
                    role="employee", password_hash=None, preferred_language=preferred_language)
        session.add(user)
        session.flush()
        session.add(EmployeeProfile(user_id=user.id, department=identity.department,
                                    site_id=_site_id(session, identity.site)))
        outcome = "created"
    else:
        _fill_profile(session, user, identity)
    session.add(ExternalIdentity(user_id=user.id, issuer=identity.issuer, subject=identity.subject,
                                 last_sign_in_at=utcnow()))
    audit.record(session, actor_id=user.id, action=f"sso_account_{outcome}", target_type="user",
                 target_id=user.id)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise Conflict(str(_l("This sign-in happened twice at once. Try again."))) from None
    return user, outcome


def _fill_profile(session: Session, user: User, identity: Identity) -> None:
    """At linking, give the profile the department and site the provider knows, where it has none."""
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).first()
    if profile is None:
        return
    if not profile.department and identity.department:
        profile.department = identity.department
    if profile.site_id is None:
        profile.site_id = _site_id(session, identity.site)
    session.add(profile)
