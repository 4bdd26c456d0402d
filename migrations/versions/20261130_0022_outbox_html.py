"""outbox_messages.html_body: the HTML part of a multipart message; the audited action mail_retried

Revision ID: 0022
Revises: 0017
Create Date: 2026-11-30 19:50:00

Messages are sent as text and HTML from the templates of templates/mail/, rendered in the recipient's
language when they are queued. Older rows have no HTML part and go out as text only. An administrator
who queues a failed message again is recorded in the audit log (mail_retried).
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0022'
down_revision: Union[str, Sequence[str], None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD = ('role_changed', 'user_activated', 'user_deactivated', 'employees_imported', 'skills_merged',
       'account_deleted', 'hours_approved', 'hours_rejected', 'volunteer_approved', 'volunteer_rejected',
       'password_reset', 'need_created', 'need_edited', 'need_published', 'need_closed', 'need_reopened',
       'need_cancelled', 'volunteers_invited', 'two_factor_enabled', 'two_factor_disabled', 'two_factor_reset',
       'sso_account_created', 'sso_account_linked',  # 0018
       'provisioning_token_created', 'provisioning_token_revoked', 'registration_policy_changed',
       'user_created')  # 0019
NEW = OLD + ('mail_retried',)


def _check(values: tuple[str, ...]) -> str:
    return "action IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _replace(values: tuple[str, ...]) -> None:
    # Autogenerate does not see CHECK constraints: this one is written by hand.
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_audit_entries_action'), type_='check')
        batch_op.create_check_constraint(op.f('ck_audit_entries_action'), _check(values))


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('html_body', sa.Text(), nullable=True))
    _replace(NEW)


def downgrade() -> None:
    """Downgrade schema: entries of the new action cannot be kept under the old constraint."""
    op.execute("DELETE FROM audit_entries WHERE NOT (" + _check(OLD) + ")")
    _replace(OLD)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('html_body')
