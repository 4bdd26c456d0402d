"""Scoring one document against the other pool, and top-k selection (methods of SkillMatcher)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from . import scoring
from .documents import EmployeeDoc, NeedDoc
from .filters import employee_mask, need_mask

PARTS = ("text", "skills", "cause", "language")


def _weights(self) -> dict[str, float]:
    return {"text": self.text_weight, "skills": self.skill_weight, "cause": self.cause_weight,
            "language": self.language_weight}


# Score matrices of a batch are cut into pieces of about this many cells (memory stays flat).
_BATCH_CELLS = 2_000_000


def _need_vs_employees(self, q, need_rows: list[int | None], cache: dict | None = None) -> dict:
    """Every part of the score of a batch of needs (rows) against every employee (columns)."""
    pool = self.employees_
    raw = self._text_sims(q.weighted, pool)
    log_u = np.array([self.needs_.attrs["log_scaling"][r] if r is not None else self._new_log_scaling(raw[i], pool, 0)
                      for i, r in enumerate(need_rows)])
    hub = self._hub(log_u[:, None], pool.attrs["log_scaling"][None, :]) if self.hubness else np.zeros((1, 1), np.float32)
    rows = q.extra["skills"]
    n_q = raw.shape[0]
    wsum = np.bincount(rows.owner, weights=rows.weight, minlength=n_q)
    skills = np.zeros_like(raw)
    if wsum.sum() > 0:
        skills = _need_skill_part(pool, rows, n_q, wsum, {} if cache is None else cache)
    parts = {"text": scoring.soft_clip(raw + hub), "skills": skills,
             "cause": scoring.set_match(q.attrs["cause"], pool.attrs["causes"]),
             "language": scoring.set_match(q.attrs["languages"], pool.attrs["languages"])}
    # The skill part weighs less when the taxonomy knows few of the need's skills.
    full = q.attrs["skill_full"]
    present = {"text": np.ones((n_q, 1), bool), "skills": np.where(full > 0, wsum / np.maximum(full, 1e-9), 0.0)[:, None],
               "cause": (q.attrs["cause"] != 0)[:, None], "language": (q.attrs["languages"] != 0)[:, None]}
    return {"raw": raw, "hub": hub, "parts": parts, "present": present,
            "score": scoring.combine(parts, present, _weights(self))}


def _need_skill_part(pool, rows, n_q: int, wsum: np.ndarray, cache: dict) -> np.ndarray:
    """Weighted mean match of each need's skills against every employee.

    ``cache`` keeps the text match of each distinct skill text across the slices of a batch:
    the same skills recur in many needs.
    """
    live = np.flatnonzero(rows.weight > 0)
    keys = [rows.text[i] for i in live]
    missing = {k: i for i, k in zip(live, keys) if k not in cache}
    if (len(cache) + len(missing)) * pool.n_rows > _BATCH_CELLS * 8:
        cache.clear()
        missing = {k: i for i, k in zip(live, keys)}
    if missing:
        values = scoring.free_text_match(pool.mats["skill"].dot(rows.char[list(missing.values())]))
        cache.update(zip(missing, values))
    match = np.stack([cache[k] for k in keys])
    canon, min_level = rows.canon[live], rows.min_level[live]
    known = np.flatnonzero(canon >= 0)
    if known.size:
        # Holding the canonical skill decides by level; text similarity only stands in otherwise.
        pick = sp.csr_matrix((np.ones(known.size, np.float32), (known, canon[known])),
                             shape=(live.size, pool.mats["levels"].n_features))
        held = pool.mats["levels"].dot_sparse(pick).tocoo()
        match[held.row, held.col] = scoring.level_match(held.data, min_level[held.row])
    owner = sp.csr_matrix((rows.weight[live] / np.maximum(wsum[rows.owner[live]], 1e-9),
                           (rows.owner[live], np.arange(live.size))), shape=(n_q, live.size), dtype=np.float32)
    return np.asarray(owner @ match, dtype=np.float32)


def _employee_vs_needs(self, q, employee_rows: list[int | None]) -> dict:
    """Every part of the score of a batch of employees (rows) against every need (columns)."""
    pool, ns = self.needs_, self.need_skills_
    raw = self._text_sims(q.weighted, pool)
    log_v = np.array([self.employees_.attrs["log_scaling"][r] if r is not None
                      else self._new_log_scaling(raw[i], pool, 1) for i, r in enumerate(employee_rows)])
    hub = self._hub(pool.attrs["log_scaling"][None, :], log_v[:, None]) if self.hubness else np.zeros((1, 1), np.float32)
    levels = q.extra["levels"].toarray()
    match = scoring.free_text_match(ns["char"].dot(q.extra["skill"]))
    held = np.where(ns["canon"] >= 0, levels[:, np.maximum(ns["canon"], 0)], 0.0)
    match = np.where(held > 0, scoring.level_match(held, ns["min_level"][None, :]), match)
    owner = sp.csr_matrix((ns["weight"], (np.arange(ns["owner"].size), ns["owner"])),
                          shape=(ns["owner"].size, pool.n_rows))
    num = np.asarray((owner.T @ match.T).T, dtype=np.float32)
    den = pool.attrs["skill_weight"]
    parts = {"text": scoring.soft_clip(raw + hub), "skills": num / np.maximum(den, 1e-9).astype(np.float32)}
    present = {"text": np.ones((1, pool.n_rows), bool),
               "skills": (den / np.maximum(pool.attrs["skill_full"], 1e-9))[None, :]}
    for name, column, qcol in (("cause", "cause", "causes"), ("language", "languages", "languages")):
        bits = q.attrs[qcol][:, None]
        shared = (pool.attrs[column][None, :] & bits) != 0
        parts[name] = np.where(shared, 1.0, np.where(bits == 0, 0.5, 0.0)).astype(np.float32)
        present[name] = (pool.attrs[column] != 0)[None, :]
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


def _pick(result: dict, i: int, j: int, weights: dict) -> dict:
    def at(a):
        a = np.asarray(a)
        return float(a[min(i, a.shape[0] - 1), min(j, a.shape[1] - 1)])
    return {"score": at(result["score"]), "raw": at(result["raw"]), "hub": at(result["hub"]),
            "parts": {p: at(result["parts"][p]) for p in PARTS},
            "present": {p: at(result["present"][p]) for p in PARTS}, "weights": weights}


def _rank_batch(self, items, kind, k: int, exclude: Iterable[str], explain: bool) -> list[list]:
    from .explain import explain_pair
    from .model import Suggestion
    resolved = [self._resolve(item, kind) for item in items]
    pool = self.employees_ if kind is NeedDoc else self.needs_
    if not resolved or pool.n_rows == 0 or k <= 0:
        return [[] for _ in resolved]
    exclude = list(exclude)
    docs = self.employee_docs_ if kind is NeedDoc else self.need_docs_
    step = max(1, _BATCH_CELLS // pool.n_rows)
    out, cache = [], {}
    for start in range(0, len(resolved), step):
        part = resolved[start : start + step]
        q = self._queries([d for d, _ in part], kind, [r for _, r in part])
        if kind is NeedDoc:
            result = _need_vs_employees(self, q, [r for _, r in part], cache)
        else:
            result = _employee_vs_needs(self, q, [r for _, r in part])
        for i, (doc, _) in enumerate(part):
            attrs = {key: value[i] for key, value in q.attrs.items()}
            if kind is NeedDoc:
                mask = employee_mask(pool.attrs, {**attrs, "remote": doc.is_remote}, pool.positions, exclude)
            else:
                mask = need_mask(pool.attrs, attrs, pool.positions, exclude)
            ranked = []
            for j, score in top_k(result["score"][i], mask, pool.ids, k):
                other = docs[pool.ids[j]]
                pair = (doc, other) if kind is NeedDoc else (other, doc)
                expl = explain_pair(self, *pair, _pick(result, i, j, _weights(self))) if explain else None
                ranked.append(Suggestion(other.id, score, expl))
            out.append(ranked)
    return out


def rank_employees(self, need: NeedDoc | str, *, k: int = 10, exclude: Iterable[str] = (), explain: bool = True) -> list:
    """Top-k employees for a need (stored id or a NeedDoc), after the hard filters."""
    return _rank_batch(self, [need], NeedDoc, k, exclude, explain)[0]


def rank_employees_batch(self, needs: Sequence[NeedDoc | str], *, k: int = 10, exclude: Iterable[str] = (),
                         explain: bool = False) -> list[list]:
    """Top-k employees for each of many needs at once (one sparse product per slice of needs)."""
    return _rank_batch(self, list(needs), NeedDoc, k, exclude, explain)


def rank_needs(self, employee: EmployeeDoc | str, *, k: int = 10, exclude: Iterable[str] = (), explain: bool = True) -> list:
    """Top-k open needs for an employee (stored id or an EmployeeDoc), after the hard filters."""
    return _rank_batch(self, [employee], EmployeeDoc, k, exclude, explain)[0]


def rank_needs_batch(self, employees: Sequence[EmployeeDoc | str], *, k: int = 10, exclude: Iterable[str] = (),
                     explain: bool = False) -> list[list]:
    """Top-k open needs for each of many employees at once."""
    return _rank_batch(self, list(employees), EmployeeDoc, k, exclude, explain)


def score_pair(self, need: NeedDoc | str, employee: EmployeeDoc | str):
    """Score and explanation of one pair (at least one side must be stored), filters not applied."""
    from .explain import explain_pair
    from .model import Suggestion
    need_doc, need_row = self._resolve(need, NeedDoc)
    emp_doc, emp_row = self._resolve(employee, EmployeeDoc)
    if emp_row is not None:
        result, row = _need_vs_employees(self, self._queries([need_doc], NeedDoc, [need_row]), [need_row]), emp_row
    elif need_row is not None:
        result, row = _employee_vs_needs(self, self._queries([emp_doc], EmployeeDoc), [None]), need_row
    else:
        raise ValueError("score_pair needs a stored need or a stored employee")
    values = _pick(result, 0, row, _weights(self))
    return Suggestion(emp_doc.id, values["score"], explain_pair(self, need_doc, emp_doc, values))
