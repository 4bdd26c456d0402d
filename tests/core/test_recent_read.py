"""core.db.recent_read: a small read kept for a few seconds, read again at once after a write in this process."""

from empathy.core import db
from empathy.core.db import recent_read
from tests.factories import make_site


def test_a_read_is_kept_until_this_process_writes_or_it_grows_old(app, session, monkeypatch):
    calls = []

    def load():
        calls.append(1)
        return len(calls)

    clock = [1000.0]
    monkeypatch.setattr(db.time, "monotonic", lambda: clock[0])
    with app.app_context():
        assert recent_read("k", load) == 1
        assert recent_read("k", load) == 1 and len(calls) == 1
        assert recent_read("other", load) == 2  # by name
        make_site(session)  # a commit through any session of this process
        assert recent_read("k", load) == 3
        clock[0] += db.RECENT_READ_TTL - 0.1
        assert recent_read("k", load) == 3
        clock[0] += 0.2
        assert recent_read("k", load) == 4


def test_each_app_keeps_its_own(app, session):
    from empathy import create_app

    other = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "x"})
    with app.app_context():
        assert recent_read("k", lambda: "first") == "first"
    with other.app_context():
        assert recent_read("k", lambda: "second") == "second"
    with app.app_context():
        assert recent_read("k", lambda: "third") == "first"
