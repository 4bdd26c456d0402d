"""Commands of the volunteering workflow, for cron."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import ngettext
from sqlmodel import Session

from empathy.core.db import get_engine


def register(app: Flask) -> None:
    app.cli.add_command(send_reminders_command)


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Remind confirmed volunteers of needs starting within two days: once per match and scheduled start
    (a need moved to a new start is reminded again, a cancelled need never); safe to run often."""
    from empathy.cli import _require_migrated
    from empathy.core.mail import deliver_messages, queued_here
    from empathy.volunteering.services.notifications import send_reminders

    _require_migrated()
    with Session(get_engine(), expire_on_commit=False) as session:
        sent = send_reminders(session=session, base_url=current_app.config["BASE_URL"].rstrip("/"))
        deliver_messages(session, current_app.config["SMTP"], queued_here(session))
    click.echo(ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", sent))
