"""The whole score ranks the specialty first; fit and bands; explanations in the people's own words."""
import jieba
import numpy as np
import pytest

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher, Taxonomy
from empathy.matching.calibration import band_of, fit_of
from empathy.matching.cases import case_documents
from empathy.matching.params import BAND_PRECISION, BAND_THRESHOLDS, FIT_KNOTS

TAXONOMY = Taxonomy([
    {"name": "Electrical wiring", "label_en": "Electrical wiring", "label_zh": "电气布线", "synonyms": ["electrician"]},
    {"name": "High-voltage electrical work", "label_en": "High-voltage electrical work", "label_zh": "高压电气作业",
     "synonyms": ["HV electrician", "高压电工"]},
    {"name": "Solar PV installation", "label_en": "Solar PV installation", "label_zh": "光伏安装",
     "synonyms": ["solar panels"]},
    {"name": "Accounting", "label_en": "Accounting", "label_zh": "会计", "synonyms": ["bookkeeping"]},
    {"name": "Recruiting", "label_en": "Recruiting", "label_zh": "招聘", "synonyms": ["HR"]},
])
CAUSE = "poverty_alleviation"
OFFICE_BIOS = ["Accountant for the finance team, month-end closing and audits",
               "HR partner: recruiting, onboarding and payroll questions",
               "Financial analyst working on budgets and forecasts",
               "People team: training plans and employee surveys"]


def office_staff(n: int) -> list[EmployeeDoc]:
    """Finance and HR staff who all ticked the need's cause."""
    skills = [EmployeeSkill("Accounting", 4), EmployeeSkill("Recruiting", 4)]
    return [EmployeeDoc(f"office{i:02d}", skills=(skills[i % 2],), bio=OFFICE_BIOS[i % 4], causes=(CAUSE,))
            for i in range(n)]


WIRING_NEED = NeedDoc("wire", title="Rewire the community centre",
                      description="Replace old electrical wiring and sockets in the community centre hall",
                      skills=(NeedSkill("Electrical wiring", "must", 3),), cause=CAUSE)


def rank_ids(model, need_id, k=30):
    return [s.id for s in model.rank_employees(need_id, k=k, explain=False)]


def test_electrician_at_the_level_ranks_above_staff_who_only_ticked_the_cause():
    electrician = EmployeeDoc("sparky", skills=(EmployeeSkill("Electrical wiring", 4),),
                              bio="Electrician: wiring, sockets and fuse boxes in old buildings", causes=("health",))
    model = SkillMatcher(taxonomy=TAXONOMY).fit([electrician, *office_staff(24)], [WIRING_NEED])
    assert rank_ids(model, "wire")[0] == "sparky"


def test_the_cause_bonus_never_lifts_a_weaker_specialist_over_a_stronger_one():
    # Both meet the minimum (3); the expert's edge in the skill part (about .03 of the score) is more than
    # the tie-break bonus and less than a cause part weighted 0.1, which used to put the cause first.
    strong = EmployeeDoc("strong", skills=(EmployeeSkill("Electrical wiring", 4),),
                         bio="Electrician rewiring halls and replacing sockets")
    weak = EmployeeDoc("weak", skills=(EmployeeSkill("Electrical wiring", 3),),
                       bio="Electrician rewiring halls and replacing sockets", causes=(CAUSE,))
    model = SkillMatcher(taxonomy=TAXONOMY).fit([strong, weak, *office_staff(8)], [WIRING_NEED])
    ranked = model.rank_employees("wire", k=10)
    assert [s.id for s in ranked[:2]] == ["strong", "weak"]
    # Structural bound: the bonus is at most tie_break, so no one passes someone whose base is higher by more.
    for above, below in zip(ranked, ranked[1:]):
        assert above.explanation["base_score"] >= below.explanation["base_score"] - model.tie_break
        assert 0 <= above.explanation["tie_break_bonus"] <= model.tie_break


def test_the_cause_reorders_people_of_equal_fit():
    same = {"skills": (EmployeeSkill("Electrical wiring", 4),), "bio": "Electrician rewiring halls"}
    people = [EmployeeDoc("a_no_cause", causes=("health",), **same), EmployeeDoc("b_cause", causes=(CAUSE,), **same)]
    model = SkillMatcher(taxonomy=TAXONOMY).fit([*people, *office_staff(6)], [WIRING_NEED])
    assert rank_ids(model, "wire")[:2] == ["b_cause", "a_no_cause"]  # without the cause, "a" wins the id tie-break
    assert rank_ids(model.set_params(tie_break=0.0), "wire")[:2] == ["a_no_cause", "b_cause"]


def test_covering_every_must_have_ranks_above_covering_fewer():
    need = NeedDoc("solar", title="Solar roof for the shelter", description="Install panels and wire them up",
                   skills=(NeedSkill("Electrical wiring", "must", 2), NeedSkill("Solar PV installation", "must", 2)))
    bio = "Tradesperson who installs panels and wires them up on roofs"
    both = EmployeeDoc("both", skills=(EmployeeSkill("Electrical wiring", 3), EmployeeSkill("solar panels", 3)),
                       bio=bio)
    ones = [EmployeeDoc(f"one{i}", skills=(EmployeeSkill(name, 4),), bio=bio + " and fixes things")
            for i, name in enumerate(["Electrical wiring", "Solar PV installation"] * 3)]
    model = SkillMatcher(taxonomy=TAXONOMY).fit([*ones, both], [need])
    ranked = model.rank_employees("solar", k=7)
    assert ranked[0].id == "both"
    assert ranked[0].explanation["missing_must_have"] == [] and ranked[0].explanation["must_have_factor"] == 1.0
    one = ranked[1].explanation
    assert len(one["missing_must_have"]) == 1
    assert one["must_have_factor"] == pytest.approx(1 - model.must_penalty)


def test_a_must_have_below_the_asked_level_counts_as_missing():
    need = NeedDoc("n", title="Panel upgrade", skills=(NeedSkill("Electrical wiring", "must", 3),))
    people = [EmployeeDoc("novice", skills=(EmployeeSkill("Electrical wiring", 1),), bio="panel upgrade"),
              EmployeeDoc("expert", skills=(EmployeeSkill("Electrical wiring", 4),), bio="panel upgrade")]
    expl = {s.id: s.explanation for s in SkillMatcher(taxonomy=TAXONOMY).fit(people, [need]).rank_employees("n")}
    assert expl["novice"]["missing_must_have"] == ["Electrical wiring"] and expl["novice"]["must_have_factor"] < 1
    assert expl["expert"]["missing_must_have"] == [] and expl["expert"]["must_have_factor"] == 1.0


def test_explanation_names_the_persons_own_skill_and_its_level():
    need = NeedDoc("grid", title="Grid connection", description="Connect the new substation",
                   skills=(NeedSkill("High-voltage electrical work", "must", 3),
                           NeedSkill("Electrical wiring", "nice")))
    person = EmployeeDoc("p", skills=(EmployeeSkill("HV electrician", 4), EmployeeSkill("electrician", 2)),
                         bio="Substation engineer")
    expl = SkillMatcher(taxonomy=TAXONOMY).fit([person], [need]).rank_employees("grid")[0].explanation
    rows = {r["need_skill"]: r for r in expl["matched_skills"]}
    hv = rows["High-voltage electrical work"]
    assert (hv["employee_skill"], hv["employee_level"], hv["employee_level_label"]) == ("HV electrician", 4, "expert")
    assert hv["employee_canonical"] == "High-voltage electrical work" and hv["meets_min_level"] is True
    wiring = rows["Electrical wiring"]  # the person's level for THAT skill, not their best level
    assert (wiring["employee_skill"], wiring["employee_level"]) == ("electrician", 2)
    assert wiring["employee_canonical"] == "Electrical wiring"


def test_explanation_shape():
    model = SkillMatcher(taxonomy=TAXONOMY).fit([EmployeeDoc("e", bio="electrician", causes=(CAUSE,))], [WIRING_NEED])
    expl = model.rank_employees("wire")[0].explanation
    assert set(expl) == {"need_id", "employee_id", "score", "fit", "band", "margin", "calibration", "short_must",
                         "base_score", "must_have_factor",
                         "tie_break_bonus", "parts", "matched_skills", "related_skills", "missing_must_have",
                         "missing_nice_to_have", "top_terms"}
    assert {p["role"] for n, p in expl["parts"].items() if n in ("text", "skills")} == {"fit"}
    assert {p["role"] for n, p in expl["parts"].items() if n in ("cause", "language")} == {"tie_break"}


def test_chinese_words_that_matched_are_whole_jieba_words():
    need = NeedDoc("zh", title="光伏电站运维志愿者", description="为乡村小学的光伏电站做运行维护和高压电气安全检查")
    person = EmployeeDoc("p", skills=(EmployeeSkill("高压电工", 4),),
                         bio="负责光伏电站运行维护十年，熟悉高压电气安装、逆变器和电气安全检查")
    others = [EmployeeDoc(f"o{i}", bio=b) for i, b in enumerate(["负责公司财务报表和审计", "从事人力资源招聘工作",
                                                                  "小学语文教师，喜欢阅读"])]
    model = SkillMatcher(taxonomy=TAXONOMY).fit([person, *others], [need])
    terms = model.rank_employees("zh", k=1)[0].explanation["top_terms"]
    words = set(jieba.lcut(need.title + need.description)) | set(jieba.lcut(person.bio))
    shown = [t["term"] for t in terms]
    assert shown and all(len(t) >= 2 and t in words for t in shown), shown
    assert not {"站运", "气安", "伏电", "行维"} & set(shown)


def test_english_terms_are_shown_as_the_person_wrote_them():
    need = NeedDoc("en", title="Installing solar panels", description="installing panels on the school roof")
    person = EmployeeDoc("p", bio="I install solar panel systems")
    model = SkillMatcher().fit([person, EmployeeDoc("q", bio="accountant")], [need])
    shown = {t["term"] for t in model.rank_employees("en", k=1)[0].explanation["top_terms"]}
    assert {"install", "solar", "panel"} <= shown and "installing" not in shown


def test_fit_is_calibrated_monotone_and_banded():
    xs, ys = FIT_KNOTS
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys) and 0 <= ys[0] and ys[-1] <= 1
    grid = np.linspace(-1, 1, 401)
    assert np.all(np.diff(fit_of(grid)) >= 0)
    assert fit_of(-1.0) == ys[0] and fit_of(1.0) == ys[-1]
    assert list(BAND_PRECISION) == ["strong", "good", "partial", "weak"]
    assert list(BAND_PRECISION.values()) == sorted(BAND_PRECISION.values(), reverse=True)
    assert [band_of(t) for t in BAND_THRESHOLDS.values()] == ["strong", "good", "partial"]
    assert band_of(min(BAND_THRESHOLDS.values()) - 1e-6) == "weak"


def test_fit_falls_with_rank_and_agrees_everywhere():
    electrician = EmployeeDoc("sparky", skills=(EmployeeSkill("Electrical wiring", 4),),
                              bio="Electrician: wiring, sockets and fuse boxes in old buildings")
    model = SkillMatcher(taxonomy=TAXONOMY).fit([electrician, *office_staff(30)], [WIRING_NEED])
    ranked = model.rank_employees("wire", k=20)
    fits = [s.fit for s in ranked]
    assert fits == sorted(fits, reverse=True) and fits[0] > fits[-1]
    assert ranked[0].band in ("strong", "good") and ranked[-1].band == "weak"
    for s in ranked:
        assert (s.explanation["fit"], s.explanation["band"]) == (s.fit, s.band) == (s.fit, band_of(s.fit))
    pair = model.score_pair("wire", "sparky")
    assert (pair.score, pair.fit) == (ranked[0].score, ranked[0].fit)
    back = model.rank_needs("sparky", k=1)[0]
    assert (back.score, back.fit, back.band) == (ranked[0].score, ranked[0].fit, ranked[0].band)


def test_explain_employees_explains_only_the_rows_asked_with_the_ranked_scores():
    model = SkillMatcher(taxonomy=TAXONOMY).fit(office_staff(12), [WIRING_NEED])
    plain = model.rank_employees("wire", k=12, explain=False)
    assert all(s.explanation is None and s.band for s in plain)
    ids = [s.id for s in plain[3:8]]
    explained = model.explain_employees("wire", [*reversed(ids), "nobody"])
    assert [s.id for s in explained] == list(reversed(ids))  # in the order asked, unknown ids left out
    by_id = {s.id: s for s in plain}
    for s in explained:
        assert (s.score, s.fit, s.band) == (by_id[s.id].score, by_id[s.id].fit, by_id[s.id].band)
        assert s.explanation["employee_id"] == s.id and s.explanation["fit"] == s.fit
    needs = model.explain_needs(ids[0], ["wire"])
    assert [(s.id, s.score) for s in needs] == [("wire", by_id[ids[0]].score)]


def test_benchmark_cases_carry_causes_into_the_documents():
    case = {"employees": [{"id": "a", "skills": ["x"], "bio": "b", "causes": ["health", "education"]},
                          {"id": "b", "skills": [], "bio": ""}],
            "needs": [{"id": "n", "title": "t", "description": "d", "skills": [], "cause": "health"},
                      {"id": "m", "title": "t", "description": "d", "skills": []}]}
    emps, needs = case_documents(case)
    assert [e.causes for e in emps] == [("health", "education"), ()]
    assert [n.cause for n in needs] == ["health", None]


def test_need_references_are_computed_once_and_agree_with_the_need_ranking():
    model = SkillMatcher(taxonomy=TAXONOMY).fit(office_staff(14), [WIRING_NEED, NeedDoc("books", title="Bookkeeping")])
    assert model.warm_need_references() == 2 and model.warm_need_references() == 0
    warmed = dict(model.need_refs_)
    model.need_refs_.clear()
    model.rank_employees_batch(["wire", "books"], k=3)
    assert model.need_refs_ == pytest.approx(warmed)


def test_a_model_file_of_format_2_is_stale(tmp_path):
    import joblib

    from empathy.matching import StaleModelError, library_fingerprint, load_model

    path = tmp_path / "old.joblib"
    model = SkillMatcher().fit([EmployeeDoc("e", bio="x")], [NeedDoc("n", title="x")])
    joblib.dump({"model": model, "fingerprint": library_fingerprint(), "data_fingerprint": None, "format": 2}, path)
    with pytest.raises(StaleModelError, match="format 2"):
        load_model(path)


def test_must_factor_reads_whole_counts_from_a_table_with_the_same_floats(monkeypatch):
    from empathy.matching import scoring

    counts = np.array([[0, 1, 2, 7, 3, 0]], np.float32)
    want = np.power(np.float32(0.95), counts).astype(np.float32)
    got = scoring.must_factor(counts, 0.05)
    assert got.dtype == np.float32 and got.shape == counts.shape
    np.testing.assert_array_equal(got, want)
    # Part-counts (a related skill counted as half a missing must-have) take the elementwise power.
    monkeypatch.setattr(scoring, "RELATED_MISSING", 0.5)
    halves = np.array([0, 0.5, 1.5, 2], np.float32)
    np.testing.assert_array_equal(scoring.must_factor(halves, 0.05),
                                  np.power(np.float32(0.95), halves).astype(np.float32))


def test_covering_counts_live_holders_of_every_must_have():
    from empathy.matching import scoring

    factor = np.array([[1, 0.95, 1, 1], [1, 1, 1, 1]], np.float32)
    live = np.array([True, True, False, True])
    assert scoring.covering(factor, np.array([True, False]), live).tolist() == [2, 0]
    assert scoring.covering(factor[:1], np.array([True, True]), live).tolist() == [2, 2]  # one row broadcasts
