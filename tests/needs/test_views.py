"""Need pages: coordinators write and manage needs, everyone browses the open ones."""

import re
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from empathy.core.db import utcnow
from empathy.models import Need
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_site, make_skill, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _sign_in(session, auth, **kw):
    user = make_user(session, **kw)
    auth.login(user.email, DEFAULT_PASSWORD)
    return user


def _form(**overrides):
    data = {
        "title": "Maths for Hope School", "description": "Weekend tutoring", "cause": "education",
        "beneficiary": "Hope School", "site": "", "remote": "y",
        "starts_at": "2031-03-01T09:00", "ends_at": "2031-03-01T12:30",
        "seats": "4", "hours_per_volunteer": "3.5",
        "skills-0-name": "", "skills-0-importance": "must", "skills-0-min_level": "1", "submit": "1",
    }
    data.update(overrides)
    return data


def test_coordinator_creates_a_draft_in_local_time(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    make_skill(session, name="Mathematics teaching", label_zh="数学教学")
    response = client.post("/needs/new", data=_form(**{
        "skills-0-name": "数学教学", "skills-0-importance": "must", "skills-0-min_level": "3",
        "skills-1-name": "Patience coaching", "skills-1-importance": "nice", "skills-1-min_level": "1",
    }))
    assert response.status_code == 302
    need = session.exec(select(Need)).one()
    assert (need.status, need.owner_id, need.seats, need.hours_per_volunteer) == ("draft", owner.id, 4, 3.5)
    assert need.starts_at == datetime(2031, 3, 1, 9, tzinfo=SHANGHAI)
    page = client.get(response.headers["Location"]).text
    assert "saved as a draft" in page and "Mathematics teaching" in page and "Patience coaching" in page
    assert "Must-have" in page and "Nice-to-have" in page and "at least level 3" in page
    assert "4 of 4" in page and "Hope School" in page and owner.display_name in page
    assert "9:00" in page  # shown in local time, not 01:00 UTC


def test_form_errors_are_inline_keep_input_and_save_nothing(client, auth, session):
    _sign_in(session, auth, role="coordinator")
    response = client.post("/needs/new", data=_form(
        title="", ends_at="2031-02-28T09:00", seats="0", hours_per_volunteer="0", cause="", description="kept words"))
    assert response.status_code == 200
    for message in ("Enter a title.", "The end must not be before the start.",
                    "Enter a number of seats from 1 to 10000.", "Enter hours above 0 and at most 1000."):
        assert message in response.text
    assert "kept words" in response.text
    assert session.exec(select(Need)).all() == []
    response = client.post("/needs/new", data=_form(remote="", site=""))
    assert "Choose a site, or mark the need as remote." in response.text
    assert session.exec(select(Need)).all() == []


def test_edit_and_seat_floor(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner, seats=5, seats_taken=3, is_remote=True)
    page = client.get(f"/needs/{need.id}/edit").text
    assert f'value="{need.title}"' in page
    response = client.post(f"/needs/{need.id}/edit", data=_form(seats="2"))
    assert "3 volunteers are already confirmed" in response.text
    response = client.post(f"/needs/{need.id}/edit", data=_form(title="New title", seats="6"))
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Need, need.id).title == "New title"


def test_other_coordinators_get_403_and_employees_cannot_manage(client, auth, session):
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner)
    _sign_in(session, auth, role="coordinator")
    response = client.get(f"/needs/{need.id}/edit")
    assert response.status_code == 403 and "owns this need" in response.text
    assert client.post(f"/needs/{need.id}/close").status_code == 403
    assert client.post(f"/needs/{need.id}/edit", data=_form()).status_code == 403
    auth.logout()
    _sign_in(session, auth)
    assert client.get("/needs/new").status_code == 403
    assert client.get("/needs/mine").status_code == 403
    assert client.post(f"/needs/{need.id}/publish").status_code == 403
    session.expire_all()
    assert session.get(Need, need.id).status == "open"


def test_publish_close_reopen_duplicate_through_the_page(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner, status="draft")
    page = client.get(f"/needs/{need.id}").text
    assert "Publish" in page
    client.post(f"/needs/{need.id}/publish")
    assert "volunteers can now see it" in client.get(f"/needs/{need.id}").text
    client.post(f"/needs/{need.id}/close")
    response = client.post(f"/needs/{need.id}/close")
    assert response.status_code == 302
    assert "Only an open or filled need can be closed." in client.get(response.headers["Location"]).text
    client.post(f"/needs/{need.id}/reopen")
    session.expire_all()
    assert session.get(Need, need.id).status == "open"
    response = client.post(f"/needs/{need.id}/duplicate")
    session.rollback()  # end the read snapshot taken before the request
    copy = session.exec(select(Need).where(Need.id != need.id)).one()
    assert response.headers["Location"] == f"/needs/{copy.id}"
    assert copy.status == "draft" and copy.title.startswith("Copy of")


def test_a_refused_action_is_flashed_on_the_page_it_was_sent_from(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner, status="draft")
    response = client.post(f"/needs/{need.id}/close", headers={"Referer": "http://localhost/needs/mine?page=1"})
    assert response.status_code == 302 and response.headers["Location"] == "/needs/mine?page=1"
    assert "Only an open or filled need can be closed." in client.get("/needs/mine?page=1").text


def test_drafts_are_hidden_from_others(client, auth, session):
    owner = make_user(session, role="coordinator")
    draft = make_need(session, owner=owner, status="draft", title="Secret draft")
    _sign_in(session, auth)
    assert client.get(f"/needs/{draft.id}").status_code == 404
    assert client.get("/needs/999").status_code == 404
    assert "Secret draft" not in client.get("/needs").text


def test_browse_lists_open_needs_with_filters_and_pages(client, auth, session):
    _sign_in(session, auth)
    site = make_site(session, name_en="Yinchuan", name_zh="银川")
    start = utcnow() + timedelta(days=3)
    make_need(session, title="光伏板清洁", cause="environment", site_id=site.id, starts_at=start)
    make_need(session, title="Closed one", status="closed")
    for i in range(3):
        make_need(session, title=f"Reading {i}", cause="education", is_remote=True, starts_at=start + timedelta(days=1))
    page = client.get("/needs").text
    assert "光伏板清洁" in page and "Closed one" not in page and "Reading 2" in page
    assert "Reading" not in client.get("/needs?q=光伏").text
    filtered = client.get(f"/needs?where={site.id}").text
    assert "光伏板清洁" in filtered and "Reading" not in filtered
    remote = client.get("/needs?where=remote&cause=education").text
    assert "光伏板清洁" not in remote and "Reading" in remote
    assert "No need matches these filters." in client.get("/needs?q=nothing-like-this").text
    assert client.get("/needs?date_from=not-a-date&cause=bogus&page=x").status_code == 200


def test_results_are_paged_and_pages_keep_the_filters(client, auth, session):
    _sign_in(session, auth)
    for i in range(25):
        make_need(session, title=f"Reading {i:02d}", is_remote=True)
    first = client.get("/needs?where=remote")
    assert first.status_code == 200 and "25 results" in first.text and 'rel="next"' in first.text
    page = client.get("/needs?where=remote&page=2")
    assert page.status_code == 200
    assert "Reading 20" in page.text and "Reading 00" not in page.text
    assert 'href="/needs?where=remote&amp;page=1"' in page.text


def test_my_needs_and_all_needs(client, auth, session):
    me = _sign_in(session, auth, role="coordinator")
    other = make_user(session, role="coordinator")
    make_need(session, owner=me, title="Mine draft", status="draft")
    make_need(session, owner=other, title="Theirs open")
    make_need(session, owner=other, title="Theirs draft", status="draft")
    mine = client.get("/needs/mine").text
    assert "Mine draft" in mine and "Theirs" not in mine and "Draft" in mine
    everything = client.get("/needs/all").text
    assert "Mine draft" in everything and "Theirs open" in everything and "Theirs draft" not in everything
    assert "Theirs open" not in client.get("/needs/all?status=draft").text
    nav = client.get("/home").text
    assert 'href="/needs/mine"' in nav and 'href="/needs/new"' in nav


def test_empty_states(client, auth, session):
    _sign_in(session, auth, role="coordinator")
    assert "You have not written any need yet." in client.get("/needs/mine").text
    assert "There are no needs here yet." in client.get("/needs").text


def test_chinese_interface_shows_chinese_site_and_cause_names(client, auth, session):
    _sign_in(session, auth)
    site = make_site(session, name_en="Yinchuan", name_zh="银川")
    need = make_need(session, cause="aged_care", site_id=site.id)
    client.post("/language", data={"language": "zh"})
    page = client.get(f"/needs/{need.id}").text
    assert "银川" in page and "养老" in page


def test_languages_are_chosen_on_the_form_kept_on_edit_and_shown(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner, is_remote=True, languages=["yue"])
    page = client.get(f"/needs/{need.id}/edit").text
    assert '<input checked id="languages-1" name="languages" type="checkbox" value="yue">' in page
    assert "Languages volunteers should speak" in page
    refused = client.post(f"/needs/{need.id}/edit", data={**_form(), "languages": ["zh", "klingon"]})
    assert refused.status_code == 200 and "Choose languages from the list." in refused.text
    response = client.post(f"/needs/{need.id}/edit", data={**_form(), "languages": ["zh", "en"]})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Need, need.id).languages == ["zh", "en"]
    detail = client.get(f"/needs/{need.id}").text
    assert "Chinese (Mandarin) and English" in detail  # the locale's list pattern


def test_the_open_needs_list_reads_a_full_page_and_its_total_in_one_statement(app, client, auth, session):
    import sqlalchemy as sa

    from empathy.core.db import get_engine

    _sign_in(session, auth)
    for i in range(25):
        make_need(session, title=f"Reading {i:02d}", is_remote=True)
    client.get("/needs")  # the unread count and the sites, kept for a few seconds, are read here
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    sa.event.listen(get_engine(app), "before_cursor_execute", note)
    try:
        page = client.get("/needs").text
    finally:
        sa.event.remove(get_engine(app), "before_cursor_execute", note)
    assert "25 results" in page and "Reading 19" in page and "Reading 20" not in page
    # The sign-in check and the page with its total: no separate count, no owners, the sites kept.
    assert len(seen) == 2, seen


def test_a_renamed_or_new_site_shows_on_the_list_at_once(client, auth, session):
    _sign_in(session, auth)
    site = make_site(session, name_en="Yinchuan", name_zh="银川")
    make_need(session, title="Panels", site_id=site.id, is_remote=False)
    assert "Yinchuan" in client.get("/needs").text
    site.name_en = "Yinchuan East"
    session.add(site)
    session.commit()
    page = client.get("/needs").text
    assert "Yinchuan East" in page
    other = make_site(session, name_en="Harbour")
    assert f'<option value="{other.id}">Harbour</option>' in client.get("/needs").text


def test_every_required_field_is_marked_and_all_errors_of_a_submit_show_at_once(client, auth, session):
    _sign_in(session, auth, role="coordinator")
    page = client.get("/needs/new", follow_redirects=True).text
    assert "Fields marked * are required." in page
    for name in ("title", "cause", "site", "starts_at", "ends_at", "seats"):
        row = re.search(rf'<label for="{name}">[^<]*</label>(<span class="req"[^>]*>\*</span>)?</div>'
                        r'\s*<(select|input|textarea)[^>]*>', page)
        assert row and row.group(1), f"{name} has no required marker"
        assert re.search(r"\brequired\b", row.group(0)), f"{name} lacks the required attribute"
    closed = make_site(session, is_active=False)
    # No cause, a site no longer offered, no title: three errors on the first submit, not one per submit.
    response = client.post("/needs/new", data=_form(cause="", site=str(closed.id), remote="", title=""))
    errors = re.findall(r'<p class="error" id="([a-z_]+)-error">', response.text)
    assert {"title", "cause", "site"} <= set(errors), errors


def test_the_back_link_names_the_list_that_holds_the_need(client, auth, session):
    """A draft's back link said "Open needs", a list that never shows it: each link goes to a list holding the need,
    under that list's own name."""
    owner = make_user(session, role="coordinator")
    other = make_user(session, role="coordinator")
    employee = make_user(session)
    draft = make_need(session, owner=owner, status="draft")
    closed = make_need(session, owner=owner, status="closed")
    open_need = make_need(session, owner=owner)
    make_match(session, closed, employee, status="confirmed")

    def back(need) -> tuple[str, str]:
        link = re.search(r'<p class="back-link"><a href="([^"]+)">← ([^<]+)</a>', client.get(f"/needs/{need.id}").text)
        return link.group(1), link.group(2)

    auth.login(owner.email, DEFAULT_PASSWORD)
    assert back(draft) == back(closed) == back(open_need) == ("/needs/mine", "My needs")
    assert draft.title in client.get("/needs/mine").text
    auth.logout()
    auth.login(other.email, DEFAULT_PASSWORD)
    assert back(closed) == ("/needs/all", "All needs")
    assert back(open_need) == ("/needs", "Open needs")
    auth.logout()
    auth.login(employee.email, DEFAULT_PASSWORD)
    assert back(closed) == ("/commitments", "My commitments")
    assert back(open_need) == ("/needs", "Open needs")


CSS = Path(__file__).resolve().parents[2] / "empathy" / "static" / "css"


def _card_rows(html: str) -> list[tuple[set[str], list[set[str]]]]:
    """Each list of cards (a `need-list`): its classes, and for each of its cards the classes of its children."""
    rows = []
    for found in re.finditer(r'<ul class="([^"]*need-list[^"]*)">(.*?)</ul>', html, re.S):
        cards = [{c for classes in re.findall(r'<p class="([^"]*)"', card) for c in classes.split()}
                 for card in re.findall(r'<li class="card need-card">(.*?)</li>', found.group(2), re.S)]
        rows.append((set(found.group(1).split()), cards))
    return rows


def test_need_cards_in_a_row_are_one_height_with_their_last_line_at_the_bottom(client, auth, session):
    """/needs and /needs/mine: the cards of one row stretch to the tallest (`card-row`), and each card's closing
    line (seats, coordinator) sits on its bottom edge (`card-foot`), level with its neighbours'."""
    me = _sign_in(session, auth, role="coordinator")
    make_need(session, owner=me, title="Short")
    make_need(session, owner=me, title="A need with a much longer title that wraps over two lines of its card",
              beneficiary="Hope School")
    for path in ("/needs", "/needs/mine"):
        [(classes, cards)] = _card_rows(client.get(path).text)
        assert "card-row" in classes, path
        assert len(cards) == 2 and all("card-foot" in card for card in cards), path


def test_the_stylesheets_stretch_a_card_row_and_push_its_feet_down():
    # The classes above mean something only with these rules; home.css (loaded after) must not undo them.
    main = (CSS / "empathy.css").read_text(encoding="utf-8")
    home = (CSS / "home.css").read_text(encoding="utf-8")
    assert re.search(r"^\.card-row \{[^}]*align-items: stretch", main, re.M)
    assert re.search(r"^\.card-row > \.card \{[^}]*height: 100%", main, re.M)
    assert re.search(r"\.card-foot \{[^}]*margin-top: auto", main)
    assert not re.search(r"\.home-grid \{[^}]*align-items: start", home)
