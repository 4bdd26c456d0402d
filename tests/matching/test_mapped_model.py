"""A saved model's arrays are mapped from its file (shared by every process), never changed in place."""

import pytest

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, load_model, model_bytes, save_model
from empathy.matching.persistence import array_bytes, is_mapped, remove_stale_temporaries, save_bytes


def answers(model):
    """Every ranking both ways, with scores, as plain values."""
    emps = {n: [(s.id, round(s.score, 6)) for s in model.rank_employees(n, k=10)] for n in sorted(model.need_docs_)}
    needs = {e: [(s.id, round(s.score, 6)) for s in model.rank_needs(e, k=10)] for e in sorted(model.employee_docs_)}
    return emps, needs


NEW_EMPLOYEE = EmployeeDoc("e9", skills=(EmployeeSkill("Nursing", 3),), bio="Night nurse in a care home")
NEW_NEED = NeedDoc("n9", title="Accountant for a shelter", skills=(NeedSkill("Accounting", "must", 2),))


def test_a_loaded_models_arrays_are_mapped_read_only_from_its_file(fitted, tmp_path):
    path = save_model(fitted, tmp_path / "m.joblib")
    model = load_model(path)
    mapped, private = array_bytes(model)
    assert mapped > 0 and private < mapped  # hubness scalings and the like: the rest is private
    segment = model.employees_.mats["text"].segments[0]
    assert is_mapped(segment.data) and not segment.data.flags.writeable
    with pytest.raises(ValueError):
        segment.data[0] = 1.0
    assert array_bytes(load_model(path, mmap=False))[0] == 0  # read into memory when asked


def test_a_mapped_model_upserts_removes_and_ranks_like_one_in_memory(fitted, tmp_path):
    mapped = load_model(save_model(fitted, tmp_path / "m.joblib"))
    for model in (fitted, mapped):  # a write in place into a mapped array would raise here
        model.remove_employee("e2")
        model.remove_need("n3")
        model.upsert_employee(NEW_EMPLOYEE)
        model.upsert_need(NEW_NEED)
        model.warm_need_references()
    assert answers(mapped) == answers(fitted)
    assert is_mapped(mapped.employees_.mats["text"].segments[0].data)  # the base is still shared


def test_bytes_written_to_a_file_map_like_a_saved_model(fitted, tmp_path):
    path = save_bytes(model_bytes(fitted, data_fingerprint="d"), tmp_path / "copy.joblib")
    model = load_model(path, data_fingerprint="d")
    assert array_bytes(model)[0] > 0 and answers(model) == answers(fitted)
    assert oct(path.stat().st_mode & 0o777) == "0o600"


def test_a_fork_takes_changes_and_leaves_its_origin_as_it_was(fitted, tmp_path):
    base = load_model(save_model(fitted, tmp_path / "m.joblib"))
    before = answers(base)
    fork = base.fork()
    fork.upsert_employee(NEW_EMPLOYEE)
    fork.upsert_need(NEW_NEED)
    fork.remove_employee("e1")
    fork.remove_need("n2")
    assert answers(base) == before  # the origin answers as before every change
    assert "e9" in fork.employee_docs_ and "e9" not in base.employee_docs_
    assert "e1" not in fork.employee_docs_ and "e1" in base.employee_docs_
    # The big arrays are the origin's (mapped), not copies.
    assert fork.employees_.mats["text"].segments[0] is base.employees_.mats["text"].segments[0]
    fitted.upsert_employee(NEW_EMPLOYEE)
    fitted.upsert_need(NEW_NEED)
    fitted.remove_employee("e1")
    fitted.remove_need("n2")
    assert answers(fork) == answers(fitted)


def test_temporaries_of_dead_writes_are_removed_once_old(tmp_path):
    (tmp_path / ".m.joblib.abc.tmp").write_bytes(b"x")
    assert remove_stale_temporaries(tmp_path) == []  # a write may still be running
    assert remove_stale_temporaries(tmp_path, older_than=-1) == [tmp_path / ".m.joblib.abc.tmp"]


def test_a_file_of_the_joblib_layout_is_still_read(fitted, tmp_path):
    import joblib

    from empathy.matching import MODEL_FORMAT, library_fingerprint

    path = tmp_path / "old.joblib"
    joblib.dump({"model": fitted, "fingerprint": library_fingerprint(), "data_fingerprint": "d",
                 "format": MODEL_FORMAT}, path)
    model = load_model(path, data_fingerprint="d")
    assert array_bytes(model)[0] == 0  # read as before (joblib's np.memmap arrays made pages slow)
    assert answers(model) == answers(fitted)


def test_large_dicts_are_unpickled_in_slices_that_let_other_threads_run(fitted, tmp_path, monkeypatch):
    import empathy.matching.persistence as persistence

    monkeypatch.setattr(persistence, "LARGE", 2)
    monkeypatch.setattr(persistence, "SLICE", 1)
    sliced = []
    real = persistence._Unpickler.persistent_load
    monkeypatch.setattr(persistence._Unpickler, "persistent_load",
                        lambda self, pid: sliced.append(len(pid[1])) or real(self, pid))
    model = load_model(save_model(fitted, tmp_path / "m.joblib"))
    assert sliced and max(sliced) >= 4  # documents by id, one entry a slice
    assert model.employee_docs_ == fitted.employee_docs_ and answers(model) == answers(fitted)
