"""Scoring a batch of documents against the other pool, and top-k selection.

Plain functions over explicit arguments; :class:`~empathy.matching.model.SkillMatcher` calls them
with its fitted pools. A result dict holds (queries x pool) arrays, or arrays that broadcast to it:
``raw`` text similarities, ``hub`` corrections, ``parts`` and ``present`` per part, and ``score``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from . import calibration, scoring
from .documents import EmployeeDoc, NeedDoc, Suggestion
from .encoding import Queries
from .filters import employee_mask, need_mask
from .pool import Pool

PARTS = ("text", "skills", "cause", "language")
# The plain values of one pair (see :func:`gather`).
VALUES = ("score", "raw", "hub", "base", "must_factor", "bonus")

# Score matrices of a batch are cut into pieces of about this many cells (float32: 8 MB), so memory
# stays flat whatever the number of queries.
BATCH_CELLS = 2_000_000
# The free-text skill matches kept across the needs of a batch: at most this many cells (16 MB), oldest
# out first (the whole batch's at once took 80 MB at 100,000 profiles).
SKILL_CACHE_CELLS = 2 * BATCH_CELLS


def batch_size(n_pool: int) -> int:
    """Queries per slice against a pool of ``n_pool`` rows (at least 1)."""
    return max(1, BATCH_CELLS // n_pool)


def need_vs_employees(q: Queries, pool: Pool, raw: np.ndarray, hub: np.ndarray, weights: dict[str, float],
                      cache: dict | None = None) -> dict:
    """Every part of the score of a batch of needs (rows) against every employee of ``pool`` (columns).

    ``raw`` is (needs x pool) text similarity, ``hub`` its hubness correction (broadcastable).
    The skill part is the weighted mean match of each need's skills; it is present in proportion
    to the share of the need's skill weight the taxonomy knows.
    """
    rows = q.extra["skills"]
    n_q = raw.shape[0]
    wsum = np.bincount(rows.owner, weights=rows.weight, minlength=n_q)
    skills, missing, short = np.zeros_like(raw), None, np.zeros((1, 1), bool)
    if wsum.sum() > 0:
        skills, missing, short = need_skill_part(pool, rows, n_q, wsum, cache)
    parts = {"text": scoring.soft_clip(raw + hub), "skills": skills,
             "cause": scoring.set_match(q.attrs["cause"], pool.attrs["causes"]),
             "language": scoring.set_match(q.attrs["languages"], pool.attrs["languages"])}
    # The skill part weighs less when the taxonomy knows few of the need's skills.
    full = q.attrs["skill_full"]
    present = {"text": np.ones((n_q, 1), bool),
               "skills": np.where(full > 0, wsum / np.maximum(full, scoring.EPS), 0.0)[:, None],
               "cause": (q.attrs["cause"] != 0)[:, None], "language": (q.attrs["languages"] != 0)[:, None]}
    return {"raw": raw, "hub": hub, "parts": parts, "present": present, "short_must": short,
            **scoring.whole_score(parts, present, missing, weights)}


def need_skill_part(pool: Pool, rows, n_q: int, wsum: np.ndarray, cache: dict | None
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted mean match of each need's skills against every employee, the must-haves each misses, and
    whether any must-have at all falls short.

    The first two are (n_q x pool) float32; a must-have is missing below ``scoring.MATCHED`` (not held, held
    below the minimum level, or a free-text skill the profile does not echo). The third is (n_q x pool)
    bool: some must-have, free-text ones included whatever ``scoring.PENALISE_FREE_TEXT``, matches below
    ``scoring.MATCHED`` (a related skill's credit always does); it caps the band (``calibration``).

    ``rows`` are the needs' :class:`~empathy.matching.features.NeedSkillRows`, ``wsum`` each need's
    sum of skill weights. ``cache`` keeps the text match of each distinct skill text across the
    slices of a batch: the same skills recur in many needs (None: nothing kept, for one need).
    """
    live = np.flatnonzero(rows.weight > 0)
    keys = [rows.text[i] for i in live]
    canon, min_level, owner_of = rows.canon[live], rows.min_level[live], rows.owner[live]
    held = None
    known = np.flatnonzero(canon >= 0)
    if known.size:
        # Holding the canonical skill decides by level; text similarity only stands in otherwise.
        pick = sp.csr_matrix((np.ones(known.size, np.float32), (known, canon[known])),
                             shape=(live.size, pool.mats["levels"].n_features))
        held = pool.mats["levels"].dot_sparse(pick).tocsr()  # row r: the pool's levels of skill live[r]
    weights = (rows.weight[live] / np.maximum(wsum[owner_of], scoring.EPS)).astype(np.float32)
    any_must = rows.must[live]
    is_must = any_must & (scoring.PENALISE_FREE_TEXT | (canon >= 0))
    free = pool.attrs["free_skills"][None, :]
    skills = np.zeros((n_q, pool.n_rows), np.float32)
    missing = np.zeros((n_q, pool.n_rows), np.float32)
    short = np.zeros((n_q, pool.n_rows), bool)
    order = np.argsort(owner_of, kind="stable")
    bounds = np.searchsorted(owner_of[order], np.arange(n_q + 1))
    # One need at a time: the matches of a batch's skills at once were hundreds of rows of the pool.
    for i in range(n_q):
        js = order[bounds[i] : bounds[i + 1]]
        if js.size == 0:
            continue
        texts = [keys[j] for j in js]
        have = {t: cache[t] for t in texts if t in cache} if cache else {}  # before new ones push them out
        todo = {t: live[j] for t, j in zip(texts, js) if t not in have}
        fresh, by_text = _text_matches(pool, rows, todo, cache)
        if not have and list(todo) == texts:
            match = fresh  # the product's own rows, in the skills' order (the cache holds copies)
        else:
            have.update(by_text)
            match = np.stack([have[t] for t in texts])
        # A skill the taxonomy knows is matched by the taxonomy (the skill, or a related one) for whoever holds
        # only skills it knows: "Carbon accounting" is not "Accounting" however alike the words. Text
        # similarity stands in only for people who typed skills of their own.
        match[canon[js] >= 0] *= free
        related = _related_need_side(pool, rows, live[js], match)
        if held is not None:
            for r, j in enumerate(js):
                lo, hi = held.indptr[j], held.indptr[j + 1]
                if hi > lo:
                    match[r, held.indices[lo:hi]] = scoring.level_match(held.data[lo:hi], min_level[j])
                    if related is not None:
                        related[r, held.indices[lo:hi]] = False
        # The weighted sum in skill order, as one sparse product (the same floats as for the whole batch).
        w = sp.csr_matrix((weights[js], (np.zeros(js.size, np.int64), np.arange(js.size))), shape=(1, js.size))
        skills[i] = np.asarray(w @ match, dtype=np.float32)[0]
        musts = np.flatnonzero(is_must[js])
        if musts.size:  # sums of 1 and RELATED_MISSING per must-have: exact in any order
            missing[i] = _missing_weight(match[musts], None if related is None else related[musts]).sum(axis=0)
        shorts = np.flatnonzero(any_must[js])
        if shorts.size:
            short[i] = (match[shorts] < np.float32(scoring.MATCHED)).any(axis=0)
    return skills, missing, short


def _text_matches(pool: Pool, rows, todo: dict[str, int], cache: dict | None
                  ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Free-text matches against the pool of skill texts (``todo``: text -> its row of ``rows.char``), by
    one product: (len(todo) x pool) float32, and the same rows by text. Copies are kept in ``cache`` (oldest
    out first) within ``SKILL_CACHE_CELLS``; None keeps nothing."""
    if not todo:
        return np.zeros((0, pool.n_rows), np.float32), {}
    values = scoring.free_text_match(pool.mats["skill"].dot(rows.char[list(todo.values())]), in_place=True)
    fresh = dict(zip(todo, values))
    if cache is None:
        return values, fresh
    room = SKILL_CACHE_CELLS // max(pool.n_rows, 1)
    while cache and len(cache) + len(fresh) > room:
        cache.pop(next(iter(cache)))
    if len(fresh) <= room:  # copies: a kept row must not hold its whole product alive
        cache.update((t, v.copy()) for t, v in fresh.items())
    return values, fresh


def _missing_weight(match: np.ndarray, related: np.ndarray | None) -> np.ndarray:
    """How much of a missing must-have each cell is: 1 below MATCHED, RELATED_MISSING when only a related
    skill answers it, 0 when matched (float32, ``match``'s shape)."""
    out = (match < scoring.MATCHED).astype(np.float32)
    if related is not None:
        out[related & (out > 0)] = np.float32(scoring.RELATED_MISSING)
    return out


def _related_need_side(pool: Pool, rows, live: np.ndarray, match: np.ndarray) -> np.ndarray | None:
    """Raise ``match`` (live skill rows x pool, in place) to the credit of a held related skill where that is
    more; returns where it did (bool, same shape), or None when no skill of the batch has a related one."""
    pos = np.full(rows.weight.size, -1, np.int64)
    pos[live] = np.arange(live.size)
    keep = pos[rows.related_row] >= 0 if rows.related_row.size else np.zeros(0, bool)
    if not keep.any():
        return None
    pair_row, pair_canon = pos[rows.related_row[keep]], rows.related_canon[keep]
    pick = sp.csr_matrix((np.ones(pair_row.size, np.float32), (np.arange(pair_row.size), pair_canon)),
                         shape=(pair_row.size, pool.mats["levels"].n_features))
    held = pool.mats["levels"].dot_sparse(pick).tocoo()
    related = np.zeros(match.shape, bool)
    if held.nnz == 0:
        return related
    best = np.zeros(match.shape, np.float32)
    np.maximum.at(best, (pair_row[held.row], held.col),
                  scoring.related_match(held.data, rows.min_level[live][pair_row[held.row]]))
    related[...] = best > match
    np.maximum(match, best, out=match)
    return related


def employee_vs_needs(q: Queries, pool: Pool, need_skills: dict, raw: np.ndarray, hub: np.ndarray,
                      weights: dict[str, float]) -> dict:
    """Every part of the score of a batch of employees (rows) against every need of ``pool`` (columns).

    ``need_skills`` is the stored needs' skill rows (see ``encoding.need_skill_store``); ``raw``
    and ``hub`` as in :func:`need_vs_employees`.
    """
    ns = need_skills
    levels = q.extra["levels"].toarray()
    match = scoring.free_text_match(ns["char"].dot(q.extra["skill"]))
    match = np.where((ns["canon"] >= 0)[None, :] & ~q.attrs["free_skills"][:, None], np.float32(0.0), match)
    held = np.where(ns["canon"] >= 0, levels[:, np.maximum(ns["canon"], 0)], 0.0)
    related = None
    if ns.get("related_row") is not None and ns["related_row"].size:
        # The best credit of a held related skill per need skill row (queries x skill rows).
        credit = scoring.related_match(levels[:, ns["related_canon"]], ns["min_level"][ns["related_row"]][None, :])
        best = np.zeros((match.shape[1], match.shape[0]), np.float32)
        np.maximum.at(best, ns["related_row"], credit.T)
        related = (best.T > match) & (held <= 0)
        match = np.where(related, best.T, match)
    match = np.where(held > 0, scoring.level_match(held, ns["min_level"][None, :]), match)
    owner = sp.csr_matrix((ns["weight"], (np.arange(ns["owner"].size), ns["owner"])),
                          shape=(ns["owner"].size, pool.n_rows))
    num = np.asarray((owner.T @ match.T).T, dtype=np.float32)
    musts = np.flatnonzero(ns["must"] & (ns["weight"] > 0) & (scoring.PENALISE_FREE_TEXT | (ns["canon"] >= 0)))
    must = sp.csr_matrix((np.ones(musts.size, np.float32), (np.arange(musts.size), ns["owner"][musts])),
                         shape=(musts.size, pool.n_rows))
    weight = _missing_weight(match[:, musts], None if related is None else related[:, musts])
    missing = np.asarray((must.T @ weight.T).T, dtype=np.float32)
    # Any must-have below MATCHED, free-text ones included (see need_skill_part): it caps the band.
    all_musts = np.flatnonzero(ns["must"] & (ns["weight"] > 0))
    below = sp.csr_matrix((np.ones(all_musts.size, np.float32), (np.arange(all_musts.size), ns["owner"][all_musts])),
                          shape=(all_musts.size, pool.n_rows))
    short = np.asarray((below.T @ (match[:, all_musts] < np.float32(scoring.MATCHED)).T.astype(np.float32)).T) > 0
    den = pool.attrs["skill_weight"]
    parts = {"text": scoring.soft_clip(raw + hub), "skills": num / np.maximum(den, scoring.EPS).astype(np.float32)}
    present = {"text": np.ones((1, pool.n_rows), bool),
               "skills": (den / np.maximum(pool.attrs["skill_full"], scoring.EPS))[None, :]}
    for name, column, qcol in (("cause", "cause", "causes"), ("language", "languages", "languages")):
        bits = q.attrs[qcol][:, None]
        shared = (pool.attrs[column][None, :] & bits) != 0
        parts[name] = np.where(shared, 1.0, np.where(bits == 0, scoring.NEUTRAL, 0.0)).astype(np.float32)
        present[name] = (pool.attrs[column] != 0)[None, :]
    return {"raw": raw, "hub": hub, "parts": parts, "present": present, "short_must": short,
            **scoring.whole_score(parts, present, missing, weights)}


def top_k(scores: np.ndarray, mask: np.ndarray, ids: list[str], k: int) -> list[tuple[int, float]]:
    """Best ``k`` (row, score) of ``scores`` (pool,) under boolean ``mask``, by score then ascending id."""
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


def pick(result: dict, i: int, j: int, weights: dict[str, float]) -> dict:
    """The values of one (query ``i``, pool row ``j``) pair of a result, as plain floats."""
    return pick_rows(result, i, [j], weights)[0]


def pick_rows(result: dict, i: int, rows: Sequence[int], weights: dict[str, float]) -> list[dict]:
    """:func:`pick` of query ``i`` against each pool row of ``rows``, in order (one gather per array)."""
    return values_at(gather(result, i, rows), range(len(rows)), weights)


def gather(result: dict, i: int, rows: Sequence[int]) -> dict[str, np.ndarray]:
    """The values of query ``i`` at pool ``rows`` of a result: one float64 array (len(rows),) per value,
    keyed ``score``, ``raw``, ``hub``, ``base``, ``must_factor``, ``bonus``, ``short_must`` (1.0 when a
    must-have falls short, see :func:`need_skill_part`), ``part:<p>`` and ``present:<p>``."""
    cols = np.asarray(rows, dtype=np.int64)

    def at(a) -> np.ndarray:
        a = np.asarray(a)
        row = a[min(i, a.shape[0] - 1)]
        return (row[cols] if row.shape[0] > 1 else np.repeat(row[:1], cols.size)).astype(np.float64)
    out = {key: at(result[key]) for key in (*VALUES, "short_must")}
    out.update({f"part:{p}": at(result["parts"][p]) for p in PARTS})
    out.update({f"present:{p}": at(result["present"][p]) for p in PARTS})
    return out


def values_at(gathered: dict[str, np.ndarray], positions: Iterable[int], weights: dict[str, float]) -> list[dict]:
    """:func:`pick`-shaped dicts of the given positions of a :func:`gather` result."""
    out = []
    for n in positions:
        v = {key: float(a[n]) for key, a in gathered.items()}
        out.append({**{key: v[key] for key in VALUES}, "short_must": v["short_must"] > 0,
                    "parts": {p: v[f"part:{p}"] for p in PARTS}, "present": {p: v[f"present:{p}"] for p in PARTS},
                    "weights": weights})
    return out


def ranked_rows(result: dict, q: Queries, pool: Pool, docs: dict, kind: type, k: int, exclude: Sequence[str],
                weights: dict[str, float],
                explain: Callable[[list[tuple[NeedDoc, EmployeeDoc]], list[dict], list[int]], list[dict]] | None,
                references: Callable[[int, list[int]], np.ndarray]) -> list[list[Suggestion]]:
    """Top-``k`` suggestions of each query of a scored batch, after the hard filters.

    ``kind`` is the query side (NeedDoc: the pool holds employees); ``docs`` the pool's documents
    by id; ``explain(pairs, values, pool_rows)`` builds the explanations of a query's (need,
    employee) pairs at once (None: no explanations);
    ``references(i, rows)`` gives ``(reference score of each pair, calibration side)``: the need's
    reference (``scoring.reference``, side "need") when needs are the queries; the employee's own
    (``employee_reference_pool``, side "employee") when employees are, or the needs' when the
    employee's pool is too small (``scoring.EMPLOYEE_MIN_POOL``).
    """
    out = []
    for i, doc in enumerate(q.docs):
        attrs = {key: value[i] for key, value in q.attrs.items()}
        if kind is NeedDoc:
            mask = employee_mask(pool.attrs, {**attrs, "remote": doc.is_remote}, pool.positions, exclude)
        else:
            mask = need_mask(pool.attrs, attrs, pool.positions, exclude)
        top = top_k(result["score"][i], mask, pool.ids, k)
        expls = [None] * len(top)
        if explain is not None and top:
            rows = [j for j, _ in top]
            others = [docs[pool.ids[j]] for j in rows]
            pairs = [(doc, other) if kind is NeedDoc else (other, doc) for other in others]
            expls = explain(pairs, pick_rows(result, i, rows, weights), rows)
        rows = [j for j, _ in top]
        refs, side = references(i, rows)
        out.append(calibration.suggestions([pool.ids[j] for j in rows], [s for _, s in top], refs, expls,
                                           side=side, short_must=_row_values(result["short_must"], i, rows)))
    return out


def _row_values(a, i: int, rows: list[int]) -> np.ndarray:
    """Values of query ``i`` at pool ``rows`` of one (queries x pool, or broadcastable) array of a result."""
    row = np.asarray(a)[min(i, np.shape(a)[0] - 1)]
    return row[rows] if row.shape[0] > 1 else np.repeat(row[:1], len(rows))


def reference_pool(pool: Pool) -> np.ndarray:
    """Employees a need's reference score is taken over: live, active and suggestible (pool,) bool."""
    return pool.attrs["alive"] & pool.attrs["active"] & pool.attrs["suggestible"]


def employee_reference_pool(pool: Pool, employee_attrs: dict) -> np.ndarray:
    """Needs an employee's reference score is taken over: (pool,) bool.

    The open needs the person's hard filters (site, days) let through, exclusions left out, so that
    ranking and explaining read the same reference: "how this need compares with the needs you could
    join", as the calibration's simulated pools are. All live open needs when none passes (an
    inactive or unsuggestible person).
    """
    mask = need_mask(pool.attrs, employee_attrs, pool.positions)
    return mask if mask.any() else pool.attrs["alive"] & pool.attrs["active"]


