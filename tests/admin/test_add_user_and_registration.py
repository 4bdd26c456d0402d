"""Administrators add one user (with an activation link) and set who may register; the register page obeys."""

from __future__ import annotations

from sqlmodel import select

from empathy.accounts.services import registration
from empathy.models import AuditEntry, EmployeeProfile, OutboxMessage, Setting, User
from tests.factories import DEFAULT_PASSWORD, make_site, make_user

PASSWORD = "a long enough password 42"


def register(client, email: str):
    return client.post("/register", data={"display_name": "New Person", "email": email, "password": PASSWORD,
                                          "confirm": PASSWORD})


def sign_in_admin(client, session, email="boss@corp.example"):
    admin = make_user(session, role="admin", email=email)
    client.post("/login", data={"email": admin.email, "password": DEFAULT_PASSWORD})
    return admin


def test_admin_adds_a_user_with_department_site_and_activation_link(client, session):
    admin = sign_in_admin(client, session)
    site = make_site(session)
    response = client.post("/admin/users/new", data={
        "email": "New.Hire@corp.example", "display_name": "New Hire", "role": "coordinator",
        "department": "Finance", "site": str(site.id), "send_mail": "y"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "/activate/" in page
    session.rollback()
    user = session.exec(select(User).where(User.email == "new.hire@corp.example")).one()
    assert (user.role, user.password_hash, user.display_name) == ("coordinator", None, "New Hire")
    profile = session.exec(select(EmployeeProfile).where(EmployeeProfile.user_id == user.id)).one()
    assert (profile.department, profile.site_id) == ("Finance", site.id)
    mail = session.exec(select(OutboxMessage).where(OutboxMessage.to_address == user.email)).one()
    assert "/activate/" in mail.body
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "user_created")).one()
    assert (entry.actor_id, entry.target_id, entry.details["role"]) == (admin.id, user.id, "coordinator")
    # The link works: the person sets a password and signs in.
    link = page.split("/activate/")[1].split('"')[0]
    client.post("/logout")
    assert client.get(f"/activate/{link}").status_code == 200


def test_adding_a_taken_address_or_a_bad_site_is_refused_under_the_field(client, session):
    sign_in_admin(client, session)
    make_user(session, email="taken@corp.example")
    response = client.post("/admin/users/new", data={"email": "TAKEN@corp.example", "display_name": "X",
                                                     "role": "employee"})
    assert response.status_code == 422 and "already exists" in response.get_data(as_text=True)
    response = client.post("/admin/users/new", data={"email": "x@corp.example", "display_name": "X",
                                                     "role": "employee", "site": "999"})
    assert response.status_code == 422
    assert session.exec(select(User).where(User.email == "x@corp.example")).first() is None


def test_default_policy_is_the_first_admins_domain_and_open_before_any_admin(client, session):
    assert registration.current_policy(session).mode == "open"
    assert register(client, "early@anywhere.example").status_code == 302
    client.post("/logout")
    make_user(session, role="admin", email="first@corp.example")
    make_user(session, role="admin", email="second@other.example")
    policy = registration.current_policy(session)
    assert (policy.mode, policy.domains, policy.saved) == ("domains", ("corp.example",), False)
    refused = register(client, "visitor@elsewhere.example")
    assert refused.status_code == 200 and "Only addresses at corp.example" in refused.get_data(as_text=True)
    assert session.exec(select(User).where(User.email == "visitor@elsewhere.example")).first() is None
    assert register(client, "colleague@CORP.example").status_code == 302


def test_admin_sets_the_policy_and_the_register_page_explains_it(client, session, app):
    admin = sign_in_admin(client, session)
    response = client.post("/admin/registration",
                           data={"mode": "domains", "domains": "@a.example, b.example\nA.example"})
    assert response.status_code == 302
    session.rollback()
    assert session.get(Setting, "registration").value == {"mode": "domains", "domains": ["a.example", "b.example"]}
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "registration_policy_changed")).one()
    assert (entry.actor_id, entry.details["new"], entry.details["domains"]) == (admin.id, "domains", 2)
    assert client.post("/admin/registration", data={"mode": "domains", "domains": "not a domain!"}).status_code == 422
    assert client.post("/admin/registration", data={"mode": "domains", "domains": ""}).status_code == 422
    assert client.post("/admin/registration", data={"mode": "off"}).status_code == 302
    client.post("/logout")
    page = client.get("/register").get_data(as_text=True)
    assert "does not let people create accounts themselves" in page and 'name="password"' not in page
    assert "does not let people" in register(client, "x@a.example").get_data(as_text=True)
    assert session.exec(select(User).where(User.email == "x@a.example")).first() is None
    sign_in_admin(client, session, email="boss2@corp.example")
    client.post("/admin/registration", data={"mode": "open", "domains": ""})
    client.post("/logout")
    assert register(client, "anyone@anywhere.example").status_code == 302


def test_domains_are_parsed_and_checked():
    assert registration.parse_domains(" Corp.Example.,@b.example;例子.中国 ") == [
        "corp.example", "b.example", "xn--fsqu00a.xn--fiqs8s"]
    for bad in ("localhost", "a..b", "-x.example", "x_y.example"):
        try:
            registration.parse_domains(bad)
        except Exception as exc:  # ServiceError
            assert exc.field == "domains"
        else:
            raise AssertionError(bad)
