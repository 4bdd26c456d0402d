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
