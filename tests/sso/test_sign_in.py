"""OpenID Connect sign-in against a real provider process (oidc-provider-mock)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlmodel import select

from empathy.models import AuditEntry, EmployeeProfile, ExternalIdentity, User, UserSession
from tests.factories import make_site, make_user


def _signed_in_as(client) -> str | None:
    resp = client.get("/home")
    return None if resp.status_code != 200 else resp.get_data(as_text=True)


def test_first_sign_in_creates_an_employee_with_department_and_site(sso, provider, session):
    make_site(session, code="sh", name_en="Shanghai", name_zh="上海")
    provider.set_user("alice-sub", email="Alice@Example.com", email_verified=True, name="Alice Liu",
                      department="Finance", office="shanghai")
    resp = sso("alice-sub")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/home")
    assert "Alice Liu" in _signed_in_as(sso.client)

    session.expire_all()
    user = session.exec(select(User).where(User.email == "alice@example.com")).one()
    assert (user.role, user.display_name, user.password_hash) == ("employee", "Alice Liu", None)
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).one()
    assert profile.department == "Finance"
    assert profile.site_id is not None
    link = session.exec(select(ExternalIdentity).where(ExternalIdentity.user_id == user.id)).one()
    assert (link.issuer, link.subject) == (provider.issuer, "alice-sub")
    # The same server-side sessions as a password sign-in, and an audit entry for the new account.
    assert session.exec(select(UserSession).where(UserSession.user_id == user.id)).one().revoked_at is None
    assert session.exec(select(AuditEntry.action).where(AuditEntry.target_id == user.id)).all() == [
        "sso_account_created"]


def test_the_authorisation_request_uses_pkce_s256_state_and_nonce(sso):
    query = parse_qs(urlsplit(sso.start()).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256 digest
    assert query["state"][0] and query["nonce"][0]
    assert query["scope"] == ["openid email profile"]


def test_a_verified_email_links_the_existing_account_and_the_link_outlives_an_email_change(sso, provider,
                                                                                          session):
    bob = make_user(session, email="bob@example.com", display_name="Bob", role="coordinator")
    provider.set_user("bob-sub", email="BOB@example.com", email_verified=True, name="Robert")
    assert sso("bob-sub").status_code == 302
    assert "Bob" in _signed_in_as(sso.client)
    links = session.exec(select(ExternalIdentity)).all()
    assert [(row.user_id, row.subject) for row in links] == [(bob.id, "bob-sub")]
    assert session.exec(select(AuditEntry.action)).all() == ["sso_account_linked"]

    # The address changes at the provider: the subject still finds Bob's account, no new one is made.
    sso.client.post("/logout")
    provider.set_user("bob-sub", email="robert@example.org", email_verified=False, name="Robert")
    assert sso("bob-sub").status_code == 302
    assert "Bob" in _signed_in_as(sso.client)
    session.expire_all()
    assert session.exec(select(User.email)).all() == ["bob@example.com"]


def test_an_unverified_email_is_refused_with_a_clear_page(sso, provider, session):
    make_user(session, email="carol@example.com")
    provider.set_user("mallory-sub", email="carol@example.com", email_verified=False, name="Not Carol")
    resp = sso("mallory-sub")
    assert resp.status_code == 403
    assert "has not verified your e-mail address carol@example.com" in resp.get_data(as_text=True)
    assert _signed_in_as(sso.client) is None
    assert session.exec(select(ExternalIdentity)).all() == []


def test_an_email_verified_given_as_the_string_true_counts(sso, provider, session):
    provider.set_user("dan-sub", email="dan@example.com", email_verified="true", name="Dan")
    assert sso("dan-sub").status_code == 302
    assert session.exec(select(User.email)).all() == ["dan@example.com"]


def test_a_missing_email_is_refused(sso, provider, session):
    provider.set_user("nomail-sub", name="No Mail")
    resp = sso("nomail-sub")
    assert resp.status_code == 403
    assert "did not give your e-mail address" in resp.get_data(as_text=True)
    assert session.exec(select(User)).all() == []


def test_a_wrong_state_is_refused(sso, provider, session):
    provider.set_user("erin-sub", email="erin@example.com", email_verified=True, name="Erin")
    callback = sso.authorise(sso.start(), "erin-sub")
    forged = callback.replace("state=", "state=x")
    resp = sso.come_back(forged)
    assert resp.status_code == 400
    assert "does not belong to a sign-in started in this browser" in resp.get_data(as_text=True)
    assert _signed_in_as(sso.client) is None
    assert session.exec(select(User)).all() == []


def test_a_callback_from_another_browser_is_refused(sso, provider, app, session):
    provider.set_user("frank-sub", email="frank@example.com", email_verified=True, name="Frank")
    callback = sso.authorise(sso.start(), "frank-sub")
    other_browser = app.test_client()  # login CSRF: the victim's browser never started this sign-in
    assert other_browser.get(callback).status_code == 400
    assert _signed_in_as(other_browser) is None


def test_a_replayed_callback_is_refused(sso, provider, session):
    provider.set_user("gina-sub", email="gina@example.com", email_verified=True, name="Gina")
    callback = sso.authorise(sso.start(), "gina-sub")
    assert sso.come_back(callback).status_code == 302
    sso.client.post("/logout")
    resp = sso.come_back(callback)  # the state was used up with the first answer
    assert resp.status_code == 400
    assert _signed_in_as(sso.client) is None


def test_a_replayed_code_is_refused_by_the_provider(sso, provider, session):
    provider.set_user("hal-sub", email="hal@example.com", email_verified=True, name="Hal")
    first = sso.authorise(sso.start(), "hal-sub")
    assert sso.come_back(first).status_code == 302
    sso.client.post("/logout")
    # A new sign-in in the same browser (a fresh state), answered with the first, used code.
    fresh = parse_qs(urlsplit(sso.authorise(sso.start(), "hal-sub")).query)
    old_code = parse_qs(urlsplit(first).query)["code"][0]
    resp = sso.come_back(f"/login/sso/mock/callback?code={old_code}&state={fresh['state'][0]}")
    assert resp.status_code == 400
    assert "did not confirm the sign-in" in resp.get_data(as_text=True)
    assert _signed_in_as(sso.client) is None


def test_a_declined_authorisation_is_a_clear_page(sso):
    authorize_url = sso.start()
    import requests

    resp = requests.post(authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=10)
    callback = urlsplit(resp.headers["Location"])
    page = sso.come_back(f"{callback.path}?{callback.query}")
    assert page.status_code == 400
    assert "the request was declined" in page.get_data(as_text=True)


def test_a_disabled_user_is_refused(sso, provider, session):
    ivy = make_user(session, email="ivy@example.com", display_name="Ivy")
    provider.set_user("ivy-sub", email="ivy@example.com", email_verified=True, name="Ivy")
    assert sso("ivy-sub").status_code == 302
    sso.client.post("/logout")
    ivy.active = False
    session.add(ivy)
    session.commit()
    resp = sso("ivy-sub")
    assert resp.status_code == 403
    assert "This account is deactivated" in resp.get_data(as_text=True)
    assert _signed_in_as(sso.client) is None


def test_a_disabled_user_is_not_linked_either(sso, provider, session):
    make_user(session, email="jo@example.com", active=False)
    provider.set_user("jo-sub", email="jo@example.com", email_verified=True, name="Jo")
    assert sso("jo-sub").status_code == 403
    assert session.exec(select(ExternalIdentity)).all() == []


def test_an_unknown_provider_is_not_found(client):
    assert client.get("/login/sso/nosuch").status_code == 404
    assert client.get("/login/sso/nosuch/callback?code=x&state=y").status_code == 404


def test_the_login_page_offers_the_provider(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/login/sso/mock' in page and "Sign in with Mock ID" in page
    zh = client.get("/login", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "使用 Mock ID 登录" in zh


def test_next_is_kept_through_the_sign_in(sso, provider):
    provider.set_user("kim-sub", email="kim@example.com", email_verified=True, name="Kim")
    authorize = sso.start("/login/sso/mock?next=/needs")
    resp = sso.come_back(sso.authorise(authorize, "kim-sub"))
    assert resp.headers["Location"].endswith("/needs")


def test_sign_out_ends_the_session_and_offers_the_providers_sign_out(sso, provider, session):
    provider.set_user("lee-sub", email="lee@example.com", email_verified=True, name="Lee")
    sso("lee-sub")
    cookie = sso.client.get_cookie("session")
    resp = sso.client.post("/logout")
    assert resp.headers["Location"].endswith("/logout/sso")
    page = sso.client.get("/logout/sso")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "You are signed out of Empathy" in html
    assert provider.issuer + "/oauth2/end_session?" in html and "id_token_hint=" in html
    assert "post_logout_redirect_uri=http%3A%2F%2Flocalhost%2Flogin" in html
    assert _signed_in_as(sso.client) is None
    # The server-side session is revoked: the cookie saved before sign-out no longer works.
    sso.client.set_cookie("session", cookie.value)
    assert _signed_in_as(sso.client) is None
    assert all(row.revoked_at is not None for row in session.exec(select(UserSession)).all())


def test_a_verified_domain_vouches_for_addresses_without_email_verified(app, provider, session, client):
    from empathy import create_app
    from tests.sso.conftest import SignIn

    trusting = create_app({**app.config, "OIDC_PROVIDERS": [provider.config(verified_domains=["corp.example"])]})
    provider.set_user("nia-sub", email="nia@corp.example", name="Nia")  # no email_verified claim at all
    assert SignIn(trusting.test_client(), provider)("nia-sub").status_code == 302
    provider.set_user("oz-sub", email="oz@elsewhere.example", name="Oz")
    # Other domains still need the provider's word.
    assert SignIn(trusting.test_client(), provider)("oz-sub").status_code == 403
    assert session.exec(select(User.email)).all() == ["nia@corp.example"]



def test_a_callback_without_code_or_state_is_a_clear_page(client, sso):
    resp = client.get("/login/sso/mock/callback")
    assert resp.status_code == 400
    assert "does not belong to a sign-in started in this browser" in resp.get_data(as_text=True)
    sso.start()  # also with a sign-in under way in this browser
    assert client.get("/login/sso/mock/callback?state=&code=").status_code == 400


def test_an_unreachable_provider_is_a_clear_page_not_an_error(app, provider):
    from empathy import create_app
    from tests.sso.provider import free_port

    down = create_app({**app.config, "OIDC_PROVIDERS": [
        provider.config(issuer=f"http://127.0.0.1:{free_port()}")]}).test_client()
    resp = down.get("/login/sso/mock")
    assert resp.status_code == 503
    assert "Mock ID cannot be reached just now" in resp.get_data(as_text=True)


def test_a_provider_naming_another_issuer_is_refused(app, client, session):
    from empathy.sso.providers import client as oauth_client
    from empathy.sso.providers import find

    with app.app_context():
        # Discovery answered, but with another issuer than the one configured (Discovery 1.0, 4.3).
        oauth_client(find("mock")).server_metadata.update({"issuer": "https://elsewhere.example", "_loaded_at": 1})
    assert client.get("/login/sso/mock").status_code == 503
    assert client.get("/login/sso/mock/callback?code=x&state=y").status_code == 503
    assert session.exec(select(User)).all() == []


def test_starting_again_keeps_one_pending_sign_in_in_the_cookie(sso, provider):
    provider.set_user("rae-sub", email="rae@example.com", email_verified=True, name="Rae")
    for _ in range(20):
        authorize = sso.start()
    with sso.client.session_transaction() as cookie:
        assert len([key for key in cookie if key.startswith("_state_mock_")]) == 1
    assert sso.come_back(sso.authorise(authorize, "rae-sub")).status_code == 302
    assert _signed_in_as(sso.client) is not None


def test_a_first_sign_in_after_choosing_chinese_creates_a_chinese_account(sso, provider, session):
    sso.client.post("/language", data={"language": "zh"})
    provider.set_user("mei-sub", email="mei@example.com", email_verified=True, name="Mei Chen")
    assert sso("mei-sub").status_code == 302
    session.expire_all()
    assert session.exec(select(User.preferred_language).where(User.email == "mei@example.com")).one() == "zh"
    assert "为您推荐" in sso.client.get("/home", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_signing_in_to_an_existing_account_keeps_its_own_language_unless_one_was_chosen(sso, provider, session):
    make_user(session, email="ann@example.com", preferred_language="en")
    provider.set_user("ann-sub", email="ann@example.com", email_verified=True, name="Ann")
    assert sso("ann-sub").status_code == 302
    session.rollback()  # a new read: SQLite would keep showing the last one's snapshot
    assert session.exec(select(User.preferred_language).where(User.email == "ann@example.com")).one() == "en"
    from tests.conftest import csrf_token_from

    token = csrf_token_from(sso.client.get("/home").get_data(as_text=True))
    assert sso.client.post("/logout", data={"csrf_token": token}).status_code == 302
    token = csrf_token_from(sso.client.get("/login").get_data(as_text=True))
    # The latest choice, made on the sign-in page just before signing in.
    assert sso.client.post("/language", data={"language": "zh", "csrf_token": token}).status_code == 302
    assert sso("ann-sub").status_code == 302
    session.rollback()  # a new read: SQLite would keep showing the last one's snapshot
    assert session.exec(select(User.preferred_language).where(User.email == "ann@example.com")).one() == "zh"
