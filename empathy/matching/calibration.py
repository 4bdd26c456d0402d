"""From a score to a fit people can read: the calibrated share of right answers, and its band.

A raw score means different things in different pools (on the dev files the right employee's score
sat near .25 on O*NET and near .4 on ESCO), so the fit reads the score's margin over the need's
10th best employee (``scoring.reference``): how far a person stands out from the crowd for this
need. The knots and band thresholds live in ``params.py``; ``benchmarks/calibrate.py`` fits them
(isotonic regression of "is the right answer" on the margin, dev files only). For one need the fit
is non-decreasing in the score.
"""
from __future__ import annotations

import numpy as np

from .documents import Suggestion
from .params import BAND_THRESHOLDS, FIT_KNOTS


def fit_of(margin: float | np.ndarray) -> float | np.ndarray:
    """Calibrated fit in [0, 1] of a margin (score minus the need's reference), or an array of them.

    Non-decreasing and piecewise linear between the knots; flat beyond the end knots.
    """
    out = np.interp(margin, FIT_KNOTS[0], FIT_KNOTS[1])
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
                explanations: list[dict | None]) -> list[Suggestion]:
    """Suggestions with their fit (rounded to 4 places) and band, also written into each explanation.

    Vectorised: a full ranking of a large pool builds millions of these.
    """
    margins = np.asarray(scores, np.float64) - np.asarray(references, np.float64)
    fits = np.round(np.interp(margins, FIT_KNOTS[0], FIT_KNOTS[1]), 4)
    bands = np.searchsorted(_ASCENDING, fits, side="right")  # 0: weak .. len: strong
    out = []
    for i, (other_id, score, expl) in enumerate(zip(ids, scores, explanations)):
        fit, band = float(fits[i]), _BANDS[len(_BANDS) - 1 - int(bands[i])]
        if expl is not None:
            expl.update(fit=fit, band=band, margin=round(float(margins[i]), 4))
        out.append(Suggestion(other_id, score, expl, fit, band))
    return out


def suggestion(other_id: str, score: float, reference: float, explanation: dict | None) -> Suggestion:
    """One Suggestion with its fit and band (see :func:`suggestions`)."""
    return suggestions([other_id], [score], np.asarray([reference]), [explanation])[0]
