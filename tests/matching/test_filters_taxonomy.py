import json

import numpy as np

from empathy.matching import EmployeeDoc, NeedDoc, SkillMatcher, Taxonomy, availability_mask, exclusion_mask, site_mask
from empathy.matching.cases import _metrics, case_documents, rank_cases


def ids(s):
    return [x.id for x in s]


def test_availability_mask():
    wd, we = np.array([True, False, False]), np.array([False, True, False])
    assert availability_mask(True, False, wd, we).tolist() == [True, False, False]
    assert availability_mask(False, True, wd, we).tolist() == [False, True, False]
    assert availability_mask(True, True, wd, we).tolist() == [True, True, False]


def test_site_mask():
    sites, remote = np.array([0, 1, -1, 1]), np.array([False, False, False, True])
    assert site_mask(0, False, sites, remote).tolist() == [True, False, False, True]
    assert site_mask(0, True, sites, remote).all()
    assert site_mask(-1, False, sites, remote).all()


def test_exclusion_mask():
    assert exclusion_mask(3, {"a": 0, "b": 1, "c": 2}, ["b", "zz"]).tolist() == [True, False, True]


def _pool():
    emps = [EmployeeDoc("ok", bio="nurse", site="paris"),
            EmployeeDoc("inactive", bio="nurse", site="paris", is_active=False),
            EmployeeDoc("not_suggestible", bio="nurse", site="paris", is_suggestible=False),
            EmployeeDoc("weekend_only", bio="nurse", site="paris", available_weekdays=False),
            EmployeeDoc("other_site", bio="nurse", site="lyon"),
            EmployeeDoc("remote_other_site", bio="nurse", site="lyon", is_remote=True)]
    need = NeedDoc("n", title="nurse", site="Paris", runs_weekdays=True, runs_weekends=False)
    return SkillMatcher().fit(emps, [need])


def test_hard_filters_in_ranking():
    m = _pool()
    assert sorted(ids(m.rank_employees("n"))) == ["ok", "remote_other_site"]
    assert ids(m.rank_employees("n", exclude=["ok"])) == ["remote_other_site"]
    remote_need = NeedDoc("n2", title="nurse", site="paris", is_remote=True, runs_weekends=True)
    assert "other_site" in ids(m.rank_employees(remote_need)) and "weekend_only" in ids(m.rank_employees(remote_need))


def test_hard_filters_employee_direction():
    m = _pool()
    assert ids(m.rank_needs("ok")) == ["n"]
    assert m.rank_needs("inactive") == [] and m.rank_needs("weekend_only") == [] and m.rank_needs("other_site") == []
    assert ids(m.rank_needs("remote_other_site")) == ["n"]
    assert m.rank_needs("ok", exclude=["n"]) == []
    m.upsert_need(NeedDoc("closed", title="nurse", site="paris", is_open=False))
    assert "closed" not in ids(m.rank_needs("ok"))


def test_taxonomy_resolution(taxonomy):
    assert taxonomy.resolve("NURSE") == "Nursing"
    assert taxonomy.resolve("  Care-Nursing ") == "Nursing"
    assert taxonomy.resolve("光伏安装") == "Solar PV installation"
    assert taxonomy.resolve("ＢＯＯＫＫＥＥＰＩＮＧ") == "Accounting"  # full width
    assert taxonomy.resolve("quantum knitting") is None
    assert set(taxonomy.labels("Accounting")) == {"Accounting", "会计", "bookkeeping"}
    fuzzy = Taxonomy(fuzzy=True, entries=[{"name": "Bookkeeping", "synonyms": []}])
    assert fuzzy.resolve("bookkeepng") == "Bookkeeping"


def test_cases_rank_contract(tmp_path):
    case = {"case_id": "c", "employees": [{"id": "x2", "skills": ["nursing"], "bio": "hospital nurse"},
                                          {"id": "x1", "skills": ["accounting"], "bio": "accountant"}],
            "needs": [{"id": "q", "title": "Nurse", "description": "care for patients", "skills": ["nursing"]}],
            "relevant": {"q": ["x2"]}}
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(case) + "\n")
    rows = list(rank_cases(path, k=1, taxonomy=Taxonomy()))
    assert rows == [{"case_id": "c", "query_id": "q", "ranked": ["x2"]}]
    rows = list(rank_cases(path, k=5, direction="employee", taxonomy=Taxonomy()))
    assert [r["query_id"] for r in rows] == ["x2", "x1"] and all(r["ranked"] == ["q"] for r in rows)
    emps, needs = case_documents(case)
    assert emps[0].is_remote and needs[0].skills[0].importance == "must" and needs[0].skills[0].min_level is None


def test_metrics():
    rows = [{"query_id": "q", "ranked": ["a", "b"]}]
    out = _metrics(rows, {"q": ["b"]}, {"q": {"b": 2, "a": 1}})
    assert out["recall@10"] == 1.0 and out["mrr"] == 0.5
    ideal = 3 + 1 / np.log2(3)
    assert abs(out["ndcg@10"] - (1 + 3 / np.log2(3)) / ideal) < 1e-9
