"""The "single sign-on only" mode (config SSO_ONLY): who may still use a password."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from empathy.accounts.services.auth import find_user_by_email, normalize_email
from empathy.models import User


def is_break_glass(user: User | None, break_glass_emails: Iterable[str]) -> bool:
    """Whether this account keeps its password in SSO-only mode: an active administrator whose address is
    in SSO_BREAK_GLASS_EMAILS (for when the identity provider is down or misconfigured)."""
    if user is None or not user.active or user.role != "admin":
        return False
    return normalize_email(user.email) in {normalize_email(e) for e in break_glass_emails}


def may_use_password(session: Session, email: str, break_glass_emails: Iterable[str]) -> bool:
    """Whether a password sign-in, reset or token request for this address may go ahead in SSO-only mode."""
    listed = {normalize_email(e) for e in break_glass_emails}
    if normalize_email(email or "") not in listed:
        return False  # no query for the addresses that cannot qualify
    return is_break_glass(find_user_by_email(session, email), listed)
