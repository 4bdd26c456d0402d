"""Queue tasks of the administrators' area (empathy.core.queue): employee imports, and housekeeping run by
the worker's scheduler instead of cron."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlmodel import Session

from empathy.admin.services import import_jobs
from empathy.core.db import get_engine
from empathy.core.queue import background_priority, crontab, drop_note, periodic, put_note, task
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
    """Run the employee import `job_id` (empathy.admin.services.import_jobs); returns the job's final state.
    The activation e-mails it puts in the outbox are delivered like any e-mail: its commit queues
    `deliver_batch` tasks for them (empathy.core.mail), which this worker or another runs next. Not retried:
    a failed import fails its job, with the reasons, and the administrator uploads the file again."""
    name = import_jobs.progress_note_name(job_id)
    # Tens of seconds of CPU for a large file: below the web workers', so that pages stay quick meanwhile.
    with background_priority(), Session(get_engine(), expire_on_commit=False) as session:
        outcome = import_jobs.run_import_job(
            session=session, job_id=job_id, secret_key=current_app.config["SECRET_KEY"],
            base_url=current_app.config["BASE_URL"], keys=import_link_keys(),
            note=lambda value: drop_note(name) if value is None else put_note(name, value))
        return outcome.job.state if outcome.job else None


@periodic(crontab(minute="*/5"))
def prune_import_jobs() -> dict[str, int]:
    """Every 5 minutes: delete expired activation links of imports, fail imports whose worker stopped, and
    delete imports that ended over 30 days ago."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return import_jobs.prune_import_jobs(session=session)
