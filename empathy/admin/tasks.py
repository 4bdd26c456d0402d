"""Queue tasks of the administrators' area (empathy.core.queue): employee imports, and housekeeping run by
the worker's scheduler instead of cron."""

from __future__ import annotations

import time
from datetime import timedelta

from flask import current_app
from sqlmodel import Session

from empathy.admin.services import import_jobs
from empathy.core.db import get_engine
from empathy.core.mail import deliver_messages
from empathy.core.queue import crontab, drop_note, periodic, put_note, task
from empathy.core.runtime import import_link_keys
from empathy.core.submissions import prune

KEEP_SUBMISSIONS = timedelta(days=30)


@periodic(crontab(minute="17", hour="3"))
def prune_old_submissions() -> int:
    """Daily at 03:17 UTC: forget form tokens and Idempotency-Keys older than 30 days (as
    `flask prune-submissions`); returns how many went."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return prune(session=session, older_than=KEEP_SUBMISSIONS)


@task
def run_import(job_id: int) -> str | None:
    """Run the employee import `job_id` (empathy.admin.services.import_jobs), then deliver the activation
    e-mails it queued; returns the job's final state. Not retried: a failed import fails its job, with the
    reasons, and the administrator uploads the file again."""
    name = import_jobs.progress_note_name(job_id)
    with Session(get_engine(), expire_on_commit=False) as session:
        outcome = import_jobs.run_import_job(
            session=session, job_id=job_id, secret_key=current_app.config["SECRET_KEY"],
            base_url=current_app.config["BASE_URL"], keys=import_link_keys(),
            note=lambda value: drop_note(name) if value is None else put_note(name, value))
        _deliver(session, outcome.mail_ids)
        return outcome.job.state if outcome.job else None


MAIL_BATCH = 100
MAIL_PAUSE = 0.05  # seconds between batches: on SQLite, other writers get the lock in between


def _deliver(session: Session, ids: list[int]) -> None:
    # Thousands of activation e-mails: each is committed on its own, so in batches with a pause, lest a
    # loop of short write transactions keep SQLite's write lock from the web requests for seconds.
    for start in range(0, len(ids), MAIL_BATCH):
        if start:
            time.sleep(MAIL_PAUSE)
        deliver_messages(session, current_app.config["SMTP"], ids[start:start + MAIL_BATCH])


@periodic(crontab(minute="*/5"))
def prune_import_jobs() -> dict[str, int]:
    """Every 5 minutes: delete expired activation links of imports, fail imports whose worker stopped, and
    delete imports that ended over 30 days ago."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return import_jobs.prune_import_jobs(session=session)
