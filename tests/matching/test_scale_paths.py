"""The faster paths for large pools give the same results as the plain ones they replace."""
import random

import numpy as np
import pytest
import scipy.sparse as sp

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher, expansion, hubness, topk
from empathy.matching.pool import leading_rows


def _distinct_sims(n_rows: int, n_cols: int, seed: int) -> np.ndarray:
    """Similarities without ties, so that every top k is one set."""
    rng = np.random.default_rng(seed)
    return rng.permutation(n_rows * n_cols).reshape(n_rows, n_cols).astype(np.float32) / (n_rows * n_cols)


@pytest.mark.parametrize("chunk", [1, 3, 7, 50, 1000])
@pytest.mark.parametrize("k", [1, 4, 30])
def test_top_k_over_chunks_equals_the_top_k_of_the_whole_matrix(chunk, k):
    s = _distinct_sims(9, 41, seed=chunk + k)
    vals, cols = topk.top_k_over_chunks(lambda a, b: s[:, a:b].T, 9, 41, k, chunk)
    expected = np.argsort(-s, axis=1)[:, : min(k, 41)]
    for i in range(9):
        assert set(cols[i].tolist()) == set(expected[i].tolist())
        np.testing.assert_array_equal(np.sort(vals[i]), np.sort(s[i, expected[i]]))


@pytest.mark.parametrize("chunk", [1, 5, 64])
def test_one_pass_hubness_pairs_are_the_union_of_row_and_column_top_k(chunk):
    s = _distinct_sims(12, 37, seed=chunk)
    k = 4
    got = hubness.sparse_topk_pairs(lambda a, b: s[:, a:b].T, 12, 37, k, chunk).toarray()
    want = np.zeros_like(s, dtype=bool)
    rows = np.argsort(-s, axis=1)[:, :k]
    cols = np.argsort(-s, axis=0)[:k, :]
    want[np.repeat(np.arange(12), k), rows.ravel()] = True
    want[cols.ravel(), np.tile(np.arange(37), k)] = True
    assert np.array_equal(got != 0, want)
    np.testing.assert_allclose(got[want], s[want], atol=1e-6)  # stored shifted by 1 (kept zeros stay stored)


def _pool_docs(n_emp: int, n_need: int, seed: int = 3):
    words = ("nurse care elderly accounting bookkeeping solar panels install roofs python web developer teach "
             "children school garden food bank legal advice translate chinese 护理 会计 光伏 志愿者").split()
    rng = random.Random(seed)
    emps = [EmployeeDoc(f"e{i:03d}", skills=tuple(EmployeeSkill(rng.choice(words)) for _ in range(3)),
                        bio=" ".join(rng.choice(words) for _ in range(rng.randint(3, 12)))) for i in range(n_emp)]
    needs = [NeedDoc(f"n{i:03d}", title=" ".join(rng.choice(words) for _ in range(3)),
                     description=" ".join(rng.choice(words) for _ in range(rng.randint(4, 15))),
                     skills=(NeedSkill(rng.choice(words), "must"),)) for i in range(n_need)]
    return emps, needs


def test_nearest_by_document_major_chunks_equals_the_per_query_products(monkeypatch):
    emps, needs = _pool_docs(150, 80)
    model = SkillMatcher(hubness=False).fit(emps, needs)
    queries = model.needs_.mats["text"].rows().multiply(model._view_weights()).tocsr()
    model.employees_.remove("e007")  # a removed row is never a neighbour
    monkeypatch.setattr(expansion, "CHUNK_CELLS", 80 * 7)  # chunks of 7 employees
    monkeypatch.setattr(expansion, "DOCUMENT_MAJOR_MIN_QUERIES", 1)
    chunked = expansion.nearest(queries, model.employees_, 10)
    monkeypatch.setattr(expansion, "DOCUMENT_MAJOR_MIN_QUERIES", 10**9)
    per_query = expansion.nearest(queries, model.employees_, 10)
    raw = model.employees_.mats["text"].dot(queries)
    dead = model.employees_.positions.get("e007", 7)
    assert dead not in chunked
    for i in range(queries.shape[0]):
        # The same neighbours up to ties at the 10th similarity.
        kth = np.sort(raw[i, per_query[i]])[0]
        assert set(chunked[i].tolist()) - set(per_query[i].tolist()) <= set(np.flatnonzero(raw[i] == kth).tolist())
        np.testing.assert_allclose(np.sort(raw[i, chunked[i]]), np.sort(raw[i, per_query[i]]), rtol=1e-5)


def test_rankings_with_large_pool_paths_equal_the_small_pool_paths(monkeypatch):
    emps, needs = _pool_docs(150, 80)
    monkeypatch.setattr(expansion, "DOCUMENT_MAJOR_MIN_QUERIES", 10**9)  # one product per need
    plain = SkillMatcher().fit(emps, needs)
    want = [[(s.id, round(s.score, 5)) for s in r] for r in plain.rank_employees_batch([n.id for n in needs], k=10)]
    # Every expansion through the chunked document-major pass, in small chunks.
    monkeypatch.setattr(expansion, "DOCUMENT_MAJOR_MIN_QUERIES", 1)
    monkeypatch.setattr(expansion, "CHUNK_CELLS", 80 * 9)
    chunked = SkillMatcher().fit(emps, needs)
    got = [[(s.id, round(s.score, 5)) for s in r] for r in chunked.rank_employees_batch([n.id for n in needs], k=10)]
    assert got == want


def test_leading_rows_is_a_view_with_the_rows_of_a_slice():
    m = sp.random(30, 12, density=0.3, format="csr", dtype=np.float32, random_state=1)
    head = leading_rows(m, 17)
    assert (head != m[:17]).nnz == 0 and head.shape == (17, 12)
    assert np.shares_memory(head.data, m.data)
