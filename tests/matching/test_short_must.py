"""A person short of a must-have (not held, held below the asked level, only a related skill) is never a strong fit."""
import pytest

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher, Taxonomy
from empathy.matching.calibration import band_of
from empathy.matching.params import BAND_THRESHOLDS, SHORT_MUST_MAX_BAND, SHORT_MUST_MAX_FIT
from tests.matching.test_whole_score import TAXONOMY, office_staff

WIRING_TEXT = "Electrician rewiring the community centre hall: old electrical wiring, sockets and fuse boxes"
NEED = NeedDoc("wire", title="Rewire the community centre",
               description="Replace old electrical wiring, sockets and fuse boxes in the community centre hall",
               skills=(NeedSkill("Electrical wiring", "must", 3),))


def _model(person: EmployeeDoc, need: NeedDoc = NEED, taxonomy: Taxonomy = TAXONOMY) -> SkillMatcher:
    # The person's words are the need's own; everyone else works in the office: they stand out by far.
    return SkillMatcher(taxonomy=taxonomy).fit([person, *office_staff(30)], [need])


def _every_reading(model: SkillMatcher, need_id: str, person_id: str) -> list:
    """The person's Suggestion as each path of the matcher gives it: ranked (explained or not), explained by id,
    scored as a pair, and from the person's side."""
    ranked = {s.id: s for s in model.rank_employees(need_id, k=31)}
    plain = {s.id: s for s in model.rank_employees(need_id, k=31, explain=False)}
    return [ranked[person_id], plain[person_id], model.explain_employees(need_id, [person_id])[0],
            model.score_pair(need_id, person_id),
            *[s for s in model.rank_needs(person_id, k=1) if s.id == need_id]]


def test_the_cap_lands_in_the_band_it_names():
    assert band_of(SHORT_MUST_MAX_FIT) == SHORT_MUST_MAX_BAND == "good"
    assert SHORT_MUST_MAX_FIT < BAND_THRESHOLDS["strong"]


def test_a_holder_at_the_asked_level_who_stands_out_is_a_strong_fit():
    person = EmployeeDoc("sparky", skills=(EmployeeSkill("Electrical wiring", 4),), bio=WIRING_TEXT)
    top = _model(person).rank_employees("wire", k=1)[0]
    assert top.id == "sparky" and top.band == "strong" and top.explanation["short_must"] is False


@pytest.mark.parametrize("skills", [
    (EmployeeSkill("Electrical wiring", 2),),  # held, below the asked level (3)
    (EmployeeSkill("High-voltage electrical work", 4),),  # not held at all
], ids=["below-level", "not-held"])
def test_a_person_short_of_a_must_have_is_at_most_a_good_fit_on_every_path(skills):
    person = EmployeeDoc("sparky", skills=skills, bio=WIRING_TEXT)
    model = _model(person)
    readings = _every_reading(model, "wire", "sparky")
    assert len(readings) == 5
    for s in readings:
        assert s.band == SHORT_MUST_MAX_BAND and s.fit <= SHORT_MUST_MAX_FIT, s
        assert s.band == band_of(s.fit)
        if s.explanation is not None:
            assert s.explanation["short_must"] is True and s.explanation["band"] == s.band
            assert s.explanation["missing_must_have"] == ["Electrical wiring"]


def test_a_must_have_answered_by_a_related_skill_only_caps_the_band_too():
    tax = Taxonomy([{"name": "Electrical wiring", "related": ["Electrical safety inspection"]},
                    {"name": "Electrical safety inspection"}, {"name": "Accounting"}, {"name": "Recruiting"}])
    person = EmployeeDoc("sparky", skills=(EmployeeSkill("Electrical safety inspection", 4),), bio=WIRING_TEXT)
    top = _model(person, taxonomy=tax).rank_employees("wire", k=1)[0]
    assert top.id == "sparky" and top.explanation["related_skills"]
    assert top.band == SHORT_MUST_MAX_BAND and top.explanation["short_must"] is True


def test_a_free_text_must_have_the_profile_does_not_echo_caps_the_band():
    need = NeedDoc("wire", title=NEED.title, description=NEED.description,
                   skills=(NeedSkill("Thermal imaging of fuse boxes", "must"),))
    person = EmployeeDoc("sparky", skills=(EmployeeSkill("Electrical wiring", 4),), bio=WIRING_TEXT)
    top = _model(person, need).rank_employees("wire", k=1)[0]
    assert top.id == "sparky" and top.explanation["missing_must_have"] == ["Thermal imaging of fuse boxes"]
    assert top.band == SHORT_MUST_MAX_BAND
