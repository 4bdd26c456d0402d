"""Housekeeping queue tasks (empathy.core.queue), run by the worker's scheduler instead of cron."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from empathy.core.db import get_engine
from empathy.core.queue import crontab, periodic
from empathy.core.submissions import prune

KEEP_SUBMISSIONS = timedelta(days=30)


@periodic(crontab(minute="17", hour="3"))
def prune_old_submissions() -> int:
    """Daily at 03:17 UTC: forget form tokens and Idempotency-Keys older than 30 days (as
    `flask prune-submissions`); returns how many went."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return prune(session=session, older_than=KEEP_SUBMISSIONS)
