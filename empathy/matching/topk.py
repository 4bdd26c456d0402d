"""Top-k selection over similarities produced in chunks, without holding the whole matrix."""
from __future__ import annotations

from collections.abc import Callable

import numpy as np


def top_columns(s: np.ndarray, k: int) -> np.ndarray:
    """Column indices of each row's ``k`` largest values of ``s`` (in no particular order)."""
    if k >= s.shape[1]:
        return np.broadcast_to(np.arange(s.shape[1]), s.shape)
    return np.argpartition(-s, k - 1, axis=1)[:, :k]


def top_k_over_chunks(chunk_sims: Callable[[int, int], np.ndarray], n_rows: int, n_cols: int, k: int, chunk: int,
                      on_chunk: Callable[[int, np.ndarray], None] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` largest similarities when they come by chunks of columns: (values, columns), (n_rows x k').

    ``chunk_sims(a, b)`` gives columns a..b against every row, (b - a) x n_rows (the layout that
    document-major products give); ``k' = min(k, n_cols)``. The best so far are merged with each
    chunk, so memory stays at n_rows x (k + chunk). ``on_chunk(a, sims)`` sees each chunk first.
    """
    k = min(k, n_cols)
    vals = np.zeros((n_rows, 0), np.float32)
    cols = np.zeros((n_rows, 0), np.int32)
    for start in range(0, n_cols, chunk):
        s = np.asarray(chunk_sims(start, min(start + chunk, n_cols)), dtype=np.float32)
        if on_chunk is not None:
            on_chunk(start, s)
        vals = np.hstack([vals, s.T])
        cols = np.hstack([cols, np.broadcast_to(np.arange(start, start + s.shape[0], dtype=np.int32),
                                                (n_rows, s.shape[0]))])
        del s
        if vals.shape[1] > k:
            keep = top_columns(vals, k)
            vals, cols = np.take_along_axis(vals, keep, 1), np.take_along_axis(cols, keep, 1)
    return vals, cols
