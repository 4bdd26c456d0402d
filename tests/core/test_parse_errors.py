"""A date, time or number the form cannot read is refused in plain words, in the page's language.

WTForms' own parse errors ("Not a valid datetime value.") are English whatever the language, and Chromium sends
a date box typed only in part as an empty value; every such field of every form says what to type instead."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
import wtforms
from wtforms.fields.core import UnboundField

import empathy
from empathy.core.fields import DATE_MESSAGE, DATETIME_MESSAGE, INTEGER_MESSAGE, NUMBER_MESSAGE
from tests.factories import DEFAULT_PASSWORD, make_user

PARSED = (wtforms.DateTimeField, wtforms.DateField, wtforms.TimeField, wtforms.MonthField, wtforms.WeekField,
          wtforms.IntegerField, wtforms.FloatField, wtforms.DecimalField)
RAW = ("Not a valid", "不是有效")


def _forms():
    """Every WTForms form class defined in the app's modules."""
    seen = {}
    for info in pkgutil.walk_packages(empathy.__path__, "empathy."):
        if info.name.rsplit(".", 1)[-1] not in ("forms", "views", "token_views", "data"):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, wtforms.Form) and cls.__module__.startswith("empathy."):
                seen[f"{cls.__module__}.{cls.__name__}"] = cls
    return seen


def _parsed_fields(cls, prefix=""):
    """(name, field class) of each field that parses its text, through FormField and FieldList."""
    for name, unbound in inspect.getmembers(cls, lambda m: isinstance(m, UnboundField)):
        field_class = unbound.field_class
        if issubclass(field_class, wtforms.FieldList):
            inner = unbound.args[0] if unbound.args else unbound.kwargs["unbound_field"]
            field_class, unbound = inner.field_class, inner
        if issubclass(field_class, wtforms.FormField):
            yield from _parsed_fields(unbound.args[0] if unbound.args else unbound.kwargs["form_class"],
                                      prefix + name + ".")
        elif issubclass(field_class, PARSED):
            yield prefix + name, field_class


def test_every_date_time_and_number_field_has_a_clear_parse_message():
    fields = [(form, name, field) for form, cls in _forms().items() for name, field in _parsed_fields(cls)]
    assert len(fields) >= 8  # starts, ends, seats, hours per volunteer, years, hours a month, day, valid until, ...
    raw = [f"{form}.{name}" for form, name, field in fields if not hasattr(field, "parse_message")]
    assert not raw, f"fields with WTForms' own parse error (use empathy.core.fields): {raw}"


@pytest.mark.parametrize("lang, date_time, whole, number", [
    ("en", DATETIME_MESSAGE, INTEGER_MESSAGE, NUMBER_MESSAGE),
    ("zh", "请填写完整的日期和时间（年、月、日、时、分），或在日历中选择。",
     "请输入整数，例如 3。", "请输入数字，例如 2.5。"),
])
def test_the_need_form_says_what_to_type_in_the_page_language(client, auth, session, lang, date_time, whole, number):
    user = make_user(session, role="coordinator", preferred_language=lang)
    auth.login(user.email, DEFAULT_PASSWORD)
    page = client.post("/needs/new", data={
        "title": "Tutor maths", "cause": "education", "remote": "y", "submit": "1",
        "starts_at": "",  # a date box typed in part: Chromium sends nothing
        "ends_at": "2031-03-01",  # the day without the time
        "seats": "three", "hours_per_volunteer": "four"}).text
    assert page.count(str(date_time)) == 2
    assert str(whole) in page and str(number) in page
    assert not any(raw in page for raw in RAW)


def test_a_day_typed_wrong_is_refused_in_chinese(app, client, auth, session):
    user = make_user(session, role="coordinator", preferred_language="zh")
    auth.login(user.email, DEFAULT_PASSWORD)
    page = client.get("/needs", query_string={"date_from": "31/12/2030"}).text
    assert "请填写完整的日期（年、月、日），或在日历中选择。" in page and not any(raw in page for raw in RAW)
    with app.test_request_context():
        assert str(DATE_MESSAGE) == "Enter the whole date (year, month and day), or pick it in the calendar."


def test_a_whole_number_is_asked_for_in_the_guided_profile(client, auth, session):
    user = make_user(session, preferred_language="zh")
    auth.login(user.email, DEFAULT_PASSWORD)
    page = client.post("/welcome/2", data={"hours_per_month": "ten", "submit": "1"}).text
    assert "请输入整数，例如 3。" in page and not any(raw in page for raw in RAW)
