"""The administrators' area as a browser sees it."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select

from empathy.accounts.services import activation
from empathy.models import OutboxMessage, Site, Skill, User
from tests.factories import DEFAULT_PASSWORD, make_site, make_skill, make_user

PAGES = ["/admin/users", "/admin/skills", "/admin/skills/new", "/admin/sites", "/admin/sites/new",
         "/admin/import", "/admin/export", "/admin/export/employees.csv", "/admin/export/needs.csv"]


def fresh(session) -> None:
    """See what the requests wrote: end this session's snapshot and forget loaded rows."""
    session.rollback()
    session.expire_all()


@pytest.fixture
def admin(session, auth):
    user = make_user(session, role="admin", email="admin@example.com", display_name="The Admin")
    auth.login("admin@example.com", DEFAULT_PASSWORD)
    return user


@pytest.mark.parametrize("url", PAGES)
def test_non_admins_get_403_and_anonymous_users_sign_in(client, auth, session, url):
    assert client.get(url).headers["Location"].startswith("/login?next=")
    make_user(session, role="coordinator", email="c@example.com")
    auth.login("c@example.com", DEFAULT_PASSWORD)
    assert client.get(url).status_code == 403
    assert client.post("/admin/users/1/role", data={"role": "admin"}).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_admins_see_every_page(client, admin, url):
    assert client.get(url).status_code == 200


def test_nav_shows_admin_only_to_admins(client, auth, session):
    make_user(session, email="e@example.com")
    auth.login("e@example.com", DEFAULT_PASSWORD)
    assert 'href="/admin/users"' not in client.get("/home").text
    auth.logout()
    make_user(session, role="admin", email="a@example.com")
    auth.login("a@example.com", DEFAULT_PASSWORD)
    assert 'href="/admin/users"' in client.get("/home").text


def test_user_search_and_role_change(client, admin, session):
    other = make_user(session, email="wang@example.com", display_name="Wang Fang")
    page = client.get("/admin/users?q=wang").text
    assert "Wang Fang" in page and "admin<wbr>@example.com" not in page and "wang<wbr>@example.com" in page
    response = client.post(f"/admin/users/{other.id}/role", data={"role": "coordinator", "next": "/admin/users?q=wang"},
                           follow_redirects=True)
    assert "is now: Coordinator" in response.text
    fresh(session)
    assert session.get(User, other.id).role == "coordinator"
    assert client.post("/admin/users/9999/role", data={"role": "admin"}).status_code == 404


def test_admin_cannot_demote_or_deactivate_themselves(client, admin, session):
    response = client.post(f"/admin/users/{admin.id}/role", data={"role": "employee"}, follow_redirects=True)
    assert "cannot remove your own admin role" in response.text
    response = client.post(f"/admin/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "cannot deactivate your own account" in response.text
    fresh(session)
    assert session.get(User, admin.id).role == "admin" and session.get(User, admin.id).active


def test_deactivation_signs_the_user_out_everywhere(app, client, admin, session):
    make_user(session, email="e@example.com")
    victim = app.test_client()
    victim.post("/login", data={"email": "e@example.com", "password": DEFAULT_PASSWORD})
    assert victim.get("/home").status_code == 200
    user = session.exec(select(User).where(User.email == "e@example.com")).one()
    client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert victim.get("/home").status_code == 302
    client.post(f"/admin/users/{user.id}/active", data={"active": "1"})
    assert victim.post("/login", data={"email": "e@example.com", "password": DEFAULT_PASSWORD}).status_code == 302


def test_skill_edit_keeps_input_and_explains_a_duplicate_synonym(client, admin, session):
    make_skill(session, name="Accounting", synonyms=["bookkeeping"])
    skill = make_skill(session, name="Origami", needs_review=True, synonyms=["origami art", "paper art"])
    assert "origami art\npaper art</textarea>" in client.get(f"/admin/skills/{skill.id}/edit").text
    response = client.post(f"/admin/skills/{skill.id}/edit", data={
        "name": "Origami", "label_en": "Origami", "label_zh": "折纸", "category": "other",
        "synonyms": "paper folding, Bookkeeping"})
    assert response.status_code == 200
    assert "already names the skill “Accounting”" in response.text and "paper folding" in response.text
    response = client.post(f"/admin/skills/{skill.id}/edit", data={
        "name": "Origami", "label_en": "Origami", "label_zh": "折纸", "category": "other",
        "synonyms": "paper folding", "mark_reviewed": "y"})
    assert response.status_code == 302
    fresh(session)
    saved = session.get(Skill, skill.id)
    assert (saved.label_zh, saved.synonyms, saved.needs_review) == ("折纸", ["paper folding"], False)
    assert client.get("/admin/skills/9999/edit").status_code == 404


def test_skill_merge_page(client, admin, session):
    keep, gone = make_skill(session, name="Accounting").id, make_skill(session, name="Book keeping").id
    assert "Choose the skill to keep" in client.post(f"/admin/skills/{gone}/merge", data={"keep_id": "0"}).text
    response = client.post(f"/admin/skills/{gone}/merge", data={"keep_id": str(keep)}, follow_redirects=True)
    assert "is merged into “Accounting”" in response.text
    fresh(session)
    assert session.get(Skill, gone) is None
    assert session.get(Skill, keep).synonyms == ["Book keeping"]


def test_site_create_with_errors_then_deactivate(client, admin, session):
    response = client.post("/admin/sites/new", data={"code": "Bad Code", "name_en": "Chengdu", "name_zh": "成都"})
    assert "lower-case letters" in response.text and 'value="Chengdu"' in response.text
    created = client.post("/admin/sites/new", data={"code": "chengdu", "name_en": "Chengdu", "name_zh": "成都"})
    assert created.status_code == 302
    site = session.exec(select(Site).where(Site.code == "chengdu")).one()
    client.post(f"/admin/sites/{site.id}/active", data={"active": "0"})
    fresh(session)
    assert session.get(Site, site.id).is_active is False
    assert client.post("/admin/sites/9999/active", data={"active": "0"}).status_code == 404


def upload(client, data: bytes, *, dry_run: bool):
    form = {"file": (io.BytesIO(data), "people.csv")}
    if dry_run:
        form["dry_run"] = "y"
    return client.post("/admin/import", data=form, content_type="multipart/form-data", follow_redirects=True)


CSV = "email,name,site,skills\nzhang@example.com,张伟,sh,会计:3\n".encode("gb18030")


def test_import_dry_run_then_import_then_activation(app, client, admin, session):
    make_site(session, code="sh", name_en="Shanghai", name_zh="上海")
    response = upload(client, CSV, dry_run=True)
    assert "Dry run" in response.text and "Accounts to create: 1" in response.text
    assert session.exec(select(User).where(User.email == "zhang@example.com")).first() is None
    response = upload(client, CSV, dry_run=False)
    response.close()  # as a WSGI server does once the page is sent: the activation mail goes out then
    assert "Accounts created: 1" in response.text
    link = re.search(r'value="(http://[^"]+/activate/[^"]+)"', response.text).group(1)
    response.close()  # the mail goes out once the response is sent: a WSGI server closes it then
    fresh(session)
    assert session.exec(select(OutboxMessage)).one().status == "logged"
    user = session.exec(select(User).where(User.email == "zhang@example.com")).one()
    assert "Copy activation link" in client.get("/admin/users?q=zhang").text
    # The same payload; the signature's timestamp may differ by a second.
    assert link.split(".")[0] in client.get(f"/admin/users/{user.id}/activation-link").text

    visitor = app.test_client()
    path = link.split("5000", 1)[1]
    page = visitor.get(path)
    assert page.status_code == 200 and "张伟" in page.text
    response = visitor.post(path, data={"password": "a fresh passphrase", "confirm": "something else"})
    assert "do not match" in response.text
    set_password = visitor.post(path, data={"password": "a fresh passphrase", "confirm": "a fresh passphrase"})
    assert set_password.status_code == 302
    assert visitor.get("/home").status_code == 200
    used = app.test_client().get(path)
    assert used.status_code == 400 and "already been used" in used.text
    link_page = client.get(f"/admin/users/{user.id}/activation-link", follow_redirects=True)
    assert "has already set a password" in link_page.text


def test_import_with_a_bad_row_lists_problems_and_writes_nothing(client, admin, session):
    data = b"email,name\nok@example.com,OK\nbroken,No Email\n"
    response = upload(client, data, dry_run=False)
    assert "Nothing was imported" in response.text and "is not a valid email address" in response.text
    assert session.exec(select(User).where(User.email == "ok@example.com")).first() is None


def test_import_explains_file_problems(client, admin):
    assert "lacks the required column" in upload(client, b"mail,full name\nx,y\n", dry_run=True).text
    assert "Choose a CSV file" in client.post("/admin/import", data={}, content_type="multipart/form-data").text
    response = upload(client, b"email,name\n" + b"a" * (5 * 1024 * 1024), dry_run=True)
    assert response.status_code == 413 and "larger than 5 MB" in response.text


def test_bad_activation_link_is_explained(client):
    response = client.get("/activate/nonsense")
    assert response.status_code == 400 and "not valid" in response.text


def test_exports_download_csv_with_bom(client, admin):
    response = client.get("/admin/export/employees.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbfemail,name,department,site,skills,languages,causes,bio")
    assert activation.MAX_AGE.days == 7


def test_user_list_pages_keep_the_search(app, client, admin, session):
    for n in range(app.config["ITEMS_PER_PAGE"] + 5):
        session.add(User(email=f"p{n}@example.com", display_name=f"Paged {n}"))
    session.commit()
    page = client.get("/admin/users?q=paged").text
    assert 'href="/admin/users?q=paged&amp;page=2"' in page and "Next" in page
    second = client.get("/admin/users?q=paged&page=2").text
    assert len(re.findall(r'<td class="text email"[^>]*>p\d+<wbr>@example\.com</td>', second)) == 5
    assert client.get("/admin/users?page=abc").status_code == 200


def test_skill_edit_shows_and_checks_related_skills(client, admin, session):
    make_skill(session, name="Bookkeeping")
    skill = make_skill(session, name="Accounting", related=["Bookkeeping"])
    make_skill(session, name="Auditing", related=["Accounting"])
    page = client.get(f"/admin/skills/{skill.id}/edit").text
    assert "Bookkeeping</textarea>" in page and "Auditing" in page  # written here, and written on Auditing
    data = {"name": "Accounting", "label_en": "Accounting", "label_zh": "会计", "category": "finance"}
    response = client.post(f"/admin/skills/{skill.id}/edit", data={**data, "related": "Bookkeeping\nAstrology"})
    assert response.status_code == 200 and "“Astrology” is not a skill of the taxonomy." in response.text
    response = client.post(f"/admin/skills/{skill.id}/edit", data={**data, "related": "Bookkeeping, Auditing"})
    assert response.status_code == 302
    fresh(session)
    assert session.get(Skill, skill.id).related == ["Bookkeeping", "Auditing"]


def test_export_tiles_are_one_height_with_their_download_buttons_at_the_bottom(client, admin):
    """The two export cards have descriptions of different lengths: their buttons line up (card-row, card-foot)."""
    html = client.get("/admin/export").text
    assert '<ul class="tiles card-row">' in html
    assert html.count('<p class="card-foot"><a class="button primary"') == 2
