"""notice: change notices, a reminder per scheduled start, calendar sequences and a feed link

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 16:04:01

Moving a need told nobody, its reminder could never be sent again, and calendar apps kept the old
time. Needs and matches get a SEQUENCE counter for their calendar entries; a notification may name
the need it is about (the coordinator sees who was told); a reminder is kept per match and start,
filled for the reminders already sent with their need's start now; a user may have one secret
calendar feed link, of which only a digest is kept.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import empathy.core.db


# revision identifiers, used by Alembic.
revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0015'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('calendar_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', empathy.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_feeds_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_feeds')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_calendar_feeds_token_hash')),
    sa.UniqueConstraint('user_id', name=op.f('uq_calendar_feeds_user_id'))
    )
    with op.batch_alter_table('match_reminders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_at', empathy.core.db.UTCDateTime(timezone=True), nullable=True))
    # A reminder already sent was sent for the need's start as it is now (a moved need is reminded again).
    op.execute("UPDATE match_reminders SET starts_at = (SELECT needs.starts_at FROM matches JOIN needs "
               "ON needs.id = matches.need_id WHERE matches.id = match_reminders.match_id)")
    with op.batch_alter_table('match_reminders', schema=None) as batch_op:
        batch_op.alter_column('starts_at', existing_type=empathy.core.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_match_reminders_match_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_match_reminders_match_id'), ['match_id'], unique=False)
        batch_op.create_unique_constraint('uq_match_reminders_match_start', ['match_id', 'starts_at'])

    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), server_default='0', nullable=False))

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('need_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_notifications_need_id'), ['need_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_need_id_needs'), 'needs', ['need_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_need_id_needs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_notifications_need_id'))
        batch_op.drop_column('need_id')

    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_column('sequence')

    with op.batch_alter_table('matches', schema=None) as batch_op:
        batch_op.drop_column('sequence')

    with op.batch_alter_table('match_reminders', schema=None) as batch_op:
        batch_op.drop_constraint('uq_match_reminders_match_start', type_='unique')
        batch_op.drop_index(batch_op.f('ix_match_reminders_match_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_match_reminders_match_id'), ['match_id'])
        batch_op.drop_column('starts_at')

    op.drop_table('calendar_feeds')
