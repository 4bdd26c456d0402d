"""two-factor secrets sealed at rest

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 09:00:00

The TOTP secrets were kept in clear, so every backup of the database carried them. They are now
sealed (Fernet, empathy.core.crypto) with keys kept outside the database: TOTP_KEYS, or the instance
file `totp-key`, made here when there is no key yet. Downgrading opens them again with the same keys.
"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel
from alembic import context, op

# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _keys():
    """The app's key ring (schema.alembic_config passes it); for a bare `alembic` run, the app's config."""
    keys = context.config.attributes.get("totp_keys")
    if keys is None:
        from empathy import create_app
        from empathy.core.crypto import KeyRing

        app = create_app()
        keys = KeyRing.for_totp(app.config, app.instance_path)
    return keys


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("two_factor") as batch:
        batch.add_column(sa.Column("sealed_secret", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT user_id, secret FROM two_factor")).all()
    if rows:
        keys = _keys()
        keys.create()  # the first key, unless one is configured or the file exists already
        for user_id, secret in rows:
            conn.execute(sa.text("UPDATE two_factor SET sealed_secret = :s WHERE user_id = :u"),
                         {"s": keys.seal(secret), "u": user_id})
    with op.batch_alter_table("two_factor") as batch:
        batch.alter_column("sealed_secret", existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
                           nullable=False)
        batch.drop_column("secret")


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("two_factor") as batch:
        batch.add_column(sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT user_id, sealed_secret FROM two_factor")).all()
    if rows:
        keys = _keys()  # KeyMissing / KeyMismatch stop the downgrade, with the key's place in the message
        for user_id, sealed in rows:
            conn.execute(sa.text("UPDATE two_factor SET secret = :s WHERE user_id = :u"),
                         {"s": keys.open(sealed), "u": user_id})
    with op.batch_alter_table("two_factor") as batch:
        batch.alter_column("secret", existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch.drop_column("sealed_secret")
