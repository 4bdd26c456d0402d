"""From a score to a fit people can read: the calibrated share of right answers, and its band.

A raw score means different things in different pools (on the dev files the right employee's score
sat near .25 on O*NET and near .4 on ESCO), so the fit reads the score's margin over the need's
10th best employee (``scoring.reference``): how far a person stands out from the crowd for this
need. The knots and band thresholds live in ``params.py``; ``benchmarks/calibrate.py`` fits them
(isotonic regression of "is the right answer" on the margin, dev files only). For one need the fit
is non-decreasing in the score.

Needs suggested to an employee have their own calibration (``side="employee"``): the margin is the
score minus the employee's 3rd best open need (``scoring.EMPLOYEE_REFERENCE_RANK``), read through
``FIT_KNOTS_FOR_EMPLOYEE`` ("is this a right need for me"); the bands are the same.
"""
from __future__ import annotations

import numpy as np

from .documents import Suggestion
from .params import BAND_THRESHOLDS, FIT_KNOTS, FIT_KNOTS_FOR_EMPLOYEE, SHORT_MUST_MAX_FIT

# The knots of each side: "need" (people suggested for a need) and "employee" (needs suggested to a person).
KNOTS = {"need": FIT_KNOTS, "employee": FIT_KNOTS_FOR_EMPLOYEE}


def fit_of(margin: float | np.ndarray, side: str = "need") -> float | np.ndarray:
    """Calibrated fit in [0, 1] of a margin (score minus the side's reference), or an array of them.

    Non-decreasing and piecewise linear between the knots of ``side`` (``KNOTS``); flat beyond the end
    knots. KeyError for an unknown side.
    """
    xs, ys = KNOTS[side]
    out = np.interp(margin, xs, ys)
    return float(out) if np.ndim(out) == 0 else out


def band_of(fit: float) -> str:
    """Band of a fit: the first of ``BAND_THRESHOLDS`` (strong, good, partial) it reaches, else ``"weak"``."""
    for band, threshold in BAND_THRESHOLDS.items():
        if fit >= threshold:
            return band
    return "weak"


_BANDS = [*BAND_THRESHOLDS, "weak"]
# Thresholds in ascending order, for np.searchsorted.
_ASCENDING = np.asarray(sorted(BAND_THRESHOLDS.values()))


def suggestions(ids: list[str], scores: list[float], references: np.ndarray,
                explanations: list[dict | None], *, side: str = "need",
                short_must: np.ndarray | list[bool] | None = None) -> list[Suggestion]:
    """Suggestions with their fit (rounded to 4 places) and band, also written into each explanation.

    ``references`` are the side's reference scores (the need's 10th best employee for ``"need"``, the
    employee's 3rd best open need for ``"employee"``), one per suggestion. ``short_must`` (one bool per
    suggestion, None: none) marks pairs where a must-have falls short: their fit is at most
    ``SHORT_MUST_MAX_FIT``, so their band at most ``SHORT_MUST_MAX_BAND`` (see ``params.py``); the
    explanation says so (``short_must``). Vectorised: a full ranking of a large pool builds millions of
    these. KeyError for an unknown side.
    """
    xs, ys = KNOTS[side]
    margins = np.asarray(scores, np.float64) - np.asarray(references, np.float64)
    fits = np.round(np.interp(margins, xs, ys), 4)
    short = np.zeros(fits.shape, bool) if short_must is None else np.asarray(short_must, bool).reshape(fits.shape)
    if short.any():
        fits = np.where(short, np.minimum(fits, SHORT_MUST_MAX_FIT), fits)
    bands = np.searchsorted(_ASCENDING, fits, side="right")  # 0: weak .. len: strong
    out = []
    for i, (other_id, score, expl) in enumerate(zip(ids, scores, explanations)):
        fit, band = float(fits[i]), _BANDS[len(_BANDS) - 1 - int(bands[i])]
        if expl is not None:
            expl.update(fit=fit, band=band, margin=round(float(margins[i]), 4), calibration=side,
                        short_must=bool(short[i]))
        out.append(Suggestion(other_id, score, expl, fit, band))
    return out


def suggestion(other_id: str, score: float, reference: float, explanation: dict | None, *,
               side: str = "need", short_must: bool = False) -> Suggestion:
    """One Suggestion with its fit and band (see :func:`suggestions`)."""
    return suggestions([other_id], [score], np.asarray([reference]), [explanation], side=side,
                       short_must=[short_must])[0]

