"""Bulk import of employees: encodings, validation, all-or-nothing, idempotence."""

from __future__ import annotations

import pytest
from sqlmodel import select

from empathy.admin.services import imports_check
from empathy.admin.services.imports import import_employees
from empathy.core.errors import ServiceError
from empathy.models import EmployeeProfile, EmployeeSkill, OutboxMessage, Skill, User
from tests.factories import add_employee_skill, make_site, make_skill, make_user, profile_of

HEADER = "email,name,department,site,skills,languages,causes,bio\n"


@pytest.fixture
def taxonomy(session):
    make_site(session, code="shanghai-hq", name_en="Shanghai HQ", name_zh="上海总部")
    make_site(session, code="old-site", name_en="Old site", name_zh="旧站点", is_active=False)
    return {
        "accounting": make_skill(session, name="Accounting", label_zh="会计", synonyms=["bookkeeping"]),
        "teaching": make_skill(session, name="Teaching", label_zh="教学"),
    }


def run(session, text: str | bytes, *, dry_run: bool = False, encoding: str = "utf-8"):
    data = text if isinstance(text, bytes) else text.encode(encoding)
    return import_employees(session=session, data=data, dry_run=dry_run, secret_key="test-key",
                            base_url="https://empathy.example/")


def users(session) -> dict[str, User]:
    return {u.email: u for u in session.exec(select(User)).all()}


GOOD = HEADER + (
    "Wang.Fang@Example.com,Wang Fang,Finance,shanghai-hq,"
    "Accounting:3; teaching,zh;en,education;children,Likes numbers\n"
    "li@example.com,Li Na,,上海总部,会计:4,en,,\n"
)


def test_import_creates_employees_with_profiles_skills_and_activation_mail(session, taxonomy):
    report = run(session, GOOD)
    assert report.errors == [] and report.written
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    wang = users(session)["wang.fang@example.com"]
    assert wang.role == "employee" and wang.password_hash is None and wang.preferred_language == "zh"
    profile = profile_of(session, wang)
    assert profile.department == "Finance" and profile.languages == ["zh", "en"]
    assert profile.causes == ["education", "children"] and profile.bio == "Likes numbers"
    levels = {es.skill_id: es.level for es in session.exec(
        select(EmployeeSkill).where(EmployeeSkill.profile_id == profile.id)).all()}
    assert levels == {taxonomy["accounting"].id: 3, taxonomy["teaching"].id: 2}
    li = profile_of(session, users(session)["li@example.com"])
    assert li.site_id is not None
    mails = session.exec(select(OutboxMessage)).all()
    assert sorted(m.to_address for m in mails) == ["li@example.com", "wang.fang@example.com"]
    assert all(m.kind == "activation" and "https://empathy.example/activate/" in m.body for m in mails)
    assert [e for e, _n, _u in report.activation_links] == ["wang.fang@example.com", "li@example.com"]


def test_reimporting_the_same_file_changes_nothing(session, taxonomy):
    run(session, GOOD)
    before = {u.email: u.updated_at for u in session.exec(select(User)).all()}
    report = run(session, GOOD.replace("Wang.Fang@Example.com", "WANG.FANG@example.com"))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert len(session.exec(select(User)).all()) == 2
    assert len(session.exec(select(EmployeeSkill)).all()) == 3
    assert len(session.exec(select(OutboxMessage)).all()) == 2
    session.expire_all()
    assert {u.email: u.updated_at for u in session.exec(select(User)).all()} == before


def test_existing_user_gets_only_differing_fields_updated_and_keeps_other_skills(session, taxonomy):
    user = make_user(session, email="li@example.com", display_name="Li Na")
    extra = make_skill(session, name="Cooking")
    add_employee_skill(session, user, extra, level=4)
    add_employee_skill(session, user, taxonomy["accounting"], level=1)
    profile = profile_of(session, user)
    profile.bio = "Written by Li herself"
    session.add(profile)
    session.commit()
    report = run(session, HEADER + "li@example.com,Li Na,Audit,,bookkeeping:3,,,\n")
    assert (report.created, report.updated) == (0, 1)
    session.expire_all()
    profile = profile_of(session, user)
    assert profile.department == "Audit" and profile.bio == "Written by Li herself"
    levels = {es.skill_id: es.level for es in session.exec(select(EmployeeSkill)).all()}
    assert levels == {extra.id: 4, taxonomy["accounting"].id: 3}
    assert session.get(User, user.id).password_hash is not None
    assert session.exec(select(OutboxMessage)).all() == []


def test_dry_run_reports_the_plan_and_writes_nothing(session, taxonomy):
    report = run(session, GOOD + "new@example.com,New,,,Origami:2,,,\n", dry_run=True)
    assert report.errors == [] and not report.written
    assert report.created == 3 and report.new_skills == ["Origami"]
    assert len(session.exec(select(User)).all()) == 0
    assert session.exec(select(Skill).where(Skill.name == "Origami")).first() is None
    assert session.exec(select(OutboxMessage)).all() == []


def test_unknown_skills_are_created_for_review(session, taxonomy):
    run(session, HEADER + "a@example.com,A,,,Origami:3;折纸,,,\n")
    new = {s.name: s for s in session.exec(select(Skill).where(Skill.needs_review.is_(True))).all()}
    assert set(new) == {"Origami", "折纸"}


def test_one_bad_row_means_nothing_is_written_and_every_problem_is_listed(session, taxonomy):
    text = HEADER + (
        "ok@example.com,Fine,,,,,,\n"
        "not-an-email,Bad Email,,,,,,\n"
        "ok@example.com,Twice,,,,,,\n"
        "x@example.com,,,,,,,\n"
        "y@example.com,Y,,Mars,,,,\n"
        "z@example.com,Z,,old-site,Accounting:7,xx,saving whales,\n"
        f"w@example.com,{'n' * 121},{'d' * 121},,,,,\n"
    )
    report = run(session, text)
    assert not report.written
    found = {(e.line, e.field) for e in report.errors}
    assert {(3, "email"), (4, "email"), (5, "name"), (6, "site"), (7, "site"), (7, "skills"),
            (7, "languages"), (7, "causes"), (8, "name"), (8, "department")} <= found
    assert any("line 2" in e.message for e in report.errors if e.line == 4)
    assert session.exec(select(User)).all() == []


def test_line_numbers_count_physical_lines_with_multiline_cells(session, taxonomy):
    text = HEADER + 'a@example.com,A,,,,,,"two\nlines"\nbad,B,,,,,,\n'
    report = run(session, text)
    assert [(e.line, e.field) for e in report.errors] == [(4, "email")]


@pytest.mark.parametrize("text, needle", [
    ("", "empty"),
    ("   \n", "empty"),
    ("email,department\na@example.com,x\n", "name"),
    ("name;email\nA;a@example.com\n", "email"),
    ("email,name,email\n", "twice"),
    (HEADER, "no employees"),
])
def test_file_level_problems_are_clear(session, taxonomy, text, needle):
    with pytest.raises(ServiceError) as info:
        run(session, text)
    assert needle in info.value.message and info.value.field == "file"


def test_a_file_over_5_mb_is_refused(session, taxonomy):
    with pytest.raises(ServiceError, match="5 MB"):
        run(session, b"a" * (5 * 1024 * 1024 + 1))


def test_binary_and_undecodable_files_are_refused(session, taxonomy):
    with pytest.raises(ServiceError, match="CSV"):
        run(session, b"PK\x03\x04\x00\x00binary")
    with pytest.raises(ServiceError, match="UTF-8"):
        run(session, b"email,name\n\xff\xfe\xff,x\n")


def test_gb18030_and_bom_files_are_read(session, taxonomy):
    text = HEADER + "zhang@example.com,张伟,财务部,上海总部,会计:3,zh,education,热爱公益\n"
    report = run(session, text, encoding="gb18030")
    assert report.created == 1
    assert users(session)["zhang@example.com"].display_name == "张伟"
    assert profile_of(session, users(session)["zhang@example.com"]).department == "财务部"
    report = run(session, text.replace("zhang", "zhao").encode("utf-8-sig"))
    assert report.created == 1 and "zhao@example.com" in users(session)


def test_unknown_columns_are_ignored_with_a_warning(session, taxonomy):
    report = run(session, "Email,Name,Employee ID\na@example.com,A,123\n")
    assert report.created == 1
    assert [(w.line, w.field) for w in report.warnings] == [(1, "Employee ID")]


def test_full_width_separators_and_formula_quotes_are_understood(session, taxonomy):
    report = run(session, HEADER + "a@example.com,A,,,会计：3；教学,,,'-minus first\n")
    assert report.errors == []
    profile = profile_of(session, users(session)["a@example.com"])
    assert profile.bio == "-minus first"
    assert {es.level for es in session.exec(select(EmployeeSkill)).all()} == {3, 2}


def test_two_names_of_one_skill_keep_the_higher_level(session, taxonomy):
    run(session, HEADER + "a@example.com,A,,,Accounting:2;bookkeeping:4,,,\n")
    assert [es.level for es in session.exec(select(EmployeeSkill)).all()] == [4]


def test_imported_profiles_get_a_fresh_updated_at(session, taxonomy):
    user = make_user(session, email="a@example.com", display_name="A")
    old = profile_of(session, user).updated_at
    run(session, HEADER + "a@example.com,A,,,Teaching:3,,,\n")
    session.expire_all()
    assert profile_of(session, user).updated_at > old
    assert session.exec(select(EmployeeProfile)).one().user_id == user.id


def test_a_file_of_more_than_max_rows_employees_is_refused_before_anything_is_checked(session, taxonomy,
                                                                                       monkeypatch):
    monkeypatch.setattr(imports_check, "MAX_ROWS", 50)
    text = HEADER + "".join(f"person{i}@example.com,Person {i},,,,,,\n" for i in range(51))
    with pytest.raises(ServiceError) as info:
        run(session, text.replace("person50@example.com", "not an email"))
    assert info.value.field == "file" and "more than 50 employees" in info.value.message
    assert run(session, text.rsplit("person50", 1)[0], dry_run=True).errors == []  # 50 are fine


def test_the_limit_is_ten_thousand_employees():
    assert imports_check.MAX_ROWS == 10_000


def test_an_employee_row_lists_at_most_fifty_skills(session, taxonomy):
    skills = ";".join(["Accounting", *(f"Skill {i}" for i in range(50))])
    report = run(session, HEADER + f"a@example.com,A,,,{skills},,,\n", dry_run=True)
    assert [(e.line, e.field, e.message) for e in report.errors] == [(2, "skills", "List at most 50 skills.")]


def test_one_import_adds_at_most_100_skills_the_list_lacks(session, taxonomy):
    rows = "".join(f"p{i}@example.com,P {i},,,Invented {i}:2;Accounting,,,\n" for i in range(101))
    with pytest.raises(ServiceError) as info:
        run(session, HEADER + rows)
    assert info.value.field == "file" and "101 skills that are not in the skill list" in info.value.message
    assert session.exec(select(User)).all() == [] and len(session.exec(select(Skill)).all()) == 2
    assert len(run(session, HEADER + rows.rsplit("p100@", 1)[0]).new_skills) == 100
