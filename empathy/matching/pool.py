"""Growable storage of one side (employees or needs) of a fitted matcher.

Matrices are kept feature-major (features x rows, CSR) so that a query is one sparse
product; rows added after fit go to small tail segments, so an upsert never copies the
whole pool. No array is ever changed in place (a loaded model's arrays are mapped read-only from
its file and shared between processes): changes make new arrays, and :meth:`Pool.fork` /
:meth:`SegmentedMatrix.fork` give a copy that can change while the original stays as it was.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

_TAIL_SEGMENTS = 8

# A product of at most this many queries reads the postings of each query's terms into a dense row
# (`postings_product`) instead of a sparse-sparse product (which makes a sparse result first: 2-4x slower
# for one need against 1,000,000 employees, whose terms have 5-35 M postings).
FEW_QUERIES = 8
# Postings copied at a time by `postings_product` (float32 values and int32 indices: 32 MB).
POSTINGS_BUDGET = 4_000_000


class SegmentedMatrix:
    """Column-appendable feature-major sparse matrix."""

    def __init__(self, n_features: int, rows: sp.csr_matrix | None = None, *, keep_rows: bool = False):
        self.n_features = n_features
        self.segments: list[sp.csr_matrix] = []
        # Optional document-major copy, for reading whole rows back (query expansion).
        self.row_segments: list[sp.csr_matrix] | None = [] if keep_rows else None
        if rows is not None and rows.shape[0]:
            self.segments.append(_feature_major(rows))
            if self.row_segments is not None:
                self.row_segments.append(sp.csr_matrix(rows, dtype=np.float32))

    @property
    def n_rows(self) -> int:
        """Number of stored rows (documents)."""
        return sum(s.shape[1] for s in self.segments)

    def fork(self) -> SegmentedMatrix:
        """A copy sharing every segment (never changed in place) with lists of its own."""
        new = object.__new__(SegmentedMatrix)
        new.__dict__.update(self.__dict__)
        new.segments = list(self.segments)
        new.row_segments = list(self.row_segments) if self.row_segments is not None else None
        return new

    def append(self, rows: sp.csr_matrix) -> None:
        """Add rows (documents x features) at the end."""
        if rows.shape[0] == 0:
            return
        self.segments.append(_feature_major(rows))
        if self.row_segments is not None:
            self.row_segments.append(sp.csr_matrix(rows, dtype=np.float32))
        if len(self.segments) > _TAIL_SEGMENTS + 1:
            # Merge the tail only: the big first segment is rebuilt by a refit, not by upserts.
            tail = sp.hstack(self.segments[1:], format="csr", dtype=np.float32)
            self.segments = [self.segments[0], tail]
            if self.row_segments is not None:
                self.row_segments = [self.row_segments[0], sp.vstack(self.row_segments[1:], format="csr")]

    def dot(self, queries: sp.csr_matrix) -> np.ndarray:
        """Dense (queries x rows) products."""
        n_q = queries.shape[0]
        if not self.segments:
            return np.zeros((n_q, 0), dtype=np.float32)
        if n_q <= FEW_QUERIES:
            parts = [postings_product(queries, seg) for seg in self.segments]
        else:
            parts = [(queries @ seg).toarray() for seg in self.segments]
        return parts[0] if len(parts) == 1 else np.hstack(parts)

    def dot_sparse(self, queries: sp.csr_matrix) -> sp.csr_matrix:
        """Sparse (queries x rows) products."""
        if not self.segments:
            return sp.csr_matrix((queries.shape[0], 0), dtype=np.float32)
        parts = [(queries @ seg).tocsr() for seg in self.segments]
        return parts[0] if len(parts) == 1 else sp.hstack(parts, format="csr")

    def take_rows(self, index: np.ndarray) -> sp.csr_matrix:
        """Rows ``index`` (documents x features); needs ``keep_rows``."""
        if self.row_segments is None:
            raise ValueError("this matrix keeps no document-major copy")
        if len(self.row_segments) == 1:
            return self.row_segments[0][index]
        bounds = np.cumsum([0] + [r.shape[0] for r in self.row_segments])
        seg = np.searchsorted(bounds, index, side="right") - 1
        parts, order = [], []
        for k in np.unique(seg):
            at = np.flatnonzero(seg == k)
            parts.append(self.row_segments[k][index[at] - bounds[k]])
            order.append(at)
        out = sp.vstack(parts, format="csr")
        return out[np.argsort(np.concatenate(order), kind="stable")]

    def document_major(self) -> sp.csr_matrix:
        """All rows, document-major (documents x features): the kept copy itself when there is one segment."""
        if self.row_segments is not None and len(self.row_segments) == 1:
            return self.row_segments[0]
        if self.row_segments:
            return sp.vstack(self.row_segments, format="csr")
        return self.rows()

    def rows(self) -> sp.csr_matrix:
        """All rows, document-major (documents x features), as a new matrix."""
        if not self.segments:
            return sp.csr_matrix((0, self.n_features), dtype=np.float32)
        return sp.hstack(self.segments, format="csr", dtype=np.float32).T.tocsr()

    def nbytes(self) -> int:
        """Bytes held by the sparse arrays (both copies)."""
        return sum(s.data.nbytes + s.indices.nbytes + s.indptr.nbytes
                   for s in self.segments + (self.row_segments or []))


def postings_product(queries: sp.csr_matrix, matrix: sp.csr_matrix,
                     budget: int = POSTINGS_BUDGET) -> np.ndarray:
    """``(queries @ matrix).toarray()`` as float32, summing each query's terms' postings into a dense row.

    ``queries`` is (n_q x features) CSR, ``matrix`` feature-major (features x documents) CSR; returns
    (n_q x documents) float32. The rows of a query's terms are copied in groups of about ``budget``
    stored values (a term with more is copied alone) and each group is one transposed matrix-vector
    product, so the cost is that of the postings read, with no sparse result built. Equal to the
    sparse product up to float32 summation order.
    """
    out = np.zeros((queries.shape[0], matrix.shape[1]), dtype=np.float32)
    lengths = np.diff(matrix.indptr)
    for r in range(queries.shape[0]):
        a, b = queries.indptr[r], queries.indptr[r + 1]
        terms, weights = queries.indices[a:b], queries.data[a:b].astype(np.float32, copy=False)
        ends = np.cumsum(lengths[terms])
        start = 0
        while start < terms.size:
            before = int(ends[start - 1]) if start else 0
            stop = max(start + 1, int(np.searchsorted(ends, before + budget, side="right")))
            out[r] += matrix[terms[start:stop]].T @ weights[start:stop]
            start = stop
    return out


def leading_rows(m: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """The first ``n`` rows of a CSR matrix as a view of its arrays (slicing copies them: 220 MB of
    text vectors at 100,000 profiles)."""
    end = int(m.indptr[n])
    return sp.csr_matrix((m.data[:end], m.indices[:end], m.indptr[: n + 1]), shape=(n, m.shape[1]), copy=False)


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
