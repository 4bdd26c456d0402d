"""Hyperparameters follow the scikit-learn contract: stored unchanged, validated in fit, cloneable."""
import pytest
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from empathy.matching import EmployeeDoc, NeedDoc, SkillMatcher

DOCS = ([EmployeeDoc("e1", bio="nurse")], [NeedDoc("n1", title="nursing")])


@pytest.mark.parametrize(("params", "message"), [
    ({"text_weight": 0}, "'text_weight' parameter of SkillMatcher must be a float in the range (0.0, inf)"),
    ({"skill_weight": -0.1}, "'skill_weight' parameter of SkillMatcher must be a float in the range [0.0, inf)"),
    ({"cause_weight": "high"}, "'cause_weight' parameter"),
    ({"char_weight": 1.5}, "'char_weight' parameter of SkillMatcher must be a float in the range [0.0, 1.0]"),
    ({"char_min_df": 1.5}, "'char_min_df' parameter"),
    ({"char_max_df": 0}, "'char_max_df' parameter"),
    ({"word_max_df": -1}, "'word_max_df' parameter"),
    ({"char_max_features": 0}, "'char_max_features' parameter"),
    ({"free_text_skill_weight": 2.0}, "'free_text_skill_weight' parameter"),
    ({"stemming": "yes"}, "'stemming' parameter of SkillMatcher must be an instance of 'bool'"),
    ({"hubness": 1}, "'hubness' parameter"),
    ({"hub_temperature": 0.0}, "'hub_temperature' parameter"),
    ({"hub_iter": 0}, "'hub_iter' parameter"),
    ({"hub_k": 2.5}, "'hub_k' parameter"),
    ({"max_text_chars": 0}, "'max_text_chars' parameter"),
    ({"prf_weight": -1}, "'prf_weight' parameter"),
    ({"must_penalty": 1.0}, "'must_penalty' parameter of SkillMatcher must be a float in the range [0.0, 1.0)"),
    ({"tie_break": -0.01}, "'tie_break' parameter of SkillMatcher must be a float in the range [0.0, inf)"),
    ({"prf_k": 0}, "'prf_k' parameter"),
    ({"prf_terms": None}, "'prf_terms' parameter"),
    ({"taxonomy": {"Nursing": []}}, "'taxonomy' parameter of SkillMatcher must be an instance of"),
    ({"char_ngram_range": [3, 4]}, "'char_ngram_range' parameter of SkillMatcher must be an instance of 'tuple'"),
    ({"char_ngram_range": (4, 3)}, "'char_ngram_range' parameter of SkillMatcher must be a tuple (lo, hi) of "
                                   "integers with 1 <= lo <= hi. Got (4, 3) instead."),
    ({"char_ngram_range": (0, 3)}, "Got (0, 3) instead"),
    ({"need_field_weights": (1.0, 1.0)}, "'need_field_weights' parameter of SkillMatcher must be a tuple of 3 "
                                         "non-negative numbers"),
    ({"need_field_weights": (1.0, -1.0, 0.0)}, "Got (1.0, -1.0, 0.0) instead"),
])
def test_bad_parameter_raises_at_fit_with_a_clear_message(params, message):
    model = SkillMatcher(**params)  # __init__ stores, never checks
    assert model.get_params()[next(iter(params))] == params[next(iter(params))]
    with pytest.raises(InvalidParameterError) as info:
        model.fit(*DOCS)
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)
    assert not hasattr(model, "featurizer_")


@pytest.mark.parametrize("params", [
    {"text_weight": 1e-6, "skill_weight": 0, "cause_weight": 0, "language_weight": 0},
    {"char_weight": 0.0, "char_min_df": 1, "char_max_df": 1.0, "word_max_df": 5, "char_max_features": 1},
    {"char_weight": 1.0, "char_ngram_range": (2, 2), "free_text_skill_weight": 1.0, "stemming": False},
    {"hubness": False, "hub_iter": 1, "hub_k": 1, "max_text_chars": 1, "prf_weight": 0, "prf_k": 1, "prf_terms": 1},
    {"need_field_weights": (0, 0, 0)},
    {"must_penalty": 0.0, "tie_break": 0.0},
])
def test_boundary_values_are_accepted(params):
    model = SkillMatcher(**params).fit(*DOCS)
    assert [s.id for s in model.rank_employees("n1")] == ["e1"]


def test_get_set_params_and_clone_round_trip(taxonomy):
    params = {"taxonomy": taxonomy, "text_weight": 0.7, "char_ngram_range": (2, 5),
              "need_field_weights": (0.1, 1.0, 0.3), "char_max_features": 5000, "hubness": False}
    model = SkillMatcher(**params)
    got = model.get_params()
    assert {k: got[k] for k in params} == params
    assert set(got) == set(SkillMatcher().get_params())  # every __init__ argument is a parameter
    assert model.set_params(skill_weight=0.4, prf_k=3) is model
    assert (model.skill_weight, model.prf_k) == (0.4, 3)
    twin = clone(model)
    assert twin is not model and twin.get_params() == model.get_params()
    assert twin.taxonomy == taxonomy and twin.char_ngram_range == (2, 5)
    with pytest.raises(ValueError, match="Invalid parameter 'k_hub'"):
        model.set_params(k_hub=3)


def test_clone_of_a_fitted_model_is_unfitted_and_ranks_alike(fitted, employees, needs):
    twin = clone(fitted)
    assert not hasattr(twin, "featurizer_") and twin.get_params() == fitted.get_params()
    twin.fit(employees, needs)
    for need in needs:
        assert ([(s.id, s.score) for s in twin.rank_employees(need.id)]
                == [(s.id, s.score) for s in fitted.rank_employees(need.id)])
