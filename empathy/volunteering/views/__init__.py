"""The volunteering workflow: sign-ups, invitations, seats, hours, notifications and teams."""

from __future__ import annotations

import time

from flask import Blueprint, current_app
from flask_login import current_user

from empathy.core import web
from empathy.core.db import get_session, local_writes

bp = Blueprint("workflow", __name__)
web.init_blueprint(bp)


def base_url() -> str:
    return current_app.config["BASE_URL"].rstrip("/")


# Every signed-in page shows the unread count. This process keeps each user's count for a few seconds
# while it writes nothing (`local_writes`): a notice another process adds shows within UNREAD_TTL, one
# this process adds or marks read at once.
UNREAD_TTL = 5.0  # seconds
_unread: dict[tuple, tuple[int, float, int]] = {}  # (database, user id) -> (count, time.monotonic(), local_writes())


@bp.app_context_processor
def unread_notifications() -> dict:
    if not current_user.is_authenticated:
        return {}
    from empathy.volunteering.services.notifications import unread_count

    # By database too: tests (and a second app in one process) reuse user ids in other databases.
    key, now, writes = (current_app.config["DATABASE_URL"], current_user.id), time.monotonic(), local_writes()
    kept = _unread.get(key)
    if kept is not None and kept[2] == writes and now - kept[1] < UNREAD_TTL:
        return {"unread_notifications": kept[0]}
    count = unread_count(session=get_session(), user=current_user)
    if len(_unread) > 10_000:
        _unread.clear()
    _unread[key] = (count, now, writes)
    return {"unread_notifications": count}


from empathy.volunteering.views import answer, coordinator, employee, notices  # noqa: E402,F401  (their routes register on bp)
