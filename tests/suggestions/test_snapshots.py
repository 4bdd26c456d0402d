"""A request ranks with one unchanging snapshot of the model while other threads fold changed rows in."""

from __future__ import annotations

import threading
import time
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from empathy.core.db import get_engine, utcnow
from empathy.models import User
from empathy.suggestions import index as index_module
from empathy.suggestions.index import MatchIndex, fit_and_save
from tests.factories import add_employee_skill, make_need, make_skill, make_user, profile_of

TZ = ZoneInfo("Asia/Shanghai")
READERS = 4
CHANGES = 12


@pytest.fixture
def pool(session, tmp_path):
    wiring = make_skill(session, name="Electrical wiring")
    cooking = make_skill(session, name="Cooking")
    owner = make_user(session, role="coordinator", display_name="Coordinator")
    people = []
    for n in range(CHANGES + 4):
        user = make_user(session, display_name=f"Person {n}")
        add_employee_skill(session, user, cooking if n % 2 else wiring, level=1 + n % 4)
        people.append(user.id)
    needs = [make_need(session, owner=owner, title="Rewire the community hall", description="Replace old wiring",
                     skills=[(wiring, "must", 2)]).id,
             make_need(session, owner=owner, title="Cook for the shelter", description="Meals for forty",
                       skills=[(cooking, "nice", 1)]).id]
    path = tmp_path / "model.joblib"
    fit_and_save(session, path, TZ)
    return {"path": path, "people": people, "needs": needs}


def ranked(model, need_ids, employee_ids):
    """What a page would read of a snapshot: both directions, ids and scores."""
    out = [tuple((s.id, round(s.score, 6)) for s in model.rank_employees(str(n), k=8, explain=False))
           for n in need_ids]
    out += [tuple((s.id, round(s.score, 6)) for s in model.rank_needs(str(e), k=2, explain=False))
            for e in employee_ids if str(e) in model.employee_docs_]
    return tuple(out)


def test_rankings_from_many_threads_equal_a_sequential_run_on_the_same_snapshot(app, pool, monkeypatch):
    monkeypatch.setattr(index_module, "SYNC_PROBE_INTERVAL", 0.0)  # every request looks for changes
    engine = get_engine(app)
    index = MatchIndex(pool["path"], TZ)
    answers, errors, done = [], [], threading.Event()

    def read():
        try:
            with Session(engine) as session:
                while not done.is_set():
                    model = index.current(session)
                    answers.append((model, ranked(model, pool["needs"], pool["people"][:6])))
                    session.rollback()  # the next probe reads committed rows anew
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def write():
        try:
            with Session(engine) as session:
                for user_id in pool["people"][:CHANGES]:
                    profile = profile_of(session, session.get(User, user_id))
                    profile.bio = "Licensed electrician: rewiring halls, replacing old wiring, " + "wiring " * 3
                    profile.updated_at = utcnow()
                    session.add(profile)
                    session.commit()
                    time.sleep(0.02)
        finally:
            done.set()

    threads = [threading.Thread(target=read) for _ in range(READERS)] + [threading.Thread(target=write)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    snapshots = {id(model): model for model, _ in answers}
    assert len(snapshots) > 1  # the changes were folded in while the readers ranked
    expected = {key: ranked(model, pool["needs"], pool["people"][:6]) for key, model in snapshots.items()}
    wrong = [n for n, (model, got) in enumerate(answers) if got != expected[id(model)]]
    assert wrong == [], f"{len(wrong)} of {len(answers)} answers differ from their snapshot's"
    # The last snapshot holds every change: the new electricians lead the wiring need.
    final = index.current(Session(engine))
    assert final.rank_employees(str(pool["needs"][0]), k=1, explain=False)[0].id in {
        str(p) for p in pool["people"][:CHANGES]}
