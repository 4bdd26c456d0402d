"""A large model is kept out of the cyclic garbage collector's reach: no full-heap pauses on requests."""

import gc
import weakref
from zoneinfo import ZoneInfo

import pytest

from empathy.matching import load_model
from empathy.suggestions import index as index_module
from empathy.suggestions.index import MatchIndex, fit_and_save
from tests.factories import add_employee_skill, make_need, make_skill, make_user

TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def model_path(session, tmp_path):
    wiring = make_skill(session, name="Electrical wiring", label_zh="电气布线")
    owner = make_user(session, role="coordinator", display_name="Coordinator")
    for n in range(3):
        add_employee_skill(session, make_user(session, display_name=f"Electrician {n}"), wiring, level=n + 1)
    make_need(session, owner=owner, title="Rewire the hall", description="Replace old wiring",
              skills=[(wiring, "must", 2)])
    path = tmp_path / "model.joblib"
    fit_and_save(session, path, TZ)
    return path


@pytest.fixture
def unfreeze():
    yield
    gc.unfreeze()


def test_a_loaded_model_is_freed_without_the_cyclic_collector(model_path):
    was = gc.isenabled()
    model = load_model(model_path)
    assert gc.isenabled() == was  # the pause while unpickling is undone
    need = next(iter(model.need_docs_))
    ranked = model.rank_employees(need, k=3, explain=False)
    assert model.explain_employees(need, [s.id for s in ranked])  # its per-process caches filled too
    gone = weakref.ref(model)
    gc.disable()
    try:
        del model
        assert gone() is None  # no reference cycle: a frozen model replaced by a refit is still freed
    finally:
        if was:
            gc.enable()


def test_the_index_freezes_a_large_model_once_loaded(session, model_path, monkeypatch, unfreeze):
    gc.unfreeze()
    monkeypatch.setattr(index_module, "FREEZE_MIN_EMPLOYEES", 10**9)
    assert MatchIndex(model_path, TZ).current(session) is not None
    assert gc.get_freeze_count() == 0  # a small model leaves the collector alone
    monkeypatch.setattr(index_module, "FREEZE_MIN_EMPLOYEES", 1)
    model = MatchIndex(model_path, TZ).current(session)
    assert gc.get_freeze_count() > 0 and model is not None


def test_a_large_model_is_frozen_before_the_collector_resumes(session, model_path, monkeypatch, unfreeze):
    # Left young, the load's objects were all walked by the first collection after the load: one C call
    # holding the GIL for 0.5-0.6 s at 100,000 employees, while pages waited on the loader's thread.
    gc.unfreeze()
    gc.collect()
    monkeypatch.setattr(index_module, "FREEZE_MIN_EMPLOYEES", 1)
    index = MatchIndex(model_path, TZ, load_in_background=True)
    model = index._read(index.source.token())
    assert model is not None and gc.isenabled()
    assert gc.get_freeze_count() > 0
    young = gc.get_count()[0]
    assert young < 1_000, young  # nothing of the load is left for the next collection of generation 0


def test_a_small_model_is_left_to_the_collector(session, model_path, monkeypatch, unfreeze):
    gc.unfreeze()
    monkeypatch.setattr(index_module, "FREEZE_MIN_EMPLOYEES", 10**9)
    index = MatchIndex(model_path, TZ, load_in_background=True)
    assert index._read(index.source.token()) is not None
    assert gc.get_freeze_count() == 0
