"""import jobs: a CSV import runs as a queue task; its file, state, progress, report and sealed links

Revision ID: 0024
Revises: 0017
Create Date: 2026-11-30 19:39:25

A 1,000-row import inside a web request hit gunicorn's timeout and imported nothing. The upload now
stores the file in an import job, a worker runs it, and the page polls the job's state and progress.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import empathy.core.db


# revision identifiers, used by Alembic.
revision: str = '0024'
down_revision: Union[str, Sequence[str], None] = '0023'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('links_sealed', sa.Text(), nullable=True),
    sa.Column('links_expire_at', empathy.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', empathy.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', empathy.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', empathy.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', empathy.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name=op.f('ck_import_jobs_state')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_import_jobs_created_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_created_by'), ['created_by'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_jobs_state'), ['state'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_jobs_state'))
        batch_op.drop_index(batch_op.f('ix_import_jobs_created_by'))

    op.drop_table('import_jobs')
