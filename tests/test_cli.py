"""create-user and seed-demo, as an operator uses them."""

import pytest
from sqlmodel import Session, func, select

from empathy import create_app
from empathy.accounts.services.passwords import verify_password
from empathy.core import schema
from empathy.core.db import get_engine
from empathy.models import Need, User


@pytest.fixture
def migrated_app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "SECRET_KEY": "k"})
    schema.upgrade(app)
    yield app
    get_engine(app).dispose()


def _users(app):
    with Session(get_engine(app)) as s:
        return s.exec(select(User)).all()


def test_create_user_reads_the_password_from_stdin(migrated_app):
    result = migrated_app.test_cli_runner().invoke(
        args=["create-user", "--email", "Boss@Example.com", "--name", "Boss", "--role", "admin"],
        input="a very good password\nignored second line\n",
    )
    assert result.exit_code == 0, result.output
    [user] = _users(migrated_app)
    assert user.email == "boss@example.com"
    assert user.role == "admin"
    assert verify_password(user.password_hash, "a very good password")


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("\n", "No password"), ("", "No password"), ("short\n", "at least 10")],
)
def test_create_user_refuses_bad_passwords(migrated_app, stdin, message):
    result = migrated_app.test_cli_runner().invoke(
        args=["create-user", "--email", "x@example.com", "--name", "X"], input=stdin
    )
    assert result.exit_code != 0
    assert message in result.output
    assert _users(migrated_app) == []


def test_create_user_refuses_an_existing_email(migrated_app):
    runner = migrated_app.test_cli_runner()
    args = ["create-user", "--email", "x@example.com", "--name", "X"]
    assert runner.invoke(args=args, input="a very good password\n").exit_code == 0
    result = runner.invoke(args=[*args[:2], "X@EXAMPLE.COM", *args[3:]], input="another good password\n")
    assert result.exit_code != 0
    assert "already exists" in result.output
    assert len(_users(migrated_app)) == 1


def test_create_user_has_no_password_option(migrated_app):
    result = migrated_app.test_cli_runner().invoke(
        args=["create-user", "--email", "x@example.com", "--name", "X", "--password", "a very good password"]
    )
    assert result.exit_code != 0
    assert _users(migrated_app) == []


def test_commands_say_when_the_database_is_not_migrated(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}", "SECRET_KEY": "k"})
    runner = app.test_cli_runner()
    for args, stdin in ((["create-user", "--email", "x@example.com", "--name", "X"], "a very good password\n"),
                        (["seed-demo"], None)):
        result = runner.invoke(args=args, input=stdin)
        assert result.exit_code != 0
        assert "not migrated" in result.output
        assert "db upgrade" in result.output
    get_engine(app).dispose()


def test_seed_demo_loads_once(migrated_app):
    runner = migrated_app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    with Session(get_engine(migrated_app)) as s:
        users = s.exec(select(func.count()).select_from(User)).one()
        needs = s.exec(select(func.count()).select_from(Need)).one()
        roles = set(s.exec(select(User.role)).all())
    assert users >= 150
    assert needs >= 20
    assert roles == {"employee", "coordinator", "admin"}
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0
    assert "nothing to add" in second.output
    with Session(get_engine(migrated_app)) as s:
        assert s.exec(select(func.count()).select_from(User)).one() == users
        assert s.exec(select(func.count()).select_from(Need)).one() == needs


def test_prune_submissions_deletes_only_old_tokens(migrated_app):
    from datetime import timedelta

    from empathy.core.db import utcnow
    from empathy.models import FormSubmission

    with Session(get_engine(migrated_app)) as s:
        s.add(FormSubmission(key="a" * 64, kind="need", target_id=1, created_at=utcnow() - timedelta(days=31)))
        s.add(FormSubmission(key="b" * 64, kind="need", target_id=2, created_at=utcnow() - timedelta(days=29)))
        s.commit()
    runner = migrated_app.test_cli_runner()
    assert "older than DAYS days" in runner.invoke(args=["prune-submissions", "--help"]).output
    result = runner.invoke(args=["prune-submissions"])
    assert result.exit_code == 0 and "1 submission older than 30 days deleted." in result.output
    with Session(get_engine(migrated_app)) as s:
        assert [r.key[0] for r in s.exec(select(FormSubmission)).all()] == ["b"]
    assert "0 submissions" in runner.invoke(args=["prune-submissions", "--days", "30"]).output
    assert runner.invoke(args=["prune-submissions", "--days", "0"]).exit_code != 0
    assert "1 submission older than 1 day deleted." in runner.invoke(args=["prune-submissions", "--days", "1"]).output
