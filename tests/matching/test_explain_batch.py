"""Explaining a page's rows at once: the same explanations as one pair at a time, without scoring again."""
import pickle

import pytest

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher, Taxonomy, ranking, vectors
from empathy.matching.explain import explain_pair, explain_pairs
from empathy.matching.features import employee_text, skill_labels
from empathy.matching.text import stem, surface_forms, tokenize_short

TAXONOMY = Taxonomy([
    {"name": "Electrical wiring", "label_en": "Electrical wiring", "label_zh": "电气布线", "synonyms": ["electrician"]},
    {"name": "Solar PV installation", "label_en": "Solar PV installation", "label_zh": "光伏安装",
     "synonyms": ["solar panels"]},
    {"name": "Accounting", "label_en": "Accounting", "label_zh": "会计", "synonyms": ["bookkeeping"]},
    {"name": "Nursing", "label_en": "Nursing", "label_zh": "护理", "synonyms": ["nurse"]},
])

EMPLOYEES = [
    EmployeeDoc("e0", skills=(EmployeeSkill("Electrical wiring", 4), EmployeeSkill("solar panels", 2)),
                bio="Electrician installing sockets, wiring and photovoltaic panels on roofs"),
    EmployeeDoc("e1", skills=(EmployeeSkill("电气布线", 3),), bio="我是电气工程师，负责电气安装和光伏安装项目"),
    EmployeeDoc("e2", skills=(EmployeeSkill("bookkeeping", 1), EmployeeSkill("bookkeeping", 3)),
                bio="Bookkeeper: accounts, invoices and audits for charities"),
    EmployeeDoc("e3", skills=(EmployeeSkill("Python programing"), EmployeeSkill("web design", 2)),
                bio="Developer building websites; programming in Python and teaching coding"),
    EmployeeDoc("e4", skills=(), bio="Volunteer driver; I like organising community events"),
    EmployeeDoc("e5", skills=(EmployeeSkill("nurse", 4), EmployeeSkill("first aid")),
                bio="Nurse in a hospital ward, 护理 and first aid training"),
    EmployeeDoc("e6", skills=(EmployeeSkill("Solar PV installation", 1),),
                bio="Installed solar systems; installations of inverters and wiring"),
]
NEEDS = [
    NeedDoc("wire", title="Rewire the community centre", description="Replace electrical wiring and sockets",
            skills=(NeedSkill("Electrical wiring", "must", 3), NeedSkill("Solar PV installation", "nice"))),
    NeedDoc("zh", title="光伏安装志愿者", description="为学校安装光伏板和电气布线",
            skills=(NeedSkill("光伏安装", "must", 2), NeedSkill("电气布线", "nice"))),
    NeedDoc("web", title="Website for a food bank", description="Build and host a simple website",
            skills=(NeedSkill("python programming", "must"), NeedSkill("Accounting", "nice", 4))),
    NeedDoc("none", title="Drive a van", description="Deliver food parcels on Saturdays"),
]


@pytest.fixture(scope="module")
def model():
    return SkillMatcher(taxonomy=TAXONOMY).fit(EMPLOYEES, NEEDS)


def one_at_a_time(model, need_id, employee_ids):
    """The explanation of each pair from a fresh scoring and explain_pair (the reference)."""
    need, row = model.need_docs_[need_id], model.needs_.positions[need_id]
    result = model._score(model._queries([need], NeedDoc, [row]), NeedDoc, [row])
    out = []
    for i in employee_ids:
        values = ranking.pick(result, 0, model.employees_.positions[i], model._weights())
        out.append(explain_pair(model.featurizer_, need, model.employee_docs_[i], values))
    return out


def without_calibration(explanation):
    return {**explanation, "fit": None, "band": None, "margin": None, "calibration": None, "short_must": None}


@pytest.mark.parametrize("need_id", [n.id for n in NEEDS])
def test_explained_rows_equal_the_one_pair_explanations(model, need_id):
    ids = [e.id for e in EMPLOYEES]
    got = model.explain_employees(need_id, ids)
    assert [s.id for s in got] == ids
    assert [without_calibration(s.explanation) for s in got] == one_at_a_time(model, need_id, ids)


def test_explain_pairs_without_stored_vectors_equals_explain_pair(model):
    pairs = [(n, e) for n in NEEDS for e in EMPLOYEES]
    values = [{"score": 0.5, "base": 0.5, "must_factor": 1.0, "bonus": 0.0, "raw": 0.3, "hub": 0.0,
               "parts": dict.fromkeys(ranking.PARTS, 0.5), "present": dict.fromkeys(ranking.PARTS, 1.0),
               "weights": model._weights()}] * len(pairs)
    batch = explain_pairs(model.featurizer_, pairs, values)
    assert batch == [explain_pair(model.featurizer_, n, e, v) for (n, e), v in zip(pairs, values)]
    assert any(t["term"] == "wiring" for b in batch for t in b["top_terms"])  # the sample exercises words...
    assert any(s["matched_by"] == "taxonomy" for b in batch for s in b["matched_skills"])  # ...skills...
    assert any(b["missing_must_have"] for b in batch)  # ...and missing must-haves
    with pytest.raises(ValueError, match="aligned"):
        explain_pairs(model.featurizer_, pairs, values[:-1])


def test_skill_counts_give_each_skills_vector_and_the_skill_field_as_their_sum(model):
    feat = model.featurizer_
    emp = EMPLOYEES[2]  # the same skill typed twice counts twice in the field
    counts = feat.skill_counts([s.name for s in emp.skills] + ["电气布线", "electric wirng"])
    for row, name in zip(counts, [s.name for s in emp.skills] + ["电气布线", "electric wirng"]):
        toks = [list(tokenize_short(skill_labels(name, TAXONOMY)[1]))]
        assert row.nnz and (feat.char_counts(toks) != row).nnz == 0
        assert abs(vectors.tfidf(row.copy(), feat.char_idf_) - feat.char(toks)).max() < 1e-6
    field = counts[0] + counts[1]
    assert (feat.char_counts([feat.skill_field_tokens(emp)]) != field).nnz == 0
    assert feat.skill_counts(["bookkeeping"]).nnz == counts[0].nnz  # memoised rows read back the same
    assert "_skill_counts" not in pickle.loads(pickle.dumps(feat)).__dict__


def test_surface_forms_with_only_agree_on_the_tokens_asked():
    text = employee_text(EMPLOYEES[1]) + " ; Installing installations 电气安装工程 ; 我喜欢读书"
    full = surface_forms(text)
    wanted = frozenset(["电气", "安装", "气安", stem("installing"), "光伏", "光伏安装", "absent"])
    part = surface_forms(text, only=wanted)
    assert {t: part.get(t) for t in wanted} == {t: full.get(t) for t in wanted}
    assert (part[stem("installing")], part["光伏"], part.get("气安")) == ("installing", "光伏", None)
    assert "读书" in full and "读书" not in part  # a run without the tokens asked was not segmented


def test_rows_of_the_last_ranking_are_explained_without_scoring_the_pool_again(monkeypatch):
    model = SkillMatcher(taxonomy=TAXONOMY).fit(EMPLOYEES, NEEDS)
    ranked = model.rank_employees("wire", k=4, explain=False)
    scored = []
    real = model._score
    monkeypatch.setattr(model, "_score", lambda *a, **kw: scored.append(1) or real(*a, **kw))
    got = model.explain_employees("wire", [s.id for s in reversed(ranked)])
    assert not scored
    assert [(s.id, s.score, s.fit, s.band) for s in got] == [(s.id, s.score, s.fit, s.band) for s in reversed(ranked)]
    outside = next(e.id for e in EMPLOYEES if e.id not in {s.id for s in ranked})
    model.explain_employees("wire", [outside])  # not in the ranking: scored once
    assert len(scored) == 1
    monkeypatch.undo()
    assert "_ranked_memo" not in pickle.loads(pickle.dumps(model)).__dict__
    # A changed pool drops the kept values: the need's reference score (so each fit) moves with it.
    before = {s.id: s.fit for s in model.rank_employees("wire", k=len(EMPLOYEES), explain=False)}
    for worst in list(before)[-2:]:  # with fewer than 10 people, the reference is the lowest score
        model.remove_employee(worst)
    after = {s.id: s.fit for s in model.explain_employees("wire", list(before))}
    fresh = {s.id: s.fit for s in model.rank_employees("wire", k=len(EMPLOYEES), explain=False)}
    assert after == fresh != {i: before[i] for i in fresh}


def test_needs_of_an_employee_are_explained_like_one_pair_at_a_time(model):
    ranked = model.rank_needs("e1", k=4, explain=False)
    got = model.explain_needs("e1", [s.id for s in ranked])
    for s in got:
        need, row = model.need_docs_[s.id], model.needs_.positions[s.id]
        result = model._score(model._queries([need], NeedDoc, [row]), NeedDoc, [row])
        values = ranking.pick(result, 0, model.employees_.positions["e1"], model._weights())
        assert without_calibration(s.explanation) == explain_pair(model.featurizer_, need, EMPLOYEES[1], values)


def test_warmed_skill_counts_spare_the_first_page_any_skill_vectorising(monkeypatch):
    model = SkillMatcher(taxonomy=TAXONOMY).fit(EMPLOYEES, NEEDS)
    distinct = {s.name for d in (*EMPLOYEES, *NEEDS) for s in d.skills}
    assert model.warm_explanations(max_skills=2) == 2  # the most common names first
    assert model.warm_explanations() == len(distinct)
    expected = one_at_a_time(model, "wire", [e.id for e in EMPLOYEES])
    model.rank_employees("wire", k=len(EMPLOYEES), explain=False)
    monkeypatch.setattr(model.featurizer_, "char_counts", lambda *a: pytest.fail("skill counts recomputed"))
    got = model.explain_employees("wire", [e.id for e in EMPLOYEES])
    assert [without_calibration(s.explanation) for s in got] == expected


def test_kept_rankings_are_bounded(monkeypatch):
    from empathy.matching import model as model_module
    monkeypatch.setattr(model_module, "RANKED_MEMO", 2)
    model = SkillMatcher(taxonomy=TAXONOMY).fit(EMPLOYEES, NEEDS)
    for need in NEEDS:
        model.rank_employees(need.id, k=3, explain=False)
    kept = model.__dict__["_ranked_memo"]
    assert [key[1].id for key in kept] == [n.id for n in NEEDS[-2:]]  # the latest two
