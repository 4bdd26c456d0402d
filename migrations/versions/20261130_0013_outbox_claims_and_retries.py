"""outbox claims and retries: a message is claimed (sending) before it is sent, failed attempts are retried

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 10:00:00

Senders claim a message with a conditional UPDATE (queued -> sending, with their token and the time), so
two senders never send it twice; `attempts` and `next_attempt_at` bound and space out the retries.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import empathy.core.db


# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = ('queued', 'sent', 'failed', 'logged')
NEW = ('queued', 'sending', 'sent', 'failed', 'logged')


def _check(values: tuple[str, ...]) -> str:
    return "status IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', empathy.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', empathy.core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        # Autogenerate does not see CHECK constraints: this one is written by hand.
        batch_op.drop_constraint(op.f('ck_outbox_messages_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_messages_status'), _check(NEW))


def downgrade() -> None:
    """Downgrade schema: a message caught in sending is queued again (the old senders send every queued one)."""
    op.execute("UPDATE outbox_messages SET status = 'queued' WHERE status = 'sending'")
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_outbox_messages_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_outbox_messages_status'), _check(OLD))
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('claimed_at')
        batch_op.drop_column('next_attempt_at')
        batch_op.drop_column('attempts')
