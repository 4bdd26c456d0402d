"""The volunteering workflow: sign-ups, invitations, seats, hours, notifications and teams."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash
from flask_login import current_user

from empathy.core.db import get_session
from empathy.core.errors import ServiceError
from empathy.core.mail import deliver_queued

bp = Blueprint("workflow", __name__)


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def send_mail() -> None:
    """Send what the use case queued, after its commit."""
    deliver_queued(get_session(), current_app.config["SMTP"])


def refuse(exc: ServiceError) -> None:
    """Unknown ids are 404 and other people's things 403; any other refusal is flashed."""
    if exc.status in (403, 404):
        abort(exc.status, description=exc.message)
    flash(exc.message, "error")


@bp.app_context_processor
def unread_notifications() -> dict:
    if not current_user.is_authenticated:
        return {}
    from empathy.volunteering.services.notifications import unread_count

    return {"unread_notifications": unread_count(session=get_session(), user=current_user)}


from empathy.volunteering.views import coordinator, employee, notices  # noqa: E402,F401  (their routes register on bp)
