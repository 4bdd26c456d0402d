"""Skill gaps, the volunteering record and the exports of the report tables."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from empathy.core.errors import Forbidden, NotFound
from empathy.reports.exports import export_table
from empathy.reports.gaps import skill_gaps
from empathy.reports.record import volunteering_record
from tests.factories import add_employee_skill, make_need, make_skill, make_user
from tests.reports.test_services import YEAR, hours_row, local


def test_skill_gaps_count_open_needs_and_employees_at_the_level_asked(session):
    rare, common, unused = (make_skill(session, name="Sign language"), make_skill(session, name="Excel"),
                            make_skill(session, name="Guitar"))
    make_need(session, skills=[(rare, "must", 3)], seats=4, seats_taken=1)
    make_need(session, skills=[(rare, "must", 2), (common, "nice", 1)], seats=2)
    make_need(session, skills=[(unused, "must", 1)], status="completed")  # not open: does not count
    people = [make_user(session) for _ in range(3)]
    add_employee_skill(session, people[0], rare, level=1)  # below the lowest level asked (2)
    add_employee_skill(session, people[1], rare, level=2)
    for person in people:
        add_employee_skill(session, person, common, level=1)
        add_employee_skill(session, person, unused, level=3)
    retired = make_user(session, active=False)
    add_employee_skill(session, retired, rare, level=4)  # inactive: not counted

    gaps = skill_gaps(session=session, lang="en")
    wanted = {r["label"]: r for r in gaps.wanted.rows}
    assert set(wanted) == {"Sign language", "Excel"}
    assert (wanted["Sign language"]["needs"], wanted["Sign language"]["seats"]) == (2, 5)
    assert (wanted["Sign language"]["min_level"], wanted["Sign language"]["employees"]) == (2, 1)
    assert (wanted["Excel"]["needs"], wanted["Excel"]["employees"]) == (1, 3)
    assert gaps.wanted.rows[0]["label"] == "Sign language"  # rarest first
    assert [r["label"] for r in gaps.scarce.rows] == ["Sign language", "Excel"]
    assert {r["label"]: r["employees"] for r in gaps.unused.rows} == {"Guitar": 3}


def test_skill_gap_labels_use_chinese_when_there_is_one(session):
    skill = make_skill(session, name="Nursing", label_zh="护理")
    make_need(session, skills=[(skill, "must", 1)])
    assert skill_gaps(session=session, lang="zh").wanted.rows[0]["label"] == "护理"


@pytest.fixture
def volunteer(session):
    user = make_user(session, display_name="Ann")
    school = make_need(session, title="Reading club", beneficiary="Hope School", cause="education")
    park = make_need(session, title="Tree planting", beneficiary="Green Park", cause="environment")
    hours_row(session, school, user, 2, date(2024, 3, 1))
    hours_row(session, school, user, 3, date(2024, 3, 8))
    hours_row(session, park, user, 1.5, date(2024, 4, 1))
    hours_row(session, park, user, 9, date(2024, 4, 2), status="pending")
    hours_row(session, park, user, 4, date(2024, 4, 3), status="rejected")
    return user


def test_record_lists_approved_hours_per_need_with_totals(session, volunteer):
    record = volunteering_record(session=session, viewer=volunteer, user_id=volunteer.id, lang="en")
    assert [(x.title, x.hours, x.first_day, x.last_day) for x in record.lines] == [
        ("Reading club", 5, date(2024, 3, 1), date(2024, 3, 8)),
        ("Tree planting", 1.5, date(2024, 4, 1), date(2024, 4, 1)),
    ]
    assert (record.total_hours, record.needs, record.days) == (6.5, 2, 3)
    assert record.by_cause == [("Education", 5), ("Environment", 1.5)]


def test_record_is_private_to_the_employee_their_coordinators_and_admins(session, volunteer):
    other = make_user(session)
    with pytest.raises(Forbidden):
        volunteering_record(session=session, viewer=other, user_id=volunteer.id, lang="en")
    coordinator = make_user(session, role="coordinator")  # of none of the volunteer's needs
    with pytest.raises(Forbidden):
        volunteering_record(session=session, viewer=coordinator, user_id=volunteer.id, lang="en")
    admin = make_user(session, role="admin")
    assert volunteering_record(session=session, viewer=admin, user_id=volunteer.id, lang="en").total_hours == 6.5
    with pytest.raises(NotFound):
        volunteering_record(session=session, viewer=coordinator, user_id=99999, lang="en")


@pytest.fixture
def risky(session):
    """Hours for an organisation whose name a spreadsheet would run as a formula."""
    user = make_user(session)
    need = make_need(session, beneficiary="=HYPERLINK(\"http://x\")", cause="health", starts_at=local(2024, 2, 1, 9))
    other = make_need(session, beneficiary="Clinic, \"North\"", cause="health", starts_at=local(2024, 2, 1, 9))
    hours_row(session, need, user, 2, date(2024, 2, 1), department="+Sales")
    hours_row(session, other, user, 1, date(2024, 2, 2), department="-Ops")
    hours_row(session, other, user, 7, date(2024, 2, 3), department="@Ops", status="pending")
    return user


def test_csv_export_has_a_bom_the_header_and_every_row(session, risky):
    out = export_table(session=session, name="by_beneficiary", fmt="csv", range=YEAR, lang="en")
    assert out.content.startswith(b"\xef\xbb\xbf")
    assert out.filename == "by_beneficiary_2024-01-01_2024-12-31.csv"
    rows = list(csv.reader(io.StringIO(out.content.decode("utf-8-sig"))))
    assert rows[0] == ["Beneficiary organisation", "Approved hours", "Share of hours (%)", "Needs"]
    assert rows[1:] == [["'=HYPERLINK(\"http://x\")", "2.0", "66.7", "1"], ["Clinic, \"North\"", "1.0", "33.3", "1"]]


def test_csv_department_cells_are_neutralised(session, risky):
    out = export_table(session=session, name="by_department", fmt="csv", range=YEAR, lang="en")
    labels = [row[0] for row in csv.reader(io.StringIO(out.content.decode("utf-8-sig")))][1:]
    assert labels == ["'+Sales", "'-Ops"]  # the pending @Ops hours are not there at all


def test_xlsx_export_opens_and_has_the_same_rows_as_the_csv(session, risky):
    as_csv = export_table(session=session, name="by_beneficiary", fmt="csv", range=YEAR, lang="zh")
    as_xlsx = export_table(session=session, name="by_beneficiary", fmt="xlsx", range=YEAR, lang="zh")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    cells = [[_norm(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    from_csv = [[_norm(v) for v in row] for row in csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig")))]
    assert cells == from_csv and len(cells) == 3
    assert sheet.cell(row=2, column=1).data_type == "s"  # text, not a formula
    assert sheet.cell(row=2, column=2).data_type == "n"  # hours stay numbers


def _norm(value):
    """A cell as comparable text: numbers compare by value, whatever their written form."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)


def test_gap_tables_export_too(session):
    skill = make_skill(session, name="Law")
    make_need(session, skills=[(skill, "must", 1)])
    out = export_table(session=session, name="skill_gaps", fmt="csv", range=YEAR, lang="en")
    rows = list(csv.reader(io.StringIO(out.content.decode("utf-8-sig"))))
    assert rows[1] == ["Law", "1", "3", "1", "0", "3"]  # ..., employees at that level, people short


@pytest.mark.parametrize(("name", "fmt"), [("users", "csv"), ("by_cause", "pdf"), ("", "csv")])
def test_unknown_tables_and_formats_are_not_found(session, name, fmt):
    with pytest.raises(NotFound):
        export_table(session=session, name=name, fmt=fmt, range=YEAR, lang="en")


def test_the_gap_chart_shows_how_many_people_each_skill_is_short_of(session):
    """Not the number of open needs per skill (1 for almost every skill): open seats minus qualified people."""
    rare, common, plenty = (make_skill(session, name="Sign language"), make_skill(session, name="Excel"),
                            make_skill(session, name="Driving"))
    make_need(session, skills=[(rare, "must", 2)], seats=6, seats_taken=1)  # 5 open seats
    make_need(session, skills=[(common, "must", 1)], seats=3)  # 3 open seats
    make_need(session, skills=[(plenty, "must", 1)], seats=1)  # 1 open seat
    person = make_user(session)
    for skill in (rare, common, plenty):
        add_employee_skill(session, person, skill, level=2)
    add_employee_skill(session, make_user(session), plenty, level=1)

    short = skill_gaps(session=session, lang="en").short
    assert short.value_key == "shortfall"
    assert [(r["label"], r["shortfall"]) for r in short.rows] == [("Sign language", 4), ("Excel", 2)]
    assert len({r["shortfall"] for r in short.rows}) > 1  # the bars differ: not every bar is 1


def test_the_gap_page_draws_the_shortfall(client, auth, session):
    from tests.factories import DEFAULT_PASSWORD

    admin = make_user(session, role="admin")
    skill = make_skill(session, name="Sign language")
    make_need(session, skills=[(skill, "must", 1)], seats=4)
    auth.login(admin.email, DEFAULT_PASSWORD)
    page = client.get("/reports/skills").text
    assert "People short: open seats minus qualified employees" in page
    assert "data-values='[4]'" in page
