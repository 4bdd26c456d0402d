"""The tools of writing under concurrency: retries of transient failures, compare-and-set, row locks."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from empathy.core import db
from empathy.core.db import ATTEMPTS, compare_and_delete, compare_and_set, is_transient, lock_rows, retrying
from empathy.core.errors import Conflict
from empathy.models import Site
from tests.factories import make_site


class FakeSession:
    def __init__(self):
        self.rollbacks = 0

    def rollback(self):
        self.rollbacks += 1


class PgError(Exception):
    def __init__(self, sqlstate):
        super().__init__(f"SQLSTATE {sqlstate}")
        self.sqlstate = sqlstate


def _locked():
    return OperationalError("UPDATE ...", {}, sqlite3.OperationalError("database is locked"))


@pytest.fixture(autouse=True)
def no_pause(monkeypatch):
    monkeypatch.setattr(db, "_pause", lambda state: 0)


def _service(failures: list[BaseException]):
    calls = []

    @retrying
    def service(value, *, session):
        calls.append(value)
        if failures:
            raise failures.pop(0)
        return value * 2

    return service, calls


@pytest.mark.parametrize("error", [
    _locked(),
    OperationalError("UPDATE ...", {}, PgError("40001")),
    OperationalError("UPDATE ...", {}, PgError("40P01")),
])
def test_a_transient_failure_is_rolled_back_and_tried_again(error):
    session = FakeSession()
    service, calls = _service([error, error])
    assert service(21, session=session) == 42
    assert calls == [21, 21, 21]
    assert session.rollbacks == 2


def test_a_refusal_is_rolled_back_and_passes_through_at_once():
    session = FakeSession()
    service, calls = _service([Conflict("taken")])
    with pytest.raises(Conflict, match="taken"):
        service(1, session=session)
    assert calls == [1] and session.rollbacks == 1


@pytest.mark.parametrize("error", [
    IntegrityError("INSERT ...", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
    OperationalError("SELECT ...", {}, PgError("57014")),
    ValueError("a bug"),
])
def test_any_other_failure_is_rolled_back_and_not_tried_again(error):
    session = FakeSession()
    service, calls = _service([error])
    with pytest.raises(type(error)):
        service(1, session=session)
    assert calls == [1] and session.rollbacks == 1


def test_retries_stop_after_the_last_attempt_with_the_last_error():
    session = FakeSession()
    service, calls = _service([_locked() for _ in range(ATTEMPTS + 3)])
    with pytest.raises(OperationalError, match="database is locked"):
        service(1, session=session)
    assert len(calls) == ATTEMPTS and session.rollbacks == ATTEMPTS


def test_what_counts_as_transient():
    assert is_transient(_locked())
    assert not is_transient(ValueError("database is locked"))  # a DBAPI error only


def test_compare_and_set_writes_only_while_the_condition_holds(session):
    site = make_site(session)
    assert compare_and_set(session, site, Site.is_active.is_(True), is_active=False)
    assert site.is_active is False  # refreshed from the database
    assert not compare_and_set(session, site, Site.is_active.is_(True), is_active=False, name_en="Changed")
    session.commit()
    stored = session.get(Site, site.id, populate_existing=True)
    assert (stored.is_active, stored.name_en) == (False, site.name_en)


def test_compare_and_delete_deletes_once(session):
    site = make_site(session)
    twin = session.exec(select(Site).where(Site.id == site.id)).one()
    assert compare_and_delete(session, site)
    session.commit()
    assert not compare_and_delete(session, twin)
    assert session.exec(select(Site)).all() == []


def test_lock_rows_reads_the_stored_rows_in_key_order(session):
    sites = [make_site(session) for _ in range(3)]
    db.begin_write(session)
    rows = lock_rows(session, Site, Site.id.in_([s.id for s in reversed(sites)]))
    assert [r.id for r in rows] == sorted(s.id for s in sites)
    session.commit()


def test_a_row_deleted_by_another_transaction_before_the_retry_is_a_refusal_not_a_crash(session, monkeypatch):
    # The account deleted while its owner accepts an invitation (tests/privacy/test_races.py): the first
    # attempt collides and is rolled back, which expires the acting user; the account is deleted before the
    # retry, which reads the user again.
    from empathy.core.errors import NotFound
    from empathy.models import User
    from tests.factories import make_user

    person = make_user(session, password=None)
    session.commit()
    person_id = person.id

    def delete_meanwhile(state):
        with Session(session.get_bind()) as other:
            if (gone := other.get(User, person_id)) is not None:
                other.delete(gone)
                other.commit()
        return 0

    monkeypatch.setattr(db, "_pause", delete_meanwhile)
    attempts = []

    @retrying
    def accept(user, *, session):
        db.begin_write(session)  # as every write use case starts, then reads (a transaction is open)
        session.connection()
        attempts.append(user.email)  # the retry refreshes the expired user here
        raise _locked()

    with pytest.raises(NotFound, match="deleted meanwhile"):
        accept(person, session=session)
    assert len(attempts) == 1


def test_a_page_or_api_call_that_finds_its_row_deleted_meanwhile_answers_404(app, client):
    from sqlalchemy.orm.exc import ObjectDeletedError

    def crash():
        raise ObjectDeletedError(sa.inspect(Site(id=1)), "gone")

    app.add_url_rule("/api/v1/_gone", "_gone_api", crash)
    app.add_url_rule("/_gone", "_gone_page", crash)
    api = client.get("/api/v1/_gone")
    assert api.status_code == 404 and api.mimetype == "application/problem+json"
    assert "deleted meanwhile" in api.get_json()["detail"]
    page = client.get("/_gone")
    assert page.status_code == 404 and "deleted meanwhile" in page.get_data(as_text=True)
