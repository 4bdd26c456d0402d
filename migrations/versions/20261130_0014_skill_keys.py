"""skill keys: every name of a skill, folded, under a unique index

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 11:00:00

A typed skill name was found by reading every skill and comparing each label in Python: a profile of 100
new names read the whole taxonomy 100 times inside a write transaction. Each name of a skill (its name,
labels and synonyms), folded the way names compare, is now a row of skill_keys whose primary key is the
folded name: one indexed lookup per name, and no name can mean two skills.
"""
import json
import unicodedata
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel


# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def _fold(text: str) -> str:
    # empathy.core.text.fold as of this revision (a migration must not change when the app's code does).
    return unicodedata.normalize("NFKC", text).strip().casefold()


def upgrade() -> None:
    """Upgrade schema."""
    keys = op.create_table('skill_keys',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=360), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_skill_keys_skill_id_skills'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_skill_keys'))
    )
    with op.batch_alter_table('skill_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_keys_skill_id'), ['skill_id'], unique=False)

    # Where two skills shared a name (typed-in skills could), the lookup keeps finding the skill it found
    # before: the one of that exact name, else the oldest skill with that label or synonym.
    rows = op.get_bind().execute(sa.text("SELECT id, name, label_en, label_zh, synonyms FROM skills ORDER BY id")).all()
    owner: dict[str, int] = {}
    for skill_id, name, *_others in rows:
        if _fold(name or ""):
            owner.setdefault(_fold(name), skill_id)
    for skill_id, name, label_en, label_zh, synonyms in rows:
        synonyms = json.loads(synonyms) if isinstance(synonyms, str) else synonyms
        for value in (name, label_en, label_zh, *(synonyms or [])):
            key = _fold(value) if value else ""
            if key:
                owner.setdefault(key, skill_id)
    if owner:
        op.bulk_insert(keys, [{"key": key, "skill_id": skill_id} for key, skill_id in owner.items()])


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('skill_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_keys_skill_id'))

    op.drop_table('skill_keys')
