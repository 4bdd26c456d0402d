"""What waits for an administrator: new skills to review, e-mails that failed, the latest imports.

Three queries, each returning its first rows and (through a window count) how many there are in all.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlmodel import Session, select

from empathy.core.pagination import Glimpse, glimpse, with_total
from empathy.models import AuditEntry, OutboxMessage, Skill, User

SHOWN = 5  # rows per section; its link leads to the rest


@dataclass
class AdminAttention:
    """`skills`: Skill rows that need review, newest first; `failed_mail`: OutboxMessage rows that failed for
    good, latest first; `imports`: (AuditEntry, User or None) of the latest employee imports, latest first."""

    skills: Glimpse
    failed_mail: Glimpse
    imports: Glimpse


@lru_cache(maxsize=1)
def _statements() -> tuple:
    """The three sections' statements, built once (composing them cost as much as running them)."""
    skills = select(Skill).where(Skill.needs_review.is_(True)).order_by(Skill.created_at.desc(), Skill.id.desc())
    failed = (select(OutboxMessage).where(OutboxMessage.status == "failed")
              .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()))
    imports = (select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.actor_id)
               .where(AuditEntry.action == "employees_imported")
               .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    return tuple(with_total(s, SHOWN) for s in (skills, failed, imports))


def admin_attention(*, session: Session) -> AdminAttention:
    """Skills waiting for review (the taxonomy's `needs_review` ones, added by profiles, needs and imports),
    failed e-mails (outbox status `failed`) and the latest bulk imports of employees (their audit entries,
    with who ran them). Three queries."""
    skills, failed, imports = (glimpse(session, s, width=w, counted=True) for s, w in zip(_statements(), (1, 1, 2)))
    return AdminAttention(skills=skills, failed_mail=failed, imports=imports)
