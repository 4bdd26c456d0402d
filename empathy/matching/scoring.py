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
    x = np.asarray(x, dtype=np.float64)
    low = margin * np.exp(np.minimum(x - margin, 0.0) / margin)
    high = 1.0 - margin * np.exp(-np.maximum(x - (1.0 - margin), 0.0) / margin)
    return np.where(x < margin, low, np.where(x > 1.0 - margin, high, x)).astype(np.float32)


def free_text_match(cosine: np.ndarray) -> np.ndarray:
    return np.minimum(1.0, FREE_TEXT_GAIN * np.maximum(cosine, 0.0)).astype(np.float32)


def set_match(query_bits: int | np.ndarray, pool_bits: np.ndarray) -> np.ndarray:
    """1 when the sets share an element, 0.5 when the pool side gave none, else 0."""
    shared = (pool_bits & query_bits) != 0
    return np.where(shared, 1.0, np.where(pool_bits == 0, 0.5, 0.0)).astype(np.float32)


def combine(parts: dict[str, np.ndarray], present: dict[str, np.ndarray | bool], weights: dict[str, float]) -> np.ndarray:
    """Weighted mean of the parts a need actually specifies; stays in [0, 1]."""
    num = 0.0
    den = 0.0
    for name, value in parts.items():
        w = weights[name] * np.asarray(present[name], dtype=np.float32)
        num = num + w * value
        den = den + w
    return (num / np.maximum(den, 1e-9)).astype(np.float32)


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


def sparse_topk_pairs(similarity: Callable[[int, int], np.ndarray], n_rows: int, n_cols: int, k: int,
                      chunk: int) -> sp.csr_matrix:
    """Keep each row's and each column's k largest similarities (rows computed in chunks)."""
    k_r, k_c = min(k, n_cols), min(k, n_rows)
    rows, cols, vals = [], [], []
    best_v = np.full((0, n_cols), -np.inf, dtype=np.float32)
    best_i = np.zeros((0, n_cols), dtype=np.int64)
    for start in range(0, n_rows, chunk):
        s = similarity(start, min(start + chunk, n_rows))
        top = np.argpartition(-s, k_r - 1, axis=1)[:, :k_r]
        r = np.repeat(np.arange(start, start + s.shape[0]), k_r)
        rows.append(r), cols.append(top.ravel()), vals.append(np.take_along_axis(s, top, 1).ravel())
        cand_v = np.vstack([best_v, s])
        cand_i = np.vstack([best_i, np.broadcast_to(np.arange(start, start + s.shape[0])[:, None], s.shape)])
        keep = np.argpartition(-cand_v, min(k_c, cand_v.shape[0]) - 1, axis=0)[:k_c]
        best_v = np.take_along_axis(cand_v, keep, 0)
        best_i = np.take_along_axis(cand_i, keep, 0)
    rows.append(best_i.ravel()), cols.append(np.tile(np.arange(n_cols), best_i.shape[0])), vals.append(best_v.ravel())
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    key, first = np.unique(r * n_cols + c, return_index=True)
    return sp.csr_matrix((v[first].astype(np.float64), (r[first], c[first])), shape=(n_rows, n_cols))


def sinkhorn_log_scalings(sims: sp.csr_matrix, temperature: float, n_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Log row and column scalings that make exp(sims / t) (sparse) doubly stochastic."""
    kernel = sims.copy()
    kernel.data = np.exp((kernel.data - 1.0) / temperature)
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
