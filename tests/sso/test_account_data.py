"""A person's links to identity providers are theirs: in the data download, and gone with the account."""

from __future__ import annotations

from sqlmodel import select

from empathy.models import ExternalIdentity
from empathy.privacy.account_data import delete_account, export_my_data
from tests.factories import DEFAULT_PASSWORD, make_user


def test_the_download_lists_the_links_and_deletion_removes_them(sso, provider, session):
    quinn = make_user(session, email="quinn@example.com", display_name="Quinn")
    provider.set_user("quinn-sub", email="quinn@example.com", email_verified=True, name="Quinn")
    sso("quinn-sub")
    data = export_my_data(session=session, user=quinn)
    assert [(row["issuer"], row["subject"]) for row in data["identity_provider_links"]] == [
        (provider.issuer, "quinn-sub")]
    delete_account(session=session, user=quinn, password=DEFAULT_PASSWORD)
    assert session.exec(select(ExternalIdentity)).all() == []


def _age_the_confirmation(client):
    from empathy.accounts.login import CONFIRMED_AT_KEY, CONFIRMED_FOR

    with client.session_transaction() as cookie:
        cookie[CONFIRMED_AT_KEY] -= CONFIRMED_FOR + 1


def _form_token(client, path="/account/delete") -> str:
    from tests.conftest import csrf_token_from

    return csrf_token_from(client.get(path).get_data(as_text=True))


def test_an_account_without_a_password_is_deleted_after_signing_in_again_at_the_provider(sso, provider, session,
                                                                                         client):
    from empathy.models import User

    provider.set_user("sam-sub", email="sam@example.com", email_verified=True, name="Sam")
    sso("sam-sub")  # creates the account: it has no password
    sam = session.exec(select(User).where(User.email == "sam@example.com")).one()
    assert sam.password_hash is None
    sam_id = sam.id
    _age_the_confirmation(client)

    page = client.get("/account/delete").get_data(as_text=True)
    assert "Confirm with Mock ID" in page and 'name="password"' not in page
    refused = client.post("/account/delete", data={"understood": "y", "csrf_token": _form_token(client)})
    assert refused.status_code == 422 and "Confirm that it is you first" in refused.get_data(as_text=True)
    session.rollback()
    assert session.get(User, sam_id) is not None

    started = client.get("/account/confirm/sso/mock?next=/account/delete")
    assert started.status_code == 302 and "prompt=login" in started.headers["Location"]
    back = sso.come_back(sso.authorise(started.headers["Location"], "sam-sub"))
    assert back.status_code == 302 and back.headers["Location"].endswith("/account/delete")

    page = client.get("/account/delete").get_data(as_text=True)
    assert "Confirm with Mock ID" not in page and 'name="password"' not in page
    done = client.post("/account/delete", data={"understood": "y", "csrf_token": _form_token(client)})
    assert done.status_code == 302
    session.rollback()  # end the test's read transaction: SQLite would keep showing its snapshot
    assert session.get(User, sam_id) is None


def test_signing_in_again_as_someone_else_confirms_nothing(sso, provider, session, client):
    provider.set_user("sam-sub", email="sam@example.com", email_verified=True, name="Sam")
    provider.set_user("kim-sub", email="kim@example.com", email_verified=True, name="Kim")
    sso("kim-sub")
    client.post("/logout", data={"csrf_token": _form_token(client, "/home")})
    sso("sam-sub")
    _age_the_confirmation(client)
    started = client.get("/account/confirm/sso/mock?next=/account/delete")
    wrong = sso.come_back(sso.authorise(started.headers["Location"], "kim-sub"))
    assert wrong.status_code == 403 and "someone other than" in wrong.get_data(as_text=True)
    assert "Confirm with Mock ID" in client.get("/account/delete").get_data(as_text=True)


def test_an_account_with_a_password_still_needs_it(sso, provider, session, client):
    make_user(session, email="quinn@example.com", display_name="Quinn")
    provider.set_user("quinn-sub", email="quinn@example.com", email_verified=True, name="Quinn")
    sso("quinn-sub")  # signed in a minute ago, through the provider
    page = client.get("/account/delete").get_data(as_text=True)
    assert 'name="password"' in page
    refused = client.post("/account/delete", data={"understood": "y", "csrf_token": _form_token(client)})
    assert refused.status_code == 422
