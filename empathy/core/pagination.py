"""One page of a query's results, the same for the web pages and the JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil
from typing import Any, Generic, TypeVar

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session

T = TypeVar("T")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000  # as the API's Paging allows; a larger OFFSET overflows SQLite's integers (a 500)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, statement: Any, *, page: int = 1, per_page: int = 20) -> Page:
    """Run a select for one page; page and per_page are clamped to sensible values (a page past the end is empty)."""
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, min(int(page), MAX_PAGE))
    total = session.exec(sa_select(func.count()).select_from(statement.order_by(None).subquery())).one()[0]
    items = list(session.exec(statement.limit(per_page).offset((page - 1) * per_page)).all())
    return Page(items=items, total=int(total), page=page, per_page=per_page)
