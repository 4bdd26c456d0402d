"""Parallel profile saves naming one new skill, and a CSV import while other writes run."""

from __future__ import annotations

import re
import uuid
from urllib.parse import urlsplit

import pytest

from tests.concurrency.harness import (
    PASSWORD,
    ApiUser,
    WebUser,
    assert_no_server_errors,
    burst,
    describe,
    statuses,
)

pytestmark = pytest.mark.slow  # real gunicorn workers


def _profile(skill: str) -> dict:
    return {"department": "Finance", "hours_per_month": 4, "languages": ["en"], "causes": ["education"],
            "skills": [{"name": skill, "level": 3}]}


def test_parallel_profile_saves_naming_the_same_new_skill_create_it_once(seed, server, database):
    skill = f"Quantum knitting {uuid.uuid4().hex[:6]}"
    callers = seed.api_users(server, seed.users(20))
    offset = len(server.log())

    answers = burst([lambda c=c: c.call("PUT", "/me/profile", json=_profile(skill)) for c in callers])

    assert_no_server_errors(answers, server, offset)
    assert statuses(answers) == {200: 20}, describe(answers)
    assert all(a.json["skills"][0]["needs_review"] for a in answers)
    assert database.count("SELECT count(*) FROM skills WHERE name = :s", s=skill) == 1
    assert database.count("SELECT count(*) FROM employee_skills WHERE skill_id = "
                          "(SELECT id FROM skills WHERE name = :s)", s=skill) == 20


def _csv(emails: list[str], skill: str) -> bytes:
    lines = ["email,name,department,skills"]
    lines += [f"{e},Imported {i},Logistics,{skill}:3" for i, e in enumerate(emails)]
    return ("\n".join(lines) + "\n").encode()


def test_an_import_of_thirty_people_during_other_writes_answers_with_every_activation_link(seed, server, database):
    tag = uuid.uuid4().hex[:6]
    skill = f"Forklift driving {tag}"  # new to the taxonomy, and typed by others at the same moment
    emails = [f"import-{tag}-{i}@example.com" for i in range(30)]
    admin = seed.web_user(server, seed.users(1, role="admin")[0])
    token = admin.csrf("/admin/import")
    owner = seed.users(1, role="coordinator")[0]
    need = seed.need(owner, seats=5)
    volunteers = seed.api_users(server, seed.users(12))
    editors = seed.api_users(server, seed.users(8))
    audits = database.count("SELECT count(*) FROM audit_entries WHERE action = 'employees_imported'")
    offset = len(server.log())

    def upload():
        return admin.post("/admin/import", token=token, label="import",
                          files={"file": ("people.csv", _csv(emails, skill), "text/csv")})

    calls = [upload]
    calls += [lambda c=c: c.call("POST", f"/needs/{need.id}/signup", json={}, label="signup") for c in volunteers]
    calls += [lambda c=c: c.call("PUT", "/me/profile", json=_profile(skill), label="profile") for c in editors]
    answers = burst(calls)

    assert_no_server_errors(answers, server, offset)
    # The upload stores a job and goes to its page (this server's queue runs the job at once); the page
    # holds the activation links for the administrator who started it.
    assert answers[0].status == 302 and "/admin/imports/" in answers[0].headers["Location"], describe(answers)
    page = admin.get(urlsplit(answers[0].headers["Location"]).path)
    assert page.status == 200, page.text[:2000]
    links = re.findall(r'id="link-\d+" value="([^"]+)"', page.text)
    assert len(links) == 30 and all("/activate/" in link for link in links), page.text[page.text.find("<main"):][:3000]
    assert all(e in page.text.replace("<wbr>", "") for e in emails)  # addresses may wrap before their "@"
    in_list = ",".join(f"'{e}'" for e in emails)
    assert database.count(f"SELECT count(*) FROM users WHERE email IN ({in_list}) AND password_hash IS NULL") == 30
    assert database.count("SELECT count(*) FROM skills WHERE name = :s", s=skill) == 1
    assert database.count("SELECT count(*) FROM audit_entries WHERE action = 'employees_imported'") == audits + 1
    assert statuses(answers[1:13]) == {201: 5, 409: 7}, describe(answers[1:13])
    assert statuses(answers[13:]) == {200: 8}, describe(answers[13:])


def test_an_import_racing_registrations_of_its_addresses_is_all_or_nothing(seed, server, database):
    tag = uuid.uuid4().hex[:6]
    emails = [f"both-{tag}-{i}@example.com" for i in range(30)]
    admin = ApiUser.sign_in(server, seed.users(1, role="admin")[0].email, PASSWORD)  # POST /api/v1/auth/token
    browsers = [WebUser(server) for _ in range(8)]
    tokens = [b.csrf("/register") for b in browsers]
    offset = len(server.log())

    calls = [lambda: admin.call("POST", "/admin/employees/import", data=_csv(emails, "Logistics"),
                                headers={"Content-Type": "text/csv"}, label="import")]
    calls += [lambda b=b, t=t, e=e: b.register(e, t) for b, t, e in zip(browsers, tokens, emails[::4])]
    answers = burst(calls)

    assert_no_server_errors(answers, server, offset)
    imported, registrations = answers[0], answers[1:]
    assert imported.status in (200, 409), describe(answers)
    in_list = ",".join(f"'{e}'" for e in emails)
    registered = sum(a.status == 302 for a in registrations)
    without_password = database.count(f"SELECT count(*) FROM users WHERE email IN ({in_list}) "
                                      "AND password_hash IS NULL")
    if imported.status == 200:  # everyone not registered first was created, the rest updated
        assert imported.json["created"] == 30 - registered == without_password
        assert imported.json["created"] + imported.json["updated"] == 30
    else:  # refused whole: nothing of it was written
        assert "Nothing was imported" in imported.json["detail"]
        assert without_password == 0
    expected = 30 if imported.status == 200 else registered
    assert database.count(f"SELECT count(*) FROM users WHERE email IN ({in_list})") == expected
