"""needs.allows_extra_hours: the coordinator lets volunteers log more hours for a day than the need runs

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-30 16:30:00

Hours were accepted for any day from the need's start on, up to 24 a day: 8 hours for a 3-hour need
held a fortnight earlier went through. Hours are now taken only for the need's own local days, at
most as many as it runs that day, unless the coordinator ticks this (stored with the need).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0016'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allows_extra_hours', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_column('allows_extra_hours')
