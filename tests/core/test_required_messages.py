"""A field left empty says what it wants ("Enter the person's e-mail address."), never WTForms' generic
"This field is required.", in English and in Chinese."""

from __future__ import annotations

import pytest
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, InputRequired

from tests.core.test_units import _forms
from tests.factories import DEFAULT_PASSWORD, make_user

GENERIC = ("This field is required.", "此字段为必填项。", "该字段是必填字段。")


def form_validators():
    """(where, validator) for every validator of every field of every form: where is module.Form.field."""
    for form in _forms():
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField):
                for validator in field.kwargs.get("validators") or ():
                    yield f"{form.__module__}.{form.__name__}.{name}", validator


def test_every_required_field_of_every_form_has_its_own_message():
    generic = [where for where, validator in form_validators()
               if isinstance(validator, (DataRequired, InputRequired)) and validator.message is None]
    assert not generic, "\n".join(generic)


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", ("Enter the person's e-mail address.", "Enter the person's name.")),
    ("zh", ("请输入此人的电子邮件地址。", "请输入此人的姓名。")),
])
def test_the_add_user_form_says_what_each_empty_field_wants(client, auth, session, lang, expected):
    admin = make_user(session, role="admin")
    auth.login(admin.email, DEFAULT_PASSWORD)
    client.post("/language", data={"language": lang})
    page = client.post("/admin/users/new", data={"email": "", "display_name": "", "role": "employee"}).text
    page = page.replace("&#39;", "'")
    assert all(message in page for message in expected), page[:200]
    assert not any(message in page for message in GENERIC)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_web_form_sent_empty_answers_with_the_generic_message(client, auth, session, lang):
    admin = make_user(session, role="admin")
    client.post("/language", data={"language": lang})
    for path in ("/login", "/register", "/forgot"):
        assert not any(m in client.post(path, data={}).text for m in GENERIC), path
    auth.login(admin.email, DEFAULT_PASSWORD)
    client.post("/language", data={"language": lang})
    for path in ("/admin/users/new", "/admin/sites/new", "/admin/skills/new", "/admin/registration",
                 "/needs/new", "/profile", "/account/password"):
        response = client.post(path, data={})
        assert response.status_code in (200, 400, 422), (path, response.status_code)
        assert not any(m in response.text for m in GENERIC), path
