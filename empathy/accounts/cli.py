"""`flask totp status` and `flask totp rotate-key`: the keys that seal two-factor secrets."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import ngettext
from sqlmodel import Session

from empathy.core.db import get_engine
from empathy.core.errors import ServiceError
from empathy.core.runtime import totp_keys

totp_cli = AppGroup("totp", help=(
    "The keys that seal two-factor (TOTP) secrets in the database: TOTP_KEYS, or else the instance file "
    "totp-key. Back them up apart from the database: a backup without its key cannot check anyone's codes."))


def register(app: Flask) -> None:
    app.cli.add_command(totp_cli)


def _session() -> Session:
    from empathy.cli import _require_migrated

    _require_migrated()
    return Session(get_engine(), expire_on_commit=False)


@totp_cli.command("status")
def totp_status() -> None:
    """Tell where the keys are and whether they open every stored secret (exit 1 when one does not)."""
    from empathy.accounts.services.two_factor_keys import key_status

    with _session() as session:
        status = key_status(session=session, keys=totp_keys())
    click.echo(f"Keys: {status.where} ({ngettext('%(num)d key', '%(num)d keys', status.keys)}).")
    click.echo(f"Users with two-factor sign-in: {status.users}; sealed with the newest key: {status.newest}; "
               f"with an older key: {status.older}; opened by no key: {len(status.unopenable)}.")
    if status.older:
        click.echo("Run `flask totp rotate-key` to seal them all with the newest key.")
    if not status.ok:
        detail = status.problem or "Users whose secret no key opens: " + ", ".join(map(str, status.unopenable))
        raise click.ClickException(
            f"{detail} Restore the key file (or TOTP_KEYS) from where you keep its backup; failing that, an "
            "administrator resets these users' two-factor sign-in on the Users page and they set it up again.")


@totp_cli.command("rotate-key")
@click.option("--keep-old", is_flag=True,
              help="Keep the old keys in the key file after re-sealing (restoring an older backup needs them).")
def totp_rotate_key(keep_old: bool) -> None:
    """Seal every two-factor secret with a new key, then drop the old keys.

    With the key file (no TOTP_KEYS): writes a new key first in it, re-seals every secret in one
    transaction, then removes the old keys unless --keep-old. Running workers read the file on
    every use: no restart is needed. With TOTP_KEYS: put the new key first there and restart the
    app, run this to re-seal under it, then remove the old keys from the setting.
    Back up the key file again afterwards.
    """
    from empathy.accounts.services.two_factor_keys import rotate_key

    keys = totp_keys()
    with _session() as session:
        try:
            done = rotate_key(session=session, keys=keys, keep_old=keep_old)
        except ServiceError as exc:
            raise click.ClickException(exc.message) from None
    click.echo(ngettext("Re-sealed %(num)d two-factor secret with the newest key in %(where)s.",
                        "Re-sealed %(num)d two-factor secrets with the newest key in %(where)s.",
                        done.resealed, where=done.where))
    if keys.is_file:
        kept = "kept" if keep_old else f"removed ({done.dropped})"
        click.echo(f"Old keys {kept}. Back up {done.where} now: backups made before today need the old key.")
    else:
        click.echo("You may now remove the old keys from TOTP_KEYS and restart.")
