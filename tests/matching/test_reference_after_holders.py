"""A need's fit reads a score against its 10th best person counted after those who hold every must-have: in a
company, eight nurses for one health check are all specialists, not a crowd that hides each of them."""

import numpy as np
import pytest

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher, Taxonomy, scoring

TAXONOMY = Taxonomy([{"name": "Nursing", "label_zh": "护理"}, {"name": "Accounting", "label_zh": "会计"},
                     {"name": "Cooking", "label_zh": "烹饪"}])
WORDS = ["ledger", "audit", "recipe", "kitchen", "garden", "bicycle", "museum", "violin", "harbour", "lantern"]


def _pool(n_nurses: int) -> SkillMatcher:
    nurses = [EmployeeDoc(f"nurse{i}", skills=(EmployeeSkill("Nursing", 3 + i % 2),),
                          bio=f"Registered nurse on a hospital ward, {WORDS[i % len(WORDS)]} at weekends.")
              for i in range(n_nurses)]
    others = [EmployeeDoc(f"other{i}", skills=(EmployeeSkill(("Accounting", "Cooking")[i % 2], 3),),
                          bio=f"Office colleague who likes {WORDS[i % len(WORDS)]} and {WORDS[(i + 3) % len(WORDS)]}.")
              for i in range(40)]
    need = NeedDoc("checks", title="Blood pressure checks", description="A nurse measures blood pressure for seniors.",
                   skills=(NeedSkill("Nursing", "must", 2),))
    return SkillMatcher(taxonomy=TAXONOMY).fit(nurses + others, [need])


def test_many_holders_of_the_must_have_do_not_read_as_weak_fits():
    ranked = _pool(12).rank_employees("checks", k=12)
    assert all(s.id.startswith("nurse") for s in ranked)
    assert ranked[0].band in ("strong", "good") and sum(s.band != "weak" for s in ranked) >= 10


def test_the_reference_counts_past_the_holders_only_when_the_need_has_a_must_have(monkeypatch):
    model = _pool(12)
    with_holders = model.rank_employees("checks", k=1)[0].explanation["margin"]
    monkeypatch.setattr(scoring, "REFERENCE_AFTER_COVERING", False)
    plain = _pool(12).rank_employees("checks", k=1)[0].explanation["margin"]
    assert with_holders > plain + 0.05


def test_reference_takes_one_rank_per_row():
    scores = np.array([[0.9, 0.8, 0.7, 0.6], [0.4, 0.3, 0.2, 0.1]], np.float32)
    live = np.ones(4, bool)
    assert scoring.reference(scores, live, np.array([1, 3])).tolist() == pytest.approx([0.9, 0.2])
    assert scoring.reference(scores, live, 10).tolist() == pytest.approx([0.6, 0.1])  # the lowest when fewer
    factor = np.array([[1.0, 0.95, 1.0, 1.0]], np.float32)
    assert scoring.covering(factor, np.array([True]), live).tolist() == [3]
    assert scoring.covering(factor, np.array([False]), live).tolist() == [0]
    assert scoring.covering(np.ones((1, 1), np.float32), np.array([True, False]), live).tolist() == [4, 0]
