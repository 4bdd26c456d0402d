"""Queue tasks of the volunteering workflow (empathy.core.queue): start reminders, run by the worker's
scheduler instead of cron."""

from __future__ import annotations

from flask import current_app
from sqlmodel import Session

from empathy.core.db import get_engine
from empathy.core.queue import crontab, periodic
from empathy.volunteering.services.notifications import send_reminders


def remind_due() -> int:
    """Remind confirmed volunteers of needs starting within two days (their e-mails are queued for delivery by
    the commit); returns how many reminders were sent. Safe to run often and in parallel: each (match, start)
    is reminded once."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return send_reminders(session=session, base_url=current_app.config["BASE_URL"].rstrip("/"))


@periodic(crontab(minute="*/10"))
def send_due_reminders() -> int:
    """Every 10 minutes: `remind_due` (a reminder goes out 2 days ahead, give or take 10 minutes)."""
    return remind_due()
