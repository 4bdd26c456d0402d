"""The rate limiter's counters, kept in the app's own database (empathy.core.ratelimit)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class RateLimitCounter(SQLModel, table=True):
    """One fixed-window counter: how many hits a limiter key had in the window that ends at `expires_at`.

    The key is a SHA-256 digest of the limiter's key, so no e-mail or network address is kept in
    clear; rows are pruned once their window is over.
    """

    __tablename__ = "rate_limit_counters"

    key: str = Field(primary_key=True, max_length=64)
    count: int = Field(default=0)
    # Seconds since the epoch (UTC): plain numbers compare the same way in SQLite and PostgreSQL.
    expires_at: float = Field(index=True)
