"""The reports pages: who may see them, the range filter, exports and the printable record."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.factories import DEFAULT_PASSWORD, make_need, make_skill, make_user
from tests.reports.test_services import hours_row, local


@pytest.fixture
def people(session):
    coordinator = make_user(session, role="coordinator", email="coord@example.com")
    employee = make_user(session, email="emp@example.com", display_name="Emma Employee")
    other = make_user(session, email="other@example.com", display_name="Oscar Other")
    need = make_need(session, title="Reading club", beneficiary="Hope School", starts_at=local(2024, 3, 1, 9),
                     owner=coordinator)
    hours_row(session, need, employee, 2.5, date(2024, 3, 1), department="Finance")
    hours_row(session, need, other, 4, date(2024, 3, 2), department="IT")
    hours_row(session, need, other, 6, date(2024, 3, 3), department="IT", status="pending")
    return {"coordinator": coordinator, "employee": employee, "other": other}


def login(auth, email):
    assert auth.login(email, DEFAULT_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "url", ["/reports", "/reports/skills", "/reports/export.csv?table=by_cause", "/reports/export.xlsx?table=by_cause"]
)
def test_employees_get_403_on_reports(client, auth, people, url):
    login(auth, "emp@example.com")
    assert client.get(url).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client, people):
    assert client.get("/reports").status_code == 302
    assert client.get("/me/record").status_code == 302


def test_coordinator_sees_the_dashboard_with_charts_and_tables(client, auth, people):
    login(auth, "coord@example.com")
    html = client.get("/reports?from=2024-01-01&to=2024-12-31").get_data(as_text=True)
    assert "Impact reports" in html and "Hope School" in html
    assert html.count('<canvas role="img"') == 4  # a chart per table with hours (the need has no skills)
    assert html.count("<noscript>") == 4  # the SVG bars stand in only without JavaScript
    assert "6.5" in html  # 2.5 + 4 approved; the 6 pending hours are not counted
    assert "12.5" not in html
    assert "<script>" not in html and "style=" not in html  # nothing the CSP would block
    assert 'href="/reports"' in html  # the nav link


def test_the_reports_nav_link_is_for_coordinators_only(client, auth, people):
    login(auth, "emp@example.com")
    assert 'href="/reports"' not in client.get("/home").get_data(as_text=True)


def test_dashboard_in_chinese(client, auth, people, session):
    people["coordinator"].preferred_language = "zh"
    session.add(people["coordinator"])
    session.commit()
    login(auth, "coord@example.com")
    html = client.get("/reports?from=2024-01-01&to=2024-12-31").get_data(as_text=True)
    assert "教育" in html


@pytest.mark.parametrize(("query", "message"), [
    ("from=2024-02-30", "YYYY-MM-DD"),
    ("from=2024-05-01&to=2024-04-01", "on or after"),
    ("from=1800-01-01", "between 2000 and 2100"),
])
def test_bad_dates_show_an_inline_error_and_keep_what_was_typed(client, auth, people, query, message):
    login(auth, "coord@example.com")
    response = client.get(f"/reports?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert query.split("&")[0].split("=")[1] in html


def test_csv_export_matches_the_dashboard(client, auth, people):
    login(auth, "coord@example.com")
    response = client.get("/reports/export.csv?table=by_department&from=2024-01-01&to=2024-12-31")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "by_department_2024-01-01_2024-12-31.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert [(r[0], float(r[1])) for r in rows[1:]] == [("IT", 4.0), ("Finance", 2.5)]


def test_xlsx_export_opens(client, auth, people):
    login(auth, "coord@example.com")
    response = client.get("/reports/export.xlsx?table=by_month&from=2024-01-01&to=2024-06-30")
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 7 and rows[3][0] == "2024-03" and rows[3][1] == 6.5


@pytest.mark.parametrize(("url", "status"), [
    ("/reports/export.csv?table=secrets", 404),
    ("/reports/export.pdf?table=by_cause", 404),
    ("/reports/export.csv?table=by_cause&from=nope", 400),
])
def test_bad_exports_are_refused_cleanly(client, auth, people, url, status):
    login(auth, "coord@example.com")
    assert client.get(url).status_code == status


def test_skill_gaps_page(client, auth, people, session):
    skill = make_skill(session, name="Sign language")
    make_need(session, skills=[(skill, "must", 2)])
    login(auth, "coord@example.com")
    html = client.get("/reports/skills").get_data(as_text=True)
    assert "Sign language" in html and "Skills no open need uses" in html


def test_employee_sees_own_record_but_not_anothers(client, auth, people):
    login(auth, "emp@example.com")
    html = client.get("/me/record").get_data(as_text=True)
    assert "Emma Employee" in html and "Reading club" in html and "2.5" in html
    assert client.get(f"/reports/employees/{people['employee'].id}/record").status_code == 200
    assert client.get(f"/reports/employees/{people['other'].id}/record").status_code == 403


def test_coordinator_sees_the_record_of_their_volunteers_and_unknown_ids_are_404(client, auth, people):
    login(auth, "coord@example.com")
    html = client.get(f"/reports/employees/{people['other'].id}/record").get_data(as_text=True)
    assert "Oscar Other" in html and ">4<" in html  # the pending 6 hours are left out
    assert client.get("/reports/employees/424242/record").status_code == 404


class _Charts(HTMLParser):
    """Collects the data-chart boxes and the script sources of a page."""

    def __init__(self):
        super().__init__()
        self.charts, self.scripts = [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-chart" in a:
            self.charts.append((a["data-chart"], json.loads(a["data-labels"]), json.loads(a["data-values"])))
        if tag == "script":
            self.scripts.append(a.get("src"))


def test_dashboard_loads_the_vendored_chart_library_and_carries_the_table_rows(client, auth, people, app):
    login(auth, "coord@example.com")
    html = client.get("/reports?from=2024-01-01&to=2024-12-31").get_data(as_text=True)
    page = _Charts()
    page.feed(html)
    library = "/static/vendor/chartjs/chart.umd.min.js"
    assert page.scripts.index(library) < page.scripts.index("/static/js/reports.js")  # no CDN, library first
    assert client.get(library).status_code == 200
    assert Path(app.root_path, "static/vendor/chartjs/LICENSE.md").is_file()
    charts = {tuple(labels): (kind, values) for kind, labels, values in page.charts}
    assert charts[("IT", "Finance")] == ("bar", [4.0, 2.5])  # by department, as the table lists it
    assert charts[("Hope School",)] == ("bar", [6.5])
    months = [f"{m} 2024" for m in ("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec").split()]  # format_month
    assert charts[tuple(months)] == ("month", [0, 0, 6.5] + [0] * 9)


def test_chart_labels_are_escaped_json(client, auth, session):
    make_user(session, role="coordinator", email="coord@example.com")
    employee = make_user(session, email="emp@example.com")
    need = make_need(session, beneficiary="O'Hara <School> & \"Friends\"", starts_at=local(2024, 3, 1, 9))
    hours_row(session, need, employee, 3, date(2024, 3, 1), department="IT")
    login(auth, "coord@example.com")
    html = client.get("/reports?from=2024-01-01&to=2024-12-31").get_data(as_text=True)
    assert "<School>" not in html
    page = _Charts()
    page.feed(html)
    assert ["O'Hara <School> & \"Friends\""] in [labels for _, labels, _ in page.charts]


@pytest.mark.parametrize(("lang", "fund", "other"), [
    ("en", "Shanghai Charity Foundation – Aged Care Project Fund", "上海市慈善基金会"),
    ("zh", "上海市慈善基金会 · 养老项目专项基金", "Shanghai Charity Foundation"),
])
def test_an_organisation_named_in_either_language_reads_in_the_pages_and_counts_once(client, session, lang, fund,
                                                                                      other):
    coordinator = make_user(session, role="coordinator", email="coord@example.com")
    employee = make_user(session, email="emp@example.com")
    english = make_need(session, title="Home visits",
                        beneficiary="Shanghai Charity Foundation – Aged Care Project Fund",
                        starts_at=local(2024, 3, 1, 9), owner=coordinator)
    chinese = make_need(session, title="入户评估", beneficiary="上海市慈善基金会 · 养老项目专项基金",
                        starts_at=local(2024, 4, 1, 9), owner=coordinator)
    hours_row(session, english, employee, 2, date(2024, 3, 1))
    hours_row(session, chinese, employee, 3, date(2024, 4, 1))
    client.post("/login", data={"email": "coord@example.com", "password": DEFAULT_PASSWORD})
    client.post("/language", data={"language": lang})
    report = client.get("/reports?from=2024-01-01&to=2024-12-31").text
    assert fund in report and other not in report
    from empathy.reports.common import DateRange
    from empathy.reports.services import build_dashboard

    year = DateRange(date(2024, 1, 1), date(2024, 12, 31), "Asia/Shanghai")
    rows = build_dashboard(session=session, range=year, lang=lang).tables["by_beneficiary"].rows
    assert [(r["label"], r["hours"], r["needs"]) for r in rows] == [(fund, 5.0, 2)]  # one row for the two needs
    for need in (english, chinese):
        page = client.get(f"/needs/{need.id}").text
        assert fund in page and other not in page
