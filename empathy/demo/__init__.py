"""Demo data for Empathy: fictional staff and public-welfare needs, built deterministically.

`build_demo()` is pure Python (stdlib only, no Flask, no database, no clock): the same seed always
gives the same dict. Dates are offsets in days from the day the demo is loaded; the loader turns
them into real dates. Skill names refer to `empathy/data/skills.json`.
"""

from __future__ import annotations

import copy
import random

from empathy.demo import needs_care, needs_energy
from empathy.demo.activity import ACTIVITY, TYPED_SKILLS
from empathy.demo.people import make_employees

REFERENCE_NOTE = (
    "Fictional demo data. The programmes are modelled on CMIG's public 2017 CSR summary (the "
    "'Empathy Formula' initiative, the Aged Care Project Fund with the Shanghai Charity Foundation, "
    "the CMIG Home-based Aged Care Charity Fund with the China Ageing Development Foundation, "
    "Dandelion Middle School, educational poverty alleviation in Guangxi and Cambodia, PV targeted "
    "poverty alleviation in Yanchi County). All people, e-mail addresses, dates and need details are "
    "invented; start_offset_days counts from the day the demo is loaded."
)

ADMIN = {"email": "admin@empathy.example", "name": "Empathy Administrator",
         "password": "Empathy-Admin-2017"}
COORDINATOR_PASSWORD = "Empathy-Coord-2017"
# Every demo employee shares one password; the same value as services.demo.DEMO_EMPLOYEE_PASSWORD.
EMPLOYEE_PASSWORD = "volunteer-with-empathy"

COORDINATORS = [
    # Named as their colleagues at the same site mostly are: in Chinese on the mainland, in English in Hong Kong.
    {"email": "coordinator@empathy.example", "name": "陈思远",
     "department": "Marketing & Communications", "site": "shanghai-hq"},
    {"email": "coordinator.ningxia@empathy.example", "name": "马晓宁",
     "department": "New Energy", "site": "yinchuan"},
    {"email": "coordinator.intl@empathy.example", "name": "Sophie Lam",
     "department": "Administration", "site": "hong-kong"},
]


def _expand_need(raw: dict) -> dict:
    need = copy.deepcopy(raw)
    need["skills"] = [
        {"name": name, "importance": importance, "min_level": min_level}
        for name, importance, min_level in raw["skills"]
    ]
    need["activity"] = dict(ACTIVITY.get(raw["key"], {}))
    return need


def build_demo(seed: int = 2017) -> dict:
    """The whole demo data set for `seed`: admin, coordinators, about 200 employees and the needs."""
    rng = random.Random(seed)
    return {
        "reference_note": REFERENCE_NOTE,
        "admin": dict(ADMIN),
        "coordinators": [dict(c, password=COORDINATOR_PASSWORD) for c in COORDINATORS],
        "employee_password": EMPLOYEE_PASSWORD,
        "employees": make_employees(rng),
        "needs": [_expand_need(n) for n in (*needs_care.NEEDS, *needs_energy.NEEDS)],
        "typed_skills": [{"name": name, "department": department, "level": level}
                         for name, department, level in TYPED_SKILLS],
    }


__all__ = ["build_demo"]
