"""Needs suggested to a person have their own calibration: the margin over the person's 3rd best open need."""
import numpy as np
import pytest

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher
from empathy.matching.calibration import band_of, fit_of
from empathy.matching.params import BAND_PRECISION_FOR_EMPLOYEE, FIT_KNOTS, FIT_KNOTS_FOR_EMPLOYEE
from empathy.matching.scoring import EMPLOYEE_MIN_POOL, EMPLOYEE_REFERENCE_RANK
from tests.matching.test_whole_score import TAXONOMY, WIRING_NEED, office_staff

ELECTRICIAN = EmployeeDoc("sparky", skills=(EmployeeSkill("Electrical wiring", 4),),
                          bio="Electrician: wiring, sockets and fuse boxes in old buildings", site="bj")
OTHER_NEEDS = [
    NeedDoc("books", title="Bookkeeping for the food bank", description="Monthly accounts and receipts",
            skills=(NeedSkill("Accounting", "must"),)),
    NeedDoc("hire", title="Recruiting volunteers", description="Interview and onboard new volunteers",
            skills=(NeedSkill("Recruiting", "must"),)),
    NeedDoc("budget", title="Budget plan for a shelter", description="Forecast the shelter's costs for next year"),
    NeedDoc("survey", title="Survey of residents", description="Design and run a survey of the residents"),
    NeedDoc("audit", title="Audit a charity fund", description="Check the fund's accounts before the annual report"),
    NeedDoc("train", title="Training plan for carers", description="Plan the training of new carers"),
]


def fitted(needs):
    return SkillMatcher(taxonomy=TAXONOMY).fit([ELECTRICIAN, *office_staff(20)], needs)


def test_the_employee_calibration_is_monotone_and_its_bands_are_ordered():
    xs, ys = FIT_KNOTS_FOR_EMPLOYEE
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys) and 0 <= ys[0] and ys[-1] <= 1
    grid = np.linspace(-1, 1, 401)
    assert np.all(np.diff(fit_of(grid, "employee")) >= 0)
    assert fit_of(-1.0, "employee") == ys[0] and fit_of(1.0, "employee") == ys[-1]
    assert list(BAND_PRECISION_FOR_EMPLOYEE) == ["strong", "good", "partial", "weak"]
    assert list(BAND_PRECISION_FOR_EMPLOYEE.values()) == sorted(BAND_PRECISION_FOR_EMPLOYEE.values(), reverse=True)
    assert FIT_KNOTS_FOR_EMPLOYEE != FIT_KNOTS
    with pytest.raises(KeyError):
        fit_of(0.1, "coordinator")


def test_needs_for_an_employee_read_the_margin_over_their_own_third_best_need():
    model = fitted([WIRING_NEED, *OTHER_NEEDS])
    ranked = model.rank_needs("sparky", k=len(OTHER_NEEDS) + 1)
    scores = sorted((s.score for s in ranked), reverse=True)
    reference = scores[EMPLOYEE_REFERENCE_RANK - 1]
    assert ranked[0].id == "wire" and ranked[0].band in ("strong", "good")
    for s in ranked:
        assert s.explanation["margin"] == pytest.approx(s.score - reference, abs=1e-4)
        assert s.fit == pytest.approx(fit_of(s.score - reference, "employee"), abs=1e-4)
        assert (s.explanation["fit"], s.explanation["band"]) == (s.fit, s.band) == (s.fit, band_of(s.fit))
    # Explaining the needs shown gives the same fits as the ranking.
    explained = model.explain_needs("sparky", [s.id for s in ranked])
    assert [(s.id, s.fit, s.band) for s in explained] == [(s.id, s.fit, s.band) for s in ranked]
    # The need's side reads the same pair against the need's 10th best person: another calibration.
    assert model.score_pair("wire", "sparky").fit == pytest.approx(
        fit_of(ranked[0].score - model.need_refs_[model.needs_.positions["wire"]]), abs=1e-4)


def test_needs_the_person_cannot_join_do_not_set_their_reference():
    # Three close needs elsewhere (on site in Shanghai, or closed) would be the 1st-3rd best and push the
    # wiring need's margin to 0; the person works in Beijing on site only, so they are left out.
    elsewhere = [NeedDoc(f"far{i}", title="Rewire a hall", description="Replace electrical wiring and sockets",
                         skills=(NeedSkill("Electrical wiring", "must", 3),), site="sh") for i in range(2)]
    closed = NeedDoc("closed", title="Rewire a hall", description="Replace electrical wiring and sockets",
                     skills=(NeedSkill("Electrical wiring", "must", 3),), is_open=False)
    here = [*OTHER_NEEDS, WIRING_NEED]
    alone = fitted(here).rank_needs("sparky", k=len(here))
    crowded = SkillMatcher(taxonomy=TAXONOMY).fit([ELECTRICIAN, *office_staff(20)], [*here, *elsewhere, closed])
    ranked = crowded.rank_needs("sparky", k=len(here) + 3)
    assert [s.id for s in ranked] == [s.id for s in alone]  # the others are filtered out ...
    assert ranked[0].explanation["margin"] > 0.05 and ranked[0].band in ("strong", "good")  # ... and do not count


@pytest.mark.parametrize("n_other", [0, EMPLOYEE_MIN_POOL - 2])
def test_too_few_needs_to_compare_are_read_from_the_needs_side(n_other):
    model = fitted([WIRING_NEED, *OTHER_NEEDS[:n_other]])
    back = model.rank_needs("sparky", k=1)[0]
    pair = model.score_pair("wire", "sparky")
    assert back.id == "wire" and (back.score, back.fit, back.band) == (pair.score, pair.fit, pair.band)
