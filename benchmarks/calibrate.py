"""Fit the score -> fit calibration and the band thresholds on dev case files (evaluation data only).

    PYTHONPATH=. .venv/bin/python benchmarks/calibrate.py ../shared/bench/{onet,onet3,esco}-dev.jsonl
    PYTHONPATH=. .venv/bin/python benchmarks/calibrate.py --side employee ../shared/bench/{onet,onet3,esco}-dev.jsonl

For every need of every file, the top ``TOP`` employees under the default SkillMatcher are labelled
1 when they are a right answer (``relevant``), else 0. Isotonic regression (scikit-learn) of the
label on the score gives a non-decreasing step function; it is read at ``KNOT_QUANTILES`` of the scores of the
scores and printed as ``FIT_KNOTS`` for ``empathy/matching/params.py`` (the product reads only
those few numbers, never the files). Then, for the band thresholds given on the command line
(or the defaults), it prints the share of right answers and of suggestions in each band, in sample
and with each file's calibration fitted on the other files (leave one file out).

``--side employee`` calibrates the needs suggested to an employee (``FIT_KNOTS_FOR_EMPLOYEE``). A
company has tens of open needs, not the bench's hundreds, so every employee gets ``DRAWS`` simulated
pools of ``POOL_SIZES`` needs drawn from the file, holding the employee's right needs
(``relevant_needs``) half the time (``P_RIGHT_OPEN``) and random other needs otherwise. The top
``TOP_NEEDS`` of each pool are labelled; the margin is the score minus the pool's
``scoring.EMPLOYEE_REFERENCE_RANK``-th best score, as the product computes it over the open needs. It
also prints the bands with the final knots on pools of other sizes and with the right need always or
never open.
"""
from __future__ import annotations

import argparse
import json

import numpy as np
from sklearn.isotonic import IsotonicRegression

from empathy.matching import cases, ranking, scoring
from empathy.matching.documents import EmployeeDoc
from empathy.matching.model import SkillMatcher
from empathy.matching.taxonomy import load_taxonomy

TOP = 20  # a page of suggestions
# Knots at these quantiles of the scores: right answers sit among the highest scores, so the table
# is finest there. The very top is left out: the few highest margins alone would pull the last knot to 1.
KNOT_QUANTILES = (0.0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.97, 0.98, 0.99, 0.995, 0.998, 0.999)

# Employee side: simulated pools of open needs (see the module docstring).
TOP_NEEDS = 10  # the home page shows 5, the API 20 by default
POOL_SIZES = (10, 60)  # each pool's size is drawn uniformly from this range (the demo has 20-28 open needs)
P_RIGHT_OPEN = 0.5
DRAWS = 2
SEED = 2017


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


def employee_scores(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Every employee's score for every need of one case file (employees x needs), and the right-need mask."""
    case = next(cases.read_cases(path))
    employees, needs = cases.case_documents(case)
    model = SkillMatcher(taxonomy=load_taxonomy()).fit(employees, needs)
    rows = [model.employees_.positions[e.id] for e in employees]
    step, parts = ranking.batch_size(model.needs_.n_rows), []
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        q = model._queries([model.employee_docs_[employees[i].id] for i in range(start, start + len(part))],
                           EmployeeDoc, part)
        parts.append(np.asarray(model._score(q, EmployeeDoc, part)["score"], np.float32))
    scores = np.vstack(parts)[:, : len(model.needs_.ids)]
    column = {need_id: j for j, need_id in enumerate(model.needs_.ids[: scores.shape[1]])}
    right = np.zeros(scores.shape, bool)
    for i, emp in enumerate(employees):
        right[i, [column[str(n)] for n in case["relevant_needs"].get(emp.id, ())]] = True
    return scores, right


def employee_pairs(scores: np.ndarray, right: np.ndarray, rng: np.random.Generator, *, sizes=POOL_SIZES,
                   p_open: float = P_RIGHT_OPEN, draws: int = DRAWS) -> tuple[np.ndarray, np.ndarray]:
    """Margins and 0/1 labels of the top ``TOP_NEEDS`` needs of simulated pools of open needs."""
    margins, labels = [], []
    for _ in range(draws):
        for i in range(scores.shape[0]):
            size = int(rng.integers(sizes[0], sizes[1] + 1))
            mine, others = np.flatnonzero(right[i]), np.flatnonzero(~right[i])
            kept = mine[:size] if rng.random() < p_open else mine[:0]
            pool = np.concatenate([kept, rng.choice(others, size - kept.size, replace=False)])
            row = scores[i, pool]
            ref = scoring.reference(row[None, :], np.ones(size, bool), scoring.EMPLOYEE_REFERENCE_RANK)[0]
            top = np.argsort(-row, kind="stable")[:TOP_NEEDS]
            margins.append((row[top] - ref).astype(np.float64))
            labels.append(right[i, pool[top]])
    return np.concatenate(margins), np.concatenate(labels).astype(float)


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
    ap.add_argument("--side", choices=("need", "employee"), default="need",
                    help="need: people suggested for a need (FIT_KNOTS); employee: needs suggested to a person")
    args = ap.parse_args()
    thresholds = json.loads(args.bands)
    if args.side == "employee":
        employee_side(args.files, thresholds)
        return
    fit_and_report("FIT_KNOTS", args.files, [labelled_scores(f, args.raw) for f in args.files], thresholds)


def fit_and_report(name: str, files: list[str], data: list[tuple[np.ndarray, np.ndarray]],
                   thresholds: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    """Fit the knots on every file's (margins, labels), print them as ``name`` with the band tables in sample,
    per file and leaving each file out; returns the knots (xs, ys)."""
    margins = np.concatenate([m for m, _ in data])
    labels = np.concatenate([y for _, y in data])
    xs, ys = knots(margins, labels)
    print(f"{name} =", (tuple(xs), tuple(ys)))
    print("pairs", labels.size, "right", int(labels.sum()))
    print("in sample:", band_table(np.interp(margins, xs, ys), labels, thresholds))
    for path, (m, y) in zip(files, data):
        print(f"  {path} with these knots:", band_table(np.interp(m, xs, ys), y, thresholds))
    fits = []
    for i in range(len(data)):
        rest = [d for j, d in enumerate(data) if j != i]
        kx, ky = knots(np.concatenate([m for m, _ in rest]), np.concatenate([y for _, y in rest]))
        fits.append(np.interp(data[i][0], kx, ky))
        print(f"  {files[i]} with the others' knots:", band_table(fits[-1], data[i][1], thresholds))
    print("leave one file out:", band_table(np.concatenate(fits), labels, thresholds))
    return xs, ys


def employee_side(files: list[str], thresholds: dict[str, float]) -> None:
    """Fit and print ``FIT_KNOTS_FOR_EMPLOYEE`` and its band tables (see the module docstring)."""
    rng = np.random.default_rng(SEED)
    matrices = [employee_scores(f) for f in files]
    data = [employee_pairs(s, r, rng) for s, r in matrices]
    xs, ys = fit_and_report("FIT_KNOTS_FOR_EMPLOYEE", files, data, thresholds)
    for label, kwargs in (("pools of 8 needs", {"sizes": (8, 8)}), ("pools of 20", {"sizes": (20, 20)}),
                          ("pools of 150", {"sizes": (150, 150)}), ("right need always open", {"p_open": 1.0}),
                          ("right need never open", {"p_open": 0.0})):
        pairs = [employee_pairs(s, r, rng, draws=1, **kwargs) for s, r in matrices]
        m, y = np.concatenate([p[0] for p in pairs]), np.concatenate([p[1] for p in pairs])
        print(f"  {label}:", band_table(np.interp(m, xs, ys), y, thresholds))


if __name__ == "__main__":
    main()
