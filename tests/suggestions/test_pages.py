"""Only joinable needs are suggested and offered; the suggestions page and API page, filter and invite."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.models import Match, Need
from empathy.needs.joinable import is_joinable, joinable_clause
from empathy.suggestions.index import MatchIndex, fit_and_save
from empathy.suggestions.services import suggest_needs
from tests.factories import (
    DEFAULT_PASSWORD,
    add_employee_skill,
    make_match,
    make_need,
    make_skill,
    make_user,
    profile_of,
)

TZ = ZoneInfo("Asia/Shanghai")
ROW = re.compile(r'name="invite_one" value="(\d+)"')


@pytest.fixture
def crowd(app, session):
    """25 nurses (levels 1..4, departments Clinic / Health), a need for nurses, and one that started this morning."""
    nursing = make_skill(session, name="Nursing", label_zh="护理")
    owner = make_user(session, role="coordinator", display_name="Coco")
    nurses = []
    for i in range(25):
        user = make_user(session, display_name=f"Nurse {i:02d}")
        profile = profile_of(session, user)
        profile.bio, profile.department = "Registered nurse, elderly care and blood pressure", (
            "Clinic" if i % 2 == 0 else "Health")
        session.add(profile)
        session.commit()
        add_employee_skill(session, user, nursing, level=1 + i % 4)
        nurses.append(user)
    need = make_need(session, owner=owner, title="Health checks", seats=5,
                     description="Nurses measure blood pressure of elderly residents.", skills=[(nursing, "must", 2)])
    # Published for a start in an hour; the model is fitted while it is still ahead ...
    started = make_need(session, owner=owner, title="Started this morning", seats=5,
                        starts_at=utcnow() + timedelta(hours=1),
                        description="Nurses measure blood pressure of elderly residents.",
                        skills=[(nursing, "must", 2)])
    fit_and_save(session, Path(app.config["MATCH_MODEL_PATH"]), TZ)
    # ... and then the clock passes its start: no row changes, so the model still holds it as open.
    session.execute(sa.update(Need).where(Need.id == started.id).values(
        starts_at=utcnow() - timedelta(hours=2), updated_at=started.updated_at))
    session.commit()
    session.refresh(started)
    return {"owner": owner, "nurses": nurses, "need": need, "started": started, "nursing": nursing}


def _login(auth, user):
    assert auth.login(user.email, DEFAULT_PASSWORD).status_code == 302


def _fresh(session):
    session.rollback()
    return session


# ----------------------------------------------------------------------------- one joinable rule
def test_the_predicate_and_its_sql_agree(session, crowd):
    full = make_need(session, owner=crowd["owner"], seats=1, seats_taken=1, status="filled")
    closed = make_need(session, owner=crowd["owner"], status="closed")
    needs = [crowd["need"], crowd["started"], full, closed]
    in_sql = set(session.exec(select(Need.id).where(joinable_clause())).all())
    assert {n.id for n in needs if is_joinable(n)} == {crowd["need"].id} == in_sql & {n.id for n in needs}


def test_a_need_that_started_is_not_suggested_even_while_the_model_thinks_it_open(app, session, crowd):
    index = MatchIndex(Path(app.config["MATCH_MODEL_PATH"]), TZ)
    titles = [s.need.title for s in suggest_needs(session=session, index=index, user=crowd["nurses"][3], k=5)]
    assert titles == ["Health checks"]


def test_a_started_need_is_not_listed_as_open_nor_offers_volunteer(client, auth, crowd):
    _login(auth, crowd["nurses"][3])
    listing = client.get("/needs").text
    assert "Health checks" in listing and "Started this morning" not in listing
    home = client.get("/home").text
    assert "Health checks" in home and "Started this morning" not in home
    started = client.get(f"/needs/{crowd['started'].id}").text
    assert f"/needs/{crowd['started'].id}/volunteer" not in started and "takes no more volunteers" in started
    assert f"/needs/{crowd['need'].id}/volunteer" in client.get(f"/needs/{crowd['need'].id}").text


def test_the_api_lists_only_joinable_needs_as_open(api, session, crowd, callers):
    open_ids = [n["id"] for n in api("GET", "/needs?status=open", "employee").json["items"]]
    assert crowd["need"].id in open_ids and crowd["started"].id not in open_ids


def test_the_coordinator_cannot_invite_to_a_started_need(client, auth, crowd):
    _login(auth, crowd["owner"])
    page = client.get(f"/needs/{crowd['started'].id}/suggestions").text
    assert not ROW.search(page) and "no one can be invited" in page
    detail = client.get(f"/needs/{crowd['started'].id}").text
    assert f"/needs/{crowd['started'].id}/suggestions" not in detail


def test_log_hours_appears_once_the_need_has_started(client, auth, session, crowd):
    nurse = crowd["nurses"][3]
    ahead = make_match(session, crowd["need"], nurse, status="confirmed")
    begun = make_match(session, crowd["started"], nurse, status="confirmed")
    _login(auth, nurse)
    page = client.get("/commitments").text
    assert f"/commitments/{begun.id}/hours" in page and f"/commitments/{ahead.id}/hours" not in page
    assert f"/commitments/{begun.id}/hours" in client.get(f"/needs/{crowd['started'].id}").text
    assert f"/commitments/{ahead.id}/hours" not in client.get(f"/needs/{crowd['need'].id}").text
    # Someone not on the roster is never offered it.
    auth.logout()
    _login(auth, crowd["nurses"][4])
    assert "/hours" not in client.get(f"/needs/{crowd['started'].id}").text


# ----------------------------------------------------------------------------- the suggestions page
def test_suggestions_page_shows_twenty_rows_and_page_two_the_rest(client, auth, crowd):
    _login(auth, crowd["owner"])
    url = f"/needs/{crowd['need'].id}/suggestions"
    first = client.get(url).text
    one = ROW.findall(first)
    assert len(one) == 20 and "page=2" in first and "Invite selected" in first
    two = ROW.findall(client.get(url + "?page=2").text)
    assert len(two) == 5 and not set(one) & set(two)
    assert set(one) | set(two) == {str(n.id) for n in crowd["nurses"]}


def test_explanations_name_the_persons_own_skill_and_level(client, auth, crowd):
    _login(auth, crowd["owner"])
    page = client.get(f"/needs/{crowd['need'].id}/suggestions?min_level=4").text
    assert "Nursing (expert)" in page
    assert "<details>" in page  # the parts table stays behind the disclosure


def test_a_matched_skill_reads_their_skill_and_level_for_the_needs_skill(app):
    from flask_babel import force_locale

    from empathy.suggestions.display import explanation_view

    expl = {"score": 0.8, "band": "strong", "fit": 0.9, "missing_must_have": ["First aid"],
            "matched_skills": [{"need_skill": "Electrical wiring", "canonical": "Electrical wiring",
                                "employee_skill": "High-voltage electrical work", "employee_level": 4,
                                "min_level": 3, "meets_min_level": True}],
            "top_terms": [{"term": "substation", "contribution": 0.2}], "parts": {}}
    with app.test_request_context():
        view = explanation_view(expl, {})
        assert view.matched == [("High-voltage electrical work (expert) for Electrical wiring", "")]
        assert (view.band_label, view.fit_title, view.missing, view.terms) == (
            "Strong fit", "Fit 90%", ["First aid"], ["substation"])
        with force_locale("zh"):
            labels = {"Electrical wiring": "电气布线", "High-voltage electrical work": "高压电工作业",
                      "First aid": "急救"}
            zh = explanation_view(expl, labels)
        assert zh.matched == [("高压电工作业（专家）对应 电气布线", "")] and zh.band_label == "高度契合"
        assert zh.fit_title == "契合度 90%"


def test_filters_choose_among_the_whole_ranking(client, auth, crowd):
    _login(auth, crowd["owner"])
    page = client.get(f"/needs/{crowd['need'].id}/suggestions?department=clinic&min_level=3").text
    shown = {int(i) for i in ROW.findall(page)}
    expected = {n.id for i, n in enumerate(crowd["nurses"]) if i % 2 == 0 and 1 + i % 4 >= 3}
    assert shown == expected


def test_invite_from_a_row_invites_that_person_only(client, auth, session, crowd):
    a, b = crowd["nurses"][3], crowd["nurses"][7]
    _login(auth, crowd["owner"])
    r = client.post(f"/needs/{crowd['need'].id}/invite", data={"invite_one": a.id, "user_ids": [b.id]})
    assert r.status_code == 302
    invited = _fresh(session).exec(select(Match.user_id).where(Match.need_id == crowd["need"].id,
                                                               Match.status == "invited")).all()
    assert invited == [a.id]
    # The person invited leaves the suggestions.
    page = client.get(f"/needs/{crowd['need'].id}/suggestions").text
    assert str(a.id) not in ROW.findall(page)


def test_invite_selected_invites_every_ticked_person_with_their_reasons(client, auth, session, crowd):
    a, b = crowd["nurses"][3], crowd["nurses"][7]
    _login(auth, crowd["owner"])
    r = client.post(f"/needs/{crowd['need'].id}/invite", data={"user_ids": [a.id, b.id], "message": "Join us"})
    assert r.status_code == 302
    rows = _fresh(session).exec(select(Match).where(Match.need_id == crowd["need"].id)).all()
    assert {m.user_id for m in rows if m.status == "invited"} == {a.id, b.id}
    assert all(m.explanation["matched_skills"] and m.score is not None for m in rows)


# ----------------------------------------------------------------------------- the API
def _api_need(session, crowd, callers):
    need = _fresh(session).get(Need, crowd["need"].id)
    need.owner_id = callers["coord"].user.id
    session.add(need)
    session.commit()
    return need


def test_api_suggestions_page_and_filter_like_the_page(api, session, crowd, callers):
    need = _api_need(session, crowd, callers)
    r = api("GET", f"/needs/{need.id}/suggestions?per_page=10&page=2", "coord")
    assert r.status_code == 200
    body = r.json
    assert (body["page"], body["per_page"], len(body["items"])) == (2, 10, 10) and body["total"] >= 25
    everyone = api("GET", f"/needs/{need.id}/suggestions?per_page=100", "coord").json
    assert everyone["total"] == body["total"] == len(everyone["items"])
    assert {n.id for n in crowd["nurses"]} <= {i["user_id"] for i in everyone["items"]}
    expl = body["items"][0]["explanation"]
    assert {"fit", "band", "matched_skills", "missing_must_have", "top_terms", "parts"} <= set(expl)
    assert expl["matched_skills"][0]["employee_skill"] == "Nursing"
    clinic = api("GET", f"/needs/{need.id}/suggestions?department=Clinic&min_level=4&per_page=100", "coord").json
    assert {i["user_id"] for i in clinic["items"]} == {
        n.id for i, n in enumerate(crowd["nurses"]) if i % 2 == 0 and 1 + i % 4 == 4}
    assert api("GET", f"/needs/{need.id}/suggestions?per_page=101", "coord").status_code == 422


def test_openapi_types_the_explanation(client):
    doc = client.get("/api/v1/openapi.json").json
    schemas = doc["components"]["schemas"]
    expl = schemas["Explanation"]["properties"]
    assert {"need_id", "employee_id", "score", "fit", "band", "parts", "matched_skills", "missing_must_have",
            "missing_nice_to_have", "top_terms"} <= set(expl)
    skill = schemas["MatchedSkill"]["properties"]
    assert {"need_skill", "canonical", "employee_skill", "employee_level", "employee_level_label", "importance",
            "min_level", "meets_min_level", "matched_by", "match"} <= set(skill)
    assert {"term", "contribution"} <= set(schemas["TopTerm"]["properties"])
    params = {p["name"] for p in doc["paths"]["/api/v1/needs/{need_id}/suggestions"]["get"]["parameters"]}
    assert {"page", "per_page", "department", "min_band", "available", "has_credentials"} <= params and (
        "min_score" not in params)
    assert {"fit", "band"} <= set(schemas["Explanation"]["required"])
    assert schemas["Explanation"]["properties"]["band"]["enum"] == ["strong", "good", "partial", "weak"]
    assert {"margin", "base_score", "must_have_factor", "tie_break_bonus"} <= set(expl)
    assert "employee_canonical" in skill and "role" in schemas["ScorePart"]["required"]


def test_the_minimum_fit_filter_keeps_that_band_and_better(api, session, crowd, callers):
    need = _api_need(session, crowd, callers)
    everyone = api("GET", f"/needs/{need.id}/suggestions?per_page=100", "coord").json["items"]
    good = api("GET", f"/needs/{need.id}/suggestions?per_page=100&min_band=good", "coord").json["items"]
    assert [i["user_id"] for i in good] == [
        i["user_id"] for i in everyone if i["explanation"]["band"] in ("strong", "good")]
    assert len(good) < len(everyone)
    assert api("GET", f"/needs/{need.id}/suggestions?min_band=great", "coord").status_code == 422


def test_the_page_heads_each_row_with_its_band_and_states_what_bands_mean(client, auth, crowd):
    _login(auth, crowd["owner"])
    page = client.get(f"/needs/{crowd['need'].id}/suggestions").text
    assert re.search(r'class="band band-(strong|good|partial|weak)" title="Fit \d+%"', page)
    assert "How often such suggestions were the right person in our benchmark:" in page
    # One scale for every band of the legend (never "in 10" beside "in 100").
    assert "Strong fit: about 60 in 100<" in page and "Partial fit: about 14 in 100<" in page
    legend = re.search(r'<p class="muted legend">(.*?)</p>', page, re.S).group(1)
    assert re.findall(r"about \d+ in (\d+)<", legend) == ["100"] * 4
    assert "Match score" not in page and re.search(
        r'<tbody class="tie-break">\s*<tr><th scope="rowgroup" colspan="4">These only break ties among similar fits:'
        r'</th></tr>\s*<tr[^>]*><th scope="row">Cause</th>', page)
    zh = client.get(f"/needs/{crowd['need'].id}/suggestions", headers={"Accept-Language": "zh"}).text
    assert "在我们的基准测试中，各档推荐是合适人选的比例：" in zh and "高度契合：每 100 个中约 60 个" in zh


# ----------------------------------------------------------------------------- kept home cards stay right
def test_the_home_cards_follow_the_need_the_skill_labels_and_the_language(client, auth, session, crowd):
    """The cards are kept between visits (suggestions.views._cards): a seat taken, a new title, a renamed skill
    and another language each show on the next visit."""
    _login(auth, crowd["nurses"][3])
    first = client.get("/home").text
    assert "Health checks" in first and "5 of 5 seats left" in first and "Nursing" in first
    token = re.compile(r'name="csrf_token" value="[^"]+"')  # signed with a timestamp: differs between seconds
    assert token.sub("", client.get("/home").text) == token.sub("", first)  # kept, and the same
    need = _fresh(session).get(Need, crowd["need"].id)
    need.seats_taken, need.title = 1, "Health checks in the square"
    session.add(need)
    session.commit()
    changed = client.get("/home").text
    assert "Health checks in the square" in changed and "4 of 5 seats left" in changed
    nursing = _fresh(session).merge(crowd["nursing"])
    nursing.label_en = "Nursing care"
    session.add(nursing)
    session.commit()
    assert "Nursing care" in client.get("/home").text
    client.post("/language", data={"language": "zh", "next": "/home"})
    chinese = client.get("/home").text
    assert "护理" in chinese and "Nursing care" not in chinese


def test_the_suggestions_page_filter_offers_a_new_site_at_once(client, auth, session, crowd):
    from tests.factories import make_site

    _login(auth, crowd["owner"])
    url = f"/needs/{crowd['need'].id}/suggestions"
    assert "Harbour office" not in client.get(url).text
    site = make_site(_fresh(session), name_en="Harbour office")
    assert f'<option value="{site.id}">Harbour office</option>' in client.get(url).text
    site = _fresh(session).merge(site)
    site.is_active = False
    session.add(site)
    session.commit()
    assert "Harbour office" not in client.get(url).text


def test_the_employee_home_cards_share_their_row_s_height(client, auth, session, crowd):
    """Suggestion cards, the next commitment beside the hours to log, and the account tiles: each list of cards
    is a `card-row` (one height a row), and a card's closing links sit at its bottom (`card-foot`)."""
    nurse = crowd["nurses"][3]
    later = make_need(session, owner=crowd["owner"], title="Later", starts_at=utcnow() + timedelta(days=20))
    make_match(session, later, nurse, status="confirmed")  # a next commitment, with its link at the foot
    _login(auth, nurse)
    html = client.get("/home").text
    assert re.search(r'<ol class="suggestions card-row"[^>]*>\s*<li class="card suggestion">', html)
    assert re.search(r'<div class="home-grid card-row">\s*<section class="card"', html)
    assert re.search(r'<p class="card-foot"><a href="/commitments">', html)
    assert re.search(r'<ul class="tiles card-row">', html)
