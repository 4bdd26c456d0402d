"""The product of a few queries reads their terms' postings: the same figures as the sparse product."""

import numpy as np
import pytest
import scipy.sparse as sp

from empathy.matching.pool import SegmentedMatrix, postings_product


def _random(rows: int, cols: int, density: float, seed: int) -> sp.csr_matrix:
    return sp.random(rows, cols, density=density, format="csr", dtype=np.float32, random_state=seed)


@pytest.mark.parametrize("budget", [1, 7, 50, 10**9])
def test_equals_the_sparse_product_whatever_the_budget(budget):
    matrix = _random(300, 500, 0.05, 1)  # features x documents
    queries = _random(4, 300, 0.1, 2)
    queries[1] = 0  # a query with no term
    queries.eliminate_zeros()
    got = postings_product(queries, matrix, budget=budget)
    want = (queries @ matrix).toarray()
    assert got.dtype == np.float32 and got.shape == (4, 500)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not got[1].any()


def test_a_term_with_more_postings_than_the_budget_is_read_alone():
    matrix = sp.csr_matrix(np.array([[1, 2, 3, 4], [0, 5, 0, 6], [7, 0, 0, 0]], np.float32))
    queries = sp.csr_matrix(np.array([[2, 1, 0.5]], np.float32))
    np.testing.assert_allclose(postings_product(queries, matrix, budget=2), [[5.5, 9, 6, 14]])


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
    # A small budget: several groups per query, whose sums a batch must still add up in the same order.
    monkeypatch.setattr(pool_module, "postings_product",
                        lambda q, seg: calls.append(q.shape[0]) or real(q, seg, budget=50))
    small = m.dot(queries)
    assert calls == []
    monkeypatch.setattr(pool_module, "POSTINGS_MIN_ROWS", 40)
    batch = m.dot(queries)
    assert calls == [30]
    one_by_one = np.vstack([m.dot(queries[i : i + 1]) for i in range(30)])
    np.testing.assert_array_equal(batch, one_by_one)
    np.testing.assert_allclose(batch, small, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(batch, (queries @ rows.T).toarray(), rtol=1e-5, atol=1e-6)
