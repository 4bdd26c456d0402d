"""Fit the score -> fit calibration and the band thresholds on dev case files (evaluation data only).

    PYTHONPATH=. .venv/bin/python benchmarks/calibrate.py ../shared/bench/{onet,onet3,esco}-dev.jsonl

For every need of every file, the top ``TOP`` employees under the default SkillMatcher are labelled
1 when they are a right answer (``relevant``), else 0. Isotonic regression (scikit-learn) of the
label on the score gives a non-decreasing step function; it is read at ``KNOT_QUANTILES`` of the scores of the
scores and printed as ``FIT_KNOTS`` for ``empathy/matching/params.py`` (the product reads only
those few numbers, never the files). Then, for the band thresholds given on the command line
(or the defaults), it prints the share of right answers and of suggestions in each band, in sample
and with each file's calibration fitted on the other files (leave one file out).
"""
from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.isotonic import IsotonicRegression

from empathy.matching import cases, scoring
from empathy.matching.model import SkillMatcher
from empathy.matching.taxonomy import load_taxonomy

TOP = 20  # a page of suggestions
# Knots at these quantiles of the scores: right answers sit among the highest scores, so the table
# is finest there. The very top is left out: the few highest margins alone would pull the last knot to 1.
KNOT_QUANTILES = (0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999)


def labelled_scores(path: str, raw: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Margins (or raw scores) and 0/1 labels of the top ``TOP`` employees of every need of one case file."""
    case = next(cases.read_cases(path))
    employees, needs = cases.case_documents(case)
    model = SkillMatcher(taxonomy=load_taxonomy()).fit(employees, needs)
    scores, labels = [], []
    for need, ranked in zip(needs, model.rank_employees_batch([n.id for n in needs], k=TOP)):
        right = set(case["relevant"].get(need.id, ()))
        ref = 0.0 if raw else ranked[min(scoring.REFERENCE_RANK, len(ranked)) - 1].score
        scores += [s.score - ref for s in ranked]
        labels += [s.id in right for s in ranked]
    return np.asarray(scores), np.asarray(labels, float)


def knots(scores: np.ndarray, labels: np.ndarray) -> tuple[list[float], list[float]]:
    """A small table (score, fit) of the isotonic fit, read at quantiles of the scores."""
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, labels)
    xs = np.unique(np.round(np.quantile(scores, KNOT_QUANTILES), 4) + 0.0)  # + 0.0: no -0.0
    ys = np.maximum.accumulate(np.round(iso.predict(xs), 4))
    return xs.tolist(), ys.tolist()


def band_table(fit: np.ndarray, labels: np.ndarray, thresholds: dict[str, float]) -> dict:
    """Per band: share of right answers and share of suggestions."""
    bands = np.full(fit.shape, "weak", dtype=object)
    for band, t in reversed(list(thresholds.items())):
        bands[fit >= t] = band
    out = {}
    for band in [*thresholds, "weak"]:
        sel = bands == band
        out[band] = {"right": round(float(labels[sel].mean()), 3) if sel.any() else None,
                     "suggestions": round(float(sel.mean()), 3)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--bands", default='{"strong": 0.5, "good": 0.25, "partial": 0.1}')
    ap.add_argument("--raw", action="store_true", help="calibrate on the raw score, not the margin")
    args = ap.parse_args()
    thresholds = json.loads(args.bands)
    data = [labelled_scores(f, args.raw) for f in args.files]
    scores = np.concatenate([s for s, _ in data])
    labels = np.concatenate([y for _, y in data])
    xs, ys = knots(scores, labels)
    print("FIT_KNOTS =", (tuple(xs), tuple(ys)))
    print("pairs", labels.size, "right", int(labels.sum()))
    print("in sample:", band_table(np.interp(scores, xs, ys), labels, thresholds))
    for path, (s, y) in zip(args.files, data):
        print(f"  {path} with these knots:", band_table(np.interp(s, xs, ys), y, thresholds))
    fits = []
    for i in range(len(data)):
        rest = [d for j, d in enumerate(data) if j != i]
        kx, ky = knots(np.concatenate([s for s, _ in rest]), np.concatenate([y for _, y in rest]))
        fits.append(np.interp(data[i][0], kx, ky))
        print(f"  {args.files[i]} with the others' knots:", band_table(fits[-1], data[i][1], thresholds))
    print("leave one file out:", band_table(np.concatenate(fits), labels, thresholds))


if __name__ == "__main__":
    main()
