import json

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from empathy.matching import (
    EmployeeDoc,
    EmployeeSkill,
    NeedDoc,
    NeedSkill,
    SkillMatcher,
    StaleModelError,
    load_model,
    save_model,
)


def ids(suggestions):
    return [s.id for s in suggestions]


def test_params_roundtrip_and_clone(taxonomy):
    m = SkillMatcher(taxonomy=taxonomy, text_weight=0.7)
    assert m.get_params()["text_weight"] == 0.7
    m.set_params(skill_weight=0.4)
    assert m.skill_weight == 0.4
    c = clone(m)
    assert c.get_params()["skill_weight"] == 0.4 and c.taxonomy == taxonomy and c is not m


def test_fit_returns_self_and_not_fitted_before(employees, needs):
    m = SkillMatcher()
    with pytest.raises(NotFittedError):
        m.rank_employees(needs[0])
    assert m.fit(employees, needs) is m
    assert hasattr(m, "featurizer_") and set(m.fingerprint_) == {"python", "numpy", "scipy", "sklearn"}


def test_fit_validates_input():
    with pytest.raises(TypeError):
        SkillMatcher().fit(["not a document"])
    with pytest.raises(ValueError):
        SkillMatcher().fit([EmployeeDoc("e", skills=(EmployeeSkill("x", 7),))])
    with pytest.raises(ValueError):
        SkillMatcher().fit([EmployeeDoc("e"), EmployeeDoc("e")])


def test_deterministic(taxonomy, employees, needs):
    a = SkillMatcher(taxonomy=taxonomy).fit(employees, needs)
    b = SkillMatcher(taxonomy=taxonomy).fit(employees, needs)
    for n in needs:
        assert [(s.id, s.score) for s in a.rank_employees(n.id)] == [(s.id, s.score) for s in b.rank_employees(n.id)]


def test_chinese_skill_finds_english_need_and_back(fitted):
    assert ids(fitted.rank_employees("n1", k=1)) == ["e1"]  # English need, employee wrote 护理
    assert ids(fitted.rank_employees("n2", k=1)) == ["e2"]  # Chinese need, employee wrote bookkeeping
    assert ids(fitted.rank_employees("n3", k=1)) == ["e3"]
    assert ids(fitted.rank_needs("e1", k=1)) == ["n1"]
    assert ids(fitted.rank_needs("e2", k=1)) == ["n2"]


def test_scores_in_unit_interval_and_sorted(fitted):
    for need in ("n1", "n2", "n3", "n4"):
        scores = [s.score for s in fitted.rank_employees(need, k=10)]
        assert all(0.0 <= s <= 1.0 for s in scores) and scores == sorted(scores, reverse=True)


def test_free_text_skill_with_typo_matches(fitted):
    assert ids(fitted.rank_employees("n4", k=1)) == ["e4"]


def test_levels_expert_beats_beginner(taxonomy):
    emps = [EmployeeDoc("a", skills=(EmployeeSkill("nurse", 1),)),
            EmployeeDoc("b", skills=(EmployeeSkill("nurse", 4),))]
    need = NeedDoc("n", title="Nursing help", skills=(NeedSkill("Nursing", "must", 3),))
    m = SkillMatcher(taxonomy=taxonomy).fit(emps, [need])
    res = m.rank_employees("n")
    assert ids(res) == ["b", "a"] and res[0].score > res[1].score
    matched = res[0].explanation["matched_skills"][0]
    assert matched["employee_level"] == 4 and matched["min_level"] == 3 and matched["meets_min_level"] is True
    below = res[1].explanation
    assert "Nursing" in below["missing_must_have"]  # level 1 of 3 counts only partially


def test_missing_must_hurts_more_than_missing_nice(taxonomy):
    emps = [EmployeeDoc("has_acc", skills=(EmployeeSkill("Accounting", 3),)),
            EmployeeDoc("has_pv", skills=(EmployeeSkill("solar panels", 3),))]
    need = NeedDoc("n", title="Community project", skills=(NeedSkill("Solar PV installation", "must"),
                                                           NeedSkill("Accounting", "nice")))
    # The need's text names "Accounting" word for word; keep the text part out of the way to
    # compare the skill part alone (a one-need pool used to flatten text through hubness).
    m = SkillMatcher(taxonomy=taxonomy, text_weight=0.05).fit(emps, [need])
    res = m.rank_employees("n")
    assert ids(res) == ["has_pv", "has_acc"]
    by_id = {s.id: s.explanation for s in res}
    assert by_id["has_acc"]["missing_must_have"] == ["Solar PV installation"]
    assert by_id["has_pv"]["missing_nice_to_have"] == ["Accounting"] and by_id["has_pv"]["missing_must_have"] == []


def test_explanation_is_json_and_complete(fitted):
    expl = fitted.rank_employees("n1", k=1)[0].explanation
    json.dumps(expl)
    assert set(expl["parts"]) == {"text", "skills", "cause", "language"}
    assert expl["parts"]["cause"]["used"] and expl["parts"]["cause"]["score"] == 1.0
    assert not expl["parts"]["language"]["used"]
    for role in ("fit", "tie_break"):  # shares add up within the parts that decide, and within the tie-breakers
        assert abs(sum(p["share"] for p in expl["parts"].values() if p["role"] == role) - 1.0) < 1e-3
    assert expl["matched_skills"][0]["matched_by"] == "taxonomy"
    assert expl["matched_skills"][0]["employee_skill"] == "护理"
    solar = fitted.rank_employees("n3", k=1)[0].explanation
    assert {"solar", "panels"} <= {t["term"] for t in solar["top_terms"]}
    specialty = sum(p["score"] * p["share"] for p in expl["parts"].values() if p["role"] == "fit")
    assert abs(specialty * expl["must_have_factor"] - expl["base_score"]) < 1e-3
    interest = sum(p["score"] * p["share"] for p in expl["parts"].values() if p["role"] == "tie_break")
    assert abs(expl["tie_break_bonus"] - fitted.tie_break * interest) < 1e-3
    assert abs(min(1.0, expl["base_score"] + expl["tie_break_bonus"]) - expl["score"]) < 1e-3


def test_ties_broken_by_id():
    emps = [EmployeeDoc(i, bio="same words here") for i in ("b", "c", "a")]
    m = SkillMatcher().fit(emps, [NeedDoc("n", title="same words here")])
    assert ids(m.rank_employees("n")) == ["a", "b", "c"]


def test_upsert_and_remove_after_fit(fitted, taxonomy):
    fitted.upsert_employee(EmployeeDoc("e9", skills=(EmployeeSkill("会计", 4),), bio="注册会计师"))
    assert "e9" in ids(fitted.rank_employees("n2", k=2))
    fitted.upsert_need(NeedDoc("n9", title="Bookkeeping for a shelter", skills=(NeedSkill("Accounting"),)))
    assert ids(fitted.rank_needs("e2", k=1)) == ["n9"] or "n9" in ids(fitted.rank_needs("e2", k=2))
    assert fitted.remove_employee("e9") and "e9" not in ids(fitted.rank_employees("n2", k=10))
    assert fitted.remove_need("n9") and "n9" not in ids(fitted.rank_needs("e2", k=10))
    assert not fitted.remove_need("n9")
    # replacing a document keeps a single row per id
    fitted.upsert_employee(EmployeeDoc("e4", bio="Now an accountant doing bookkeeping"))
    assert ids(fitted.rank_employees("n2", k=10)).count("e4") == 1


def test_save_load_roundtrip(tmp_path, fitted):
    path = save_model(fitted, tmp_path / "m.joblib", data_fingerprint="abc")
    loaded = load_model(path, data_fingerprint="abc")
    expected = [(s.id, s.score) for s in fitted.rank_employees("n1")]
    assert [(s.id, s.score) for s in loaded.rank_employees("n1")] == expected
    assert loaded.data_fingerprint_ == "abc"
    with pytest.raises(StaleModelError):
        load_model(path, data_fingerprint="other")


def test_stale_library_fingerprint_detected(tmp_path, fitted, monkeypatch):
    path = save_model(fitted, tmp_path / "m.joblib")
    import empathy.matching.persistence as p
    monkeypatch.setattr(p, "library_fingerprint", lambda: {"python": "0", "numpy": "0", "scipy": "0", "sklearn": "0"})
    with pytest.raises(StaleModelError):
        p.load_model(path)


def test_score_pair_gives_the_ranked_score_and_needs_a_stored_side(fitted):
    for suggestion in fitted.rank_employees("n1", k=4):
        pair = fitted.score_pair("n1", suggestion.id)
        assert (pair.id, pair.score) == (suggestion.id, suggestion.score)
        assert pair.explanation["need_id"] == "n1" and pair.explanation["employee_id"] == suggestion.id
    for suggestion in fitted.rank_needs("e3", k=4):
        assert fitted.score_pair(suggestion.id, "e3").score == suggestion.score
    with pytest.raises(ValueError, match="stored need or a stored employee"):
        fitted.score_pair(NeedDoc("new need", title="solar"), EmployeeDoc("new employee", bio="solar"))
    with pytest.raises(KeyError):
        fitted.score_pair("no such need", "e1")
