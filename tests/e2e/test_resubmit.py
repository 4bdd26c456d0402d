"""Back, then submit again, in a real browser: the hours form logs once and says "Already recorded"."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect
from sqlmodel import Session, func, select

from empathy.core.db import make_engine, utcnow
from empathy.models import HoursRecord, Match, Need, User
from tests.e2e.helpers import COORDINATOR, local_now, sign_in

EMPLOYEE = ("haolin.xie.6@empathy.example", "volunteer-with-empathy")  # a demo employee (README)


def _confirmed_on_a_started_need(database) -> int:
    """Arrange what takes a whole journey through the UI: a confirmed place on a need that started yesterday."""
    engine = make_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as s:
            employee = s.exec(select(User).where(User.email == EMPLOYEE[0])).one()
            owner = s.exec(select(User).where(User.email == COORDINATOR[0])).one()
            employee.preferred_language = "en"  # the demo's 谢昊琳 reads Chinese; the assertions are in English
            s.add(employee)
            start = utcnow() - timedelta(days=1)
            need = Need(title="Sorting donated winter coats", description="Sort and pack coats.", cause="education",
                        starts_at=start, ends_at=start + timedelta(days=3), seats=4, seats_taken=1, status="open",
                        owner_id=owner.id)
            s.add(need)
            s.flush()
            match = Match(need_id=need.id, user_id=employee.id, status="confirmed")
            s.add(match)
            s.commit()
            return match.id
    finally:
        engine.dispose()


def _records(database, match_id: int) -> int:
    engine = make_engine(f"sqlite:///{database}")
    try:
        with Session(engine) as s:
            return s.exec(select(func.count()).select_from(HoursRecord).where(HoursRecord.match_id == match_id)).one()
    finally:
        engine.dispose()


def _fill_hours(page, note: str = "Sorted two vans of coats.") -> None:
    page.get_by_label("Hours").fill("3")
    page.get_by_label("Day").fill(local_now().date().isoformat())
    page.get_by_label("Note (optional)").fill(note)
    page.get_by_role("button", name="Log hours").click()


def test_back_then_submit_again_logs_the_hours_once(open_page, live_server):
    database = live_server.directory / "e.sqlite"
    match_id = _confirmed_on_a_started_need(database)
    page = open_page()
    sign_in(page, *EMPLOYEE)
    page.goto(f"/commitments/{match_id}/hours")
    expect(page).to_have_url(re.compile(rf"/commitments/{match_id}/hours\?once=[\w-]{{16,}}$"))
    form_address = page.url
    _fill_hours(page)
    expect(page.get_by_role("status")).to_contain_text("wait for the coordinator's approval")
    assert _records(database, match_id) == 1

    page.go_back()  # the form again, at the address it was first shown at
    expect(page.get_by_role("button", name="Log hours")).to_be_visible()
    assert page.url == form_address
    _fill_hours(page)
    expect(page.get_by_role("status")).to_contain_text("Already recorded")
    assert _records(database, match_id) == 1

    # A form opened afresh from the commitments page logs more hours.
    page.goto(f"/commitments/{match_id}/hours")
    assert page.url != form_address
    _fill_hours(page, "Sorted a third van.")  # another stint: the same entry again is refused as a repeat
    expect(page.get_by_role("status")).to_contain_text("wait for the coordinator's approval")
    assert _records(database, match_id) == 2
