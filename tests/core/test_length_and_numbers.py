"""Too long a text and a number that is not a number ("NaN", "inf") are told in the page's language, in the words
the API uses, never WTForms' "Field cannot be longer than 120 characters." or pydantic's "Input should be a finite
number"."""

from __future__ import annotations

import pytest
from wtforms.validators import Length as WTFormsLength

from empathy.core.fields import Length
from tests.core.test_required_messages import form_validators
from tests.factories import DEFAULT_PASSWORD, make_user


def test_every_length_check_of_every_form_has_clear_words():
    generic = [where for where, validator in form_validators()
               if isinstance(validator, WTFormsLength) and validator.message is None]
    assert not generic, "\n".join(generic)
    assert Length(max=120).message is not None


@pytest.mark.parametrize(("lang", "expected"), [("en", "Use at most 120 characters."),
                                                ("zh", "最多使用 120 个字符。")])
def test_a_too_long_department_on_the_add_user_form(client, auth, session, lang, expected):
    admin = make_user(session, role="admin")
    auth.login(admin.email, DEFAULT_PASSWORD)
    client.post("/language", data={"language": lang})
    page = client.post("/admin/users/new", data={"email": "new@example.com", "display_name": "New Person",
                                                 "role": "employee", "department": "d" * 121}).text
    assert expected in page
    assert "cannot be longer" not in page and "字段长度" not in page


@pytest.mark.parametrize("typed", ["NaN", "inf", "-Infinity"])
@pytest.mark.parametrize(("lang", "expected"), [("en", "Enter a number, such as 2.5."),
                                                ("zh", "请输入数字，例如 2.5。")])
def test_hours_that_are_not_a_number(client, auth, session, lang, expected, typed):
    coordinator = make_user(session, role="coordinator")
    auth.login(coordinator.email, DEFAULT_PASSWORD)
    client.post("/language", data={"language": lang})
    page = client.post("/needs/new", data={"title": "Hall repairs", "hours_per_volunteer": typed},
                       follow_redirects=True).text
    assert expected in page
    assert "finite" not in page
