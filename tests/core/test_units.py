"""Every number a person types or reads in a column says its unit, in both languages ("Hours (h)", "时长（小时）")."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
import wtforms
from flask_babel import force_locale
from wtforms.fields.core import UnboundField

import empathy

# The unit in brackets after the label, or a label that is itself the unit ("Years (optional)", "年限（可选）").
UNIT = {"en": re.compile(r"\((?:h|people|years)\b|^Years\b"), "zh": re.compile(r"（(?:小时|人|年)|^年限")}


def _forms() -> list[type]:
    for module in pkgutil.walk_packages(empathy.__path__, "empathy."):
        importlib.import_module(module.name)
    found, todo = [], [wtforms.Form]
    while todo:
        cls = todo.pop()
        todo += cls.__subclasses__()
        if cls.__module__.startswith("empathy."):
            found.append(cls)
    return found


def _numeric_fields() -> list[tuple[str, UnboundField]]:
    out = []
    for form in _forms():
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField) and issubclass(field.field_class, (wtforms.IntegerField,
                                                                                  wtforms.FloatField,
                                                                                  wtforms.DecimalField)):
                label = field.args[0] if field.args else field.kwargs.get("label")
                out.append((f"{form.__name__}.{name}", label))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_number_field_names_its_unit(app, lang):
    fields = _numeric_fields()
    assert {"HoursForm.hours", "NeedForm.hours_per_volunteer", "NeedForm.seats"} <= {n for n, _ in fields}
    with app.test_request_context(), force_locale(lang):
        missing = [f"{name}: {label}" for name, label in fields if not UNIT[lang].search(str(label))]
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(("lang", "column"), [("en", "Hours (h)"), ("zh", "时长（小时）")])
def test_hours_columns_and_lists_carry_their_unit(client, session, lang, column):
    from datetime import date

    from empathy.models import HoursRecord
    from tests.factories import DEFAULT_PASSWORD, make_match, make_need, make_user

    coord = make_user(session, role="coordinator")
    vol = make_user(session)
    from datetime import UTC, datetime, timedelta

    day = datetime.now(UTC) - timedelta(days=3)
    need = make_need(session, owner=coord, title="Beach clean-up", starts_at=day, ends_at=day + timedelta(hours=8))
    match = make_match(session, need, vol, status="confirmed")
    session.add(HoursRecord(need_id=need.id, match_id=match.id, user_id=vol.id, hours=6.5,
                            worked_on=date(2026, 11, 20), status="pending"))
    session.commit()
    client.post("/login", data={"email": coord.email, "password": DEFAULT_PASSWORD})
    client.post("/language", data={"language": lang})
    for path in (f"/needs/{need.id}/people", "/home"):
        assert f'<th scope="col">{column}</th>' in client.get(path).text, path
    client.post("/logout")
    client.post("/login", data={"email": vol.email, "password": DEFAULT_PASSWORD})
    client.post("/language", data={"language": lang})
    page = client.get("/commitments").text
    assert ("6.5 hours" if lang == "en" else "6.5 小时") in page
    summary = {"en": "Approved hours: 0 h · awaiting approval: 6.5 h", "zh": "已批准时长：0 小时 · 待审批：6.5 小时"}
    assert summary[lang] in page
