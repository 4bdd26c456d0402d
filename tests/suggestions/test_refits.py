"""Refits run in the worker, one at a time across hosts, and store versions that every web process follows."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

import empathy.suggestions.refits as refits_module
from empathy import create_app
from empathy.core.db import get_engine, utcnow
from empathy.core.queue import queue_of
from empathy.models import MatchModel
from empathy.suggestions.index import MatchIndex, StoredModels, fit_and_save
from empathy.suggestions.refits import refit, stale_reason
from empathy.suggestions.store import ModelStore, lock_holder, try_lock, unlock
from tests.factories import add_employee_skill, make_skill, make_user, profile_of

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(session):
    nurse = make_user(session, display_name="Nurse")
    profile = profile_of(session, nurse)
    profile.bio = "Registered nurse, ten years in aged care"
    session.add(profile)
    session.commit()
    # A profile with a skill: home shows suggestions (without one it asks for skills and ranks nothing).
    add_employee_skill(session, nurse, make_skill(session, name="Aged care nursing"))
    return {"nurse": nurse}


@pytest.fixture
def store(app, tmp_path):
    return ModelStore(get_engine(app), tmp_path / "models")


@pytest.fixture
def db_store(app):
    return ModelStore(get_engine(app), None)


def test_each_refit_stores_a_new_version_and_keeps_the_newest_two(store, people):
    made = [refit(store=store, tz=TZ) for _ in range(3)]
    assert [m.state for m in made] == ["fitted"] * 3
    versions = [m.version for m in made]
    assert versions == sorted(versions) and len(set(versions)) == 3
    assert store.versions() == versions[:0:-1]  # the two newest
    files = sorted(p.name for p in store.directory.iterdir())
    assert files == sorted(m.info.location for m in made[1:])  # the oldest file went with its row
    assert made[-1].info.employees == 1 and made[-1].info.is_loadable


def test_the_database_store_keeps_the_model_in_the_row(db_store, session, people):
    version = refit(store=db_store, tz=TZ).version
    row = session.exec(select(MatchModel).where(MatchModel.version == version)).one()
    assert row.location is None and len(row.payload) == row.size_bytes > 1000
    assert str(people["nurse"].id) in db_store.load(version).employee_docs_


def test_an_index_follows_the_newest_version_and_loads_it_aside(app, store, session, people):
    index = MatchIndex(StoredModels(store), TZ, load_in_background=True)
    assert index.current(session) is None and index.version is None  # nothing stored: "no model yet"
    first = refit(store=store, tz=TZ).version
    old = index.current(session)  # the very first model is read at once
    assert old is not None and index.version == first
    second = refit(store=store, tz=TZ).version
    assert index.current(session) is old  # the newer one is read on a thread meanwhile
    assert index.wait_for_load(timeout=60)
    new = index.current(session)
    assert new is not old and index.version == second


def test_a_second_refit_while_one_runs_is_coalesced_into_one_more(store, people, monkeypatch):
    real = refits_module._fit_and_publish
    inner = []

    def fit_while_asked_again(store_, tz):
        if not inner:  # another worker asks for a refit while this one fits
            inner.append(refit(store=store_, tz=tz, forget=True))
        return real(store_, tz)

    monkeypatch.setattr(refits_module, "_fit_and_publish", fit_while_asked_again)
    outcome = refit(store=store, tz=TZ)
    assert inner[0].state == "coalesced"
    assert outcome.state == "fitted"
    # Two fits by the holder: its own and the coalesced one, which asked to forget (keep one version).
    assert store.versions() == [outcome.version] and outcome.version == 2
    assert lock_holder(store.engine) is None


def test_the_lock_lets_one_refit_run_and_frees_itself_when_the_lease_ends(store, monkeypatch):
    import empathy.suggestions.store as store_module

    assert try_lock(store.engine, "host-a")
    assert not try_lock(store.engine, "host-b")
    assert lock_holder(store.engine) == "host-a"
    unlock(store.engine, "host-a", unless_pending=False)
    assert try_lock(store.engine, "host-b")
    monkeypatch.setattr(store_module, "LEASE", timedelta(seconds=-1))  # host-b died long ago
    unlock(store.engine, "host-b", unless_pending=False)
    assert try_lock(store.engine, "host-c") and try_lock(store.engine, "host-d")


def test_a_refit_asked_for_before_a_newer_fit_does_nothing(store, people):
    asked = utcnow() - timedelta(minutes=1)
    fitted = refit(store=store, tz=TZ)
    again = refit(store=store, tz=TZ, requested_at=asked)
    assert again.state == "current" and again.version == fitted.version
    assert refit(store=store, tz=TZ, requested_at=utcnow()).state == "fitted"  # asked after the fit began


def test_the_stale_check_names_a_missing_foreign_or_far_behind_model(store, session, people, monkeypatch):
    assert stale_reason(store=store) == "no model is stored"
    version = refit(store=store, tz=TZ).version
    assert stale_reason(store=store) is None
    monkeypatch.setattr(refits_module, "REFIT_AFTER_CHANGES", 2)
    for _ in range(3):
        make_user(session)
    assert "rows changed" in stale_reason(store=store)
    row = session.get(MatchModel, version)
    row.library = '{"sklearn": "0.1"}'
    session.add(row)
    session.commit()
    assert "other library versions" in stale_reason(store=store)


def _queued(app) -> list:
    huey = queue_of(app)
    return [t for t in iter(huey.dequeue, None)]


@pytest.fixture
def queued_app(database_url, tmp_path):
    """An app with a real (SQLite file) queue, whose pages queue refits as in production."""
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "k", "WTF_CSRF_ENABLED": False,
                      "MATCH_MODEL_PATH": str(tmp_path / "model.joblib"), "MATCH_MODEL_DIR": str(tmp_path / "models"),
                      "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}", "MATCH_QUEUE_REFITS": True,
                      "TOTP_KEY_FILE": str(tmp_path / "totp-key")})
    yield app
    get_engine(app).dispose()


def test_a_page_without_a_model_queues_one_refit_and_fits_nothing_itself(queued_app, session, people):
    from tests.factories import DEFAULT_PASSWORD

    client = queued_app.test_client()
    client.post("/login", data={"email": people["nurse"].email, "password": DEFAULT_PASSWORD})
    for _ in range(3):
        assert client.get("/home").status_code == 200  # answers with "no model yet"
    with queued_app.app_context():
        assert ModelStore(get_engine(queued_app), None).latest_version() is None  # the web process fitted nothing
        tasks = _queued(queued_app)
        assert [t.name for t in tasks] == ["refit_model"]  # one for three pages
        queue_of(queued_app).execute(tasks[0])  # what the worker does
    response = client.get("/home")
    assert response.headers["X-Match-Model-Version"] == "1"


def test_renaming_or_merging_skills_queues_a_refit(queued_app):
    from empathy.admin.services.skills import SkillInput, merge_skills, update_skill
    from empathy.core.db import get_session

    with queued_app.app_context():
        session = get_session()
        keep, gone = make_skill(session, name="Nursing"), make_skill(session, name="Nurse care")
        _queued(queued_app)  # nothing else
        update_skill(session=session, skill_id=keep.id, data=SkillInput(name="Nursing care"))
        assert [t.name for t in _queued(queued_app)] == ["refit_model"]
        merge_skills(session=session, keep_id=keep.id, merge_id=gone.id)
        assert [t.name for t in _queued(queued_app)] == ["refit_model"]


def test_a_version_replaces_the_file_of_releases_before_versions(app, store, session, people):
    legacy = Path(app.config["MATCH_MODEL_PATH"])
    fit_and_save(session, legacy, TZ)
    index = MatchIndex(StoredModels(store, fallback=legacy), TZ)
    assert index.current(session) is not None and index.version is None  # the old file serves meanwhile
    version = refit(store=store, tz=TZ, retire=legacy).version
    assert not legacy.exists()
    assert index.current(session) is not None and index.version == version


def test_a_version_is_mapped_from_its_file_by_every_process(store, people):
    from empathy.matching.persistence import array_bytes

    version = refit(store=store, tz=TZ).version
    mapped, private = array_bytes(store.load(version))
    assert mapped > private  # the fitted arrays are the file's pages, shared with every other process


def test_the_database_store_maps_one_local_copy_per_host_and_deletes_old_ones(app, people, tmp_path):
    from empathy.matching.persistence import array_bytes

    cache = tmp_path / "cache"
    store = ModelStore(get_engine(app), None, cache)
    first = refit(store=store, tz=TZ).version
    model = store.load(first)
    assert array_bytes(model)[0] > 0
    (copy,) = cache.glob("*.joblib")
    assert oct(copy.stat().st_mode & 0o777) == "0o600"  # it holds profile texts
    written = copy.stat().st_mtime_ns
    other_worker = ModelStore(get_engine(app), None, cache)
    assert str(people["nurse"].id) in other_worker.load(first).employee_docs_
    assert [p.stat().st_mtime_ns for p in cache.glob("*.joblib")] == [written]  # read, not written again
    versions = [refit(store=store, tz=TZ).version for _ in range(2)]  # the first version is dropped
    store.load(versions[-1])
    assert len(list(cache.glob("*.joblib"))) == 1 and not copy.exists()
    # A process still holding the dropped version keeps answering from its mapping.
    assert model.employees_.mats["text"].segments[0].data.sum() > 0


def test_a_newer_version_is_warmed_with_the_rankings_pages_used_before_the_swap(app, store, session, people):
    from empathy.suggestions import ranked
    from tests.factories import make_need

    need = make_need(session, owner=make_user(session, role="coordinator"), title="Aged care nursing visits")
    ranked.clear()
    index = MatchIndex(StoredModels(store), TZ, load_in_background=True, warm=ranked.warm_rankings)
    refit(store=store, tz=TZ)
    old = index.current(session)
    before = ranked.need_ranking(session, index, old, need)
    refit(store=store, tz=TZ)
    index.current(session)  # notices the newer version: read and warmed on a thread
    assert index.wait_for_load(timeout=60)
    new = index.current(session)
    assert new is not old
    key = (str(index.path), need.id, need.updated_at, index.generation, id(new))
    warmed = ranked._RANKINGS.get(key)
    assert warmed is not None and warmed.ids == before.ids  # the first page after the swap ranks nothing
    assert ranked.need_ranking(session, index, new, need) is warmed
