"""What views need from the running app that services must not look up themselves."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from empathy.core.crypto import IMPORT_LINKS_PURPOSE, KeyRing


def org_timezone() -> ZoneInfo:
    """The organisation's time zone (BABEL_DEFAULT_TIMEZONE): dates people type and see are in it."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def org_today() -> date:
    """Today's date in the organisation's time zone."""
    return datetime.now(org_timezone()).date()


def totp_keys() -> KeyRing:
    """The keys that seal two-factor secrets: TOTP_KEYS, or the instance file TOTP_KEY_FILE."""
    return KeyRing.for_totp(current_app.config, current_app.instance_path)


def import_link_keys() -> KeyRing:
    """The keys that seal the activation links an import keeps for its administrator: the two-factor keys'
    source (TOTP_KEYS, or the instance file TOTP_KEY_FILE) under a purpose of their own."""
    keys = totp_keys()
    keys.purpose = IMPORT_LINKS_PURPOSE
    return keys


def after_response(task) -> None:
    """Run `task()` in an app context once this response has gone out (a WSGI server closes the
    response after sending it): what it does, how long it takes, and whether it fails cannot show in
    the response. A failure is logged, never raised: the answer has been given."""
    from flask import after_this_request

    app = current_app._get_current_object()

    def _run() -> None:
        with app.app_context():
            try:
                task()
            except Exception:
                app.logger.exception("work after the response failed (the response was not affected)")

    @after_this_request
    def _schedule(response):
        response.call_on_close(_run)
        return response

