"""the audited actions need_deleted, site_deactivated, site_reactivated, scim_group_deleted, volunteer_removed

Revision ID: 0025
Revises: 0024
Create Date: 2026-11-30 23:10:00

Every delete made by a coordinator, an administrator or the provisioning system is recorded in the audit
log: a draft need deleted, a site taken out of the forms (or put back), a pushed group forgotten, a
volunteer taken off a need.
"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0025'
down_revision: Union[str, Sequence[str], None] = '0024'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = ('role_changed', 'user_activated', 'user_deactivated', 'employees_imported', 'skills_merged',
       'account_deleted', 'hours_approved', 'hours_rejected', 'volunteer_approved', 'volunteer_rejected',
       'password_reset', 'need_created', 'need_edited', 'need_published', 'need_closed', 'need_reopened',
       'need_cancelled', 'volunteers_invited', 'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset',
       'sso_account_created', 'sso_account_linked',  # 0018
       'provisioning_token_created', 'provisioning_token_revoked', 'registration_policy_changed',
       'user_created',  # 0019
       'mail_retried')  # 0022
NEW = OLD + ('need_deleted', 'site_deactivated', 'site_reactivated', 'scim_group_deleted', 'volunteer_removed')


def _check(values: tuple[str, ...]) -> str:
    return "action IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _replace(values: tuple[str, ...]) -> None:
    # Autogenerate does not see CHECK constraints: this one is written by hand.
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entries_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_entries_action'), _check(values))


def upgrade() -> None:
    """Upgrade schema."""
    _replace(NEW)


def downgrade() -> None:
    """Downgrade schema: entries of the new actions cannot be kept under the old constraint."""
    op.execute("DELETE FROM audit_entries WHERE NOT (" + _check(OLD) + ")")
    _replace(OLD)
