"""The words that counted are words the person or the need wrote, never the taxonomy's skill names."""
import re

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher
from tests.matching.test_whole_score import TAXONOMY, office_staff

# Both picked "电气布线" and "光伏安装" in the Chinese interface; the web app stores the canonical names.
ZH_NEED = NeedDoc("zh", title="乡村小学光伏电站检修", description="为乡村小学的光伏电站检修电气线路，更换老化的插座",
                  skills=(NeedSkill("Electrical wiring", "must", 3), NeedSkill("Solar PV installation", "nice")))
ZH_PERSON = EmployeeDoc("zh_person",
                        skills=(EmployeeSkill("Electrical wiring", 4), EmployeeSkill("Solar PV installation", 3)),
                        bio="电工，十年电气线路和插座检修经验，也装过光伏电站")


def terms(suggestion) -> list[str]:
    return [t["term"] for t in suggestion.explanation["top_terms"]]


def test_chinese_texts_with_taxonomy_skills_show_only_chinese_words():
    model = SkillMatcher(taxonomy=TAXONOMY).fit([ZH_PERSON, *office_staff(6)], [ZH_NEED])
    for suggestion in (model.rank_employees("zh", k=1)[0], model.rank_needs("zh_person", k=1)[0],
                       *model.explain_needs("zh_person", ["zh"])):
        shown = terms(suggestion)
        assert shown and not [t for t in shown if re.search(r"[A-Za-z]", t)], shown
        assert suggestion.explanation["matched_skills"]  # the skills show there, as labels in the reader's language


def test_english_words_someone_wrote_stay_english():
    need = NeedDoc("en", title="Rewire the school's solar station", description="Check the wiring of the solar station",
                   skills=(NeedSkill("Electrical wiring", "must", 3),))
    person = EmployeeDoc("en_person", skills=(EmployeeSkill("Electrical wiring", 4),), bio="我是电工")
    model = SkillMatcher(taxonomy=TAXONOMY).fit([person, *office_staff(6)], [need])
    shown = set(terms(model.rank_needs("en_person", k=1)[0]))
    # "wiring" is in the need's own text (and the skill name); "electrical" only in the skill's name.
    assert "wiring" in shown and "electrical" not in shown
