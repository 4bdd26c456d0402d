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


def paginate(session: Session, statement: Any, *, page: int = 1, per_page: int = 20, window_count: bool = False
             ) -> Page:
    """Run a select for one page; page and per_page are clamped to sensible values (a page past the end is empty).

    The page comes first: a page that is not full and not empty tells the total (the rows before it plus its
    own), so the count query runs only for a full page or an empty one past the first. `window_count=True`
    asks the page query for the total as well (`count(*) OVER ()`), one statement instead of two for a full
    page: for filtered lists of a few thousand rows, where the database reads every matching row for the
    count anyway. Not for large tables ordered by an index, where the window makes it read all of them.
    """
    per_page = max(1, min(int(per_page), MAX_PER_PAGE))
    page = max(1, min(int(page), MAX_PAGE))
    paged = statement.limit(per_page).offset((page - 1) * per_page)
    total: int | None = None
    if window_count:
        # execute, not exec: sqlmodel's exec would keep the first column only of a select(Model) with one added
        rows = session.execute(paged.add_columns(func.count().over())).all()
        items = [row[0] for row in rows]
        if rows:
            total = int(rows[0][-1])
    else:
        items = list(session.exec(paged).all())
    if total is None and (0 < len(items) < per_page or (page == 1 and not items)):
        total = (page - 1) * per_page + len(items)
    if total is None:
        total = session.exec(sa_select(func.count()).select_from(statement.order_by(None).subquery())).one()[0]
    return Page(items=items, total=int(total), page=page, per_page=per_page)


@dataclass(frozen=True)
class Glimpse:
    """The first rows of a list and how many rows it has in all (a home page's section)."""

    rows: list
    total: int


def with_total(statement: Any, limit: int | None) -> Any:
    """`statement` with a window count of all its rows as its last column, cut to `limit` rows (None: all).
    Build it once for a hot page and run it through `glimpse(..., counted=True)` with bound parameters."""
    return statement.add_columns(func.count().over()).limit(limit)


def glimpse(session: Session, statement: Any, *, limit: int | None = None, width: int = 1,
            params: dict | None = None, counted: bool = False) -> Glimpse:
    """The first `limit` rows of `statement` (None: all) and their total, in one query (a window count).

    `width` is the number of columns `statement` selects: with 1 each row is that entity, else a tuple.
    `counted`: `statement` already went through `with_total` (its `limit` applies; `limit` here is ignored).
    `params` are its bound parameters."""
    rows = session.execute(statement if counted else with_total(statement, limit), params or {}).all()
    if not rows:
        return Glimpse(rows=[], total=0)
    return Glimpse(rows=[tuple(r[:width]) if width > 1 else r[0] for r in rows], total=int(rows[0][width]))
