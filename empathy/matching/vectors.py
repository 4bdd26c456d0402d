"""Sparse TF-IDF built from token counts, with the character view derived per distinct token.

scikit-learn's ``char_wb`` analyzer re-counts the n-grams of every word of every document; on
100,000 profiles that was 60 % of the fit. Character n-grams never cross word boundaries, so a
document's n-gram counts are its token counts times a (distinct tokens x n-grams) table: the
n-grams of each distinct token are computed once.

Relation to scikit-learn (tested in tests/matching/test_vectors.py). On the same token lists,
``Featurizer``'s word view equals ``TfidfVectorizer(analyzer=<the token list>, min_df=1,
max_df=word_max_df, sublinear_tf=True)`` and its character view equals ``TfidfVectorizer(
analyzer="char_wb", ngram_range=char_ngram_range, lowercase=False, min_df=char_min_df,
max_df=char_max_df, max_features=char_max_features, sublinear_tf=True)`` on the space-joined
tokens, both with the defaults ``smooth_idf=True`` and ``norm="l2"``: the same vocabulary, idf
``ln((1 + n) / (1 + df)) + 1``, tf ``1 + ln(count)`` and unit rows, equal to float32 rounding.
They differ in these ways only:

- columns are in first-seen order here, alphabetical there (map them by name);
- values are float32 (scikit-learn's default dtype is float64);
- cuts that would leave no column keep every column with df > 0 (:func:`df_keep`), where
  scikit-learn raises ValueError ("After pruning, no terms remain");
- with ``max_features``, columns tied in total count at the cut are kept in first-seen order
  here, by an unstable argsort over alphabetical columns there: the kept set can differ on ties;
- ``Featurizer`` applies no document-frequency cut to fewer than ``MIN_DOCS_FOR_DF_CUTS``
  documents.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

# Distinct tokens whose n-grams are memoised (a bound on memory; tokens recur across documents).
NGRAM_CACHE_SIZE = 200_000
# Floor under row norms: only an empty row has norm 0, and it stores nothing to divide.
MIN_NORM = 1e-12


@lru_cache(maxsize=NGRAM_CACHE_SIZE)
def char_wb_ngrams(token: str, lo: int, hi: int) -> tuple[str, ...]:
    """The n-grams (sizes ``lo``..``hi``) scikit-learn's ``char_wb`` analyzer yields for one word.

    The word is padded with one space on each side; a word shorter than a size yields itself,
    padded, once.
    """
    w = f" {token} "
    out = []
    for n in range(lo, hi + 1):
        offset = 0
        out.append(w[:n])
        while offset + n < len(w):
            offset += 1
            out.append(w[offset : offset + n])
        if offset == 0:  # a short word is counted once
            break
    return tuple(out)


def count_matrix(docs: Iterable[Iterable[str]], vocabulary: dict[str, int], *, grow: bool) -> sp.csr_matrix:
    """Documents x vocabulary counts (float32 CSR); with ``grow`` unseen tokens are added to ``vocabulary``.

    Without ``grow`` tokens outside ``vocabulary`` are ignored.
    ``docs`` is read once, so a generator keeps only one document's tokens alive at a time.
    """
    indptr, indices = array("q", [0]), array("i")
    for doc in docs:
        for tok in doc:
            j = vocabulary.get(tok)
            if j is None:
                if not grow:
                    continue
                j = vocabulary[tok] = len(vocabulary)
            indices.append(j)
        indptr.append(len(indices))
    idx = np.frombuffer(indices, dtype=np.int32) if len(indices) else np.zeros(0, np.int32)
    m = sp.csr_matrix((np.ones(idx.size, np.float32), idx, np.frombuffer(indptr, dtype=np.int64)),
                      shape=(len(indptr) - 1, len(vocabulary)))
    m.sum_duplicates()
    return m


def stack_rows(parts: Iterable[sp.csr_matrix], n_rows: int, n_cols: int, max_nnz: int) -> sp.csr_matrix:
    """CSR slices of rows (read once, in order) stacked into one float32 CSR (n_rows x n_cols).

    Its arrays are allocated once for ``max_nnz`` entries, an upper bound, and are views of the part
    written: pages never written are never resident, so memory is the result plus one slice (where
    ``sp.vstack`` of a list of slices holds the result and every slice at once).
    """
    data = np.empty(max_nnz, np.float32)
    indices = np.empty(max_nnz, np.int32)
    indptr = np.zeros(n_rows + 1, np.int64)
    row = end = 0
    for part in parts:
        nnz = part.nnz
        if end + nnz > max_nnz:
            raise ValueError("stack_rows: more entries than max_nnz")
        data[end : end + nnz] = part.data
        indices[end : end + nnz] = part.indices
        indptr[row + 1 : row + 1 + part.shape[0]] = part.indptr[1:] + end
        row += part.shape[0]
        end += nnz
    if row != n_rows:
        raise ValueError(f"stack_rows: {row} rows for {n_rows}")
    return sp.csr_matrix((data[:end], indices[:end], indptr), shape=(n_rows, n_cols), copy=False)


def df_keep(df: np.ndarray, total: np.ndarray, n_docs: int, min_df: float, max_df: float,
            max_features: int | None) -> np.ndarray:
    """Sorted indices of the columns kept by the document-frequency cuts (as TfidfVectorizer reads them).

    ``df`` and ``total`` are each column's document frequency and total count. An int cut is a
    number of documents, a float a share of ``n_docs``; ``max_features`` then keeps the columns of
    largest total (ties: lower index first). Cuts that would leave nothing (a handful of identical
    documents) are dropped rather than failing the fit.
    """
    lo = min_df if isinstance(min_df, (int, np.integer)) else min_df * n_docs
    hi = max_df if isinstance(max_df, (int, np.integer)) else max_df * n_docs
    keep = (df >= lo) & (df <= hi)
    if not keep.any():
        keep = df > 0
    cols = np.flatnonzero(keep)
    if max_features is not None and cols.size > max_features:
        cols = np.sort(cols[np.argsort(-total[cols], kind="stable")[:max_features]])
    return cols


def doc_freq(counts: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Document frequency (int) and total count (float) of each column of a CSR count matrix."""
    return (np.bincount(counts.indices, minlength=counts.shape[1]),
            np.bincount(counts.indices, weights=counts.data, minlength=counts.shape[1]))


def idf_of(df: np.ndarray, n_docs: int) -> np.ndarray:
    """Smoothed idf of each column (float32): ln((1 + n) / (1 + df)) + 1, as TfidfVectorizer(smooth_idf=True)."""
    return (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)


def tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """(1 + ln(count)) * idf, rows scaled to unit length (float32, ``counts`` is not modified).

    ``counts`` is (documents x columns) CSR with positive stored counts, ``idf`` one value per column.
    """
    out = sp.csr_matrix((np.log(counts.data, dtype=np.float32) + 1.0, counts.indices, counts.indptr),
                        shape=counts.shape, copy=False)
    out.data *= idf[out.indices]
    return normalize_rows(out)


def normalize_rows(m: sp.csr_matrix) -> sp.csr_matrix:
    """Scale each row of ``m`` (in place) to unit length; empty rows stay empty."""
    lengths = np.diff(m.indptr)
    rows = np.repeat(np.arange(m.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=m.data.astype(np.float64) ** 2, minlength=m.shape[0]))
    m.data = (m.data / np.maximum(norms, MIN_NORM)[rows]).astype(np.float32)
    return m
