"""Scoring one document against the other pool, and top-k selection (methods of SkillMatcher)."""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import scipy.sparse as sp

from . import scoring
from .documents import EmployeeDoc, NeedDoc
from .features import SKILL_WEIGHTS
from .filters import employee_mask, need_mask

PARTS = ("text", "skills", "cause", "language")


def _weights(self) -> dict[str, float]:
    return {"text": self.text_weight, "skills": self.skill_weight, "cause": self.cause_weight,
            "language": self.language_weight}


def _need_vs_employees(self, q, need_row) -> dict:
    pool = self.employees_
    raw = self._text_sims(q.word, q.char, pool)[0]
    log_u = self.needs_.attrs["log_scaling"][need_row] if need_row is not None else self._new_log_scaling(raw, pool, 0)
    hub = self._hub(log_u, pool.attrs["log_scaling"]) if self.hubness else np.zeros_like(raw)
    rows = q.extra["skills"]
    if rows.weight.sum() > 0:
        match = scoring.free_text_match(pool.mats["skill"].dot(rows.char))
        for r in np.flatnonzero(rows.canon >= 0):
            onehot = sp.csr_matrix(([1.0], ([0], [rows.canon[r]])), shape=(1, pool.mats["levels"].n_features))
            levels = pool.mats["levels"].dot(onehot)[0]
            # Holding the canonical skill decides by level; text similarity only stands in otherwise.
            match[r] = np.where(levels > 0, scoring.level_match(levels, rows.min_level[r]), match[r])
        skills = (rows.weight @ match) / rows.weight.sum()
        full = sum(SKILL_WEIGHTS[s.importance] for s in q.doc.skills)
    else:
        full = 1.0
        skills = np.zeros_like(raw)
    parts = {"text": scoring.soft_clip(raw + hub), "skills": skills,
             "cause": scoring.set_match(q.attrs["cause"], pool.attrs["causes"]),
             "language": scoring.set_match(q.attrs["languages"], pool.attrs["languages"])}
    # The skill part weighs less when the taxonomy knows few of the need's skills.
    present = {"text": True, "skills": float(rows.weight.sum() / full), "cause": q.attrs["cause"] != 0,
               "language": q.attrs["languages"] != 0}
    return {"raw": raw, "hub": hub, "parts": parts, "present": present,
            "score": scoring.combine(parts, present, _weights(self))}


def _employee_vs_needs(self, q, employee_row) -> dict:
    pool, ns = self.needs_, self.need_skills_
    raw = self._text_sims(q.word, q.char, pool)[0]
    log_v = (self.employees_.attrs["log_scaling"][employee_row] if employee_row is not None
             else self._new_log_scaling(raw, pool, 1))
    hub = self._hub(pool.attrs["log_scaling"], log_v) if self.hubness else np.zeros_like(raw)
    levels = q.extra["levels"]
    match = scoring.free_text_match(ns["char"].dot(q.extra["skill"])[0])
    held = np.where(ns["canon"] >= 0, levels[np.maximum(ns["canon"], 0)], 0.0)
    match = np.where(held > 0, scoring.level_match(held, ns["min_level"]), match)
    num = np.bincount(ns["owner"], weights=ns["weight"] * match, minlength=pool.n_rows)
    den = pool.attrs["skill_weight"]
    bits = {"cause": q.attrs["causes"], "language": q.attrs["languages"]}
    parts = {"text": scoring.soft_clip(raw + hub), "skills": (num / np.maximum(den, 1e-9)).astype(np.float32)}
    present = {"text": np.ones(pool.n_rows, bool), "skills": den / np.maximum(pool.attrs["skill_full"], 1e-9)}
    for name, column in (("cause", "cause"), ("language", "languages")):
        shared = (pool.attrs[column] & bits[name]) != 0
        parts[name] = np.where(shared, 1.0, 0.5 if bits[name] == 0 else 0.0).astype(np.float32)
        present[name] = pool.attrs[column] != 0
    return {"raw": raw, "hub": hub, "parts": parts, "present": present,
            "score": scoring.combine(parts, present, _weights(self))}


def top_k(scores: np.ndarray, mask: np.ndarray, ids: list[str], k: int) -> list[tuple[int, float]]:
    """Best k rows under mask, ties broken by ascending id."""
    cand = np.flatnonzero(mask)
    if k <= 0 or cand.size == 0:
        return []
    s = scores[cand]
    if cand.size > k:
        kth = np.partition(s, cand.size - k)[cand.size - k]
        keep = s >= kth
        cand, s = cand[keep], s[keep]
    order = np.lexsort((np.asarray([ids[c] for c in cand]), -s))[:k]
    return [(int(cand[i]), float(s[i])) for i in order]


def _pick(result: dict, row: int, weights: dict) -> dict:
    return {"score": float(result["score"][row]), "raw": float(result["raw"][row]), "hub": float(result["hub"][row]),
            "parts": {p: float(result["parts"][p][row]) for p in PARTS},
            "present": {p: float(np.asarray(result["present"][p])[row] if np.ndim(result["present"][p])
                                 else result["present"][p]) for p in PARTS},
            "weights": weights}


def rank_employees(self, need: NeedDoc | str, *, k: int = 10, exclude: Iterable[str] = (), explain: bool = True) -> list:
    """Top-k employees for a need (stored id or a NeedDoc), after the hard filters."""
    from .explain import explain_pair
    from .model import Suggestion
    doc, row = self._resolve(need, NeedDoc)
    if self.employees_.n_rows == 0:
        return []
    q = self._query(doc)
    result = _need_vs_employees(self, q, row)
    mask = employee_mask(self.employees_.attrs, {**q.attrs, "remote": doc.is_remote}, self.employees_.positions, exclude)
    out = []
    for j, score in top_k(result["score"], mask, self.employees_.ids, k):
        emp = self.employee_docs_[self.employees_.ids[j]]
        expl = explain_pair(self, doc, emp, _pick(result, j, _weights(self))) if explain else None
        out.append(Suggestion(emp.id, score, expl))
    return out


def rank_needs(self, employee: EmployeeDoc | str, *, k: int = 10, exclude: Iterable[str] = (), explain: bool = True) -> list:
    """Top-k open needs for an employee (stored id or an EmployeeDoc), after the hard filters."""
    from .explain import explain_pair
    from .model import Suggestion
    doc, row = self._resolve(employee, EmployeeDoc)
    if self.needs_.n_rows == 0:
        return []
    q = self._query(doc)
    result = _employee_vs_needs(self, q, row)
    mask = need_mask(self.needs_.attrs, q.attrs, self.needs_.positions, exclude)
    out = []
    for i, score in top_k(result["score"], mask, self.needs_.ids, k):
        need = self.need_docs_[self.needs_.ids[i]]
        expl = explain_pair(self, need, doc, _pick(result, i, _weights(self))) if explain else None
        out.append(Suggestion(need.id, score, expl))
    return out


def score_pair(self, need: NeedDoc | str, employee: EmployeeDoc | str):
    """Score and explanation of one pair (at least one side must be stored), filters not applied."""
    from .explain import explain_pair
    from .model import Suggestion
    need_doc, need_row = self._resolve(need, NeedDoc)
    emp_doc, emp_row = self._resolve(employee, EmployeeDoc)
    if emp_row is not None:
        result, row = _need_vs_employees(self, self._query(need_doc), need_row), emp_row
    elif need_row is not None:
        result, row = _employee_vs_needs(self, self._query(emp_doc), None), need_row
    else:
        raise ValueError("score_pair needs a stored need or a stored employee")
    values = _pick(result, row, _weights(self))
    return Suggestion(emp_doc.id, values["score"], explain_pair(self, need_doc, emp_doc, values))
