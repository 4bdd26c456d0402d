import pytest

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher, Taxonomy

FIXTURE_TAXONOMY = [
    {"name": "Nursing", "category": "health", "label_en": "Nursing", "label_zh": "护理",
     "synonyms": ["nurse", "care nursing"]},
    {"name": "Solar PV installation", "category": "energy", "label_en": "Solar PV installation", "label_zh": "光伏安装",
     "synonyms": ["photovoltaic installation", "solar panels"]},
    {"name": "Accounting", "category": "finance", "label_en": "Accounting", "label_zh": "会计",
     "synonyms": ["bookkeeping"]},
]


@pytest.fixture
def taxonomy():
    return Taxonomy(FIXTURE_TAXONOMY)


@pytest.fixture
def employees():
    return [
        EmployeeDoc("e1", skills=(EmployeeSkill("护理", 4),), bio="我是一名护士，在医院工作了十年", languages=("zh",),
                    causes=("health",)),
        EmployeeDoc("e2", skills=(EmployeeSkill("bookkeeping", 2),), bio="Accountant for small charities",
                    languages=("en",)),
        EmployeeDoc("e3", skills=(EmployeeSkill("solar panels", 3),), bio="I install photovoltaic systems on roofs"),
        EmployeeDoc("e4", skills=(EmployeeSkill("Python programming", 3),), bio="Software developer building web apps"),
    ]


@pytest.fixture
def needs():
    return [
        NeedDoc("n1", title="Nurse for an elderly home", description="Help care for elderly residents",
                skills=(NeedSkill("Nursing", "must", 3),), cause="health"),
        NeedDoc("n2", title="会计志愿者", description="帮助公益组织整理账目", skills=(NeedSkill("会计"),)),
        NeedDoc("n3", title="Install solar panels on a school", skills=(NeedSkill("光伏安装"),)),
        NeedDoc("n4", title="Build a website for a food bank", skills=(NeedSkill("python programing", "nice"),)),
    ]


@pytest.fixture
def fitted(taxonomy, employees, needs):
    return SkillMatcher(taxonomy=taxonomy).fit(employees, needs)
