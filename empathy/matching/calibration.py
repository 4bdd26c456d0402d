"""From a score to a fit people can read: the calibrated share of right answers, and its band.

The knots and band thresholds live in ``params.py``; ``benchmarks/calibrate.py`` fits them
(isotonic regression of "is the right answer" on the score, dev files only).
"""
from __future__ import annotations

import numpy as np

from .documents import Suggestion
from .params import BAND_THRESHOLDS, FIT_KNOTS


def fit_of(score: float | np.ndarray) -> float | np.ndarray:
    """Calibrated fit in [0, 1] of a score (or an array of them): non-decreasing, piecewise linear in the knots."""
    out = np.interp(score, FIT_KNOTS[0], FIT_KNOTS[1])
    return float(out) if np.ndim(out) == 0 else out


def band_of(fit: float) -> str:
    """Band of a fit: the first of ``BAND_THRESHOLDS`` (strong, good, partial) it reaches, else ``"weak"``."""
    for band, threshold in BAND_THRESHOLDS.items():
        if fit >= threshold:
            return band
    return "weak"


def suggestion(other_id: str, score: float, explanation: dict | None) -> Suggestion:
    """A Suggestion with its fit (rounded to 4 places) and band."""
    fit = round(fit_of(score), 4)
    return Suggestion(other_id, score, explanation, fit, band_of(fit))
