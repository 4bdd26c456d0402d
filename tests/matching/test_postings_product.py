"""The product of a few queries reads their terms' postings: the same figures as the sparse product."""

import numpy as np
import scipy.sparse as sp

from empathy.matching.pool import SegmentedMatrix, postings_product


def _random(rows: int, cols: int, density: float, seed: int) -> sp.csr_matrix:
    return sp.random(rows, cols, density=density, format="csr", dtype=np.float32, random_state=seed)


def test_equals_the_sparse_product_float_for_float():
    matrix = _random(300, 500, 0.05, 1)  # features x documents
    queries = _random(4, 300, 0.1, 2)
    queries[1] = 0  # a query with no term
    queries.eliminate_zeros()
    queries.sort_indices()
    got = postings_product(queries, matrix)
    assert got.dtype == np.float32 and got.shape == (4, 500)
    # Each document's terms are summed in ascending order in float32, as the sparse product sums them.
    np.testing.assert_array_equal(got, (queries @ matrix).toarray())
    assert not got[1].any()


def test_runs_of_consecutive_terms_and_single_terms_alike():
    matrix = sp.csr_matrix(np.array([[1, 2, 3, 4], [0, 5, 0, 6], [7, 0, 0, 0], [0, 0, 1, 0]], np.float32))
    # Terms 0, 1, 2 are one run, term 3 another once term 2 is left out.
    for dense in ([[2, 1, 0.5, 0]], [[2, 1, 0, 3]], [[0, 0, 0, 3]]):
        queries = sp.csr_matrix(np.array(dense, np.float32))
        np.testing.assert_array_equal(postings_product(queries, matrix), (queries @ matrix).toarray())
    np.testing.assert_allclose(postings_product(sp.csr_matrix(np.array([[2, 1, 0.5, 0]], np.float32)), matrix),
                               [[5.5, 9, 6, 14]])


def test_reads_the_postings_in_place():
    """A read-only matrix (a model file's mapped arrays) is read as it is: nothing is copied or written."""
    matrix = _random(50, 80, 0.2, 3)
    for a in (matrix.data, matrix.indices, matrix.indptr):
        a.flags.writeable = False
    queries = _random(2, 50, 0.3, 4)
    queries.sort_indices()
    np.testing.assert_array_equal(postings_product(queries, matrix), (queries @ matrix).toarray())


def test_merging_the_segments_of_a_fit_keeps_every_posting():
    slices = [_random(n, 40, 0.2, 10 + n) for n in (7, 1, 12, 5)]  # documents x features
    m = SegmentedMatrix.of_slices(40, slices)
    assert m.fixed == 4 and len(m.segments) == 4
    m.append(_random(2, 40, 0.3, 9))  # a tail row set, after the fit
    queries = _random(3, 40, 0.3, 8)
    before = m.dot(queries)
    merged = m.feature_major(merged=True)
    assert m.fixed == 1 and len(merged) == 2 and merged[0].has_sorted_indices
    want = sp.vstack(slices).T.tocsr()
    want.sort_indices()
    np.testing.assert_array_equal(merged[0].toarray(), want.toarray())
    np.testing.assert_array_equal(merged[0].indices, want.indices)
    np.testing.assert_array_equal(m.dot(queries), before)


def test_a_page_merges_the_segments_and_a_batch_does_not():
    m = SegmentedMatrix.of_slices(40, [_random(6, 40, 0.3, s) for s in (1, 2, 3)])
    m.dot(_random(20, 40, 0.3, 4))  # a batch of 20 queries
    assert len(m.segments) == 3
    m.dot(_random(1, 40, 0.3, 5))  # one need's page
    assert len(m.segments) == 1


def test_segmented_products_agree_for_few_and_many_queries():
    first, tail = _random(200, 60, 0.1, 3), _random(200, 5, 0.1, 4)
    m = SegmentedMatrix(200, first.T.tocsr())
    m.append(tail.T.tocsr())
    for n_q in (1, 3, 20):  # 20 is over FEW_QUERIES: the sparse product
        queries = _random(n_q, 200, 0.2, 5 + n_q)
        want = (queries @ sp.hstack([first, tail]).tocsr()).toarray()
        np.testing.assert_allclose(m.dot(queries), want, rtol=1e-5, atol=1e-6)


def test_a_large_pool_reads_the_postings_for_batches_too(monkeypatch):
    """Above POSTINGS_MIN_ROWS a batch is summed as one query is: the same floats, whatever the batch size."""
    from empathy.matching import pool as pool_module

    rows = _random(40, 300, 0.2, 6)  # documents x features
    m = SegmentedMatrix(300, rows, keep_rows=True)
    queries = _random(30, 300, 0.3, 7)  # over DOCUMENT_MAJOR_MIN_QUERIES: the document-major rows below the cut
    calls = []
    real = pool_module.postings_product
    monkeypatch.setattr(pool_module, "postings_product", lambda q, seg: calls.append(q.shape[0]) or real(q, seg))
    small = m.dot(queries)
    assert calls == []
    monkeypatch.setattr(pool_module, "POSTINGS_MIN_ROWS", 40)
    batch = m.dot(queries)
    assert calls == [30]
    one_by_one = np.vstack([m.dot(queries[i : i + 1]) for i in range(30)])
    np.testing.assert_array_equal(batch, one_by_one)
    np.testing.assert_allclose(batch, small, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(batch, (queries @ rows.T).toarray(), rtol=1e-5, atol=1e-6)


def test_a_mapped_matrix_keeps_its_segments_on_a_page():
    """Read-only segments (a model mapped from its file) are not merged per process; saving merges them."""
    import pickle

    m = SegmentedMatrix.of_slices(40, [_random(6, 40, 0.3, s) for s in (1, 2, 3)])
    for seg in m.segments:
        for a in (seg.data, seg.indices, seg.indptr):
            a.flags.writeable = False
    queries = _random(1, 40, 0.3, 5)
    want = m.dot(queries)
    assert len(m.segments) == 3
    saved = pickle.loads(pickle.dumps(m))
    assert len(saved.segments) == 1 and saved.fixed == 1
    np.testing.assert_array_equal(saved.dot(queries), want)
