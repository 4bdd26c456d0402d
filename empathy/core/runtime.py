"""What views need from the running app that services must not look up themselves."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def org_timezone() -> ZoneInfo:
    """The organisation's time zone (BABEL_DEFAULT_TIMEZONE): dates people type and see are in it."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def org_today() -> date:
    """Today's date in the organisation's time zone."""
    return datetime.now(org_timezone()).date()


def after_response(task) -> None:
    """Run `task()` in an app context once this response has gone out (a WSGI server closes the
    response after sending it): what it does, and how long it takes, cannot show in the response."""
    from flask import after_this_request

    app = current_app._get_current_object()

    def _run() -> None:
        with app.app_context():
            task()

    @after_this_request
    def _schedule(response):
        response.call_on_close(_run)
        return response


def send_mail_after_response() -> None:
    """Send the mail this request queued (and committed), after the response: the user does not wait for
    the mail server. Other messages are not this request's to send (see empathy.core.mail)."""
    from empathy.core.db import get_session
    from empathy.core.mail import deliver_messages, queued_here

    ids = queued_here(get_session())
    if ids:
        smtp = current_app.config["SMTP"]
        after_response(lambda: deliver_messages(get_session(), smtp, ids))
