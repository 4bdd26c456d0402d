"""The need form sent twice makes one draft; drafts can be deleted (web and API), published needs cannot."""

from __future__ import annotations

import re

from sqlmodel import func, select

from empathy.models import Need, NeedSkill
from tests.api.fixtures import need_body
from tests.factories import DEFAULT_PASSWORD, make_need, make_skill, make_user
from tests.needs.test_views import _form


def _sign_in(session, auth, **kw):
    user = make_user(session, **kw)
    assert auth.login(user.email, DEFAULT_PASSWORD).status_code == 302
    return user


def _needs(session) -> int:
    session.rollback()
    return session.exec(select(func.count()).select_from(Need)).one()


def test_need_form_saved_twice_makes_one_draft(client, auth, session):
    _sign_in(session, auth, role="coordinator")
    address = client.get("/needs/new").headers["Location"]
    assert address.startswith("/needs/new?once=")
    first = client.post(address, data=_form())
    assert first.status_code == 302
    # Back, then Save again: the first draft's page, and no second draft.
    again = client.post(address, data=_form(), follow_redirects=False)
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    assert "Already recorded" in client.get(again.headers["Location"]).text
    assert _needs(session) == 1
    # "Add rows" and form errors do not use up the token of a new form.
    fresh = client.get("/needs/new").headers["Location"]
    assert client.post(fresh, data=_form(title="")).status_code == 200
    assert client.post(fresh, data=_form(title="Second")).status_code == 302
    assert _needs(session) == 2


def test_owner_deletes_a_draft_after_confirming(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    skill = make_skill(session, name="Teaching")
    draft = make_need(session, owner=owner, status="draft", skills=[(skill, "must", 2)])
    detail = client.get(f"/needs/{draft.id}").text
    assert f'href="/needs/{draft.id}/delete"' in detail
    page = client.get(f"/needs/{draft.id}/delete")
    assert page.status_code == 200 and "cannot be undone" in page.text
    assert _needs(session) == 1  # asking deletes nothing
    done = client.post(f"/needs/{draft.id}/delete", follow_redirects=True)
    assert "The draft is deleted." in done.text
    assert _needs(session) == 0 and session.exec(select(func.count()).select_from(NeedSkill)).one() == 0


def test_a_published_need_is_not_deleted_and_others_cannot_delete(client, auth, session):
    owner = make_user(session, role="coordinator")
    published = make_need(session, owner=owner, status="open")
    draft = make_need(session, owner=owner, status="draft")
    # Another coordinator: the draft is not even visible, the published need not theirs.
    _sign_in(session, auth, role="coordinator")
    assert client.post(f"/needs/{draft.id}/delete").status_code == 404
    assert client.post(f"/needs/{published.id}/delete").status_code == 403
    auth.logout()
    _sign_in(session, auth)  # an employee
    assert client.post(f"/needs/{draft.id}/delete").status_code == 403
    auth.logout()
    assert auth.login(owner.email, DEFAULT_PASSWORD).status_code == 302
    assert f'/needs/{published.id}/delete"' not in client.get(f"/needs/{published.id}").text
    refused = client.post(f"/needs/{published.id}/delete", follow_redirects=True)
    assert "Only a draft can be deleted" in refused.text
    assert _needs(session) == 2
    auth.logout()
    _sign_in(session, auth, role="admin")
    assert client.post(f"/needs/{draft.id}/delete").status_code == 302
    assert _needs(session) == 1


def test_api_deletes_drafts_only(api, session, callers):
    draft = api("POST", "/needs", "coord", json=need_body()).json
    assert api("DELETE", f"/needs/{draft['id']}", "coord2").status_code == 404  # someone else's draft
    assert api("DELETE", f"/needs/{draft['id']}", "employee").status_code == 403
    assert api("DELETE", f"/needs/{draft['id']}", "coord").status_code == 204
    assert api("GET", f"/needs/{draft['id']}", "coord").status_code == 404
    assert api("DELETE", f"/needs/{draft['id']}", "coord").status_code == 404
    published = make_need(session, owner=callers["coord"].user, status="open")
    refused = api("DELETE", f"/needs/{published.id}", "coord")
    assert refused.status_code == 409 and "Only a draft can be deleted" in refused.json["detail"]
    assert refused.mimetype == "application/problem+json"
    other = api("POST", "/needs", "coord", json=need_body()).json
    assert api("DELETE", f"/needs/{other['id']}", "admin").status_code == 204
    assert _needs(session) == 1


def test_duplicate_clicked_twice_makes_one_copy(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner, status="open")
    page = client.get(f"/needs/{need.id}").text
    action = re.search(rf'action="(/needs/{need.id}/duplicate\?once=[^"]+)"', page).group(1)
    assert f'action="/needs/{need.id}/publish"' not in page and 'close"' in page  # only Duplicate has a token
    first, second = client.post(action), client.post(action)
    assert first.headers["Location"] == second.headers["Location"] != f"/needs/{need.id}"
    assert _needs(session) == 2
    # The page shown again has a new token: a deliberate second copy is made.
    page = client.get(f"/needs/{need.id}").text
    client.post(re.search(rf'action="(/needs/{need.id}/duplicate\?once=[^"]+)"', page).group(1))
    assert _needs(session) == 3


def test_a_need_form_sent_without_its_token_creates_nothing_and_comes_back_ready(client, auth, session):
    _sign_in(session, auth, role="coordinator")
    for address in ("/needs/new?once=", "/needs/new?once=bad"):  # none, or a damaged one
        page = client.post(address, data=_form(title="Kept title"))
        assert page.status_code == 200 and _needs(session) == 0
        assert "send the form again" in page.text and "Some fields need your attention" not in page.text
        assert 'value="Kept title"' in page.text  # what was typed is kept
        action = re.search(r'action="(/needs/new\?[^"]+)"', page.text).group(1).replace("&amp;", "&")
        assert re.fullmatch(r"/needs/new\?once=[\w-]{22}", action)
    assert client.post(action, data=_form(title="Kept title")).status_code == 302
    assert client.post(action, data=_form(title="Kept title")).status_code == 302  # Back and Save: one need
    assert _needs(session) == 1


def test_duplicate_without_its_token_makes_no_copy(client, auth, session):
    owner = _sign_in(session, auth, role="coordinator")
    need = make_need(session, owner=owner, status="open")
    answer = client.post(f"/needs/{need.id}/duplicate?once=", follow_redirects=True)
    assert "press “Duplicate as a draft” again" in answer.text
    assert _needs(session) == 1
    assert client.post(f"/needs/{need.id}/publish?once=").status_code == 302  # not a create: unaffected
