"""oidc: accounts at OpenID Connect providers linked to local accounts, and their audited actions

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 19:40:00

A sign-in through an installation's identity provider finds its account by the provider's
(issuer, subject) pair, kept here: a later change of e-mail address at the provider still finds it.
Creating and linking an account that way are audited.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel
import empathy.core.db


# revision identifiers, used by Alembic.
revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = ('role_changed', 'user_activated', 'user_deactivated', 'employees_imported', 'skills_merged',
       'account_deleted', 'hours_approved', 'hours_rejected', 'volunteer_approved', 'volunteer_rejected',
       'password_reset', 'need_created', 'need_edited', 'need_published', 'need_closed', 'need_reopened',
       'need_cancelled', 'volunteers_invited', 'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset')
NEW = OLD + ('sso_account_created', 'sso_account_linked')


def _check(values: tuple[str, ...]) -> str:
    return "action IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _replace(values: tuple[str, ...]) -> None:
    # Autogenerate does not see CHECK constraints: this one is written by hand.
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entries_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_entries_action'), _check(values))


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('external_identities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('created_at', empathy.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_sign_in_at', empathy.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_external_identities_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_external_identities')),
    sa.UniqueConstraint('issuer', 'subject', name='uq_external_identities_issuer_subject')
    )
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_external_identities_user_id'), ['user_id'], unique=False)
    _replace(NEW)


def downgrade() -> None:
    """Downgrade schema: entries of the new actions cannot be kept under the old constraint."""
    op.execute("DELETE FROM audit_entries WHERE NOT (" + _check(OLD) + ")")
    _replace(OLD)
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_external_identities_user_id'))
    op.drop_table('external_identities')
