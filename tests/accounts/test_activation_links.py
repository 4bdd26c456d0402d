"""An activation or reset link belongs to one account for good: ids and links are never reused."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from sqlmodel import select

from empathy.accounts.services import activation
from empathy.accounts.services.auth import create_user
from empathy.admin.services.imports import import_employees
from empathy.core.errors import ServiceError
from empathy.models import OutboxMessage, User
from empathy.privacy.account_data import delete_account

KEY = "test-key"


def _import(session, email: str, name: str) -> str:
    """Import one employee; the activation link's token from the queued e-mail."""
    report = import_employees(session=session, data=f"email,name\n{email},{name}\n".encode(), dry_run=False,
                              secret_key=KEY, base_url="https://e.example")
    assert report.written
    body = session.exec(select(OutboxMessage.body).where(OutboxMessage.to_address == email)).one()
    return re.search(r"/activate/(\S+)", body).group(1)


def test_a_kept_activation_link_does_not_open_the_next_account(session):
    kept = _import(session, "first.person@example.com", "First Person")
    first = activation.activate_account(session=session, token=kept, password="first persons passphrase",
                                        secret_key=KEY)
    first_id = first.id
    delete_account(session=session, user=first, password="first persons passphrase")
    _import(session, "second.person@example.com", "Second Person")
    second = session.exec(select(User).where(User.email == "second.person@example.com")).one()
    with pytest.raises(ServiceError):
        activation.check_token(session=session, token=kept, secret_key=KEY)
    with pytest.raises(ServiceError):
        activation.activate_account(session=session, token=kept, password="taken over account", secret_key=KEY)
    assert session.get(User, second.id, populate_existing=True).password_hash is None
    assert second.id != first_id  # ids are never handed out twice


def test_a_link_is_bound_to_the_account_not_only_to_its_id(session):
    # Even where an id comes back (a restored backup, a hand-made row), the old link stays dead.
    first = create_user(session=session, email="first.person@example.com", display_name="First", password=None)
    first_id, kept = first.id, activation.make_token(first, secret_key=KEY)
    session.execute(sa.delete(User).where(User.id == first_id))
    session.commit()
    session.expunge_all()
    session.add(User(id=first_id, email="second.person@example.com", display_name="Second"))
    session.commit()
    with pytest.raises(ServiceError):
        activation.check_token(session=session, token=kept, secret_key=KEY)


def test_user_ids_are_not_reused_after_the_newest_account_is_deleted(session):
    first = create_user(session=session, email="a@example.com", display_name="A", password=None)
    gone = first.id
    session.execute(sa.delete(User).where(User.id == gone))
    session.commit()
    again = create_user(session=session, email="b@example.com", display_name="B", password=None)
    assert again.id > gone
