"""related skills in the taxonomy, and profiles willing to travel to another site

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 02:20:00

skills.related lists the canonical names of related skills (Accounting ~ Bookkeeping): the matcher gives a
held related skill partial credit. Shipped skills get the shipped relations. employee_profiles.travel_ok:
the person goes to in-person needs at other sites too (the Beijing PV engineer who trains Yanchi's village
station keepers); off for every existing profile, as the filters behaved before.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0026'
down_revision: Union[str, Sequence[str], None] = '0025'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('related', sa.JSON(), server_default='[]', nullable=False))
    with op.batch_alter_table('employee_profiles', schema=None) as batch_op:
        batch_op.add_column(sa.Column('travel_ok', sa.Boolean(), server_default=sa.false(), nullable=False))
    _ship_relations()


def _ship_relations() -> None:
    """The shipped relations onto the shipped skills present (by name); others stay without."""
    from empathy.data import load_skills

    skills = sa.table('skills', sa.column('id', sa.Integer), sa.column('name', sa.String),
                      sa.column('related', sa.JSON))
    connection = op.get_bind()
    present = {name: id_ for id_, name in connection.execute(sa.select(skills.c.id, skills.c.name))}
    for entry in load_skills():
        related = [name for name in entry.get('related') or () if name in present]
        if entry['name'] in present and related:
            connection.execute(skills.update().where(skills.c.id == present[entry['name']]).values(related=related))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('employee_profiles', schema=None) as batch_op:
        batch_op.drop_column('travel_ok')
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.drop_column('related')
