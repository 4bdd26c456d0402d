"""Attempts at a secret (a password, a code) counted before they are checked: reserve, then refund.

Flask-Limiter checks a conditional limit before the request and counts it after the response, so
a burst of parallel requests all pass the check before any is counted. Here an attempt first takes
a place in each of its buckets with one atomic increment each; a full bucket refuses at once (and
the places taken are given back), so never more attempts than the limit are checked, however many
run in parallel. An attempt that turns out right gives its places back (`Reservation.refund`):
only failures stay counted.

The counters are Flask-Limiter's storage (empathy.core.ratelimit by default). When it cannot be
written the attempt is refused with 503 and a short Retry-After, not let through: someone able to
overload the database must not win unthrottled guesses by it ("fail closed", docs/security.md).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import format_timedelta
from flask_babel import gettext as _
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import Storage
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests

log = logging.getLogger(__name__)
UNAVAILABLE_RETRY_AFTER = 5  # seconds


@dataclass(frozen=True)
class Bucket:
    """One counter an attempt takes a place in.

    scope: what is counted ("sign-in/account-address"); identity: whose (an address, an account, or
    both); limits: Flask-Limiter notation, e.g. "5 per 15 minutes" or "5 per minute; 20 per hour";
    refusal: the message when this bucket is full, given how long to wait ("15 minutes"; None: a generic one).
    """

    scope: str
    identity: str
    limits: str
    refusal: Callable[[str], str] | None = None

    def counters(self) -> list[tuple[RateLimitItem, str]]:
        return [(item, item.key_for(self.scope, self.identity)) for item in parse_many(self.limits)]


class TooManyAttempts(TooManyRequests):
    """429 with a Retry-After header and a message that says how long to wait, or what else to do."""


class ThrottleUnavailable(ServiceUnavailable):
    """503: the counters could not be written, so the attempt was not checked."""


def _how_long(seconds: int) -> str:
    """"15 minutes", "1 hour", in the request's language."""
    return format_timedelta(timedelta(seconds=seconds), add_direction=False)


def _errors(storage: Storage) -> tuple[type[BaseException], ...]:
    base = storage.base_exceptions
    return (StorageError, *(base if isinstance(base, tuple) else (base,)))


class Reservation:
    """The places one attempt holds; `refund` gives them back."""

    def __init__(self, storage: Storage) -> None:
        self._storage = storage
        self._taken: list[tuple[RateLimitItem, str]] = []

    def _take(self, item: RateLimitItem, key: str) -> bool:
        count = self._storage.incr(key, item.get_expiry(), amount=1)
        self._taken.append((item, key))
        return count <= item.amount

    def refund(self) -> None:
        """Give every place back (the attempt succeeded, or was never made). Never raises: a refund
        that fails leaves the count one too high, which errs on the safe side."""
        taken, self._taken = self._taken, []
        for item, key in taken:
            try:
                decr = getattr(self._storage, "decr", None)
                if decr is not None:  # memory:// and database:// never go below 0
                    decr(key, 1)
                else:
                    self._storage.incr(key, item.get_expiry(), amount=-1)
            except _errors(self._storage):
                log.warning("Could not give back a rate limit place", exc_info=True)


def reserve(storage: Storage, buckets: Sequence[Bucket]) -> Reservation:
    """Take a place in every bucket for one attempt, or in none.

    Raises TooManyAttempts (429, Retry-After in seconds) naming the first full bucket's refusal,
    and ThrottleUnavailable (503) when the storage fails; in both cases nothing stays counted.
    """
    reservation = Reservation(storage)
    try:
        for bucket in buckets:
            for item, key in bucket.counters():
                if not reservation._take(item, key):
                    wait = max(1, math.ceil(storage.get_expiry(key) - time.time()))
                    reservation.refund()
                    message = (bucket.refusal or _generic_refusal)(_how_long(wait))
                    raise TooManyAttempts(message, retry_after=wait)
    except _errors(storage):
        log.exception("Rate limit storage failed: attempt refused")
        reservation.refund()
        raise ThrottleUnavailable(_("This attempt could not be checked just now. Try again in a few seconds."),
                                  retry_after=UNAVAILABLE_RETRY_AFTER) from None
    return reservation


def allow(storage: Storage, buckets: Sequence[Bucket]) -> bool:
    """Count one more in every bucket when all have room; False (and nothing counted) otherwise.

    For work that is skipped quietly past a limit (mails). A storage failure answers False.
    """
    try:
        reserve(storage, buckets)
    except (TooManyAttempts, ThrottleUnavailable):
        return False
    return True


def _generic_refusal(wait: str) -> str:
    return _("Too many failed attempts. Try again in %(wait)s.", wait=wait)
