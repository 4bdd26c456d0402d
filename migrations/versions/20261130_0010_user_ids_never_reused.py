"""user ids never reused on SQLite

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 06:30:00

SQLite hands the largest rowid out again once that row is deleted; AUTOINCREMENT makes it keep a
high-water mark instead. Ids of users appear in links, tokens, audit entries and anonymised hours,
so a deleted account's id must never name a new one. PostgreSQL's sequences never go back: nothing
to do there.
"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _rebuild_users(autoincrement: bool) -> None:
    # SQLite cannot add AUTOINCREMENT to a table: batch mode copies it into a new one.
    # migrations/env.py turns foreign keys off meanwhile, or dropping the old table would cascade.
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("users", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass


def upgrade() -> None:
    """Upgrade schema."""
    _rebuild_users(True)


def downgrade() -> None:
    """Downgrade schema."""
    _rebuild_users(False)
