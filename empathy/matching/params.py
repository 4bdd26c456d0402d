"""Constraints on SkillMatcher's hyperparameters, in scikit-learn's ``_parameter_constraints`` form.

``sklearn.utils._param_validation`` checks them in ``fit`` and raises ``InvalidParameterError``
(a ValueError and a TypeError) naming the parameter, the allowed values and the value given.
scikit-learn's constraints cannot look inside a tuple, so :func:`check_tuple_params` checks the
contents of the two tuple parameters the same way.
"""
from __future__ import annotations

from numbers import Integral, Real

from sklearn.utils._param_validation import Interval, InvalidParameterError, RealNotInt

from .taxonomy import Taxonomy

# Document-frequency cuts read as in TfidfVectorizer: an int is a number of documents, a float a share.
_DF = [Interval(Integral, 1, None, closed="left"), Interval(RealNotInt, 0, 1, closed="both")]
_NON_NEGATIVE = [Interval(Real, 0, None, closed="left")]
_POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]

PARAMETER_CONSTRAINTS: dict[str, list] = {
    "taxonomy": [Taxonomy, None],
    "text_weight": [Interval(Real, 0, None, closed="neither")],  # text is the only part every need has
    "skill_weight": _NON_NEGATIVE,
    "cause_weight": _NON_NEGATIVE,
    "language_weight": _NON_NEGATIVE,
    "must_penalty": [Interval(Real, 0, 1, closed="left")],
    "tie_break": _NON_NEGATIVE,
    "char_ngram_range": [tuple],  # contents: check_tuple_params
    "char_weight": [Interval(Real, 0, 1, closed="both")],
    "char_min_df": _DF,
    "char_max_df": _DF,
    "char_max_features": [Interval(Integral, 1, None, closed="left"), None],
    "word_max_df": _DF,
    "free_text_skill_weight": [Interval(Real, 0, 1, closed="both")],
    "stemming": ["boolean"],
    "hubness": ["boolean"],
    "hub_temperature": [Interval(Real, 0, None, closed="neither")],
    "hub_iter": _POSITIVE_INT,
    "hub_k": _POSITIVE_INT,
    "max_text_chars": _POSITIVE_INT,
    "need_field_weights": [tuple],  # contents: check_tuple_params
    "prf_weight": _NON_NEGATIVE,
    "prf_k": _POSITIVE_INT,
    "prf_terms": _POSITIVE_INT,
}


# ---- calibration: `benchmarks/calibrate.py` on onet-dev, onet3-dev and esco-dev (47,800 pairs: the top
# 20 employees of every need, 2,040 of them right answers); only these numbers come from those files.
# See benchmarks/RESULTS.md, "Fit and bands".
# Isotonic regression of "is the right answer" on the margin (score minus the need's 10th best),
# read at quantiles of the margins: (margins, fits), both non-decreasing; flat beyond the ends.
FIT_KNOTS: tuple[tuple[float, ...], tuple[float, ...]] = (
    (-0.1874, -0.015, 0.0, 0.0233, 0.0649, 0.1001, 0.1272, 0.149, 0.1856, 0.2299, 0.2792, 0.3246),
    (0.0, 0.0071, 0.0118, 0.0348, 0.0768, 0.2781, 0.3279, 0.4118, 0.545, 0.6194, 0.672, 0.672))
# A suggestion is in the first band whose fit it reaches (else "weak").
BAND_THRESHOLDS: dict[str, float] = {"strong": 0.5, "good": 0.25, "partial": 0.1}
# A suggestion where a must-have falls short (not held, held below the asked level, answered only by a
# related skill, or a free-text must-have the profile does not echo) is at most a "good" fit, its fit at most
# SHORT_MUST_MAX_FIT. Why "good" and not "partial": a missing must-have costs only `must_penalty` (5 %) of
# the specialty score, so such a person may still stand out by their specialty, their other skills, or the
# asked skill held one level too low; "good" (about 1 in 3 right) still says "worth a look", while "strong"
# (6 in 10) reads as "invite without a second thought", which an unmet requirement must never say. "Partial"
# would file a near miss (an intermediate where advanced is asked) with people sharing a part of the need;
# the missing must-have is named beside the band, so the reader sees why it is not strong. The fit is capped
# too, just under the strong threshold, so that the number shown never contradicts the band (it is an upper
# bound there: the calibration was fitted on every pair, these among them).
SHORT_MUST_MAX_BAND = "good"
SHORT_MUST_MAX_FIT = 0.49
# Share of right answers in each band on those pairs (what a page may state: "about 6 in 10 strong
# suggestions are the right person"). Fitting on two files and measuring on the third gave
# .47 / .29 / .13 / .02: state them as approximate.
BAND_PRECISION: dict[str, float] = {"strong": 0.6, "good": 0.32, "partial": 0.14, "weak": 0.02}

# ---- the employee's side: needs suggested to a person. `benchmarks/calibrate.py --side employee` on the
# same files (47,800 pairs: the top 10 needs of simulated pools of 10-60 open needs, two per employee,
# holding the employee's right needs half the time; 2,290 right). See benchmarks/RESULTS.md, "Fit and
# bands for the employee". Isotonic regression of "is a right need" on the margin over the employee's
# 3rd best open need (scoring.EMPLOYEE_REFERENCE_RANK); same form and bands as FIT_KNOTS.
FIT_KNOTS_FOR_EMPLOYEE: tuple[tuple[float, ...], tuple[float, ...]] = (
    (-0.2612, -0.0402, -0.0176, 0.0, 0.0322, 0.0893, 0.1446, 0.186, 0.2464, 0.2893, 0.3398, 0.3594),
    (0.0, 0.0029, 0.0042, 0.0133, 0.0601, 0.3731, 0.5769, 0.7557, 0.8497, 0.9613, 0.9613, 0.9737))
# Share of right needs in each band on those pairs ("about 8 in 10 strong suggestions are a right
# need"). Fitting on two files and measuring on the third gave .72 / .34 / .11 / .01.
BAND_PRECISION_FOR_EMPLOYEE: dict[str, float] = {"strong": 0.76, "good": 0.36, "partial": 0.13, "weak": 0.01}


def _is_ngram_range(val: tuple) -> bool:
    return (len(val) == 2 and all(isinstance(v, Integral) and not isinstance(v, bool) for v in val)
            and 1 <= val[0] <= val[1])


def _is_field_weights(val: tuple) -> bool:
    return len(val) == 3 and all(isinstance(v, Real) and not isinstance(v, bool) and v >= 0 for v in val)


_TUPLE_CHECKS = {
    "char_ngram_range": (_is_ngram_range, "a tuple (lo, hi) of integers with 1 <= lo <= hi"),
    "need_field_weights": (_is_field_weights, "a tuple of 3 non-negative numbers (title, description, skills)"),
}


def check_tuple_params(estimator: object) -> None:
    """Raise InvalidParameterError when a tuple parameter of ``estimator`` holds the wrong values."""
    for name, (is_valid, expected) in _TUPLE_CHECKS.items():
        value = getattr(estimator, name)
        if not is_valid(value):
            raise InvalidParameterError(f"The {name!r} parameter of {type(estimator).__name__} must be "
                                        f"{expected}. Got {value!r} instead.")
