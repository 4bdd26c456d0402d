"""The invitation e-mail: the need's time, place and hours in the invitee's language, and signed one-click
accept / decline links that land on a confirmation page (GET changes nothing; the page's button answers)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime
from email.header import decode_header, make_header

import pytest
from itsdangerous import TimestampSigner
from sqlmodel import select

from empathy.models import Match, OutboxMessage
from empathy.volunteering.services import answer_links
from tests.conftest import csrf_token_from
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_site, make_user
from tests.mail_server import mail_server  # noqa: F401  (a fixture)

LINK = re.compile(r"http://[^\s\"<]+/invitations/answer/[A-Za-z0-9_.\-]+")


@pytest.fixture
def invited(app, client, auth, session, mail_server):  # noqa: F811
    """A coordinator invites a Chinese-speaking employee through the page; the e-mail reaches the server."""
    app.config["SMTP"] = mail_server.smtp
    owner = make_user(session, role="coordinator", display_name="Coco")
    person = make_user(session, display_name="Wang Fang", email="wang@example.com", preferred_language="zh")
    site = make_site(session, name_en="Harbour Office", name_zh="港口办公室")
    need = make_need(session, owner=owner, title="Library reading hour", site_id=site.id, hours_per_volunteer=3.5,
                     starts_at=datetime(2030, 3, 9, 1, 0, tzinfo=UTC), ends_at=datetime(2030, 3, 9, 4, 30, tzinfo=UTC))
    assert auth.login(owner.email, DEFAULT_PASSWORD).status_code == 302
    assert client.post(f"/needs/{need.id}/invite", data={"user_ids": [person.id]}).status_code == 302
    auth.logout()
    [email] = mail_server.received
    match = session.exec(select(Match).where(Match.user_id == person.id)).one()
    return {"email": email, "need": need, "person": person, "match": match, "session": session}


def _parts(email) -> tuple[str, str]:
    text, html = (part.get_payload(decode=True).decode() for part in email.get_payload())
    return text, html


def _link(text: str, answer: str) -> str:
    label = {"accept": "接受", "decline": "谢绝"}[answer]
    line = next(line for line in text.splitlines() if line.startswith(label))
    return LINK.search(line).group(0).removeprefix("http://127.0.0.1:5000")


def _status(session, match) -> str:
    session.rollback()
    return session.get(Match, match.id, populate_existing=True).status


def test_the_invitation_mail_is_multipart_in_the_invitee_s_language_with_time_place_hours(invited):
    email = invited["email"]
    assert email.get_content_type() == "multipart/alternative"
    text, html = _parts(email)
    # Chinese, the organisation's time zone (Asia/Shanghai: 09:00-12:30), the site's Chinese name, 3.5 hours.
    for part in (text, html):
        assert "2030年3月9日 09:00–12:30" in part
        assert "港口办公室" in part and "3.5" in part and "Library reading hour" in part
    assert str(make_header(decode_header(email["Subject"]))) == "志愿服务邀请"
    assert len(LINK.findall(text)) == 2 and len(set(LINK.findall(html))) == 2
    assert '<html lang="zh-Hans">' in html


def test_opening_a_link_changes_nothing_and_the_button_accepts_without_signing_in(client, invited):
    path = _link(_parts(invited["email"])[0], "accept")

    page = client.get(path)  # as a mail scanner would, or the person before deciding

    assert page.status_code == 200 and "Library reading hour" in page.text
    assert _status(invited["session"], invited["match"]) == "invited"
    done = client.post(path, data={})
    assert done.status_code == 200
    assert _status(invited["session"], invited["match"]) == "confirmed"
    again = client.post(path, data={})  # the invitation is answered: the link is refused cleanly
    assert again.status_code == 400 and "already been answered" in again.text


def test_the_decline_link_declines(client, invited):
    path = _link(_parts(invited["email"])[0], "decline")
    assert client.post(path, data={}).status_code == 200
    assert _status(invited["session"], invited["match"]) == "declined"
    assert client.get(path).status_code == 400  # no longer pending


def test_a_forged_or_altered_token_is_refused(client, invited):
    path = _link(_parts(invited["email"])[0], "accept")
    for bad in (path[:-3] + "abc", "/invitations/answer/not-a-token"):
        assert client.get(bad).status_code == 400
        assert client.post(bad, data={}).status_code == 400
    assert _status(invited["session"], invited["match"]) == "invited"


def test_a_token_is_bound_to_its_match_and_invitee(app, session):
    owner = make_user(session, role="coordinator")
    need = make_need(session, owner=owner)
    a, b = make_user(session), make_user(session)
    match_a, match_b = make_match(session, need, a), make_match(session, need, b)
    token = answer_links.answer_token(match_a, "accept", secret_key="k")
    assert answer_links.read_answer_link(session=session, token=token, secret_key="k").user.id == a.id
    with pytest.raises(Exception, match="not valid"):
        answer_links.read_answer_link(session=session, token=token, secret_key="another key")
    # The same signed payload with another match id does not exist: ids cannot be swapped without the key.
    forged = answer_links.answer_token(match_b, "accept", secret_key="other")
    with pytest.raises(Exception, match="not valid"):
        answer_links.read_answer_link(session=session, token=forged, secret_key="k")


def test_an_expired_link_is_refused(client, invited, monkeypatch):
    path = _link(_parts(invited["email"])[0], "accept")
    later = int(time.time() + answer_links.MAX_AGE.total_seconds() + 86400)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: later)  # 31 days on
    page = client.get(path)
    assert page.status_code == 400 and "expired" in page.text
    assert client.post(path, data={}).status_code == 400
    assert _status(invited["session"], invited["match"]) == "invited"


def test_the_confirmation_button_needs_the_form_s_csrf_token(app, client, invited):
    app.config["WTF_CSRF_ENABLED"] = True
    path = _link(_parts(invited["email"])[0], "accept")
    assert client.post(path, data={}).status_code == 400  # a cross-site POST: no token
    assert _status(invited["session"], invited["match"]) == "invited"
    token = csrf_token_from(client.get(path).text)
    assert client.post(path, data={"csrf_token": token}).status_code == 200
    assert _status(invited["session"], invited["match"]) == "confirmed"


def test_invitations_in_the_outbox_keep_text_and_html(invited):
    session = invited["session"]
    session.rollback()
    row = session.exec(select(OutboxMessage)).one()
    assert row.status == "sent" and row.html_body and "<html" in row.html_body and "港口办公室" in row.body


def _read(html: str) -> str:
    """The page's text as read: tags dropped, spaces folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize(("lang", "when", "place"), [
    ("en", "9 Mar 2030, 09:00–12:30 (China (Shanghai) Time)", "Harbour Office"),
    ("zh", "2030年3月9日 09:00–12:30（中国（上海）时间）", "港口办公室"),
])
def test_the_answer_page_says_when_in_the_named_zone_where_and_who_coordinates(client, invited, lang, when, place):
    """Like the need page: the invitee (perhaps not signed in, perhaps abroad) sees the place, the times with the
    organisation's time zone named, and the coordinator, before answering and after."""
    path = _link(_parts(invited["email"])[0], "accept")
    client.post("/language", data={"language": lang})
    before = _read(client.get(path).text)
    assert when in before and place in before and "Coco" in before
    after = client.post(path, data={})
    assert after.status_code == 200
    assert when in _read(after.text) and place in _read(after.text) and "Coco" in _read(after.text)


def test_the_answer_page_of_a_remote_need_without_a_site_says_remote(app, client, session):
    owner = make_user(session, role="coordinator", display_name="Remy")
    person = make_user(session)
    need = make_need(session, owner=owner, title="Online tutoring", site_id=None, is_remote=True)
    match = make_match(session, need, person, status="invited")
    token = answer_links.answer_token(match, "decline", secret_key=app.config["SECRET_KEY"])
    page = _read(client.get(f"/invitations/answer/{token}").text)
    assert "Where Remote" in page and "Remy" in page
