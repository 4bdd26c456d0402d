"""How the interface words counts, codes, numbers and lists: plural forms through ngettext, labels instead
of stored codes, "8" rather than "8.0", the locale's list pattern, one scale in the legend, no filler
words among the words that counted."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlmodel import select

from empathy.core.db import utcnow
from empathy.core.i18n import format_list
from empathy.core.labels import category_label, code_label
from empathy.matching import EmployeeDoc, NeedDoc, SkillMatcher
from empathy.matching.text import is_filler
from empathy.models import OutboxMessage
from empathy.suggestions.display import band_legend
from empathy.volunteering.services import notifications
from tests.factories import (
    DEFAULT_PASSWORD,
    add_employee_skill,
    make_match,
    make_need,
    make_skill,
    make_user,
)


def _sign_in(session, auth, **kw):
    user = make_user(session, **kw)
    auth.login(user.email, DEFAULT_PASSWORD)
    return user


# ---- plural forms -------------------------------------------------------------------------------------

def test_one_seat_reads_in_the_singular(client, auth, session):
    _sign_in(session, auth)
    make_need(session, title="Read to one child", seats=1)
    page = client.get("/needs").text
    assert "0 of 1 seat left" not in page  # nobody has it yet
    assert "1 of 1 seat left" in page and "1 of 1 seats left" not in page
    make_need(session, title="Another", seats=2)
    assert "2 of 2 seats left" in client.get("/needs").text


def test_chinese_has_one_plural_form(client, auth, session):
    _sign_in(session, auth, preferred_language="zh")
    make_need(session, seats=1)
    page = client.get("/needs").text
    assert "共 1 个名额，剩余 1 个" in page


def test_the_skill_merge_page_counts_one_profile_and_one_need(client, auth, session):
    _sign_in(session, auth, role="admin")
    skill = make_skill(session, name="Knitting")
    add_employee_skill(session, make_user(session), skill)
    page = client.get(f"/admin/skills/{skill.id}/merge").text
    assert "Used by 1 profile and 0 needs." in page


def test_an_approved_hour_is_one_hour_and_eight_hours_are_not_eight_point_zero(app):
    with app.test_request_context(), force_locale("en"):
        assert notifications.render("hours_approved", {"need": "Tutoring", "hours": 1.0}) == \
            "Your 1 hour for “Tutoring” is approved."
        assert notifications.render("hours_approved", {"need": "Tutoring", "hours": 8.0}) == \
            "Your 8 hours for “Tutoring” are approved."
        assert notifications.render("hours_approved", {"need": "Tutoring", "hours": 2.5}) == \
            "Your 2.5 hours for “Tutoring” are approved."
    with app.test_request_context(), force_locale("zh"):
        zh = notifications.render("hours_approved", {"need": "辅导", "hours": 8.0})
        assert zh == "您为“辅导”登记的 8 小时已获批准。"


def test_command_output_counts_in_the_singular(runner, monkeypatch):
    monkeypatch.setattr("empathy.cli._require_migrated", lambda: None)
    out = runner.invoke(args=["prune-submissions", "--days", "1"]).output
    assert out.strip() == "0 submissions older than 1 day deleted."
    out = runner.invoke(args=["send-mail"]).output
    assert out.strip() == "0 e-mails sent, 0 to be tried again, 0 failed."


def test_inviting_one_person_says_one_person(client, auth, session, monkeypatch):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner)
    person = make_user(session)
    monkeypatch.setattr("empathy.volunteering.services.invitations.invite_employees", lambda **kw: 1)
    client.post(f"/needs/{need.id}/invite", data={"user_ids": [str(person.id)]})
    assert "1 person invited." in client.get(f"/needs/{need.id}").text


# ---- labels instead of codes --------------------------------------------------------------------------

def test_statuses_read_in_one_capitalisation_in_both_languages(app):
    with app.test_request_context(), force_locale("en"):
        assert [code_label("need_status", s) for s in ("filled", "open")] == ["Filled", "Open"]
        assert code_label("signup_status", "volunteered") == "Awaiting approval"
        assert code_label("hours_status", "rejected") == "Not approved"
        assert code_label("role", "admin") == "Administrator"
        assert code_label("need_status", "someday") == "someday"  # an unknown code stays readable
    with app.test_request_context(), force_locale("zh"):
        assert code_label("need_status", "filled") == "已满员"
        assert code_label("signup_status", "confirmed") == "已确认"


def test_the_people_board_and_the_need_page_name_a_status_alike(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner, status="filled")
    make_match(session, need, make_user(session), status="confirmed")
    board = client.get(f"/needs/{need.id}/people").text
    detail = client.get(f"/needs/{need.id}").text
    assert ">Filled<" in board and ">Filled<" in detail and ">filled<" not in board
    assert "Confirmed" in board and ">confirmed<" not in board


def test_skill_categories_show_their_labels_not_their_codes(client, auth, session, app):
    _sign_in(session, auth, role="admin")
    make_skill(session, name="Watercolour", category="creative")
    page = client.get("/admin/skills").text
    with app.test_request_context(), force_locale("en"):
        label = category_label("creative", "en")
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page.replace("&amp;", "&"))  # a phone reads data-label too
    assert label != "creative" and label in cells
    assert "creative" not in cells
    assert category_label("creative", "zh") != label
    with app.test_request_context(), force_locale("en"):
        assert category_label("other", "en") == "Other"


def test_years_of_experience_show_as_a_whole_number(client, auth, session):
    user = _sign_in(session, auth)
    add_employee_skill(session, user, make_skill(session, name="Plumbing"), years=8.0)
    page = client.get("/profile").text
    assert re.search(r'name="skills-0-years"[^>]*value="8"', page), "8.0 years must read 8"
    assert 'value="8.0"' not in page


# ---- lists, legend, words that counted ----------------------------------------------------------------

def test_lists_follow_the_locale_pattern(app):
    with app.test_request_context():
        with force_locale("en"):
            assert format_list(["Ann", "Bo", "Cy"]) == "Ann, Bo, and Cy"
        with force_locale("zh"):
            assert format_list(["安", "博", "慈"]) == "安、博和慈"
            assert "," not in format_list(["安", "博"])
        assert format_list([]) == "" and format_list(["x"]) == "x"


def test_the_list_filter_escapes_its_items(app):
    with app.test_request_context(), force_locale("zh"):
        html = app.jinja_env.from_string("{{ items|format_list }}").render(items=["<b>", "x"])
    assert html == "&lt;b&gt;和x"


@pytest.mark.parametrize("side", ["need", "employee"])
def test_the_band_legend_uses_one_scale(app, side):
    with app.test_request_context(), force_locale("en"):
        _, lines = band_legend(side)
    scales = {re.search(r"in (\d+)$", line).group(1) for line in lines}
    assert len(scales) == 1, lines


def test_filler_words_are_not_words_that_counted_but_scores_do_not_move():
    need = NeedDoc("n", title="Solar panels for the village", description="其他的老人和一些事情一起，维修光伏电站")
    person = EmployeeDoc("p", bio="I install solar panels; 其他的老人和一些事情一起，维修光伏电站")
    others = [EmployeeDoc("q", bio="accountant"), EmployeeDoc("r", bio="teacher")]
    model = SkillMatcher().fit([person, *others], [need])
    best = model.rank_employees("n", k=3)
    shown = [t["term"] for t in best[0].explanation["top_terms"]]
    assert shown and not [t for t in shown if is_filler(t)], shown
    assert {"solar", "panels"} & set(shown) and ("光伏" in shown or "电站" in shown or "维修" in shown), shown
    assert is_filler("the") and is_filler("的") and is_filler("其他") and is_filler("和的") and not is_filler("光伏")


# ---- BASE_URL ------------------------------------------------------------------------------------------

def test_reminders_sent_from_the_command_link_to_base_url(app, session, runner, monkeypatch):
    app.config["BASE_URL"] = "https://empathy.example.org/"
    need = make_need(session, starts_at=utcnow() + timedelta(hours=5))
    make_match(session, need, make_user(session), status="confirmed")
    monkeypatch.setattr("empathy.cli._require_migrated", lambda: None)
    runner.invoke(args=["send-reminders"])
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.kind.like("reminder:%"))).one()
    assert "https://empathy.example.org/commitments" in mail.body and ":5000" not in mail.body


# ---- the printable record is reachable ----------------------------------------------------------------

def test_the_printable_record_is_linked_from_the_commitments_hours_and_profile_pages(client, auth, session):
    user = _sign_in(session, auth)
    need = make_need(session, starts_at=utcnow() - timedelta(days=2))
    match = make_match(session, need, user, status="confirmed")
    for url in ("/commitments", f"/commitments/{match.id}/hours", "/profile"):
        page = client.get(url, follow_redirects=True).text
        assert 'href="/me/record"' in page, url
    assert client.get("/me/record").status_code == 200
