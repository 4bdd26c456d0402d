"""Vectorised parts of the score and the hubness correction."""
from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

# A typed skill that equals one of several skills on a profile reaches a cosine of about
# 0.3-0.5 against the whole skill field; doubling maps that to a clear match.
FREE_TEXT_GAIN = 2.0
# A skill counts as "matched" in explanations at this match value.
MATCHED = 0.5


def level_match(level: np.ndarray, min_level: np.ndarray | float) -> np.ndarray:
    """Match of a canonical skill held at ``level`` (0 = not held) against a minimum level (0 = none).

    Higher levels always score higher; below the minimum counts partially.
    """
    level = np.asarray(level, dtype=np.float32)
    m = np.broadcast_to(np.asarray(min_level, dtype=np.float32), level.shape)
    no_min = 0.6 + 0.4 * (level - 1.0) / 3.0
    meets = 0.9 + 0.1 * (level - m) / np.maximum(4.0 - m, 1.0)
    below = 0.5 * level / np.maximum(m, 1.0)
    out = np.where(m <= 0, no_min, np.where(level >= m, meets, below))
    return np.where(level > 0, np.clip(out, 0.0, 1.0), 0.0).astype(np.float32)


def soft_clip(x: np.ndarray, margin: float = 0.05) -> np.ndarray:
    """Map into (0, 1), identity on [margin, 1 - margin], strictly increasing (hard clipping would tie)."""
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


def free_text_match(cosine: np.ndarray) -> np.ndarray:
    return np.minimum(1.0, FREE_TEXT_GAIN * np.maximum(cosine, 0.0)).astype(np.float32)


def set_match(query_bits: int | np.ndarray, pool_bits: np.ndarray) -> np.ndarray:
    """1 when the sets share an element, 0.5 when the pool side gave none, else 0.

    With a vector of query bits the result is (queries x pool), built from one row per
    distinct query value; a batch where no query gives any is a single broadcastable row.
    """
    base = np.where(pool_bits == 0, 0.5, 0.0).astype(np.float32)
    q = np.asarray(query_bits)
    if q.ndim == 0:
        return np.where((pool_bits & q) != 0, np.float32(1.0), base)
    if not q.any():
        return base[None, :]
    values, inverse = np.unique(q, return_inverse=True)
    table = np.stack([np.where((pool_bits & v) != 0, np.float32(1.0), base) for v in values])
    return table[inverse.ravel()]


def combine(parts: dict[str, np.ndarray], present: dict[str, np.ndarray | bool], weights: dict[str, float]) -> np.ndarray:
    """Weighted mean of the parts a need actually specifies; stays in [0, 1]."""
    num = None
    den = 0.0
    for name, value in parts.items():
        w = np.float32(weights[name]) * np.asarray(present[name], dtype=np.float32)
        if not np.any(w):
            continue
        term = w * value
        num = term if num is None else np.add(num, term, out=num if num.shape == np.broadcast(num, term).shape else None)
        den = den + w
    if num is None:
        return np.zeros(np.broadcast(*parts.values()).shape, np.float32)
    num = np.broadcast_to(num, np.broadcast(*parts.values()).shape)
    return np.asarray(num / np.maximum(den, np.float32(1e-9)), dtype=np.float32)


def bit(value: str, codes: dict[str, int]) -> int:
    """Bit of a cause or language; past 63 distinct values bits are shared (stable hash)."""
    if value not in codes:
        codes[value] = len(codes) if len(codes) < 63 else zlib.crc32(value.encode()) % 63
    return 1 << codes[value]


def bits(values, codes: dict[str, int]) -> int:
    out = 0
    for v in values:
        v = v.strip().casefold()
        if v:
            out |= bit(v, codes)
    return out


def sparse_topk_pairs(row_sims: Callable[[int, int], np.ndarray], col_sims: Callable[[int, int], np.ndarray],
                      n_rows: int, n_cols: int, k: int, row_chunk: int, col_chunk: int) -> sp.csr_matrix:
    """Keep each row's and each column's k largest similarities (float32, n_rows x n_cols).

    ``row_sims(a, b)`` gives rows a..b against every column, ``col_sims(a, b)`` columns a..b
    against every row: two passes of sparse products, each holding one chunk at a time.
    """
    by_rows = _topk_rows(row_sims, n_rows, n_cols, k, row_chunk)
    by_cols = _topk_rows(col_sims, n_cols, n_rows, k, col_chunk).T.tocsr()
    # A pair kept from both sides has the same value in both, so the union is an elementwise
    # max; shifted by 1 so that kept zero similarities stay stored (their kernel entries count).
    by_rows.data += 1.0
    by_cols.data += 1.0
    out = by_rows.maximum(by_cols).tocsr()
    out.data -= 1.0
    return out


def _topk_rows(sims: Callable[[int, int], np.ndarray], n: int, m: int, k: int, chunk: int) -> sp.csr_matrix:
    k = min(k, m)
    cols, vals = [], []
    for start in range(0, n, chunk):
        s = np.asarray(sims(start, min(start + chunk, n)), dtype=np.float32)
        top = np.argpartition(-s, k - 1, axis=1)[:, :k] if k < m else np.broadcast_to(np.arange(m), s.shape)
        cols.append(top.astype(np.int32).ravel())
        vals.append(np.take_along_axis(s, top, 1).ravel())
        del s, top
    indptr = np.arange(n + 1, dtype=np.int64) * k
    out = sp.csr_matrix((np.concatenate(vals) if vals else np.zeros(0, np.float32),
                         np.concatenate(cols) if cols else np.zeros(0, np.int32), indptr), shape=(n, m))
    out.sort_indices()
    return out


def sinkhorn_log_scalings(sims: sp.csr_matrix, temperature: float, n_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Log row and column scalings that make exp(sims / t) (sparse) doubly stochastic."""
    kernel = sims.copy()
    kernel.data = np.exp((kernel.data.astype(np.float64) - 1.0) / temperature).astype(np.float32)
    n_rows, n_cols = kernel.shape
    u, v = np.ones(n_rows), np.ones(n_cols)
    kt = kernel.T.tocsr()
    for _ in range(n_iter):
        u = (1.0 / n_rows) / np.maximum(kernel @ v, 1e-300)
        v = (1.0 / n_cols) / np.maximum(kt @ u, 1e-300)
    return np.log(u), np.log(v)


def log_scaling_for_new(sims: np.ndarray, other_log: np.ndarray, n_self: int, temperature: float, k: int) -> float:
    """One Sinkhorn half-step for a document added after fit, against the fixed other side."""
    if sims.size == 0:
        return float(np.log(1.0 / max(n_self, 1)))
    k = min(k, sims.size)
    top = np.argpartition(-sims, k - 1)[:k]
    mass = np.sum(np.exp(other_log[top] + (sims[top] - 1.0) / temperature))
    return float(np.log(1.0 / max(n_self, 1)) - np.log(max(mass, 1e-300)))
