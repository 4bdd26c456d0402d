"""Welfare needs, the skills they require, and matches between needs and employees."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from empathy.core.db import UTCDateTime
from empathy.models.base import created_at_field, one_of, updated_at_field
from empathy.models.need_schemas import IMPORTANCES, NEED_STATUSES, NeedBase, NeedSkillBase
from empathy.models.profile_schemas import MAX_LEVEL, MIN_LEVEL
from empathy.models.statuses import MatchStatus, NeedStatus, StatusType

# The value list of the match status CHECK constraint, in the enum's order.
MATCH_STATUSES = tuple(MatchStatus)


class Need(NeedBase, table=True):
    """A public-welfare action that asks for volunteers with given skills."""

    __tablename__ = "needs"
    __table_args__ = (
        one_of("status", NEED_STATUSES, "status"),
        sa.CheckConstraint("seats >= 1", name="seats"),
        sa.CheckConstraint("seats_taken >= 0 AND seats_taken <= seats", name="seats_taken"),
        sa.CheckConstraint("hours_per_volunteer >= 0", name="hours_per_volunteer"),
        sa.CheckConstraint("ends_at >= starts_at", name="dates"),
    )

    id: int | None = Field(default=None, primary_key=True)
    is_remote: bool = Field(default=False)
    status: NeedStatus = Field(default=NeedStatus.DRAFT, sa_type=StatusType(NeedStatus), index=True)
    site_id: int | None = Field(default=None, foreign_key="sites.id", ondelete="SET NULL", index=True)
    owner_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL", index=True)
    # Confirmed volunteers; only ever changed by a conditional UPDATE (see services.matches).
    seats_taken: int = Field(default=0)
    # Calendar entries' SEQUENCE (RFC 5545): one more at each change of time, place or status people rely on.
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field(index=True)


class NeedSkill(NeedSkillBase, table=True):
    """A skill a need requires, must-have or nice-to-have, with a minimum level."""

    __tablename__ = "need_skills"
    __table_args__ = (
        sa.UniqueConstraint("need_id", "skill_id", name="uq_need_skills_need_skill"),
        one_of("importance", IMPORTANCES, "importance"),
        sa.CheckConstraint(f"min_level >= {MIN_LEVEL} AND min_level <= {MAX_LEVEL}", name="min_level"),
    )

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="needs.id", ondelete="CASCADE", index=True)
    skill_id: int = Field(foreign_key="skills.id", ondelete="RESTRICT", index=True)


class Match(SQLModel, table=True):
    """One employee's relation to one need, from suggestion to attendance."""

    __tablename__ = "matches"
    __table_args__ = (
        sa.UniqueConstraint("need_id", "user_id", name="uq_matches_need_user"),
        one_of("status", MATCH_STATUSES, "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    need_id: int = Field(foreign_key="needs.id", ondelete="CASCADE", index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    status: MatchStatus = Field(default=MatchStatus.SUGGESTED, sa_type=StatusType(MatchStatus), index=True)
    # The score and its explanation when the match was made, kept as they were.
    score: float | None = Field(default=None)
    explanation: dict | None = Field(default=None, sa_type=sa.JSON)
    message: str = Field(default="", sa_type=sa.Text)
    reason: str = Field(default="", sa_type=sa.Text)
    invited_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # One more each time the person takes or gives back a seat: their calendar entry's SEQUENCE is the
    # need's plus this, so a withdrawal or a return shows as a newer version of the same entry.
    sequence: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = created_at_field()
    updated_at: datetime = updated_at_field()
