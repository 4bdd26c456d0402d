"""The workflow pages as people use them: coordinators invite and manage, employees answer and log hours."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.models import AuditEntry, HoursRecord, Match, Need
from empathy.suggestions.index import fit_and_save
from tests.factories import (
    DEFAULT_PASSWORD,
    add_employee_skill,
    make_match,
    make_need,
    make_site,
    make_skill,
    make_user,
    org_day,
    profile_of,
)


@pytest.fixture
def world(app, session):
    nursing = make_skill(session, name="Nursing", label_zh="护理")
    cooking = make_skill(session, name="Cooking", label_zh="烹饪")
    owner = make_user(session, role="coordinator", display_name="Coco")
    nurse = make_user(session, display_name="Nina Nurse")
    cook = make_user(session, display_name="Carl Cook")
    for user, skill, bio, dept in ((nurse, nursing, "Registered nurse, elderly care", "Health"),
                                   (cook, cooking, "Chef, community kitchen meals", "Catering")):
        profile = profile_of(session, user)
        profile.bio, profile.department = bio, dept
        session.add(profile)
        session.commit()
        add_employee_skill(session, user, skill, level=4)
    need = make_need(session, owner=owner, title="Meals and health checks", seats=2,
                     description="Nurses and cooks for elderly residents.", cause="aged_care",
                     skills=[(nursing, "must", 2), (cooking, "must", 2)])
    fit_and_save(session, Path(app.config["MATCH_MODEL_PATH"]), ZoneInfo("Asia/Shanghai"))
    return {"owner": owner, "nurse": nurse, "cook": cook, "need": need}


def _fresh(session):
    """End the test's read transaction, so that what the requests committed is seen."""
    session.rollback()
    return session


def _login(auth, user):
    assert auth.login(user.email, DEFAULT_PASSWORD).status_code == 302


def test_coordinator_sees_suggestions_and_invites_with_a_message(client, auth, session, world):
    _login(auth, world["owner"])
    page = client.get(f"/needs/{world['need'].id}/suggestions")
    assert page.status_code == 200
    assert "Nina Nurse" in page.text and "Carl Cook" in page.text
    filtered = client.get(f"/needs/{world['need'].id}/suggestions?department=Catering")
    assert "Carl Cook" in filtered.text and "Nina Nurse" not in filtered.text
    response = client.post(f"/needs/{world['need'].id}/invite",
                           data={"user_ids": [world["nurse"].id], "message": "We would love your help"})
    assert response.status_code == 302
    match = _fresh(session).exec(select(Match).where(Match.user_id == world["nurse"].id)).one()
    assert (match.status, match.message, match.invited_by_id) == (
        "invited", "We would love your help", world["owner"].id)
    assert match.score is not None and match.explanation["matched_skills"]
    entry = _fresh(session).exec(select(AuditEntry).where(AuditEntry.action == "volunteers_invited")).one()
    assert (entry.actor_id, entry.target_id, entry.details) == (world["owner"].id, world["need"].id, {"invited": 1})


def test_employee_accepts_an_invitation_from_the_commitments_page(client, auth, session, world):
    match = make_match(session, world["need"], world["nurse"], status="invited", message="Please come",
                       invited_by_id=world["owner"].id)
    _login(auth, world["nurse"])
    page = client.get("/commitments")
    assert "Please come" in page.text and "Meals and health checks" in page.text
    client.post(f"/commitments/{match.id}/accept")
    assert _fresh(session).get(Match, match.id, populate_existing=True).status == "confirmed"
    assert _fresh(session).get(Need, world["need"].id, populate_existing=True).seats_taken == 1
    ics = client.get("/commitments.ics")
    assert ics.mimetype == "text/calendar" and b"SUMMARY:Meals and health checks" in ics.data
    # The confirmation is in the notification list, and the badge counts it.
    assert 'class="badge count"' in client.get("/commitments").text
    assert "You are confirmed for" in client.get("/notifications").text


def test_acting_on_someone_elses_match_is_forbidden(client, auth, session, world):
    match = make_match(session, world["need"], world["nurse"], status="invited")
    _login(auth, world["cook"])
    assert client.post(f"/commitments/{match.id}/accept").status_code == 403
    assert client.get(f"/commitments/{match.id}/hours").status_code == 403
    assert client.post("/commitments/999999/accept").status_code == 404
    assert _fresh(session).get(Match, match.id, populate_existing=True).status == "invited"


def test_pages_of_a_need_are_for_its_owner_and_admins_only(client, auth, session, world):
    intruder = make_user(session, role="coordinator")
    _login(auth, intruder)
    for path in ("suggestions", "people", "team"):
        assert client.get(f"/needs/{world['need'].id}/{path}").status_code == 403
    assert client.post(f"/needs/{world['need'].id}/cancel").status_code == 403
    auth.logout()
    _login(auth, world["nurse"])
    assert client.get(f"/needs/{world['need'].id}/people").status_code == 403
    assert client.get("/admin/credentials").status_code == 403


def test_volunteer_form_and_a_full_need(client, auth, session, world):
    need = make_need(session, owner=world["owner"], seats=1)
    _login(auth, world["nurse"])
    assert client.get(f"/needs/{need.id}/volunteer", follow_redirects=True).status_code == 200  # via ?once=
    client.post(f"/needs/{need.id}/volunteer", data={"message": ""})
    auth.logout()
    _login(auth, world["cook"])
    response = client.post(f"/needs/{need.id}/volunteer", data={"message": ""}, follow_redirects=True)
    assert "Every seat of this need is taken." in response.text
    assert client.get("/needs/999999/volunteer").status_code == 404


def test_people_board_hours_review_and_cancel(client, auth, session, world):
    need = make_need(session, owner=world["owner"], seats=2, starts_at=utcnow() - timedelta(days=1))
    match = make_match(session, need, world["nurse"], status="confirmed")
    _login(auth, world["nurse"])
    day = org_day(need.starts_at).isoformat()  # a day the need ran, in the organisation's time zone
    bad = client.post(f"/commitments/{match.id}/hours", data={"hours": "30", "worked_on": day})
    assert bad.status_code == 200 and "at most 24" in bad.text and 'value="30' in bad.text
    client.post(f"/commitments/{match.id}/hours", data={"hours": "3", "worked_on": day, "note": "Cooked lunch"})
    record = _fresh(session).exec(select(HoursRecord)).one()
    auth.logout()
    _login(auth, world["owner"])
    board = client.get(f"/needs/{need.id}/people")
    assert "Nina Nurse" in board.text and "Cooked lunch" in board.text
    client.post(f"/hours/{record.id}/reject", data={"reason": ""})
    assert _fresh(session).get(HoursRecord, record.id, populate_existing=True).status == "pending"
    client.post(f"/hours/{record.id}/approve")
    assert _fresh(session).get(HoursRecord, record.id, populate_existing=True).status == "approved"
    client.post(f"/matches/{match.id}/attended")
    assert _fresh(session).get(Match, match.id, populate_existing=True).status == "attended"
    client.post(f"/needs/{need.id}/cancel")
    assert _fresh(session).get(Need, need.id, populate_existing=True).status == "cancelled"


def test_team_builder_covers_both_skills_and_invites_the_team(client, auth, session, world):
    _login(auth, world["owner"])
    page = client.get(f"/needs/{world['need'].id}/team")
    assert page.status_code == 200
    assert "Nina Nurse" in page.text and "Carl Cook" in page.text and "not covered" not in page.text
    client.post(f"/needs/{world['need'].id}/invite", data={"user_ids": [world["nurse"].id, world["cook"].id]})
    statuses = _fresh(session).exec(select(Match.status).where(Match.need_id == world["need"].id)).all()
    assert sorted(statuses) == ["invited", "invited"]


def test_credentials_recorded_then_verified_by_an_admin(client, auth, session, world):
    _login(auth, world["nurse"])
    expiry = (utcnow().date() + timedelta(days=200)).isoformat()
    client.post("/credentials", data={"kind": "first_aid", "expires_on": expiry, "reference": "FA-1"})
    assert "awaiting verification" in client.get("/credentials").text
    auth.logout()
    admin = make_user(_fresh(session), role="admin")
    _login(auth, admin)
    assert "FA-1" in client.get("/admin/credentials").text
    from empathy.models import Credential

    cred = _fresh(session).exec(select(Credential)).one()
    client.post(f"/admin/credentials/{cred.id}/verify")
    assert _fresh(session).get(Credential, cred.id, populate_existing=True).verified_at is not None


def test_pages_render_in_chinese(client, auth, session, world):
    _login(auth, world["nurse"])
    client.post("/language", data={"language": "zh"})
    for path in ("/commitments", "/notifications", "/credentials"):
        assert client.get(path).status_code == 200


def test_ticking_more_people_than_one_invitation_takes_is_refused_not_cut_short(client, auth, session, world):
    from empathy.models import User

    people = [User(email=f"someone{i}@example.com", display_name=f"Someone {i}", role="employee") for i in range(101)]
    session.add_all(people)
    session.commit()
    _login(auth, world["owner"])
    page = client.post(f"/needs/{world['need'].id}/invite", data={"user_ids": [p.id for p in people]},
                       follow_redirects=True)
    assert "Invite at most 100 people at a time." in page.text
    assert _fresh(session).exec(select(Match).where(Match.need_id == world["need"].id)).all() == []


def test_invitation_cards_keep_their_accept_and_decline_buttons_at_the_bottom(client, auth, session, world):
    make_match(session, world["need"], world["nurse"], status="invited", invited_by_id=world["owner"].id)
    _login(auth, world["nurse"])
    html = client.get("/commitments").text
    assert '<ul class="suggestions card-row" aria-labelledby="invitations">' in html
    assert '<div class="actions card-foot">' in html


@pytest.mark.parametrize(("lang", "message"), [("en", "Choose at least one person to invite."),
                                               ("zh", "请至少选择一位邀请对象。")])
def test_inviting_with_nobody_ticked_goes_back_keeping_the_filters_and_the_message(client, auth, session, world,
                                                                                  lang, message):
    """"Invite selected" with no box ticked returns to the suggestions page as it was (filters, page) with the
    reason on top and the message typed still in its box, open (the message was lost)."""
    _login(auth, world["owner"])
    client.post("/language", data={"language": lang})
    here = f"/needs/{world['need'].id}/suggestions?department=Catering"
    r = client.post(f"/needs/{world['need'].id}/invite", data={"message": "Bring gloves, please"},
                    headers={"Referer": f"http://localhost{here}"})
    assert r.status_code == 302 and r.headers["Location"] == here
    page = client.get(here).text
    assert message in page
    assert re.search(r'<details open><summary>[^<]*</summary>.*>\s*Bring gloves, please</textarea>', page, re.S)
    assert "Carl Cook" in page and "Nina Nurse" not in page
    assert "Bring gloves, please" not in client.get(here).text  # shown once, then the box is empty again
    assert _fresh(session).exec(select(Match).where(Match.need_id == world["need"].id)).all() == []


def test_a_message_too_long_to_carry_back_is_said_to_be_lost_not_dropped_without_a_word(client, auth, session, world):
    """A long Chinese message (990 characters: more than the session cookie carries) came back as an empty box
    with no warning (review of #19). The page now says it was not kept."""
    _login(auth, world["owner"])
    client.post("/language", data={"language": "zh"})
    here = f"/needs/{world['need'].id}/suggestions"
    long = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(990))
    r = client.post(f"/needs/{world['need'].id}/invite", data={"message": long},
                    headers={"Referer": f"http://localhost{here}"})
    assert r.status_code == 302 and r.headers["Location"] == here
    page = client.get(here).text
    assert "请至少选择一位邀请对象。" in page and "您的留言太长，无法带回此页：请重新输入。" in page


def test_a_refused_team_invitation_keeps_the_message(client, auth, session, world):
    """The team page's invitation refused (here someone who cannot be invited) comes back with its message."""
    _login(auth, world["owner"])
    here = f"/needs/{world['need'].id}/team"
    r = client.post(f"/needs/{world['need'].id}/invite", data={"user_ids": [999999], "message": "See you there"},
                    headers={"Referer": f"http://localhost{here}"})
    assert r.status_code == 302 and r.headers["Location"] == here
    page = client.get(here).text
    assert "These people cannot be invited: 999999." in page
    assert re.search(r">\s*See you there</textarea>", page)


def _read(html: str) -> str:
    """The page's text as read: tags dropped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize(("lang", "when", "place", "remote"), [
    ("en", "When 9 Mar 2030, 09:00–12:30 (China (Shanghai) Time)", "Where Harbour Office", "Where Remote"),
    ("zh", "时间 2030年3月9日 09:00–12:30（中国（上海）时间）", "地点 港口办公室", "地点 远程"),
])
def test_an_invitation_card_says_when_in_the_named_zone_and_where(client, auth, session, world, lang, when, place,
                                                                   remote):
    """The invitation in the app states what its answer page states: the time with the organisation's time zone
    named, and the site, or remote (the card gave the time alone, no zone and no place)."""
    site = make_site(session, name_en="Harbour Office", name_zh="港口办公室")
    start = datetime(2030, 3, 9, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
    on_site = make_need(session, owner=world["owner"], title="On site", site_id=site.id, starts_at=start,
                        ends_at=start + timedelta(hours=3, minutes=30))
    online = make_need(session, owner=world["owner"], title="Online", is_remote=True,
                       starts_at=start + timedelta(days=1))
    for need in (on_site, online):
        make_match(session, need, world["nurse"], status="invited", invited_by_id=world["owner"].id)
    _login(auth, world["nurse"])
    client.post("/language", data={"language": lang})
    cards = _read(client.get("/commitments").text.split('aria-labelledby="invitations">')[1].split("</ul>")[0])
    first, second = cards.split("Online")
    assert when in first and place in first
    assert remote in second
