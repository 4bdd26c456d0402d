"""Every kind of e-mail the app sends: text and HTML from its own template in templates/mail/, in the
recipient's language, with the facts the recipient needs (the need, its time in the organisation's time zone,
its place, a link from BASE_URL), and user text escaped in the HTML part."""

from __future__ import annotations

from datetime import UTC, datetime
from html import unescape

import pytest
from sqlmodel import select

from empathy.accounts.services import activation, password_reset, two_factor
from empathy.core.mail import render_mail
from empathy.models import OutboxMessage
from empathy.volunteering.services.notices import Schedule
from empathy.volunteering.services.notifications import SUBJECTS, need_details, notify
from tests.factories import make_need, make_site, make_user

BASE = "https://volunteer.example.org"
TITLE = "<b>Tom & Jerry</b> reading"
ESCAPED_TITLE = "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt; reading"
NAME = "<i>Wang</i>"
# 01:00-04:30 UTC is 09:00-12:30 in the organisation's time zone (Asia/Shanghai).
# The zone is named after the time: a reader may be far from the organisation (review of #19).
WHEN = {"en": "9 Mar 2030, 09:00–12:30 (China (Shanghai) Time)", "zh": "2030年3月9日 09:00–12:30（中国（上海）时间）"}
PLACE = {"en": "Harbour Office", "zh": "港口办公室"}
HELLO = {"en": f"Hello {NAME},", "zh": f"{NAME}，您好："}
# A sentence of each kind's own template, and its translation: the kind has its own wording in both languages.
OWN_WORDS = {
    "clash": ("You cannot be at both", "您无法同时参加"),
    "confirmed": ("We look forward to seeing you.", "期待与您见面。"),
    "cancelled": ("You do not need to do anything", "您无需做任何事"),
    "need_changed": ("If the new time or place does not suit you", "如果新的时间或地点不适合您"),
    "removed": ("Your other commitments are unchanged.", "您的其他承诺不受影响。"),
    "hours_approved": ("They now count towards your volunteering record.", "这些时长现已计入您的志愿服务记录。"),
    "hours_rejected": ("talk to the need's coordinator", "请与该需求的协调人联系"),
    "reminder": ("as soon as possible", "请尽快"),
}


@pytest.fixture
def world(app, session):
    site = make_site(session, name_en="Harbour Office", name_zh="港口办公室")
    owner = make_user(session, role="coordinator", display_name="Coco")
    need = make_need(session, owner=owner, title=TITLE, site_id=site.id, hours_per_volunteer=3.5,
                     starts_at=datetime(2030, 3, 9, 1, 0, tzinfo=UTC), ends_at=datetime(2030, 3, 9, 4, 30, tzinfo=UTC))
    return {"need": need, "owner": owner}


def _person(session, language: str):
    return make_user(session, display_name=NAME, email=f"wang.{language}@example.com", preferred_language=language)


def _params(session, kind: str, need) -> dict:
    base = {"need": need.title}
    schedule = Schedule.of(need).params(session)
    return {
        "confirmed": base,
        "reminder": {**base, "starts_at": need.starts_at.isoformat()},
        "cancelled": {**base, **schedule},
        "need_changed": {**base, **schedule, **Schedule.of(need).params(session, "old_")},
        "removed": {**base, "reason": "<script>alert(1)</script>", **schedule},
        "hours_approved": {**base, "hours": 2.5},
        "hours_rejected": {**base, "reason": "<script>alert(1)</script>"},
        "invited": {**base, "by": "Coco", **need_details(session, need)},
        "clash": {**base, "other": "Library morning"},
    }[kind]


def _queued(session, to: str) -> OutboxMessage:
    session.flush()
    return session.exec(select(OutboxMessage).where(OutboxMessage.to_address == to)
                        .order_by(OutboxMessage.id.desc())).first()


def _assert_escaped(html: str) -> None:
    assert "<b>Tom" not in html and "<i>Wang" not in html and "<script>" not in html
    assert ESCAPED_TITLE in html or "&lt;i&gt;Wang&lt;/i&gt;" in html


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("kind", sorted(SUBJECTS))
def test_each_need_mail_has_its_facts_in_the_recipient_s_language_and_escapes_user_text(
        app, session, world, kind, language):
    need = world["need"]
    person = _person(session, language)
    with app.test_request_context():
        notify(session, person, kind, _params(session, kind, need), link="/commitments", base_url=BASE, need=need)
    message = _queued(session, person.email)

    text, html = message.body, message.html_body
    assert html is not None and f'<html lang="{"zh-Hans" if language == "zh" else "en"}">' in html
    for part in (text, html):
        assert WHEN[language] in part and PLACE[language] in part and f"{BASE}/commitments" in part
    assert TITLE in text and ESCAPED_TITLE in html
    assert HELLO[language] in text
    _assert_escaped(html)
    english, chinese = OWN_WORDS.get(kind, ("Expected hours", "预计时长"))
    assert (english if language == "en" else chinese) in text
    assert (english if language == "en" else chinese) in unescape(html)
    if language == "zh":
        assert "When" not in text and "Open:" not in text and english not in text


@pytest.mark.parametrize("language", ["en", "zh"])
def test_activation_reset_and_two_factor_mails_have_their_link_in_text_and_html(app, session, language):
    person = _person(session, language)
    with app.test_request_context():
        url = activation.queue_activation_mail(session, person, secret_key="k", base_url=BASE)
        session.commit()
        password_reset.request_reset(session=session, email=person.email, secret_key="k", base_url=BASE)
        two_factor._notice(session, person, "reset", BASE)
        session.commit()
    messages = {m.kind: m for m in session.exec(select(OutboxMessage).where(OutboxMessage.to_address == person.email))}
    assert set(messages) == {"activation", "password_reset", "two_factor"}
    words = {"en": {"activation": "Choose your password", "password_reset": "Choose a new password",
                    "two_factor": "An administrator turned off two-factor sign-in"},
             "zh": {"activation": "设置密码", "password_reset": "设置新密码",
                    "two_factor": "管理员关闭了您账号的两步验证登录"}}[language]
    links = {"activation": url, "password_reset": f"{BASE}/reset/", "two_factor": f"{BASE}/account/two-factor"}
    for kind, message in messages.items():
        assert HELLO[language] in message.body, kind
        assert links[kind] in message.body and links[kind] in message.html_body, kind
        assert words[kind] in message.html_body, kind
        assert "&lt;i&gt;Wang&lt;/i&gt;" in message.html_body and "<i>Wang" not in message.html_body, kind
        if language == "zh":
            assert "Hello" not in message.body and "link" not in message.body, kind


def test_an_import_s_activation_mails_match_the_one_by_one_mail_in_both_parts(app, session):
    people = [_person(session, "en"), _person(session, "zh")]
    with app.test_request_context():
        ids, links = activation.queue_activation_mails(session, people, secret_key="k", base_url=BASE)
        session.commit()
        for person, (_email, _name, url) in zip(people, links):
            message = _queued(session, person.email)
            subject, text, html = activation._activation_message(person.display_name, url, person.preferred_language)
            assert (message.subject, message.body, message.html_body) == (subject, text, html)
            assert "&lt;i&gt;Wang&lt;/i&gt;" in message.html_body and url in message.html_body
    assert len(ids) == 2


def test_a_kind_without_a_template_of_its_own_falls_back_to_the_notification_layout(app):
    with app.test_request_context():
        text, html = render_mail(["no_such_kind", "notification"], "zh", sentence="<x>", name="", url="")
    assert text == "<x>" and "&lt;x&gt;" in html
