"""Actions that cannot be undone sit behind a second step that works without JavaScript: a <details>
whose <summary> only opens it, says what will happen, and holds the button that does it."""

from __future__ import annotations

import re

from empathy.accounts.services.tokens import create_token
from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_skill, make_user


def _steps(page: str) -> list[tuple[str, str]]:
    """(summary text, inner HTML) of every confirmation step of a page."""
    return [(re.sub(r"<[^>]+>", "", summary).strip(), body) for summary, body in re.findall(
        r'<details class="confirm-step">\s*<summary[^>]*>(.*?)</summary>(.*?)</details>', page, re.S)]


def _guarded(page: str, action: str) -> tuple[str, str]:
    """The step that holds the form posting to `action`; fails when that form is outside any step."""
    assert f'action="{action}"' in page, f"no form for {action}"
    for summary, body in _steps(page):
        if f'action="{action}"' in body:
            return summary, body
    raise AssertionError(f"{action} is posted without a confirmation step")


def _sign_in(session, auth, **kw):
    user = make_user(session, **kw)
    auth.login(user.email, DEFAULT_PASSWORD)
    return user


def test_withdrawing_and_the_calendar_link_ask_first(client, auth, session):
    me = _sign_in(session, auth)
    waiting = make_match(session, make_need(session, title="Awaiting"), me, status="volunteered")
    confirmed = make_match(session, make_need(session, title="Confirmed"), me, status="confirmed")
    client.post("/commitments/calendar-link")
    page = client.get("/commitments").text
    for match in (waiting, confirmed):
        summary, body = _guarded(page, f"/commitments/{match.id}/withdraw")
        assert summary == "Withdraw…" and "This cannot be undone" in body and "Yes, withdraw" in body
    summary, body = _guarded(page, "/commitments/calendar-link/revoke")
    assert summary == "Turn the calendar link off…" and "Yes, turn it off" in body
    summary, body = _guarded(page, "/commitments/calendar-link")
    assert "The old link stops working at once" in body


def test_removing_a_volunteer_and_cancelling_a_need_ask_first(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner)
    match = make_match(session, need, make_user(session), status="confirmed")
    page = client.get(f"/needs/{need.id}/people").text
    summary, body = _guarded(page, f"/matches/{match.id}/remove")
    assert summary == "Remove…" and 'name="reason"' in body and "Yes, remove" in body
    summary, body = _guarded(page, f"/needs/{need.id}/cancel")
    assert summary == "Cancel the need…" and "cannot be reopened" in body


def test_revoking_a_token_and_merging_skills_ask_first(app, client, auth, session):
    admin = _sign_in(session, auth, role="admin")
    token, _ = create_token(session=session, user=admin, name="HR sync", secret_key=app.config["SECRET_KEY"])
    page = client.get("/account/tokens", follow_redirects=True).text
    summary, body = _guarded(page, f"/account/tokens/{token.id}/revoke")
    assert summary.startswith("Revoke…") and "This cannot be undone" in body
    skill = make_skill(session, name="Excel sheets")
    make_skill(session, name="Excel")
    page = client.get(f"/admin/skills/{skill.id}/merge").text
    (summary, body), = _steps(page)
    assert summary == "Merge…" and "This cannot be undone" in body
    assert re.search(r'<button type="submit" class="button danger">Yes, merge</button>', body)
    # The only submit button of the merge form is inside the step.
    form = page.split('<form method="post"', 1)[1].split("</form>", 1)[0]
    assert form.count('type="submit"') == 1


def test_an_admin_turning_off_someones_two_factor_sign_in_asks_first(client, auth, session, monkeypatch):
    _sign_in(session, auth, role="admin")
    person = make_user(session, display_name="Li Wei")
    # Who uses two-factor sign-in is the accounts service's business: here, Li Wei does.
    monkeypatch.setattr("empathy.accounts.services.two_factor.users_with_two_factor", lambda *a: {person.id})
    page = client.get("/admin/users").text
    summary, body = _guarded(page, f"/admin/users/{person.id}/two-factor/reset")
    assert summary == "Turn off two-factor…" and "Li Wei is signed out everywhere" in body


def test_revoking_a_provisioning_token_asks_first(app, client, auth, session):
    from empathy.scim.services import tokens as provisioning

    admin = _sign_in(session, auth, role="admin")
    token, _ = provisioning.create_token(session=session, actor=admin, name="Entra ID",
                                         secret_key=app.config["SECRET_KEY"])
    page = client.get("/admin/provisioning").text
    summary, body = _guarded(page, f"/admin/provisioning/{token.id}/revoke")
    assert summary.startswith("Revoke…") and "This cannot be undone" in body
