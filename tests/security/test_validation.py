"""Password rules and storage, and output encoding of what users type."""

from __future__ import annotations

import pytest

from empathy.accounts.services.passwords import check_password_rules, hash_password, verify_password
from empathy.core.errors import ServiceError
from tests.factories import DEFAULT_PASSWORD, make_need, make_user


@pytest.mark.parametrize("password", ["short pw", "x" * 129, "password123"])
def test_too_short_too_long_and_common_passwords_are_refused(password):
    with pytest.raises(ServiceError):
        check_password_rules(password)


def test_any_printable_unicode_and_spaces_up_to_128_are_accepted_without_composition_rules():
    check_password_rules("大家好 this is my long phrase")
    check_password_rules("y" * 64 + "z" * 64)


def test_passwords_are_stored_salted_with_scrypt():
    first, second = hash_password(DEFAULT_PASSWORD), hash_password(DEFAULT_PASSWORD)
    assert first.startswith("scrypt:") and first != second and DEFAULT_PASSWORD not in first
    assert verify_password(first, DEFAULT_PASSWORD) and not verify_password(first, DEFAULT_PASSWORD + "x")
    assert not verify_password(None, DEFAULT_PASSWORD)


def test_what_users_type_is_escaped_in_pages(client, auth, session):
    owner = make_user(session, role="coordinator", email="c@example.com")
    need = make_need(session, owner=owner, title='<script>alert("x")</script>', beneficiary="<b onmouseover=x>")
    assert auth.login("c@example.com", DEFAULT_PASSWORD).status_code == 302
    html = client.get(f"/needs/{need.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<b onmouseover" not in html
