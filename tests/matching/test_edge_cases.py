"""Degenerate pools and consistency of the batch and upsert paths with a plain fit."""
import random

import pytest

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher, load_model, save_model

WORDS = ("garden soil compost plant tree water pump solar panel roof wiring battery nurse care wound clinic "
         "ledger audit invoice payroll tax website python server database photo camera video edit school "
         "tutor maths reading children elderly kitchen cook meal bread shelter legal contract lawyer court").split()


def ids(suggestions):
    return [s.id for s in suggestions]


def _pool(seed=0, n_emp=60, n_need=30):
    rng = random.Random(seed)
    topics = [WORDS[i : i + 6] for i in range(0, len(WORDS) - 5, 6)]
    emps, needs = [], []
    for i in range(n_emp):
        topic = topics[i % len(topics)]
        bio = " ".join(rng.choice(topic if rng.random() < 0.7 else WORDS) for _ in range(rng.randint(5, 20)))
        emps.append(EmployeeDoc(f"e{i}", skills=(EmployeeSkill(rng.choice(topic)),), bio=bio))
    for i in range(n_need):
        topic = topics[i % len(topics)]
        needs.append(NeedDoc(f"n{i}", title=" ".join(rng.sample(topic, 2)),
                             description=" ".join(rng.choice(topic) for _ in range(8)),
                             skills=tuple(NeedSkill(w) for w in rng.sample(topic, rng.randint(0, 2)))))
    return emps, needs


def test_fit_on_empty_pools_then_rank_returns_nothing(tmp_path):
    m = SkillMatcher().fit([], [])
    assert m.rank_employees(NeedDoc("n", title="nurse")) == []
    assert m.rank_needs(EmployeeDoc("e", bio="nurse")) == []
    assert m.rank_employees_batch([NeedDoc("n", title="nurse")]) == [[]]
    loaded = load_model(save_model(m, tmp_path / "m.joblib"))
    assert loaded.rank_employees(NeedDoc("n", title="nurse")) == []


def test_empty_side_and_single_document(needs):
    assert SkillMatcher().fit([], needs).rank_employees("n1") == []
    one = SkillMatcher().fit([EmployeeDoc("solo", bio="nurse")], [])
    assert one.rank_needs("solo") == []
    assert ids(one.rank_employees(needs[0])) == ["solo"]


def test_upsert_into_model_fitted_on_nothing():
    m = SkillMatcher().fit([], [])
    m.upsert_employee(EmployeeDoc("e1", bio="nurse at a clinic"))
    m.upsert_need(NeedDoc("n1", title="nurse"))
    assert ids(m.rank_employees("n1")) == ["e1"]
    assert ids(m.rank_needs("e1")) == ["n1"]


@pytest.mark.parametrize("bio", ["", "the and of", "nurse"])
def test_many_identical_or_empty_profiles_fit(bio):
    # Document-frequency cuts would remove every term here; the fit must not fail.
    emps = [EmployeeDoc(f"e{i}", bio=bio) for i in range(30)]
    m = SkillMatcher().fit(emps, [NeedDoc("n", title="nurse")])
    assert len(m.rank_employees("n", k=5)) == 5


def test_employee_without_skills_or_text_still_ranked(taxonomy, needs):
    emps = [EmployeeDoc("blank"), EmployeeDoc("nurse", skills=(EmployeeSkill("Nursing", 3),))]
    res = SkillMatcher(taxonomy=taxonomy).fit(emps, needs).rank_employees("n1")
    assert ids(res) == ["nurse", "blank"]
    assert res[1].explanation["missing_must_have"] == ["Nursing"]


def test_one_need_does_not_flatten_the_ranking():
    # Hubness scalings cannot be estimated from one need; they must not equalise the employees.
    emps = [EmployeeDoc("a", bio="accountant"), EmployeeDoc("n", bio="nurse in a clinic"), EmployeeDoc("c", bio="cook")]
    m = SkillMatcher().fit(emps, [NeedDoc("need", title="clinic nurse")])
    res = m.rank_employees("need")
    assert ids(res)[0] == "n" and res[0].score > res[1].score + 0.1


def test_very_long_text_is_cut_and_ranked_first():
    long_bio = "volunteer nurse wound care " * 20_000  # 540,000 characters
    emps = [EmployeeDoc("long", bio=long_bio), EmployeeDoc("short", bio="accountant")]
    m = SkillMatcher().fit(emps, [NeedDoc("n", title="wound care nurse")])
    assert ids(m.rank_employees("n", k=1)) == ["long"]


def test_batch_ranking_equals_one_by_one():
    emps, needs = _pool()
    m = SkillMatcher().fit(emps, needs)
    batch = m.rank_employees_batch([n.id for n in needs], k=5)
    for need, got in zip(needs, batch):
        one = m.rank_employees(need.id, k=5, explain=False)
        assert [(s.id, s.score) for s in got] == [(s.id, s.score) for s in one]
    back = m.rank_needs_batch([e.id for e in emps[:10]], k=3)
    for emp, got in zip(emps[:10], back):
        assert [(s.id, s.score) for s in got] == [(s.id, s.score) for s in m.rank_needs(emp.id, k=3, explain=False)]


def test_batch_in_small_slices_equals_one_by_one(monkeypatch):
    from empathy.matching import ranking

    emps, needs = _pool(seed=1)
    m = SkillMatcher().fit(emps, needs)
    whole = m.rank_employees_batch([n.id for n in needs], k=5)
    monkeypatch.setattr(ranking, "BATCH_CELLS", 50)  # one need per slice
    monkeypatch.setattr(ranking, "SKILL_CACHE_CELLS", 400)  # skill cache cleared often
    assert [[(s.id, s.score) for s in r] for r in m.rank_employees_batch([n.id for n in needs], k=5)] == \
        [[(s.id, s.score) for s in r] for r in whole]


def test_upserted_employee_ranks_like_a_fitted_one():
    emps, needs = _pool(seed=3)
    full = SkillMatcher().fit(emps, needs)
    without = SkillMatcher().fit(emps[:-1], needs)
    late = SkillMatcher().fit(emps[:-1], needs)
    late.upsert_employee(emps[-1])
    target, same = emps[-1].id, 0
    for need in needs:
        a, b = ids(full.rank_employees(need.id, k=3)), ids(late.rank_employees(need.id, k=3))
        assert len(set(a) & set(b)) >= 2
        same += a == b
        # An upsert leaves everybody else's scores as they were.
        assert ([(s.id, s.score) for s in late.rank_employees(need.id, k=5, exclude=[target], explain=False)]
                == [(s.id, s.score) for s in without.rank_employees(need.id, k=5, explain=False)])
        x = ids(full.rank_employees(need.id, k=60)).index(target)
        y = ids(late.rank_employees(need.id, k=60)).index(target)
        assert min(x, y) >= 10 or abs(x - y) <= 2
    # The rest differ by swaps of near ties: one more profile at fit moves everybody's scalings a little.
    assert same >= 0.7 * len(needs)


def test_model_file_of_an_older_format_is_stale(tmp_path, fitted):
    import joblib

    from empathy.matching import StaleModelError, library_fingerprint

    path = tmp_path / "old.joblib"
    joblib.dump({"model": fitted, "fingerprint": library_fingerprint(), "data_fingerprint": None}, path)
    with pytest.raises(StaleModelError):
        load_model(path)


def test_feedback_expansion_survives_upserts_and_matches_batch():
    emps, needs = _pool(seed=5)
    m = SkillMatcher(prf_weight=0.3, prf_k=3).fit(emps[:40], needs)
    for e in emps[40:]:  # many small tail segments, merged along the way
        m.upsert_employee(e)
    m.upsert_need(NeedDoc("late", title="garden compost", description="plant trees and compost the soil"))
    adhoc = NeedDoc("adhoc", title="tax", description="audit the payroll and invoices")  # not stored
    queries = ["late", needs[0].id, adhoc, *[n.id for n in needs[1:5]]]
    batch = m.rank_employees_batch(queries, k=4)
    assert [ids(r) for r in batch] == [ids(m.rank_employees(n, k=4, explain=False)) for n in queries]
    assert len(batch[0]) == 4


def test_the_saved_model_is_readable_by_its_owner_only(tmp_path):
    # It holds every employee's profile text: the same care as a backup of the database.
    import os
    import stat

    model = SkillMatcher().fit([EmployeeDoc("e", bio="nurse at weekends")], [])
    previous = os.umask(0o022)  # what a shell usually has: new files readable by everyone
    try:
        path = save_model(model, tmp_path / "m.joblib")
        save_model(model, path)  # and again over an existing file
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["m.joblib"]
