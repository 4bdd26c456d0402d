"""Vectorised parts of the score: skill levels, free-text skills, causes and languages, and their mean.

Every part is a float32 array in [0, 1]. The constants below are design choices of this engine
(no external source); each comment says what the value guarantees.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable

import numpy as np

from .documents import LEVELS

# ---- canonical skills held at a level (documents.LEVELS: 1 beginner .. 4 expert)
TOP_LEVEL = float(max(LEVELS))
# No minimum asked: a beginner scores this, an expert 1. Above MATCHED, so any holder counts as matched.
NO_MIN_FLOOR = 0.6
# Minimum met: exactly the minimum scores this, an expert 1. Above every score below the minimum (< 0.5),
# so whoever meets the minimum outranks whoever does not on this skill.
MEETS_FLOOR = 0.9
# Minimum not met: this times level / min_level, i.e. under 0.5 and under MATCHED (the skill is listed as
# missing), yet more than not holding the skill at all (0).
BELOW_MIN_CEILING = 0.5

# ---- related skills (Taxonomy.related): a need's skill not held, but a skill related to it is.
# Credit: this times the level match the related skill would earn. Below MATCHED (.5) even for an expert:
# a related skill is partial evidence, listed apart from matched skills and never "the same skill".
RELATED_CREDIT = 0.45
# A must-have answered only by a related skill counts as this much of a missing one in the must-have
# penalty (1 when nothing answers it). It was 0.5: at half the penalty of a must-have held below its level,
# a related skill at some level outscored the asked skill at the same level (a related skill earns its
# partial credit in the skill part; the must-have is still not held).
RELATED_MISSING = 1.0


# ---- free-text skills
# A typed skill that equals one of several skills on a profile reaches a cosine of about
# 0.3-0.5 against the whole skill field; doubling maps that to a clear match.
FREE_TEXT_GAIN = 2.0
# A skill counts as "matched" in explanations at this match value.
MATCHED = 0.5

# ---- text similarity
# soft_clip is the identity on [margin, 1 - margin]; text similarities of real pairs lie there, and the
# exponential tails outside keep their order (hard clipping would tie them) without leaving (0, 1).
SOFT_CLIP_MARGIN = 0.05

# ---- causes and languages
# The employee gave no cause (or language): neither a match (1) nor a mismatch (0).
NEUTRAL = 0.5
# Bit sets are int64; the sign bit stays unused so that every set is a non-negative number.
N_BITS = 63

# Guards divisions by a sum of weights that may be 0; far below any real weight.
EPS = 1e-9


def level_match(level: np.ndarray, min_level: np.ndarray | float) -> np.ndarray:
    """Match in [0, 1] of a canonical skill held at ``level`` (0 = not held) against ``min_level`` (0 = none).

    ``level`` and ``min_level`` broadcast; the result has ``level``'s shape, float32. With ``L`` the
    top level (4) and ``m`` the minimum:
    no minimum: ``NO_MIN_FLOOR + (1 - NO_MIN_FLOOR) * (level - 1) / (L - 1)``;
    ``level >= m``: ``MEETS_FLOOR + (1 - MEETS_FLOOR) * (level - m) / max(L - m, 1)``;
    ``level < m``: ``BELOW_MIN_CEILING * level / m``; not held: 0. Higher levels always score higher.
    """
    level = np.asarray(level, dtype=np.float32)
    m = np.broadcast_to(np.asarray(min_level, dtype=np.float32), level.shape)
    no_min = NO_MIN_FLOOR + (1.0 - NO_MIN_FLOOR) * (level - 1.0) / (TOP_LEVEL - 1.0)
    meets = MEETS_FLOOR + (1.0 - MEETS_FLOOR) * (level - m) / np.maximum(TOP_LEVEL - m, 1.0)
    below = BELOW_MIN_CEILING * level / np.maximum(m, 1.0)
    out = np.where(m <= 0, no_min, np.where(level >= m, meets, below))
    return np.where(level > 0, np.clip(out, 0.0, 1.0), 0.0).astype(np.float32)


def related_match(level: np.ndarray, min_level: np.ndarray | float) -> np.ndarray:
    """Credit in [0, RELATED_CREDIT] of holding a skill related to the one asked, at ``level`` (float32)."""
    return (np.float32(RELATED_CREDIT) * level_match(level, min_level)).astype(np.float32)


def soft_clip(x: np.ndarray, margin: float = SOFT_CLIP_MARGIN) -> np.ndarray:
    """Map any array into (0, 1), float32, same shape; identity on [margin, 1 - margin], strictly increasing.

    Below ``margin``: ``margin * exp((x - margin) / margin)``; above ``1 - margin``:
    ``1 - margin * exp(-(x - (1 - margin)) / margin)`` (both tangent to the identity where they meet).
    """
    x = np.asarray(x, dtype=np.float32)
    out = np.minimum(x, np.float32(margin))
    out -= np.float32(margin)
    out *= np.float32(1.0 / margin)
    np.exp(out, out=out)
    out *= np.float32(margin)
    # m * exp((x - m) / m) >= x everywhere (convex, tangent at m), so the max picks the right branch.
    np.maximum(out, x, out=out)
    high = np.flatnonzero(x.ravel() > 1.0 - margin)
    if high.size:  # rare: similarities near 1
        flat = out.reshape(-1)
        flat[high] = 1.0 - margin * np.exp(-(x.ravel()[high] - (1.0 - margin)) / margin)
    return out


def free_text_match(cosine: np.ndarray, *, in_place: bool = False) -> np.ndarray:
    """Match in [0, 1] of free-text skills from their character cosine: ``min(1, FREE_TEXT_GAIN * max(cos, 0))``.

    With ``in_place`` a float32 ``cosine`` is overwritten and returned (the same floats, no temporaries:
    a batch's matches are hundreds of rows of the whole pool).
    """
    if in_place and isinstance(cosine, np.ndarray) and cosine.dtype == np.float32:
        np.maximum(cosine, np.float32(0.0), out=cosine)
        cosine *= np.float32(FREE_TEXT_GAIN)
        np.minimum(cosine, np.float32(1.0), out=cosine)
        return cosine
    return np.minimum(1.0, FREE_TEXT_GAIN * np.maximum(cosine, 0.0)).astype(np.float32)


def set_match(query_bits: int | np.ndarray, pool_bits: np.ndarray) -> np.ndarray:
    """1 when the bit sets share an element, ``NEUTRAL`` when the pool side gave none, else 0 (float32).

    With one query (an int) the result has ``pool_bits``' shape (pool,). With a vector of query
    bits it is (queries x pool), built from one row per distinct query value; a batch where no
    query gives any is a single broadcastable row (1 x pool).
    """
    base = np.where(pool_bits == 0, NEUTRAL, 0.0).astype(np.float32)
    q = np.asarray(query_bits)
    if q.ndim == 0:
        return np.where((pool_bits & q) != 0, np.float32(1.0), base)
    if not q.any():
        return base[None, :]
    values, inverse = np.unique(q, return_inverse=True)
    table = np.stack([np.where((pool_bits & v) != 0, np.float32(1.0), base) for v in values])
    return table[inverse.ravel()]


def combine(parts: dict[str, np.ndarray], present: dict[str, np.ndarray | bool],
            weights: dict[str, float]) -> np.ndarray:
    """Weighted mean of the parts a need actually specifies: ``sum(w_p * present_p * part_p) / sum(w_p * present_p)``.

    Parts and presences broadcast to one (queries x pool) shape; the result is float32 in [0, 1]
    (0 where no part is present).
    """
    num = None
    den = 0.0
    for name, value in parts.items():
        w = np.float32(weights[name]) * np.asarray(present[name], dtype=np.float32)
        if not np.any(w):
            continue
        term = w * value
        num = term if num is None else np.add(num, term,
                                              out=num if num.shape == np.broadcast(num, term).shape else None)
        den = den + w
    if num is None:
        return np.zeros(np.broadcast(*parts.values()).shape, np.float32)
    num = np.broadcast_to(num, np.broadcast(*parts.values()).shape)
    return np.asarray(num / np.maximum(den, np.float32(EPS)), dtype=np.float32)


# Whether the must-have penalty also counts free-text must-haves the profile does not echo. Off: on
# esco-dev it cost .832 -> .819 recall@10 at penalty .05 (benchmarks/RESULTS.md); a character
# similarity is too loose a test of "has this skill" to penalise on.
PENALISE_FREE_TEXT = False
# The fit reads a score against the need's REFERENCE_RANK-th best employee (see ``reference``).
REFERENCE_RANK = 10
# Whether the reference rank counts past the people who hold every must-have (``SkillMatcher._need_reference_scores``).
REFERENCE_AFTER_COVERING = True
# Needs suggested to an employee are read against the employee's EMPLOYEE_REFERENCE_RANK-th best open
# need instead: a company has tens of open needs, not hundreds, and the 3rd best of a small pool still
# says whether a need stands out (benchmarks/RESULTS.md, "Fit and bands for the employee").
EMPLOYEE_REFERENCE_RANK = 3
# Below this many needs the person could join, their own reference says little (one need is its own
# 3rd best), so those needs are read from the need's side (REFERENCE_RANK, FIT_KNOTS) instead. On
# simulated pools of 5 needs the employee calibration's strong band still held .86 right needs.
EMPLOYEE_MIN_POOL = 5


def reference(scores: np.ndarray, live: np.ndarray, rank: int | np.ndarray = REFERENCE_RANK) -> np.ndarray:
    """Each row's ``rank``-th best score over the ``live`` columns (the lowest when fewer): (rows,) float32.

    ``scores`` is (needs x employees); rows with no live column get 0. ``rank`` is one rank for every row
    or one per row.
    """
    cols = scores if live.all() else scores[:, live]
    n = cols.shape[1]
    if n == 0:
        return np.zeros(scores.shape[0], np.float32)
    ranks = np.minimum(np.broadcast_to(np.asarray(rank, np.int64), (scores.shape[0],)), n)
    out = np.empty(scores.shape[0], np.float32)
    for k in np.unique(ranks):  # one partition per distinct rank (usually one)
        rows = np.flatnonzero(ranks == k)
        part = cols if rows.size == scores.shape[0] else cols[rows]
        out[rows] = np.partition(part, n - k, axis=1)[:, n - k]
    return out


def covering(must_factor: np.ndarray, has_musts: np.ndarray, live: np.ndarray) -> np.ndarray:
    """Per need row, how many ``live`` people hold every must-have the taxonomy knows at the asked level: (rows,) int.

    ``must_factor`` is ``whole_score``'s (needs x pool, or broadcastable); rows without such a must-have
    (``has_musts`` False) count 0.
    """
    factor = np.broadcast_to(must_factor, (has_musts.shape[0], live.shape[0]))
    full = np.count_nonzero((factor >= np.float32(1.0 - 1e-6)) & live, axis=1)  # no copy of the live columns
    return np.where(has_musts, full, 0).astype(np.int64)


def must_factor(missing_must: np.ndarray, penalty: float) -> np.ndarray:
    """``(1 - penalty) ** missing_must`` as float32, ``missing_must``'s shape.

    A count of whole must-haves (``RELATED_MISSING`` is 1) reads its power from a table of the counts that
    occur, where the elementwise power cost 1.5 ms over 1,000,000 profiles; both give the same floats.
    """
    base = np.float32(1.0 - penalty)
    missing_must = np.asarray(missing_must, dtype=np.float32)
    top = float(missing_must.max(initial=0.0))
    if float(RELATED_MISSING).is_integer() and top < 256 and missing_must.min(initial=0.0) >= 0:
        table = np.power(base, np.arange(int(top) + 1, dtype=np.float32)).astype(np.float32)
        return table[missing_must.astype(np.intp)]
    return np.power(base, missing_must).astype(np.float32)


def whole_score(parts: dict[str, np.ndarray], present: dict[str, np.ndarray | bool], missing_must: np.ndarray | None,
                weights: dict[str, float]) -> dict[str, np.ndarray]:
    """The score that ranks the specialty first, and its pieces (each broadcasting to queries x pool).

    ``base = combine(text, skills) * (1 - must_penalty) ** missing_must``: the specialty decides.
    ``interest = combine(cause, language)`` (0 where the need asks neither) only re-orders
    people of comparable fit: ``score = min(1, base + tie_break * interest)``, the bonus going only to
    people who miss no must-have (``missing_must`` 0). ``tie_break`` is a
    small fraction of the typical spread of the top ten's base scores (see ``SkillMatcher``), so the
    bonus swaps near-ties only. It depends on the pair alone: a pair scores the same both ways.
    ``weights`` holds the part weights plus ``must_penalty`` and ``tie_break``.
    """
    base = combine({p: parts[p] for p in ("text", "skills")}, present, weights)
    factor = np.ones((1, 1), np.float32)
    if missing_must is not None and weights["must_penalty"] > 0:
        factor = must_factor(missing_must, weights["must_penalty"])
        base = base * factor
    interest = combine({p: parts[p] for p in ("cause", "language")}, present, weights)
    bonus = np.float32(weights["tie_break"]) * interest
    if missing_must is not None:
        # Cause and language re-order only people who hold every must-have the taxonomy knows: a shared
        # cause must never lift someone short of one over a holder of comparable specialty (it lifted a
        # related skill's holder over the asked skill's, demo village PV training).
        bonus = np.where(missing_must > 0, np.float32(0.0), bonus)
    return {"base": base, "must_factor": factor, "bonus": bonus, "score": np.minimum(base + bonus, np.float32(1.0))}


def bit(value: str, codes: dict[str, int]) -> int:
    """Bit of a cause or language, added to ``codes`` when new.

    The first ``N_BITS`` distinct values get a bit each; later ones share bits (crc32 modulo ``N_BITS``,
    stable across runs), so a set can then match by collision.
    """
    if value not in codes:
        codes[value] = len(codes) if len(codes) < N_BITS else zlib.crc32(value.encode()) % N_BITS
    return 1 << codes[value]


def bits(values: Iterable[str], codes: dict[str, int]) -> int:
    """Bit set (a non-negative int) of values, case-insensitive; blank values are ignored."""
    out = 0
    for v in values:
        v = v.strip().casefold()
        if v:
            out |= bit(v, codes)
    return out
