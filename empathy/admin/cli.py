"""`flask backup PATH` and `flask restore PATH --yes`."""

from __future__ import annotations

import subprocess  # only to report a failed pg_dump/pg_restore

import click
from flask import Flask
from flask.cli import with_appcontext

from empathy.admin.services.backup import backup_database, restore_database
from empathy.core.db import get_engine
from empathy.core.errors import ServiceError


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(path: str) -> None:
    """Write a backup of the whole database to PATH (the app may keep running)."""
    try:
        written = backup_database(get_engine(), path)
    except (ServiceError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(_why(exc)) from None
    click.echo(f"Backup written to {written}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Confirm that the database's current contents are replaced.")
@with_appcontext
def restore_command(path: str, yes: bool) -> None:
    """Replace the whole database with the backup at PATH (stop the app first)."""
    if not yes:
        raise click.ClickException("Restoring replaces every row of the database. Add --yes to go ahead.")
    try:
        restore_database(get_engine(), path)
    except (ServiceError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(_why(exc)) from None
    click.echo(f"Database restored from {path}.")


def _why(exc: Exception) -> str:
    if isinstance(exc, subprocess.CalledProcessError):
        return (exc.stderr or b"").decode(errors="replace").strip() or str(exc)
    return getattr(exc, "message", str(exc))


def register(app: Flask) -> None:
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
