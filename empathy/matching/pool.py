"""Growable storage of one side (employees or needs) of a fitted matcher.

Matrices are kept feature-major (features x rows, CSR) so that a query is one sparse
product, or document-major with the feature-major copy built when a query first needs it; rows
added after fit go to small tail segments, so an upsert never copies the whole pool. No array
is ever changed in place (a loaded model's arrays are mapped read-only from its file and shared
between processes): changes make new arrays, and :meth:`Pool.fork` /
:meth:`SegmentedMatrix.fork` give a copy that can change while the original stays as it was.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp

# scipy's compiled kernel behind ``csc_matrix @ vector`` (Yx += A @ Xx over columns Ap[j]:Ap[j + 1] of
# Ai/Ax): `postings_product` calls it on the postings in place. Not public API, but the same C++ template
# since scipy 0.7; tests/matching/test_postings_product.py checks it against the public sparse product.
from scipy.sparse._sparsetools import csc_matvec as _csc_matvec

_TAIL_SEGMENTS = 8

# A product of at most this many queries reads the postings of each query's terms into a dense row
# (`postings_product`) instead of a sparse-sparse product (which makes a sparse result first: 2-4x slower
# for one need against 1,000,000 employees, whose terms have 5-35 M postings).
FEW_QUERIES = 8


# From this many queries on, a product reads the document-major rows (one pass with a small
# accumulator per row) rather than the feature-major postings (a pool-wide accumulator per query).
DOCUMENT_MAJOR_MIN_QUERIES = 16
# From this many rows on, every product reads the postings (`postings_product`), whatever the number of
# queries: the sparse product's two passes (result size, then result) and its sparse result cost 3.7x the
# CPU for batches of 20 needs against 100,000 profiles (benchmarks/RESULTS.md, "Batches read the
# postings"). Smaller pools (the dev cases: 1,500 rows) keep the sparse products, whose per-call cost is
# lower when a query's postings are few.
POSTINGS_MIN_ROWS = 10_000


class SegmentedMatrix:
    """Column-appendable feature-major sparse matrix, optionally with a document-major copy.

    With ``keep_rows`` the document-major rows are the matrix and the feature-major segments (for
    products with a few queries: one need's page) are built from them on first use, and before
    pickling, so that a saved model maps both from its file. A pool of fewer than ``POSTINGS_MIN_ROWS``
    rows only ranked in batches never builds them; a larger one builds them on the first product.
    :meth:`drop_rows` keeps the postings only (``match rank``, after the fit: 210 MB of each at 100,000
    profiles).
    """

    def __init__(self, n_features: int, rows: sp.csr_matrix | None = None, *, keep_rows: bool = False):
        self.n_features = n_features
        # Leading segments (of the fit) that appends never merge.
        self.fixed = 1
        # Feature-major segments; None while not built (only with keep_rows).
        self.segments: list[sp.csr_matrix] | None = None if keep_rows else []
        # Optional document-major copy, for reading whole rows back (query expansion).
        self.row_segments: list[sp.csr_matrix] | None = [] if keep_rows else None
        if rows is not None and rows.shape[0]:
            if self.row_segments is not None:
                self.row_segments.append(_document_major(rows))
            else:
                self.segments.append(_feature_major(rows))

    @classmethod
    def of_slices(cls, n_features: int, slices: Iterable[sp.csr_matrix]) -> SegmentedMatrix:
        """A feature-major matrix of row slices (documents x features, read once, in order), one segment
        per slice: memory is the result plus one slice, where stacking the slices first held the
        result twice. Appends never merge these segments (see :meth:`append`)."""
        out = cls(n_features)
        for part in slices:
            if part.shape[0]:
                out.segments.append(_feature_major(part))
        out.fixed = max(len(out.segments), 1)
        return out

    def __getstate__(self) -> dict:
        # A saved model maps the postings from its file instead of building them per process, in one segment.
        self.feature_major()
        self._merge_fixed()
        return dict(self.__dict__)

    def feature_major(self, merged: bool = False) -> list[sp.csr_matrix]:
        """The feature-major segments (features x rows), built from the document-major rows when missing.

        With ``merged`` the leading segments of the fit (``fixed``, see :meth:`of_slices`) become one
        first: a product costs a kernel call per run of a query's terms per segment, and the skill field
        of 1,000,000 profiles was 50 segments. The merge holds the merged copy beside the segments for
        a moment (1.3 GB of skill field at 1,000,000 profiles); it is done when a model is saved, and on
        the first product of a few queries (a page) of a model in memory, never by batch rankings nor on
        a model mapped from its file (read-only arrays: the copy would be each process's own).
        """
        segments = self.segments
        if segments is None:
            segments = self.segments = [_feature_major(r) for r in self.row_segments]
        # A mapped model's segments (read-only) stay as they are: a merged copy would be each process's own.
        if merged and segments and segments[0].data.flags.writeable:
            self._merge_fixed()
        return self.segments

    def _merge_fixed(self) -> None:
        """The leading segments of the fit as one (see :meth:`feature_major`)."""
        fixed, segments = self.__dict__.get("fixed", 1), self.segments
        if segments is not None and fixed > 1 and len(segments) >= fixed:
            self.segments = [hstack_feature_major(segments[:fixed]), *segments[fixed:]]
            self.fixed = 1

    @property
    def n_rows(self) -> int:
        """Number of stored rows (documents)."""
        if self.row_segments is not None:
            return sum(r.shape[0] for r in self.row_segments)
        return sum(s.shape[1] for s in self.segments)

    def fork(self) -> SegmentedMatrix:
        """A copy sharing every segment (never changed in place) with lists of its own."""
        new = object.__new__(SegmentedMatrix)
        new.__dict__.update(self.__dict__)
        new.segments = list(self.segments) if self.segments is not None else None
        new.row_segments = list(self.row_segments) if self.row_segments is not None else None
        return new

    def append(self, rows: sp.csr_matrix) -> None:
        """Add rows (documents x features) at the end."""
        if rows.shape[0] == 0:
            return
        if self.segments is not None:
            self.segments.append(_feature_major(rows))
        if self.row_segments is not None:
            self.row_segments.append(_document_major(rows))
        fixed = self.__dict__.get("fixed", 1)
        if self.segments is not None and len(self.segments) > _TAIL_SEGMENTS + fixed:
            # Merge the tail only: the big segments of the fit are rebuilt by a refit, not by upserts.
            tail = sp.hstack(self.segments[fixed:], format="csr", dtype=np.float32)
            self.segments = [*self.segments[:fixed], tail]
        if self.row_segments is not None and len(self.row_segments) > _TAIL_SEGMENTS + 1:
            self.row_segments = [self.row_segments[0], sp.vstack(self.row_segments[1:], format="csr")]

    def dot(self, queries: sp.csr_matrix) -> np.ndarray:
        """Dense (queries x rows) products.

        A pool of ``POSTINGS_MIN_ROWS`` rows or more reads the postings for any number of queries, so a
        batch scores a pair exactly as one query does. Below, both layouts sum over the features of the
        pair in ascending order (document-major rows and query rows with sorted indices): the same floats
        while a query's postings fit in one group of ``postings_product``.
        """
        n_q = queries.shape[0]
        if not queries.has_sorted_indices:
            queries = queries.sorted_indices()
        if n_q <= FEW_QUERIES or self.n_rows >= POSTINGS_MIN_ROWS:
            parts = [postings_product(queries, seg) for seg in self.feature_major(merged=n_q <= FEW_QUERIES)]
        elif self.row_segments is not None and n_q >= DOCUMENT_MAJOR_MIN_QUERIES:
            by_feature = queries.T.tocsr()
            parts = [np.ascontiguousarray((r @ by_feature).toarray().T) for r in self.row_segments]
        else:
            parts = [(queries @ seg).toarray() for seg in self.feature_major()]
        if not parts:
            return np.zeros((n_q, 0), dtype=np.float32)
        return parts[0] if len(parts) == 1 else np.hstack(parts)

    def dot_sparse(self, queries: sp.csr_matrix) -> sp.csr_matrix:
        """Sparse (queries x rows) products."""
        segments = self.feature_major()
        if not segments:
            return sp.csr_matrix((queries.shape[0], 0), dtype=np.float32)
        parts = [(queries @ seg).tocsr() for seg in segments]
        return parts[0] if len(parts) == 1 else sp.hstack(parts, format="csr")

    def take_rows(self, index: np.ndarray) -> sp.csr_matrix:
        """Rows ``index`` (documents x features), from the document-major copy, or from the postings once
        :meth:`drop_rows` dropped it (a pass over each segment's entries)."""
        if self.row_segments is not None:
            segments, sizes = self.row_segments, [r.shape[0] for r in self.row_segments]

            def pick(seg: sp.csr_matrix, at: np.ndarray) -> sp.csr_matrix:
                return seg[at]
        else:
            segments, sizes = self.feature_major(), [s.shape[1] for s in self.feature_major()]

            def pick(seg: sp.csr_matrix, at: np.ndarray) -> sp.csr_matrix:
                return seg[:, at].T.tocsr()
        if len(segments) == 1:
            return pick(segments[0], index)
        bounds = np.cumsum([0, *sizes])
        seg = np.searchsorted(bounds, index, side="right") - 1
        parts, order = [], []
        for k in np.unique(seg):
            at = np.flatnonzero(seg == k)
            parts.append(pick(segments[k], index[at] - bounds[k]))
            order.append(at)
        out = sp.vstack(parts, format="csr")
        return out[np.argsort(np.concatenate(order), kind="stable")]

    def drop_rows(self) -> None:
        """Keep the feature-major postings only (built now when missing): the document-major copy goes.

        Products then read the postings whatever the number of queries, and :meth:`take_rows` reads
        rows back from them. For a pool ranked in batches once its fit is over (``match rank``): both
        copies of the text vectors were 2 x 210 MB at 100,000 profiles.
        """
        self.feature_major()
        self.row_segments = None

    def document_major(self) -> sp.csr_matrix:
        """All rows, document-major (documents x features): the kept copy itself when there is one segment."""
        if self.row_segments is not None and len(self.row_segments) == 1:
            return self.row_segments[0]
        if self.row_segments:
            return sp.vstack(self.row_segments, format="csr")
        return self.rows()

    def rows(self) -> sp.csr_matrix:
        """All rows, document-major (documents x features), as a new matrix."""
        if self.row_segments is not None:
            if not self.row_segments:
                return sp.csr_matrix((0, self.n_features), dtype=np.float32)
            return sp.vstack(self.row_segments, format="csr", dtype=np.float32)
        if not self.segments:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        return sp.hstack(self.segments, format="csr", dtype=np.float32).T.tocsr()

    def nbytes(self) -> int:
        """Bytes held by the sparse arrays (both copies)."""
        return sum(s.data.nbytes + s.indices.nbytes + s.indptr.nbytes
                   for s in (self.segments or []) + (self.row_segments or []))


def postings_product(queries: sp.csr_matrix, matrix: sp.csr_matrix) -> np.ndarray:
    """``(queries @ matrix).toarray()`` as float32, summing each query's terms' postings into a dense row.

    ``queries`` is (n_q x features) CSR with sorted indices, ``matrix`` feature-major (features x
    documents) CSR with float32 values; returns (n_q x documents) float32. The postings are read where
    they lie (the model file's mapped arrays), never copied: each run of consecutive terms of a query is
    one call of scipy's compiled column-major matrix-vector kernel, whose columns are those terms'
    postings. Each document's terms are summed in ascending feature order in float32, as the sparse
    product sums them: the same floats. Copying the postings first took as long as summing them (at
    1,000,000 profiles: 32 -> 16 ms for one need's text, benchmarks/RESULTS.md).
    """
    out = np.zeros((queries.shape[0], matrix.shape[1]), dtype=np.float32)
    if matrix.nnz == 0:
        return out
    indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    if data.dtype != np.float32 or indices.dtype != indptr.dtype:
        matrix = sp.csr_matrix(matrix, dtype=np.float32)
        matrix.indices = matrix.indices.astype(matrix.indptr.dtype, copy=False)
        indptr, indices, data = matrix.indptr, matrix.indices, matrix.data
    n_docs = matrix.shape[1]
    for r in range(queries.shape[0]):
        a, b = queries.indptr[r], queries.indptr[r + 1]
        if a == b:
            continue
        terms = queries.indices[a:b].astype(np.int64, copy=False)
        weights = np.ascontiguousarray(queries.data[a:b], dtype=np.float32)
        cuts = np.flatnonzero(np.diff(terms) != 1) + 1
        starts, ends = np.concatenate(([0], cuts)).tolist(), np.concatenate((cuts, [terms.size])).tolist()
        row = out[r]
        for s, e in zip(starts, ends):
            # Column j of this call is term terms[s + j]: its postings are indices/data[indptr[t]:indptr[t + 1]].
            _csc_matvec(n_docs, e - s, indptr[terms[s] : terms[e - 1] + 2], indices, data, weights[s:e], row)
    return out


def hstack_feature_major(segments: Sequence[sp.csr_matrix]) -> sp.csr_matrix:
    """Feature-major segments (features x documents each, CSR with sorted indices) side by side, as one.

    ``sp.hstack`` of CSR matrices goes through COO (three arrays per stored value); this writes each
    segment's postings straight into their place in the result, one segment at a time, so memory is the
    result plus one segment's positions. Each feature's postings stay sorted (segments are in document
    order). Returns float32 CSR (features x sum of documents).
    """
    n_features = segments[0].shape[0]
    lengths = np.stack([np.diff(seg.indptr) for seg in segments]).astype(np.int64)  # (segments x features)
    indptr = np.zeros(n_features + 1, np.int64)
    np.cumsum(lengths.sum(axis=0), out=indptr[1:])
    nnz, n_docs = int(indptr[-1]), sum(seg.shape[1] for seg in segments)
    index_dtype = np.int32 if max(nnz, n_docs) < np.iinfo(np.int32).max else np.int64
    data, indices = np.empty(nnz, np.float32), np.empty(nnz, index_dtype)
    before = indptr[:-1].copy()  # where the next segment's postings of each feature go
    offset = 0
    for seg, length in zip(segments, lengths):
        # Position of each stored value: its feature's slot for this segment, plus its rank within the feature.
        pos = np.repeat(before - seg.indptr[:-1].astype(np.int64), length)
        pos += np.arange(seg.nnz, dtype=np.int64)
        data[pos] = seg.data
        indices[pos] = seg.indices + offset
        before += length
        offset += seg.shape[1]
    return sp.csr_matrix((data, indices, indptr.astype(index_dtype)), shape=(n_features, n_docs), copy=False)


def leading_rows(m: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """The first ``n`` rows of a CSR matrix as a view of its arrays (slicing copies them: 220 MB of
    text vectors at 100,000 profiles)."""
    end = int(m.indptr[n])
    return sp.csr_matrix((m.data[:end], m.indices[:end], m.indptr[: n + 1]), shape=(n, m.shape[1]), copy=False)


def _document_major(rows: sp.csr_matrix) -> sp.csr_matrix:
    """``rows`` as float32 CSR with sorted indices (sorted in place: the caller's fresh matrix, not a copy)."""
    out = sp.csr_matrix(rows, dtype=np.float32)
    if not out.has_sorted_indices:
        out.sort_indices()
    return out


def _feature_major(rows: sp.csr_matrix) -> sp.csr_matrix:
    out = sp.csr_matrix(rows, dtype=np.float32).T.tocsr()
    out.sort_indices()
    return out


class Pool:
    """Ids, per-row attribute arrays and matrices of one side; removed rows stay as dead rows."""

    def __init__(self, ids: Sequence[str], attrs: dict[str, np.ndarray], mats: dict[str, SegmentedMatrix]):
        self.ids: list[str] = list(ids)
        self.positions: dict[str, int] = {}
        for row, doc_id in enumerate(self.ids):
            if doc_id in self.positions:
                raise ValueError(f"duplicate id {doc_id!r}")
            self.positions[doc_id] = row
        self.attrs = attrs
        self.attrs["alive"] = np.ones(len(self.ids), dtype=bool)
        self.mats = mats

    def __len__(self) -> int:
        return len(self.positions)

    def fork(self) -> Pool:
        """A copy sharing every array with this pool, whose ids, attributes and matrices change on their own."""
        new = object.__new__(Pool)
        new.__dict__.update(self.__dict__)
        new.ids, new.positions, new.attrs = list(self.ids), dict(self.positions), dict(self.attrs)
        new.mats = {name: mat.fork() for name, mat in self.mats.items()}
        return new

    @property
    def n_rows(self) -> int:
        """Number of rows, dead ones included (the length of every attribute column)."""
        return len(self.ids)

    def append(self, doc_id: str, attrs: dict[str, object], rows: dict[str, sp.csr_matrix]) -> int:
        """Add one document (replacing an older row with the same id); returns its row."""
        self.remove(doc_id)
        row = len(self.ids)
        self.ids.append(doc_id)
        self.positions[doc_id] = row
        for name, value in {**attrs, "alive": True}.items():
            self.attrs[name] = np.append(self.attrs[name], np.asarray([value], dtype=self.attrs[name].dtype))
        for name, mat in rows.items():
            self.mats[name].append(mat)
        return row

    def remove(self, doc_id: str) -> bool:
        """Forget a document; its row stays but is never ranked."""
        row = self.positions.pop(doc_id, None)
        if row is None:
            return False
        alive = self.attrs["alive"].copy()  # a new column: the old one may be mapped or seen by a fork
        alive[row] = False
        self.attrs["alive"] = alive
        return True
