"""Pseudo-relevance feedback: need vectors expanded with their nearest employees (Rocchio)."""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from . import vectors


def rocchio(model, text: sp.csr_matrix) -> sp.csr_matrix:
    """``text`` (needs, as stored in a pool) plus ``prf_weight`` times the mean vector of each need's
    ``prf_k`` most similar employees, cut to its ``prf_terms`` strongest terms; views renormalised.

    A need names a task in its own words; the profiles that match it best supply the words other
    profiles use for the same work. Cutting the mean to its strongest terms keeps the expanded
    vector sparse, so a query costs about one more sparse product.
    """
    pool = model.employees_
    alive = pool.attrs["alive"]
    k = min(model.prf_k, int(alive.sum()))
    if model.prf_weight <= 0 or k == 0 or text.shape[0] == 0:
        return text
    raw = model._text_sims(text.multiply(model._view_weights()).tocsr(), pool)
    raw[:, ~alive] = -np.inf
    top = np.argpartition(-raw, k - 1, axis=1)[:, :k]
    del raw
    uniq, inv = np.unique(top, return_inverse=True)
    sel = sp.csr_matrix((np.full(top.size, 1.0 / k, np.float32), (np.repeat(np.arange(top.shape[0]), k), inv.ravel())),
                        shape=(top.shape[0], uniq.size))
    mean = (sel @ pool.mats["text"].take_rows(uniq)).tocsr()
    mean.sort_indices()
    for i in range(mean.shape[0]):  # keep each row's strongest terms only: the product stays sparse
        lo, hi = mean.indptr[i], mean.indptr[i + 1]
        if hi - lo > model.prf_terms:
            row = mean.data[lo:hi]
            row[np.argpartition(row, hi - lo - model.prf_terms)[: hi - lo - model.prf_terms]] = 0.0
    mean.eliminate_zeros()
    out = (text + np.float32(model.prf_weight) * mean).tocsr()
    n_word = model.featurizer_.n_word
    word, char = vectors.normalize_rows(out[:, :n_word].tocsr()), vectors.normalize_rows(out[:, n_word:].tocsr())
    return sp.hstack([word, char], format="csr", dtype=np.float32)
