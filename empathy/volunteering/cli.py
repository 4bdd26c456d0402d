"""Commands of the volunteering workflow (the queue worker runs the same work on its schedule)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext
from flask_babel import ngettext


def register(app: Flask) -> None:
    app.cli.add_command(send_reminders_command)


@click.command("send-reminders")
@with_appcontext
def send_reminders_command() -> None:
    """Remind confirmed volunteers of needs starting within two days: once per match and scheduled start
    (a need moved to a new start is reminded again, a cancelled need never); safe to run often. The queue
    worker's scheduler runs it every 10 minutes, so it needs no cron line."""
    from empathy.cli import _require_migrated
    from empathy.volunteering.tasks import remind_due

    _require_migrated()
    sent = remind_due()
    click.echo(ngettext("%(num)d reminder sent.", "%(num)d reminders sent.", sent))
