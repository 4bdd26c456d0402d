"""match_models and match_refit_lock: the fitted model's versions, stored where every host reads them

Revision ID: 0023
Revises: 0017
Create Date: 2026-11-30 19:45:00

Refits move from a thread of each web process to the task queue's worker. Each refit writes a new
version (a file in MATCH_MODEL_DIR or the bytes in this table) and a row here; every web process
follows the newest row. One row of match_refit_lock lets one refit run at a time across all hosts.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import empathy.core.db


# revision identifiers, used by Alembic.
revision: str = '0023'
down_revision: Union[str, Sequence[str], None] = '0022'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('match_models',
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('started_at', empathy.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('until', empathy.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fitted_at', empathy.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('employees', sa.Integer(), nullable=False),
    sa.Column('needs', sa.Integer(), nullable=False),
    sa.Column('seconds', sa.Float(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('library', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('model_format', sa.Integer(), nullable=False),
    sa.Column('location', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('payload', sa.LargeBinary(), nullable=True),
    sa.PrimaryKeyConstraint('version', name=op.f('pk_match_models'))
    )
    lock = op.create_table('match_refit_lock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('holder', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('lease_until', empathy.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('pending', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('pending_forget', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_refit_lock'))
    )
    op.bulk_insert(lock, [{"id": 1, "pending": False, "pending_forget": False}])


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('match_refit_lock')
    op.drop_table('match_models')
