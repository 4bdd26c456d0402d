"""Command-line commands: thin wrappers that parse input and call one service."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext
from flask_babel import ngettext
from sqlmodel import Session

from empathy.core import schema
from empathy.core.db import get_engine
from empathy.core.errors import ServiceError

db_cli = AppGroup("db", help="Create and migrate the database schema (Alembic).")


match_cli = AppGroup("match", help="The matching model: refit it, or rank and evaluate benchmark cases.")

queue_cli = AppGroup("queue", help="The task queue (QUEUE_URL): run a worker, or show what waits.")


def register(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(match_cli)
    app.cli.add_command(queue_cli)
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(send_mail_command)
    app.cli.add_command(prune_submissions_command)
    from empathy.accounts.cli import register as register_totp
    from empathy.admin.cli import register as register_backup
    from empathy.volunteering.cli import register as register_workflow

    register_workflow(app)
    register_backup(app)
    register_totp(app)


def _require_migrated() -> None:
    try:
        current = schema.is_current(current_app)
    except Exception as exc:  # an unreachable server, a file we cannot open
        raise click.ClickException(f"Cannot open the database: {exc}") from exc
    if not current:
        raise click.ClickException(
            "The database is not migrated. Run `flask --app empathy db upgrade` first."
        )


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Upgrade the database to REVISION (default: the newest)."""
    schema.upgrade(current_app, revision)
    click.echo(f"Database at {schema.current_revision(current_app) or 'base'}.")


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision: str) -> None:
    """Downgrade the database to REVISION (default: one step back; `base` empties it)."""
    schema.downgrade(current_app, revision)
    click.echo(f"Database at {schema.current_revision(current_app) or 'base'}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the schema change does.")
def db_revision(message: str) -> None:
    """Write a migration for the model changes (autogenerate) against an upgraded database."""
    schema.revision(current_app, message)


@db_cli.command("current")
def db_current() -> None:
    """Show the database's revision and the newest one."""
    click.echo(f"current: {schema.current_revision(current_app) or 'base'}")
    click.echo(f"head:    {schema.head_revision(current_app)}")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.ClickException("No password on standard input (the first line is read).")
    return line


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True, help="Sign-in email; must not exist yet.")
@click.option("--name", required=True, help="Display name.")
@click.option(
    "--role",
    type=click.Choice(["employee", "coordinator", "admin"]),
    default="employee",
    show_default=True,
)
def create_user_command(email: str, name: str, role: str) -> None:
    """Create a user. The password is read from standard input (first line), or prompted."""
    from empathy.accounts.services import auth

    _require_migrated()
    password = _read_password()
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            user = auth.create_user(
                session=session, email=email, display_name=name, password=password, role=role
            )
        except ServiceError as exc:
            raise click.ClickException(exc.message) from exc
    click.echo(f"Created {user.role} {user.email} (id {user.id}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the demo organisation (idempotent: running it again changes nothing)."""
    _require_migrated()
    from empathy.admin.services import demo as demo

    with Session(get_engine(), expire_on_commit=False) as session:
        report = demo.seed_demo(session=session)
    click.echo(report.summary())


@click.command("send-mail")
@with_appcontext
@click.option("--limit", default=1000, show_default=True, type=click.IntRange(min=1),
              help="Send at most this many messages in one run.")
def send_mail_command(limit: int) -> None:
    """Send the queued e-mails that are due now, by hand: the queue worker does this itself (each commit that
    queues mail queues its delivery; a sweep every minute takes retries and messages whose sender stopped).
    Batches of 50 go over one SMTP connection each; failed attempts are tried again up to 5 times, from 1
    minute to 2 hours apart. Each message is claimed first, so a run may overlap the worker."""
    from empathy.core.mail import deliver_queued

    _require_migrated()
    with Session(get_engine(), expire_on_commit=False) as session:
        outcomes = deliver_queued(session, current_app.config["SMTP"], limit=limit)
    parts = [ngettext("%(num)d e-mail sent", "%(num)d e-mails sent", outcomes["sent"]),
             ngettext("%(num)d to be tried again", "%(num)d to be tried again", outcomes["queued"]),
             ngettext("%(num)d failed", "%(num)d failed", outcomes["failed"])]
    if outcomes["logged"]:
        parts.append(ngettext("%(num)d kept in the outbox (no SMTP server configured)",
                              "%(num)d kept in the outbox (no SMTP server configured)", outcomes["logged"]))
    click.echo(", ".join(parts) + ".")


@queue_cli.command("worker")
@click.option("-w", "--workers", default=2, show_default=True, type=click.IntRange(min=1),
              help="How many tasks run at once (threads).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also run the scheduler of periodic tasks (reminders, mail retries, model checks). Run it "
                   "in one worker of an installation; give the others --no-periodic.")
def queue_worker(workers: int, periodic: bool) -> None:
    """Run queued tasks until stopped (Ctrl-C or SIGTERM: the tasks running are finished first).

    Runs mail delivery, refits, imports and, with --periodic, the scheduled tasks. Start one per host
    or more; they share the queue named by QUEUE_URL (instance/queue.sqlite3 by default).
    """
    import logging

    from empathy.core.queue import queue_of

    _require_migrated()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    huey = queue_of()
    if huey.immediate:
        raise click.ClickException("QUEUE_URL is 'immediate': tasks run where they are queued; no worker needed.")
    # Poll every 0.1 s at first, backing off to 1 s when idle: a queued e-mail leaves within a second.
    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=periodic,
                                    initial_delay=0.1, backoff=1.15, max_delay=1.0, check_worker_health=True)
    consumer.run()


@queue_cli.command("status")
def queue_status() -> None:
    """Show how many tasks wait in the queue, how many are scheduled for later, and the declared tasks."""
    from empathy.core.queue import declared_tasks, queue_of

    huey = queue_of()
    click.echo(f"queue {huey.name!r} ({type(huey.storage).__name__}): {huey.pending_count()} waiting, "
               f"{huey.scheduled_count()} scheduled")
    for spec in declared_tasks():
        click.echo(f"  {spec.name}" + ("  (periodic)" if spec.schedule else ""))


@match_cli.command("refit")
def match_refit() -> None:
    """Fit the matching model on every employee and need now, store it as a new version and print it.

    Takes the same lock as the worker's refits (waits while one runs, then refits after it). Where the
    versions are kept: MATCH_MODEL_STORE / MATCH_MODEL_DIR. Every web process loads the new version
    before its next requests; it keeps answering with the old model meanwhile.
    """
    from empathy.core.runtime import org_timezone
    from empathy.suggestions.refits import refit
    from empathy.suggestions.runtime import model_path, model_store

    _require_migrated()
    outcome = refit(store=model_store(), tz=org_timezone(), wait=True, retire=model_path())
    info = outcome.info
    click.echo(f"Fitted on {info.employees} employees and {info.needs} needs in {info.seconds:.1f} s; "
               f"stored as version {info.version} ({info.size_bytes / 1e6:.1f} MB).")


@match_cli.command("rank")
@click.argument("cases", type=click.Path(exists=True, dir_okay=False))
@click.option("--k", default=10, show_default=True, type=click.IntRange(min=1), help="How many ids per query.")
@click.option("--direction", type=click.Choice(["need", "employee"]), default="need", show_default=True,
              help="need: rank each need's employees; employee: rank each employee's needs.")
def match_rank(cases: str, k: int, direction: str) -> None:
    """Rank a benchmark case file (JSON lines); prints one JSON line per query. No database needed.

    Optional `causes` (employees) and `cause` (needs) in the cases are scored as the web app does.
    """
    import json

    from empathy.matching.cases import rank_cases

    for row in rank_cases(cases, k=k, direction=direction):
        click.echo(json.dumps(row, ensure_ascii=False))


@match_cli.command("evaluate")
@click.argument("cases", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def match_evaluate(cases: str, as_json: bool) -> None:
    """Recall@10 and MRR both ways, nDCG@10 need -> employee, with fit and ranking times.

    Optional `causes` (employees) and `cause` (needs) in the cases are scored as the web app does.
    """
    import json

    from empathy.matching.cases import evaluate_cases, format_report

    results = evaluate_cases(cases)
    click.echo(json.dumps(results, indent=2) if as_json else format_report(results))


def main() -> None:
    """The `empathy` console script: the same commands as `flask --app empathy`."""
    from empathy import create_app

    FlaskGroup(create_app=create_app)()


@click.command("prune-submissions")
@click.option("--days", type=click.IntRange(min=1), default=30, show_default=True,
              help="Keep the submissions of the last DAYS days.")
@with_appcontext
def prune_submissions_command(days: int) -> None:
    """Delete the record of form tokens and Idempotency-Keys older than DAYS days.

    Each create form's one-time token and each API Idempotency-Key that created something is kept so
    that sending it again creates nothing more ("Already recorded"). A form left open longer than DAYS
    and then sent again creates again. Run it from cron, e.g. daily.
    """
    from datetime import timedelta

    from empathy.core.submissions import prune

    _require_migrated()
    with Session(get_engine(), expire_on_commit=False) as session:
        removed = prune(session=session, older_than=timedelta(days=days))
    age = ngettext("%(num)d day", "%(num)d days", days)
    click.echo(ngettext("%(num)d submission older than %(days)s deleted.",
                        "%(num)d submissions older than %(days)s deleted.", removed, days=age))
