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
# Kernel entries computed at once (in float64) from the similarities.
EXP_SLICE = 1 << 20


def topk_pairs(col_sims: Callable[[int, int], np.ndarray], n_rows: int, n_cols: int, k: int,
               col_chunk: int) -> list[sp.spmatrix]:
    """Each row's and each column's k largest similarities, as disjoint sparse matrices (n_rows x n_cols)
    whose sum holds them all: the columns' top k (float32 CSC) and the rows' top k not among them (CSR).

    ``col_sims(a, b)`` gives columns a..b against every row (dense, (b - a) x n_rows). One pass of
    products over chunks of ``col_chunk`` columns gives both sides: each chunk's rows are columns'
    similarities (their top k is taken at once), and each row's best so far are merged with the
    chunk (``topk.top_k_over_chunks``). A second pass of products for the rows' side cost as much
    again (the same similarities, transposed).
    The columns' top k fill one preallocated array, which is the CSC matrix's own, and the rows' top k
    stay apart: at 100,000 profiles and k = 128 each copy of the union was 100 MB.
    Values are stored as ``(s + 1) - 1`` in float32 (the rounding of the union kept by an elementwise
    maximum of shifted values before), and kept zero similarities stay stored (their kernel entries count).
    """
    k_col = min(k, n_rows)
    col_vals = np.empty(n_cols * k_col, np.float32)
    col_rows = np.empty(n_cols * k_col, np.int32)

    def columns_top(start: int, s: np.ndarray) -> None:
        top = topk.top_columns(s, k_col)
        at = slice(start * k_col, (start + s.shape[0]) * k_col)
        col_rows[at] = top.ravel()
        col_vals[at] = np.take_along_axis(s, top, 1).ravel()

    row_vals, row_cols = topk.top_k_over_chunks(col_sims, n_rows, n_cols, k, col_chunk, columns_top)
    by_cols = sp.csc_matrix((col_vals, col_rows, np.arange(n_cols + 1, dtype=np.int64) * k_col),
                            shape=(n_rows, n_cols))
    by_cols.sort_indices()
    # A pair kept from both sides has the same value in both: the rows' side adds the pairs that the
    # columns' side does not hold (row i's pair with column j is there when i is among column j's rows).
    per_col = col_rows.reshape(n_cols, k_col)
    extra = np.zeros(row_cols.shape, bool)
    step = max(1, EXP_SLICE // max(row_cols.shape[1] * k_col, 1))
    for a in range(0, n_rows, step):
        cols = row_cols[a : a + step]
        mine = np.arange(a, a + cols.shape[0], dtype=np.int32)[:, None, None]
        extra[a : a + step] = ~(per_col[cols] == mine).any(axis=2)
    r, c = np.nonzero(extra)
    by_rows = sp.csr_matrix((row_vals[r, c].astype(np.float32), (r, row_cols[r, c])), shape=(n_rows, n_cols))
    for part in (by_cols, by_rows):
        part.data += np.float32(1.0)
        part.data -= np.float32(1.0)
    return [by_cols, by_rows]


def sparse_topk_pairs(col_sims: Callable[[int, int], np.ndarray], n_rows: int, n_cols: int, k: int,
                      col_chunk: int) -> sp.csr_matrix:
    """The pairs of :func:`topk_pairs` in one float32 CSR matrix (explicit zeros dropped)."""
    by_cols, by_rows = topk_pairs(col_sims, n_rows, n_cols, k, col_chunk)
    return (by_cols.tocsr() + by_rows).tocsr()


def sinkhorn_log_scalings(sims: sp.spmatrix | list[sp.spmatrix], temperature: float, n_iter: int, *,
                          in_place: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Log row and column scalings (float64, n_rows and n_cols) that make the sparse kernel doubly stochastic.

    The kernel is ``K = exp((sims - MAX_SIMILARITY) / temperature)`` on the stored entries; ``n_iter``
    Sinkhorn-Knopp iterations ``u = (1/n_rows) / (K v)``, ``v = (1/n_cols) / (K^T u)`` from ones.
    ``sims`` is one sparse matrix or a list of disjoint ones (:func:`topk_pairs`) whose entries make
    the kernel's; each part's kernel shares its index arrays, and with ``in_place`` its values too
    (the similarities are overwritten: at 100,000 profiles that spares 50 MB).
    """
    parts = [sp.csc_matrix(p) if sp.isspmatrix_csc(p) else sp.csr_matrix(p)
             for p in (sims if isinstance(sims, (list, tuple)) else [sims])]
    kernels = []
    for p in parts:
        data = p.data if in_place and p.data.dtype == np.float32 else np.empty(p.data.shape, np.float32)
        for a in range(0, data.size, EXP_SLICE):  # float64 temporaries of a slice only
            data[a : a + EXP_SLICE] = np.exp((p.data[a : a + EXP_SLICE].astype(np.float64) - MAX_SIMILARITY)
                                             / temperature)
        kernels.append(type(p)((data, p.indices, p.indptr), shape=p.shape))
    n_rows, n_cols = parts[0].shape
    u, v = np.ones(n_rows), np.ones(n_cols)
    transposed = [kernel.T.tocsr() for kernel in kernels]  # a view of a CSC part
    for _ in range(n_iter):
        u = (1.0 / n_rows) / np.maximum(sum(kernel @ v for kernel in kernels), TINY)
        v = (1.0 / n_cols) / np.maximum(sum(kt @ u for kt in transposed), TINY)
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
