"""Hubness correction: Sinkhorn scalings between the need and employee pools.

Some documents are similar to everything ("hubs") and would crowd every ranking. Scaling the
similarity kernel ``exp(sims / t)`` to a doubly stochastic matrix (Sinkhorn-Knopp, 1967) gives each
document a log scaling; adding ``t`` times the two scalings to a text similarity lowers hubs and
raises documents that are close to few others. The kernel keeps only each row's and column's
``k`` largest similarities, so it stays sparse.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from . import topk

# Cosines are at most 1: the kernel is exp((s - MAX_SIMILARITY) / t) <= 1, which cannot overflow at small
# temperatures. The shift scales the whole kernel by a constant, which only moves every log scaling by a
# constant, and the correction subtracts the scalings' means.
MAX_SIMILARITY = 1.0
# Floor under a kernel sum that underflowed (a document with no close neighbour): keeps the log finite.
TINY = 1e-300


def sparse_topk_pairs(col_sims: Callable[[int, int], np.ndarray], n_rows: int, n_cols: int, k: int,
                      col_chunk: int) -> sp.csr_matrix:
    """Keep each row's and each column's k largest similarities (float32 CSR, n_rows x n_cols).

    ``col_sims(a, b)`` gives columns a..b against every row (dense, (b - a) x n_rows). One pass of
    products over chunks of ``col_chunk`` columns gives both sides: each chunk's rows are columns'
    similarities (their top k is taken at once), and each row's best so far are merged with the
    chunk (``topk.top_k_over_chunks``). A second pass of products for the rows' side cost as much
    again (the same similarities, transposed).
    """
    k_col = min(k, n_rows)
    cols, vals = [], []

    def columns_top(start: int, s: np.ndarray) -> None:
        top = topk.top_columns(s, k_col)
        cols.append(top.astype(np.int32))
        vals.append(np.take_along_axis(s, top, 1))

    row_vals, row_cols = topk.top_k_over_chunks(col_sims, n_rows, n_cols, k, col_chunk, columns_top)
    by_rows = _csr(row_vals, row_cols, n_cols)
    by_cols = _csr(np.concatenate(vals) if vals else np.zeros((0, k_col), np.float32),
                   np.concatenate(cols) if cols else np.zeros((0, k_col), np.int32), n_rows).T.tocsr()
    # A pair kept from both sides has the same value in both, so the union is an elementwise
    # max; shifted by 1 so that kept zero similarities stay stored (their kernel entries count).
    by_rows.data += 1.0
    by_cols.data += 1.0
    out = by_rows.maximum(by_cols).tocsr()
    out.data -= 1.0
    return out


def _csr(vals: np.ndarray, cols: np.ndarray, n_cols: int) -> sp.csr_matrix:
    """CSR (rows x n_cols) from ``vals`` and ``cols``, both (rows x k)."""
    n, k = vals.shape
    out = sp.csr_matrix((vals.ravel().astype(np.float32), cols.ravel().astype(np.int32),
                         np.arange(n + 1, dtype=np.int64) * k), shape=(n, n_cols))
    out.sort_indices()
    return out


def sinkhorn_log_scalings(sims: sp.csr_matrix, temperature: float, n_iter: int) -> tuple[np.ndarray, np.ndarray]:
    """Log row and column scalings (float64, n_rows and n_cols) that make the sparse kernel doubly stochastic.

    The kernel is ``K = exp((sims - MAX_SIMILARITY) / temperature)`` on the stored entries; ``n_iter``
    Sinkhorn-Knopp iterations ``u = (1/n_rows) / (K v)``, ``v = (1/n_cols) / (K^T u)`` from ones.
    """
    kernel = sims.copy()
    kernel.data = np.exp((kernel.data.astype(np.float64) - MAX_SIMILARITY) / temperature).astype(np.float32)
    n_rows, n_cols = kernel.shape
    u, v = np.ones(n_rows), np.ones(n_cols)
    kt = kernel.T.tocsr()
    for _ in range(n_iter):
        u = (1.0 / n_rows) / np.maximum(kernel @ v, TINY)
        v = (1.0 / n_cols) / np.maximum(kt @ u, TINY)
    return np.log(u), np.log(v)


def log_scaling_for_new(sims: np.ndarray, other_log: np.ndarray, n_self: int, temperature: float, k: int) -> float:
    """One Sinkhorn half-step for a document added after fit, against the fixed other side.

    ``sims`` (other side's live rows) and ``other_log`` (their log scalings) have one entry per
    row; only the ``k`` largest similarities count, as in the fitted kernel. ``n_self`` is the
    size of the document's own side at fit.
    """
    if sims.size == 0:
        return float(np.log(1.0 / max(n_self, 1)))
    k = min(k, sims.size)
    top = np.argpartition(-sims, k - 1)[:k]
    mass = np.sum(np.exp(other_log[top] + (sims[top] - MAX_SIMILARITY) / temperature))
    return float(np.log(1.0 / max(n_self, 1)) - np.log(max(mass, TINY)))


def hub_offset(log_u: np.ndarray, log_v: np.ndarray, center: tuple[float, float], scale: float) -> np.ndarray:
    """Correction added to text similarities: ``scale * ((log_u - center_u) + (log_v - center_v))``, float32.

    ``log_u`` (need side) and ``log_v`` (employee side) broadcast, e.g. (queries x 1) and (1 x pool).
    ``scale`` is the temperature times the fade-in of small pools.
    """
    t = np.float32(scale)
    return t * (np.asarray(log_u - center[0], np.float32) + np.asarray(log_v - center[1], np.float32))
