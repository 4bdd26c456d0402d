"""Dates and times read one way per language (empathy.core.dates), and status words by their family.

The organisation's time zone in tests is Asia/Shanghai (UTC+8): 01:00 UTC is 09:00 there.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlmodel import select

from empathy.accounts.services.tokens import create_token
from empathy.core import audit
from empathy.core.dates import (
    format_day,
    format_days,
    format_moment,
    format_month,
    format_time,
    format_when,
    format_zone,
)
from empathy.models import HoursRecord, Notification, OutboxMessage, User
from empathy.privacy.services import record_consent
from empathy.scim.services import tokens as provisioning_tokens
from empathy.volunteering.services.notifications import render
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_user

TEMPLATES = Path(__file__).resolve().parents[2] / "empathy" / "templates"
# 19 Dec 2026, 09:00-17:00 in Shanghai; and a span from 19 Dec 09:00 to 20 Dec 17:00.
START = datetime(2026, 12, 19, 1, tzinfo=UTC)
SAME_DAY_END = datetime(2026, 12, 19, 9, tzinfo=UTC)
NEXT_DAY_END = datetime(2026, 12, 20, 9, tzinfo=UTC)
WITH_SECONDS = re.compile(r"\d:\d\d:\d\d")
SHORT_US_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{2}\b")  # 12/19/26
AM_PM = re.compile(r"\d\s?[AP]M\b")


@pytest.fixture
def in_request(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(("lang", "one_day", "two_days"), [
    ("en", "19 Dec 2026, 09:00–17:00", "19 Dec 2026, 09:00 – 20 Dec 2026, 17:00"),
    ("zh", "2026年12月19日 09:00–17:00", "2026年12月19日 09:00 – 2026年12月20日 17:00"),
])
def test_a_span_on_one_day_shows_one_date_and_two_times(in_request, lang, one_day, two_days):
    with force_locale(lang):
        assert format_when(START, SAME_DAY_END) == one_day
        assert format_when(START, NEXT_DAY_END) == two_days


def test_the_local_day_decides_whether_a_span_is_on_one_day(in_request):
    # 23:00-01:00 in Shanghai crosses midnight there, though both are on 19 Dec in UTC.
    late, after_midnight = datetime(2026, 12, 19, 15, tzinfo=UTC), datetime(2026, 12, 19, 17, tzinfo=UTC)
    with force_locale("en"):
        assert format_when(late, after_midnight) == "19 Dec 2026, 23:00 – 20 Dec 2026, 01:00"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ["19 Dec 2026", "09:00", "19 Dec 2026, 09:00", "19 Dec 2026 – 21 Dec 2026", "19 Dec 2026", "Dec 2026"]),
    ("zh", ["2026年12月19日", "09:00", "2026年12月19日 09:00", "2026年12月19日 – 2026年12月21日", "2026年12月19日",
            "2026年12月"]),
])
def test_named_formats(in_request, lang, expected):
    with force_locale(lang):
        assert [
            format_day(date(2026, 12, 19)), format_time(START), format_moment(START),
            format_days(date(2026, 12, 19), date(2026, 12, 21)), format_days(date(2026, 12, 19), date(2026, 12, 19)),
            format_month(date(2026, 12, 1)),
        ] == expected


def test_naive_datetimes_and_iso_text_are_utc(in_request):
    with force_locale("en"):
        assert format_moment(START.replace(tzinfo=None)) == "19 Dec 2026, 09:00"
        assert format_moment("2026-12-19T01:00:00+00:00") == "19 Dec 2026, 09:00"
        assert format_day(START) == "19 Dec 2026"  # the local day of a datetime
        assert format_moment(None) == "" and format_when(None) == ""


def test_the_same_value_is_shown_in_each_language_in_turn(in_request):
    # The formats are remembered; the language must be part of what is remembered.
    with force_locale("en"):
        assert format_moment(START) == "19 Dec 2026, 09:00"
    with force_locale("zh"):
        assert format_moment(START) == "2026年12月19日 09:00"


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Reminder: “Beach clean-up” starts 19 Dec 2026, 09:00."),
    ("zh", "提醒：“Beach clean-up”将于 2026年12月19日 09:00 开始。"),
])
def test_reminder_text_has_no_seconds(in_request, lang, expected):
    with force_locale(lang):
        assert render("reminder", {"need": "Beach clean-up", "starts_at": START.isoformat()}) == expected


def test_a_date_on_a_page_stays_on_one_line_and_an_e_mail_gets_plain_text(app, in_request):
    """In an HTML template each day and each time is one unbreakable piece (a narrow column broke "19 Dec 2026, 09:00"
    over four lines); a line may break only between them. A text template gets the plain words."""
    html = app.jinja_env.from_string("{{ start|format_when(end) }} / {{ day|format_day }}")
    assert html.render(start=START, end=NEXT_DAY_END, day=date(2026, 12, 19)) == (
        '<span class="nowrap">19 Dec 2026</span>, <span class="nowrap">09:00</span> – '
        '<span class="nowrap">20 Dec 2026</span>, <span class="nowrap">17:00</span>'
        ' / <span class="nowrap">19 Dec 2026</span>')
    text = app.jinja_env.from_string("{% autoescape false %}{{ start|format_when(end) }}{% endautoescape %}")
    assert text.render(start=START, end=NEXT_DAY_END) == "19 Dec 2026, 09:00 – 20 Dec 2026, 17:00"
    # A sentence made in Python (a notification, a flash message) keeps its dates whole too, and is escaped.
    sentence = app.jinja_env.from_string("{{ text|keep_dates_whole }}")
    assert sentence.render(text="<b> moved to 19 Dec 2026, 09:00–17:00 and 2026年12月20日 09:00.") == (
        '&lt;b&gt; moved to <span class="nowrap">19 Dec 2026</span>, <span class="nowrap">09:00–17:00</span> and '
        '<span class="nowrap">2026年12月20日</span> <span class="nowrap">09:00</span>.')


@pytest.mark.parametrize(("lang", "shanghai", "london"), [("en", "China (Shanghai) Time", "United Kingdom Time"),
                                                           ("zh", "中国（上海）时间", "英国时间")])
def test_a_time_zone_reads_by_its_name_in_the_readers_language(in_request, lang, shanghai, london):
    with force_locale(lang):
        assert (format_zone("Asia/Shanghai"), format_zone("Europe/London")) == (shanghai, london)
        assert format_zone("Not/A_Zone") == "Not/A_Zone" and format_zone(None) == ""


@pytest.mark.parametrize(("lang", "zone"), [("en", "Times are in China (Shanghai) Time."),
                                            ("zh", "时间均为中国（上海）时间。")])
def test_the_need_form_names_the_time_zone_in_the_pages_language(client, session, lang, zone):
    coord = make_user(session, role="coordinator")
    client.post("/login", data={"email": coord.email, "password": DEFAULT_PASSWORD})
    client.post("/language", data={"language": lang})
    page = client.get("/needs/new", follow_redirects=True).text  # a one-time form redirects to a fresh token
    assert zone in page and "Asia/Shanghai" not in page


def test_date_box_hints_write_days_in_the_pages_date_style(client, session):
    # static/js/dates.js writes the chosen day with Intl in the locale the hint names, with the parts of
    # format_day and format_moment ("1 Jan 2031, 09:30", "2031年1月1日 09:30"), never a long weekday style.
    script = (Path(__file__).resolve().parents[2] / "empathy" / "static" / "js" / "dates.js").read_text()
    assert "dateStyle" not in script and "weekday" not in script and 'month: "short"' in script
    coord = make_user(session, role="coordinator")
    client.post("/login", data={"email": coord.email, "password": DEFAULT_PASSWORD})
    for lang, locale in (("en", "en-GB"), ("zh", "zh-CN")):
        client.post("/language", data={"language": lang})
        for path in ("/reports", "/needs/new", "/needs"):
            hints = re.findall(r'<p class="help date-hint"[^>]*>', client.get(path, follow_redirects=True).text)
            assert hints and all(f'data-locale="{locale}"' in h for h in hints), (lang, path)


def test_templates_show_dates_only_through_the_named_formats():
    raw = re.compile(r"\|\s*(datetimeformat|dateformat|timeformat)\b|\bstrftime\(")
    offenders = [f"{p.relative_to(TEMPLATES)}: {line.strip()}"
                 for p in sorted(TEMPLATES.rglob("*.html"))
                 for line in p.read_text(encoding="utf-8").splitlines() if raw.search(line)]
    assert offenders == []


# --- pages ----------------------------------------------------------------------------------------

@pytest.fixture
def programme(session):
    """A coordinator, an administrator and a volunteer with one need on a day, one over two days,
    hours approved, pending and rejected, notifications, a token and audit entries."""
    coord = make_user(session, role="coordinator", email="coord@example.com", display_name="Coord")
    admin = make_user(session, role="admin", email="admin@example.com", display_name="Admin")
    vol = make_user(session, email="vol@example.com", display_name="Vol")
    day = datetime(2026, 11, 20, 1, tzinfo=UTC)  # 20 Nov 2026, 09:00-17:00 in Shanghai, already over
    past = make_need(session, owner=coord, title="Beach clean-up", starts_at=day, ends_at=day + timedelta(hours=8))
    later = make_need(session, owner=coord, title="Solar install", starts_at=START, ends_at=NEXT_DAY_END)
    match = make_match(session, past, vol, status="confirmed")
    make_match(session, later, vol, status="confirmed")
    for worked_on, status, reason in [(date(2026, 11, 20), "approved", None), (date(2026, 11, 21), "pending", None),
                                      (date(2026, 11, 22), "rejected", "Not on that day")]:
        session.add(HoursRecord(need_id=past.id, match_id=match.id, user_id=vol.id, hours=3, worked_on=worked_on,
                                status=status, rejection_reason=reason))
    session.add(Notification(user_id=vol.id, kind="hours_rejected", link="/commitments",
                             params={"need": past.title, "reason": "Not on that day"}))
    session.add(Notification(user_id=vol.id, kind="reminder", link="/commitments",
                             params={"need": later.title, "starts_at": later.starts_at.isoformat()}))
    audit.record(session, actor_id=coord.id, action="need_created", target_type="need", target_id=later.id)
    session.commit()
    for user in (coord, admin, vol):
        create_token(session=session, user=user, name="script", secret_key="test-secret-key")
    return {"past": past, "later": later, "match": match}


def _pages_of(client, email, lang, paths):
    client.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
    client.post("/language", data={"language": lang})
    pages = {}
    for path in paths:
        response = client.get(path, follow_redirects=True)  # one-time forms first redirect to a fresh token
        assert response.status_code == 200 and response.request.path == path.split("?")[0], path
        pages[path] = response.get_data(as_text=True)
    client.post("/logout")
    return pages


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_page_shows_seconds_or_short_us_dates(client, programme, lang):
    past, later, match = programme["past"], programme["later"], programme["match"]
    pages = _pages_of(client, "vol@example.com", lang, [
        "/home", "/needs", f"/needs/{past.id}", f"/needs/{later.id}", "/commitments",
        f"/commitments/{match.id}/hours", "/notifications", "/account/tokens", "/account/privacy", "/me/record"])
    pages |= _pages_of(client, "coord@example.com", lang, [
        "/needs/mine", f"/needs/{past.id}/people", "/reports?from=2026-01-01&to=2026-12-31"])
    pages |= _pages_of(client, "admin@example.com", lang, ["/needs/all", "/admin/audit", "/admin/credentials"])
    for path, html in pages.items():
        text = re.sub(r"<[^>]+>", " ", html)  # what is read, not attribute values such as ISO input values
        for pattern in (WITH_SECONDS, SHORT_US_DATE, AM_PM):
            assert not pattern.search(text), (path, pattern.pattern, pattern.search(text))


@pytest.mark.parametrize(("lang", "zone_named"), [
    ("en", "Times are in China (Shanghai) Time."),
    ("zh", "时间均为中国（上海）时间。"),
])
def test_tables_of_moments_name_the_organisation_s_time_zone(client, session, programme, lang, zone_named):
    """The audit log, the outbox, the token lists (provisioning and personal), the administrator's home (failed
    e-mails, imports), the consent history and a need's "Who was told" show moments in the organisation's zone,
    and say which (an administrator abroad read "09:00" as their own time)."""
    admin = session.exec(select(User).where(User.email == "admin@example.com")).one()
    vol = session.exec(select(User).where(User.email == "vol@example.com")).one()
    session.add(OutboxMessage(to_address="vol@example.com", subject="Hello", body="b", status="failed"))
    session.add(Notification(user_id=vol.id, kind="need_changed", need_id=programme["past"].id, link="/commitments",
                             params={"need": programme["past"].title}))
    record_consent(session, vol.id, "skills", True)
    session.commit()
    provisioning_tokens.create_token(session=session, actor=admin, name="HR system", secret_key="test-secret-key")
    pages = _pages_of(client, "admin@example.com", lang,
                      ["/admin/audit", "/admin/outbox", "/admin/provisioning", "/account/tokens", "/home"])
    pages |= _pages_of(client, "vol@example.com", lang, ["/account/privacy"])
    pages |= _pages_of(client, "coord@example.com", lang, [f"/needs/{programme['past'].id}"])
    for path, html in pages.items():
        assert "<table" in html or path == "/home", path  # the page lists moments (home: the failed e-mail's)
        assert zone_named in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)), path


@pytest.mark.parametrize(("lang", "one_day", "two_days"), [
    ("en", "20 Nov 2026, 09:00–17:00", "19 Dec 2026, 09:00 – 20 Dec 2026, 17:00"),
    ("zh", "2026年11月20日 09:00–17:00", "2026年12月19日 09:00 – 2026年12月20日 17:00"),
])
def test_need_pages_show_spans_in_one_style(client, programme, lang, one_day, two_days):
    past, later = programme["past"], programme["later"]
    pages = _pages_of(client, "vol@example.com", lang, [f"/needs/{past.id}", f"/needs/{later.id}", "/commitments"])
    pages = {path: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html)) for path, html in pages.items()}  # as read
    assert one_day in pages[f"/needs/{past.id}"]
    assert two_days in pages[f"/needs/{later.id}"]
    assert one_day in pages["/commitments"] and two_days in pages["/commitments"]


@pytest.mark.parametrize(("lang", "rejected", "wrong"), [
    ("en", "Not approved", "not taken up"),  # statuses read in sentence case everywhere
    ("zh", "未获批准", "未采纳"),
])
def test_rejected_hours_read_not_approved(client, programme, lang, rejected, wrong):
    match, past = programme["match"], programme["past"]
    mine = _pages_of(client, "vol@example.com", lang, [f"/commitments/{match.id}/hours", "/commitments"])
    board = _pages_of(client, "coord@example.com", lang, [f"/needs/{past.id}/people"])
    for html in [*mine.values(), *board.values()]:
        assert rejected in html and wrong not in html


def test_a_turned_down_volunteer_still_reads_not_taken_up(client, session, programme):
    vol2 = make_user(session, email="vol2@example.com")
    make_match(session, programme["past"], vol2, status="rejected")
    en = _pages_of(client, "coord@example.com", "en", [f"/needs/{programme['past'].id}/people"])
    zh = _pages_of(client, "coord@example.com", "zh", [f"/needs/{programme['past'].id}/people"])
    assert "Not taken up" in next(iter(en.values()))
    assert "未被接受" in next(iter(zh.values()))


@pytest.mark.parametrize(("lang", "link", "status"), [("en", "Open", None), ("zh", "查看", "开放中")])
def test_notification_link_is_a_verb(client, programme, lang, link, status):
    html = _pages_of(client, "vol@example.com", lang, ["/notifications"])["/notifications"]
    assert re.search(r'<button type="submit" class="link-button">\s*' + link + r"\s*</button>", html)
    if status:
        assert status not in html  # the need status "open", where a verb belongs


def test_need_status_open_keeps_its_own_word(client, programme):
    html = _pages_of(client, "admin@example.com", "zh", ["/needs/all"])["/needs/all"]
    assert "开放中" in html  # the status badge of an open need


def _read(html: str) -> str:
    """A page's text as read: inline spans (a date's pieces) vanish, other tags part words."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.sub(r"</?span[^>]*>", "", html)))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_demo_pages_show_spans_in_one_style(client, session, lang):
    from sqlmodel import select

    from empathy.admin.services.demo import seed_demo
    from empathy.demo import build_demo
    from empathy.models import Need

    seed_demo(session=session)
    coordinator = build_demo()["coordinators"][0]
    client.post("/login", data={"email": coordinator["email"], "password": coordinator["password"]})
    client.post("/language", data={"language": lang})
    needs = session.exec(select(Need).order_by(Need.id).limit(6)).all()
    day = r"\d{1,2} [A-Z][a-z]{2} \d{4}" if lang == "en" else r"\d{4}年\d{1,2}月\d{1,2}日"
    joiner = ", " if lang == "en" else " "
    span = re.compile(rf"{day}{joiner}\d\d:\d\d(–\d\d:\d\d| – {day}{joiner}\d\d:\d\d)")
    for path in ["/home", "/needs", "/needs/mine", *(f"/needs/{n.id}" for n in needs)]:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        text = _read(response.get_data(as_text=True))
        for pattern in (WITH_SECONDS, SHORT_US_DATE, AM_PM):
            assert not pattern.search(text), (path, pattern.search(text))
        if path.startswith("/needs/") and path != "/needs/mine":
            assert span.search(text), path
    listing = _read(client.get("/needs").get_data(as_text=True))
    assert len(span.findall(listing)) >= 5  # every card on the list shows its span
