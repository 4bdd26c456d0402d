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


def test_batches_read_the_document_major_rows_and_score_as_one_query_does():
    emps, needs = _pool_docs(150, 80)
    model = SkillMatcher().fit(emps, needs)
    text = model.employees_.mats["text"]
    batch = model.rank_employees_batch([n.id for n in needs], k=10)
    assert text.segments is None  # a pool ranked in batches never builds its feature-major copy
    one = [model.rank_employees(n.id, k=10, explain=False) for n in needs]
    assert text.segments is not None  # one query reads the postings, built on first use
    assert [[(s.id, s.score) for s in r] for r in batch] == [[(s.id, s.score) for s in r] for r in one]


def test_a_pickled_model_carries_its_feature_major_postings():
    import pickle

    emps, needs = _pool_docs(40, 20)  # 20 needs: expanded by one batch product, which reads the rows
    model = SkillMatcher().fit(emps, needs)
    assert model.employees_.mats["text"].segments is None
    copy = pickle.loads(pickle.dumps(model))
    assert copy.employees_.mats["text"].segments is not None
    assert [s.id for s in copy.rank_employees("n001", k=5)] == [s.id for s in model.rank_employees("n001", k=5)]


def test_stack_rows_equals_vstack_and_checks_its_bound():
    from empathy.matching import vectors

    parts = [sp.random(n, 9, density=0.4, format="csr", dtype=np.float32, random_state=n) for n in (3, 0, 5, 4)]
    got = vectors.stack_rows(iter(parts), 12, 9, sum(p.nnz for p in parts) + 10)
    assert (got != sp.vstack(parts, format="csr")).nnz == 0 and got.nnz == sum(p.nnz for p in parts)
    with pytest.raises(ValueError):
        vectors.stack_rows(iter(parts), 12, 9, 1)


def test_skill_field_in_slices_ranks_as_one_matrix_and_upserts_leave_its_segments(monkeypatch):
    from empathy.matching import encoding

    emps, needs = _pool_docs(150, 30)
    whole = SkillMatcher().fit(emps, needs)
    monkeypatch.setattr(encoding, "SKILL_SLICE", 7)
    sliced = SkillMatcher().fit(emps, needs)
    skill = sliced.employees_.mats["skill"]
    assert len(skill.segments) == 22 and skill.n_rows == 150
    fitted = list(skill.segments)
    for model in (whole, sliced):
        for i in range(12):  # enough tail segments to merge them
            model.upsert_employee(EmployeeDoc(f"late{i}", skills=(EmployeeSkill("python"),), bio="web developer"))
    assert all(a is b for a, b in zip(fitted, skill.segments[:22]))  # the fit's segments, not copied
    assert 22 < len(skill.segments) <= 22 + 9
    ranked = [[[(s.id, s.score) for s in r] for r in m.rank_employees_batch([n.id for n in needs], k=10)]
              for m in (whole, sliced)]
    assert ranked[0] == ranked[1]


@pytest.mark.parametrize("keep", [True, False])
def test_need_skill_part_one_need_at_a_time_equals_the_batch_products(keep):
    """With a cache of skill matches across needs (a batch) or none (one need's page): the same figures."""
    from empathy.matching import ranking, scoring
    from empathy.matching.taxonomy import load_taxonomy

    emps, needs = _pool_docs(120, 25)
    emps = [EmployeeDoc(e.id, skills=(*e.skills, EmployeeSkill("Nursing", 1 + i % 4)), bio=e.bio) if i % 3 else e
            for i, e in enumerate(emps)]
    needs = [NeedDoc(n.id, title=n.title, description=n.description,
                     skills=(*n.skills, NeedSkill("Nursing", "must" if i % 2 else "nice", i % 4 or None)))
             for i, n in enumerate(needs)]
    model = SkillMatcher(taxonomy=load_taxonomy()).fit(emps, needs)
    rows = model.featurizer_.need_skill_rows(needs)
    wsum = np.bincount(rows.owner, weights=rows.weight, minlength=len(needs))
    got, missing, short = ranking.need_skill_part(model.employees_, rows, len(needs), wsum, {} if keep else None)
    # The plain computation over the whole batch at once.
    pool = model.employees_
    live = np.flatnonzero(rows.weight > 0)
    match = scoring.free_text_match(pool.mats["skill"].dot(rows.char[live]))
    canon = rows.canon[live]
    match[canon >= 0] *= pool.attrs["free_skills"][None, :]
    related = ranking._related_need_side(pool, rows, live, match)
    known = np.flatnonzero(canon >= 0)
    assert known.size
    pick = sp.csr_matrix((np.ones(known.size, np.float32), (known, canon[known])),
                         shape=(live.size, pool.mats["levels"].n_features))
    held = pool.mats["levels"].dot_sparse(pick).tocoo()
    match[held.row, held.col] = scoring.level_match(held.data, rows.min_level[live][held.row])
    if related is not None:
        related[held.row, held.col] = False
    owner = sp.csr_matrix((rows.weight[live] / np.maximum(wsum[rows.owner[live]], scoring.EPS),
                           (rows.owner[live], np.arange(live.size))), shape=(len(needs), live.size), dtype=np.float32)
    musts = np.flatnonzero(rows.must[live] & (canon >= 0))
    count = sp.csr_matrix((np.ones(musts.size, np.float32), (rows.owner[live][musts], np.arange(musts.size))),
                          shape=(len(needs), musts.size))
    assert np.array_equal(got, np.asarray(owner @ match, dtype=np.float32))
    weight = ranking._missing_weight(match[musts], None if related is None else related[musts])
    assert np.array_equal(missing, np.asarray(count @ weight))
    assert missing.any()
    # Any must-have (free-text ones too) below MATCHED: the band's cap.
    every = np.flatnonzero(rows.must[live])
    below = sp.csr_matrix((np.ones(every.size, np.float32), (rows.owner[live][every], np.arange(every.size))),
                          shape=(len(needs), every.size))
    assert np.array_equal(short, np.asarray(below @ (match[every] < scoring.MATCHED).astype(np.float32)) > 0)
    assert short.any() and not short.all()


def test_case_files_share_each_skill_name(tmp_path):
    import json

    from empathy.matching.cases import case_documents, read_cases

    case = {"case_id": "c", "employees": [{"id": f"e{i}", "skills": ["Nursing", "First aid"], "bio": ""}
                                          for i in range(3)],
            "needs": [{"id": "n", "title": "t", "description": "d", "skills": ["Nursing"]}]}
    path = tmp_path / "case.jsonl"
    path.write_text(json.dumps(case) + "\n")
    (read,) = read_cases(path)
    assert read == case
    emps, _ = case_documents(read)
    assert emps[0].skills[0] is emps[2].skills[0] and emps[0].skills[0].name == "Nursing"
    assert read["employees"][0]["skills"][1] is read["employees"][1]["skills"][1]


def test_a_small_skill_cache_ranks_as_a_large_one(monkeypatch):
    from empathy.matching import ranking

    emps, needs = _pool_docs(60, 30)
    words = ["nurse", "python", "garden", "teach"]
    needs = [NeedDoc(n.id, title=n.title, description=n.description,
                     skills=tuple(NeedSkill(words[(i + d) % 4]) for d in range(3))) for i, n in enumerate(needs)]
    model = SkillMatcher().fit(emps, needs)
    want = [[(s.id, s.score) for s in r] for r in model.rank_employees_batch([n.id for n in needs], k=8)]
    monkeypatch.setattr(ranking, "SKILL_CACHE_CELLS", 2 * 60)  # two texts: a need's own are pushed out
    got = [[(s.id, s.score) for s in r] for r in model.rank_employees_batch([n.id for n in needs], k=8)]
    assert got == want


def test_a_large_pool_ranked_after_its_documents_are_dropped_keeps_only_its_postings(monkeypatch):
    from empathy.matching import pool as pool_module

    emps, needs = _pool_docs(150, 80)
    monkeypatch.setattr(pool_module, "POSTINGS_MIN_ROWS", 100)  # 150 profiles count as a large pool
    model = SkillMatcher().fit(emps, needs)
    ids = [n.id for n in needs]
    want = [[(s.id, s.score) for s in r] for r in model.rank_employees_batch(ids, k=10)]
    text = model.employees_.mats["text"]
    rows = text.document_major().copy()
    model.drop_employee_documents()
    assert text.row_segments is None and text.segments  # the text vectors are held once, as postings
    assert [[(s.id, s.score) for s in r] for r in model.rank_employees_batch(ids, k=10)] == want
    # Rows read back from the postings, across the fit's segment and an appended one.
    some = int(np.flatnonzero(np.diff(rows.indptr))[0])  # a profile with text vectors
    model.upsert_employee(EmployeeDoc("late", skills=emps[some].skills, bio=emps[some].bio))  # row 150
    picked = text.take_rows(np.array([150, 5, some, 149]))
    assert picked[0].nnz and (picked != rows[[some, 5, some, 149]]).nnz == 0
    # A need that is not stored is expanded from the employees' rows: it still ranks.
    fresh = NeedDoc("fresh", title="solar panels", description="install solar panels on school roofs",
                    skills=(NeedSkill("solar", "must"),))
    assert model.rank_employees(fresh, k=5, explain=False)
