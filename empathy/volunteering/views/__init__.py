"""The volunteering workflow: sign-ups, invitations, seats, hours, notifications and teams."""

from __future__ import annotations

from flask import Blueprint, current_app
from flask_login import current_user

from empathy.core import web
from empathy.core.db import get_session
from empathy.core.runtime import send_mail_after_response

bp = Blueprint("workflow", __name__)
web.init_blueprint(bp)


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


def send_mail() -> None:
    """Send what the use case queued, after its commit and after the response."""
    send_mail_after_response()


@bp.app_context_processor
def unread_notifications() -> dict:
    if not current_user.is_authenticated:
        return {}
    from empathy.volunteering.services.notifications import unread_count

    return {"unread_notifications": unread_count(session=get_session(), user=current_user)}


from empathy.volunteering.views import coordinator, employee, notices  # noqa: E402,F401  (their routes register on bp)
