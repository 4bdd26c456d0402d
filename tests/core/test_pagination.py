"""core.pagination: one page and the total, with as few statements as the page allows."""

import pytest
import sqlalchemy as sa
from sqlmodel import select

from empathy.core.db import get_engine
from empathy.core.pagination import paginate
from empathy.models import Site
from tests.factories import make_site


@pytest.fixture
def statements(app):
    """The SELECT statements run on the app's engine, in order."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    engine = get_engine(app)
    sa.event.listen(engine, "before_cursor_execute", note)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", note)


@pytest.mark.parametrize("window", [False, True])
@pytest.mark.parametrize(("rows", "page", "names", "total", "runs"), [
    (45, 1, range(0, 20), 45, {False: 2, True: 1}),   # full page: the total needs counting
    (45, 3, range(40, 45), 45, {False: 1, True: 1}),  # short page: the rows before it plus its own
    (40, 2, range(20, 40), 40, {False: 2, True: 1}),  # the last page, full
    (40, 3, range(0), 40, {False: 2, True: 2}),       # past the end: empty, counted
    (0, 1, range(0), 0, {False: 1, True: 1}),         # nothing at all
    (7, 1, range(0, 7), 7, {False: 1, True: 1}),
])
def test_a_page_and_its_total_with_a_count_only_when_the_page_cannot_tell(
        session, statements, window, rows, page, names, total, runs):
    for i in range(rows):
        make_site(session, code=f"site-{i:02d}", name_en=f"Site {i:02d}")
    session.expunge_all()
    statements.clear()
    found = paginate(session, select(Site).order_by(Site.name_en), page=page, per_page=20, window_count=window)
    assert [s.name_en for s in found.items] == [f"Site {i:02d}" for i in names]
    assert all(isinstance(s, Site) for s in found.items)
    assert (found.total, found.page, found.pages) == (total, page, max(1, -(-total // 20)))
    assert found.has_next is (page < found.pages)
    assert len(statements) == runs[window], statements


def test_pages_of_a_filtered_select_count_only_what_the_filter_keeps(session):
    for i in range(30):
        make_site(session, code=f"site-{i:02d}", name_en=f"Site {i:02d}", is_active=i % 3 == 0)
    statement = select(Site).where(Site.is_active.is_(True)).order_by(Site.name_en)
    for window in (False, True):
        found = paginate(session, statement, page=1, per_page=4, window_count=window)
        assert (len(found.items), found.total, found.pages) == (4, 10, 3)
        assert [s.name_en for s in paginate(session, statement, page=3, per_page=4, window_count=window).items] == [
            "Site 24", "Site 27"]
