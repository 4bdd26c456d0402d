"""Related skills of the taxonomy (Accounting ~ Bookkeeping): partial credit, not a full missing must-have."""

import numpy as np
import pytest

from empathy.matching import (
    EmployeeDoc,
    EmployeeSkill,
    NeedDoc,
    NeedSkill,
    SkillMatcher,
    Taxonomy,
    load_taxonomy,
    scoring,
)

RELATED = [
    {"name": "Accounting", "category": "finance", "label_en": "Accounting", "label_zh": "会计",
     "related": ["Bookkeeping"]},
    {"name": "Bookkeeping", "category": "finance", "label_en": "Bookkeeping", "label_zh": "记账"},
    {"name": "Carbon accounting", "category": "environment", "label_en": "Carbon accounting", "label_zh": "碳核算"},
    {"name": "Nursing", "category": "health_care", "label_en": "Nursing", "label_zh": "护理"},
]


def _pool(taxonomy):
    # The same words for everyone: only the skills tell them apart.
    bio = "Finance staff at head office."
    emps = [EmployeeDoc("accountant", skills=(EmployeeSkill("Accounting", 4),), bio=bio),
            EmployeeDoc("nurse", skills=(EmployeeSkill("Nursing", 4),), bio=bio),
            EmployeeDoc("bookkeeper", skills=(EmployeeSkill("Bookkeeping", 3),), bio=bio)]
    needs = [NeedDoc("books", title="Keep the fund's books", description="Monthly ledgers for an aged-care fund.",
                     skills=(NeedSkill("Bookkeeping", "must", 2),)),
             NeedDoc("carbon", title="Carbon workshop", description="Carbon footprints for pupils.",
                     skills=(NeedSkill("Carbon accounting", "must", 2),))]
    return SkillMatcher(taxonomy=taxonomy, hubness=False, prf_weight=0).fit(emps, needs)


def test_a_relation_written_on_one_skill_holds_both_ways_and_ignores_unknown_names():
    tax = Taxonomy([*RELATED, {"name": "Payroll", "related": ["No such skill", "Payroll", "bookkeeping"]}])
    assert tax.related("Bookkeeping") == ("Accounting", "Payroll")
    assert tax.related("Accounting") == ("Bookkeeping",)
    assert tax.related("Payroll") == ("Bookkeeping",)
    assert tax.related("Nursing") == ()


def test_the_shipped_taxonomy_relates_the_obvious_pairs():
    tax = load_taxonomy()
    for a, b in (("Accounting", "Bookkeeping"), ("Nursing", "Elderly care"),
                 ("Solar PV installation", "PV operations and maintenance"), ("Teaching", "Tutoring")):
        assert b in tax.related(a) and a in tax.related(b)
    assert sum(1 for name in tax.names if tax.related(name)) >= 400  # every category, not only the demo's


def test_a_held_related_skill_earns_partial_credit_for_a_need():
    model = _pool(Taxonomy(RELATED))
    ranked = model.rank_employees("books", k=3)
    assert [s.id for s in ranked] == ["bookkeeper", "accountant", "nurse"]
    by_id = {s.id: s.explanation for s in ranked}
    accountant = by_id["accountant"]
    # The must-have is not held: named as missing, and listed with the related skill that earns part of it.
    assert accountant["missing_must_have"] == ["Bookkeeping"]
    assert [(r["need_skill"], r["employee_skill"], r["matched_by"]) for r in accountant["related_skills"]] == [
        ("Bookkeeping", "Accounting", "related")]
    assert accountant["matched_skills"] == []  # a related skill is not the same skill
    assert accountant["parts"]["skills"]["score"] == pytest.approx(scoring.RELATED_CREDIT, abs=1e-3)
    # A missing must-have in the penalty (scoring.RELATED_MISSING), as for the nurse.
    penalty = 1 - model.must_penalty
    assert accountant["must_have_factor"] == pytest.approx(penalty ** scoring.RELATED_MISSING, abs=1e-4)
    assert by_id["nurse"]["must_have_factor"] == pytest.approx(penalty, abs=1e-4)
    assert by_id["nurse"]["missing_must_have"] == ["Bookkeeping"]


def test_both_directions_give_a_related_skill_the_same_score():
    model = _pool(Taxonomy(RELATED))
    from_need = {s.id: s.score for s in model.rank_employees("books", k=3, explain=False)}
    from_person = {s.id: s.score for s in model.rank_needs("accountant", k=2, explain=False)}
    assert from_person["books"] == pytest.approx(from_need["accountant"], abs=1e-5)
    # The accountant's bookkeeping need now beats the carbon one (no relation there).
    assert [s.id for s in model.rank_needs("accountant", k=2)][0] == "books"
    explained = model.explain_needs("accountant", ["books"])[0].explanation
    assert explained["related_skills"][0]["employee_skill"] == "Accounting"


def test_without_relations_the_related_skill_is_a_missing_must_have():
    plain = Taxonomy([{k: v for k, v in e.items() if k != "related"} for e in RELATED])
    expl = {s.id: s.explanation for s in _pool(plain).rank_employees("books", k=3)}["accountant"]
    assert expl["missing_must_have"] == ["Bookkeeping"] and expl["related_skills"] == []


def test_holding_the_skill_itself_beats_holding_a_related_one_at_any_level():
    level = np.arange(1, 5, dtype=np.float32)
    for min_level in (0, 2, 4):
        assert scoring.related_match(level, min_level).max() < scoring.MATCHED
        assert (np.diff(scoring.related_match(level, min_level)) >= 0).all()


def test_a_need_added_after_fit_reads_relations_like_a_stored_one():
    model = _pool(Taxonomy(RELATED))
    model.upsert_need(NeedDoc("books2", title="Keep the fund's books",
                              description="Monthly ledgers for an aged-care fund.",
                              skills=(NeedSkill("Bookkeeping", "must", 2),)))
    scores = {s.id: s.score for s in model.rank_needs("accountant", k=3, explain=False)}
    assert scores["books2"] == pytest.approx(scores["books"], abs=1e-5)


PV = [{"name": "PV operations and maintenance", "related": ["Solar PV installation"]},
      {"name": "Solar PV installation"}, {"name": "Accounting"}]
PV_BIO = "Works on the solar power stations of the Ningxia base."
PV_NEED = NeedDoc("pv", title="Train the village station caretakers",
                  description="Teach caretakers to clean modules and read inverter alarms.",
                  skills=(NeedSkill("PV operations and maintenance", "must", 3),), cause="poverty_alleviation")


def _pv_pool(exact_level: int, related_causes=(), exact_bio=PV_BIO, related_level=4):
    emps = [EmployeeDoc("exact", skills=(EmployeeSkill("PV operations and maintenance", exact_level),), bio=exact_bio),
            EmployeeDoc("related", skills=(EmployeeSkill("Solar PV installation", related_level),), bio=PV_BIO,
                        causes=related_causes),
            *[EmployeeDoc(f"clerk{i}", skills=(EmployeeSkill("Accounting", 3),), bio="Accounts clerk at head office.")
              for i in range(8)]]
    return SkillMatcher(taxonomy=Taxonomy(PV), hubness=False, prf_weight=0).fit(emps, [PV_NEED])


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_the_asked_skill_outranks_a_related_skill_at_the_same_level_all_else_equal(level):
    # Below the asked level (3) too: a related skill earns RELATED_CREDIT of what the asked one would, and a
    # must-have it answers counts as missing in full, as one held below its level does.
    model = _pv_pool(level, related_level=level)
    ranked = [s.id for s in model.rank_employees("pv", k=3)]
    assert ranked[:2] == ["exact", "related"]
    both = {s.id: s.score for s in model.rank_employees("pv", k=2, explain=False)}
    assert both["exact"] > both["related"]
    # The same from each person's side.
    assert model.rank_needs("exact", k=1)[0].score == pytest.approx(both["exact"], abs=1e-5)
    assert model.rank_needs("related", k=1)[0].score == pytest.approx(both["related"], abs=1e-5)


def test_a_shared_cause_does_not_lift_a_related_skill_over_the_asked_one_of_comparable_specialty():
    # The demo's case: the related skill's holder shares the need's cause; the asked skill's holder
    # wrote a little less like the need, so their specialty scores are close (the asked skill's ahead).
    model = _pv_pool(4, related_causes=("poverty_alleviation",),
                     exact_bio="Works on solar power stations.")
    ranked = {s.id: s.explanation for s in model.rank_employees("pv", k=2)}
    assert list(ranked) == ["exact", "related"]
    assert ranked["exact"]["base_score"] >= ranked["related"]["base_score"]
    assert ranked["related"]["tie_break_bonus"] == 0.0  # short of the must-have: no tie-break
