"""Activation links (single use, expiry, language) and CSV exports."""

from __future__ import annotations

import csv
import io
import time

import pytest
from sqlmodel import select

from empathy.accounts.services import activation
from empathy.accounts.services.auth import authenticate, create_user
from empathy.admin.services.exports import export_employees_csv, export_needs_csv
from empathy.admin.services.imports import import_employees
from empathy.core.errors import ServiceError
from empathy.models import OutboxMessage, User
from tests.factories import add_employee_skill, make_need, make_site, make_skill, make_user, profile_of

KEY = "test-key"


def new_user(session, **kw) -> User:
    return create_user(session=session, email=kw.pop("email", "new@example.com"), display_name="New Person",
                       password=None, **kw)


def test_activation_sets_the_password_once(session):
    user = new_user(session)
    url = activation.activation_url(user, secret_key=KEY, base_url="https://e.example/")
    assert url.startswith("https://e.example/activate/")
    token = url.rsplit("/", 1)[1]
    assert activation.check_token(session=session, token=token, secret_key=KEY).id == user.id
    with pytest.raises(ServiceError):
        activation.activate_account(session=session, token=token, password="short", secret_key=KEY)
    activation.activate_account(session=session, token=token, password="my new passphrase", secret_key=KEY)
    assert authenticate(session=session, email="new@example.com", password="my new passphrase")
    with pytest.raises(ServiceError, match="already been used"):
        activation.activate_account(session=session, token=token, password="another passphrase", secret_key=KEY)


def test_activation_links_expire_and_must_be_signed(session, monkeypatch):
    user = new_user(session)
    token = activation.make_token(user, secret_key=KEY)
    with pytest.raises(ServiceError, match="not valid"):
        activation.check_token(session=session, token=token, secret_key="another key")
    with pytest.raises(ServiceError, match="not valid"):
        activation.check_token(session=session, token=token[:-3] + "abc", secret_key=KEY)
    later = time.time() + activation.MAX_AGE.total_seconds() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(ServiceError, match="expired"):
        activation.check_token(session=session, token=token, secret_key=KEY)


def test_deactivated_users_cannot_activate(session):
    user = new_user(session)
    token = activation.make_token(user, secret_key=KEY)
    user.active = False
    session.add(user)
    session.commit()
    with pytest.raises(ServiceError):
        activation.check_token(session=session, token=token, secret_key=KEY)


def test_activation_mail_speaks_the_users_language(app, session):
    zh = new_user(session, email="zh@example.com", preferred_language="zh")
    en = new_user(session, email="en@example.com")
    with app.app_context():
        activation.queue_activation_mail(session, zh, secret_key=KEY, base_url="https://e.example")
        activation.queue_activation_mail(session, en, secret_key=KEY, base_url="https://e.example")
    session.commit()
    mails = {m.to_address: m for m in session.exec(select(OutboxMessage)).all()}
    assert mails["en@example.com"].subject == "Activate your Empathy account"
    assert mails["zh@example.com"].subject != mails["en@example.com"].subject
    assert "https://e.example/activate/" in mails["zh@example.com"].body


def test_employee_export_has_a_bom_and_round_trips_through_the_import(session):
    site = make_site(session, code="shanghai-hq", name_zh="上海总部")
    skill = make_skill(session, name="Accounting", label_zh="会计")
    user = make_user(session, email="wang@example.com", display_name="王芳")
    add_employee_skill(session, user, skill, level=3)
    profile = profile_of(session, user)
    profile.site_id, profile.bio, profile.department = site.id, "=HYPERLINK(\"x\")", "财务"
    profile.languages, profile.causes = ["zh", "en"], ["education"]
    session.add(profile)
    session.commit()
    data = export_employees_csv(session=session)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["name"] == "王芳" and rows[0]["site"] == "shanghai-hq"
    assert rows[0]["skills"] == "Accounting:3" and rows[0]["bio"].startswith("'=")
    report = import_employees(session=session, data=data, dry_run=False, secret_key=KEY, base_url="http://x")
    assert report.errors == [] and (report.unchanged, report.updated, report.created) == (1, 0, 0)


def test_needs_export_lists_needs_with_local_times_and_skills(session):
    skill = make_skill(session, name="Teaching")
    make_need(session, title="-Tutoring", skills=[(skill, "must", 2)])
    data = export_needs_csv(session=session, timezone="Asia/Shanghai")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["title"] == "'-Tutoring" and rows[0]["skills"] == "Teaching:must:2"
    assert len(rows[0]["starts_at"]) == 16
