"""Whom a sign-in, code or reset attempt counts against, so that an attacker never locks the owner out.

OWASP's "device cookie" scheme (Blocking Brute Force Attacks / Slow Down Online Guessing):
- every full sign-in leaves the browser a signed device cookie for that account;
- a browser holding a valid one is counted on its own (LOGIN_DEVICE_FAILURE_LIMITS) and nothing
  else stops it, so someone else's failures, from anywhere, never refuse the owner's own browser;
- any other client is counted per address (LOGIN_FAILURE_LIMITS), per account and address
  (LOGIN_ACCOUNT_ADDRESS_FAILURE_LIMITS) and, for guessing spread over many addresses, per account
  (LOGIN_ACCOUNT_FAILURE_LIMITS). Only the last one can refuse the owner, and only in a browser
  never used with the account during an attack from several addresses; setting a new password
  through a reset link gives that browser a device cookie too.
docs/security.md ("Throttling") explains the choice; empathy.core.throttle does the counting.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import time

from flask import after_this_request, current_app, request
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeSerializer
from limits.storage import MemoryStorage, Storage

from empathy.accounts.services.auth import normalize_email
from empathy.core.throttle import Bucket, Reservation, allow, reserve
from empathy.extensions import limiter
from empathy.models import User

MEMORY_KEY = "empathy.throttle_memory"


def _storage() -> Storage:
    """Where attempts are counted: Flask-Limiter's storage (RATELIMIT_STORAGE_URL). With RATELIMIT_ENABLED
    false Flask-Limiter has none; the password throttles, a defence rather than a courtesy, then count in
    this process's memory."""
    if current_app.config.get("RATELIMIT_ENABLED", True):
        return limiter.storage
    return current_app.extensions.setdefault(MEMORY_KEY, MemoryStorage())

DEVICE_COOKIE = "empathy_device"
DEVICE_SALT = "empathy.device-cookie"
DEVICE_ACCOUNTS = 8  # accounts one browser is remembered for (shared computers); the oldest goes first


def client_address() -> str:
    """The address attempts are counted against.

    The connecting address: X-Forwarded-For counts only through TRUSTED_PROXIES (ProxyFix), so a
    client cannot pick it. An IPv6 address stands for its /64 network, which one client usually has.
    """
    raw = request.remote_addr or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw or "unknown"
    if address.version == 6:
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _config(name: str) -> str:
    return current_app.config[name]


# --- Device cookies --------------------------------------------------------------------------------

def _account_tag(email: str) -> str:
    # The cookie names accounts by a keyed digest: it does not show whose accounts a browser knows.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, b"device:" + normalize_email(email).encode(), hashlib.sha256).hexdigest()[:24]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _lifetime() -> int:
    return int(current_app.config["DEVICE_COOKIE_LIFETIME"].total_seconds())


def _device_entries() -> dict[str, list]:
    """{account tag: [nonce, issued at]} from this request's device cookie; {} when absent or forged."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return {}
    try:
        data = _serializer().loads(raw)
    except BadData:
        return {}
    if not isinstance(data, dict):
        return {}
    now = time.time()
    return {tag: entry for tag, entry in data.items()
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
            and isinstance(entry[1], int) and now - entry[1] < _lifetime()}


def trusted_device(email: str) -> str | None:
    """The nonce of this browser's valid device cookie for the account, or None."""
    entry = _device_entries().get(_account_tag(email))
    return entry[0] if entry else None


def remember_device(email: str) -> None:
    """After a full sign-in (or a new password set through a link): make this browser known to the
    account. The nonce stays the same while the cookie lives, so its failure count does too."""
    entries = _device_entries()
    tag = _account_tag(email)
    nonce = entries[tag][0] if tag in entries else secrets.token_urlsafe(12)
    entries.pop(tag, None)
    newest = sorted(entries.items(), key=lambda item: item[1][1])[-(DEVICE_ACCOUNTS - 1):]
    value = _serializer().dumps({**dict(newest), tag: [nonce, int(time.time())]})

    @after_this_request
    def _set_cookie(response):
        response.set_cookie(DEVICE_COOKIE, value, max_age=_lifetime(), httponly=True, samesite="Lax",
                            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")))
        return response


# --- Refusals --------------------------------------------------------------------------------------

def _from_your_network(wait: str) -> str:
    return _("Too many failed attempts from your network. Try again in %(wait)s.", wait=wait)


def _account_from_new_browsers(wait: str) -> str:
    return _("Too many failed sign-ins to this account from browsers it was never used in. Sign in from a "
             "browser you have signed in with before, set a new password with “Forgot your password?”, "
             "or try again in %(wait)s.", wait=wait)


def _account_through_the_api(wait: str) -> str:
    return _("Too many failed sign-ins to this account. Make a token on the web app's API tokens page, or try "
             "again in %(wait)s.", wait=wait)


def _codes_from_new_browsers(wait: str) -> str:
    return _("Too many wrong codes for this account from browsers it was never used in. Use a browser you "
             "have signed in with before, or try again in %(wait)s.", wait=wait)


# --- Attempts --------------------------------------------------------------------------------------

def sign_in_attempt(email: str, *, api: bool = False) -> Reservation:
    """Reserve one password attempt for this account from this client (web form or API token).

    Returns the reservation: call `refund()` when the password was right. Raises
    empathy.core.throttle.TooManyAttempts (429) or ThrottleUnavailable (503).
    """
    account = normalize_email(email)
    device = None if api else trusted_device(account)
    if device is not None:
        buckets = [Bucket("sign-in/device", device, _config("LOGIN_DEVICE_FAILURE_LIMITS"))]
    else:
        address = client_address()
        buckets = [
            Bucket("sign-in/address", address, _config("LOGIN_FAILURE_LIMITS"), _from_your_network),
            Bucket("sign-in/account-address", f"{account} {address}", _config("LOGIN_ACCOUNT_ADDRESS_FAILURE_LIMITS")),
            Bucket("sign-in/account", account, _config("LOGIN_ACCOUNT_FAILURE_LIMITS"),
                   _account_through_the_api if api else _account_from_new_browsers),
        ]
    return reserve(_storage(), buckets)


def code_attempt(user: User) -> Reservation:
    """Reserve one two-factor code attempt for the user from this client (sign-in step or settings).

    Same scheme and errors as sign_in_attempt; refund when the code was right.
    """
    device = trusted_device(user.email)
    if device is not None:
        buckets = [Bucket("two-factor/device", device, _config("TWO_FACTOR_FAILURE_LIMITS"))]
    else:
        address = client_address()
        buckets = [
            Bucket("two-factor/account-address", f"{user.id} {address}", _config("TWO_FACTOR_FAILURE_LIMITS")),
            Bucket("two-factor/account", str(user.id), _config("TWO_FACTOR_ACCOUNT_FAILURE_LIMITS"),
                   _codes_from_new_browsers),
        ]
    return reserve(_storage(), buckets)


def reset_request(email: str) -> str | None:
    """Count a "Forgot your password?" request from this address (429 past RESET_REQUEST_LIMITS).

    A browser with the account's device cookie is not counted by address. Returns that cookie's
    nonce (or None), for may_mail_reset_link.
    """
    device = trusted_device(email)
    if device is None:
        reserve(_storage(), [Bucket("reset/address", client_address(), _config("RESET_REQUEST_LIMITS"),
                                         _from_your_network)])
    return device


def may_mail_reset_link(email: str, device: str | None) -> bool:
    """Whether a reset mail may go to this account now (RESET_ACCOUNT_LIMITS, counted whether or not
    the account exists; a browser with the account's device cookie counts alone). Past the limit the
    caller sends nothing and answers exactly as when it sends."""
    identity = ("device", device) if device else ("account", normalize_email(email))
    return allow(_storage(), [Bucket(f"reset/{identity[0]}", identity[1], _config("RESET_ACCOUNT_LIMITS"))])
