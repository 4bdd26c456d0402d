"""The shipped reference data: skill taxonomy, categories, company sites, cause areas and the names of the
beneficiary organisations the company works with.

The JSON files live next to this module and are read through importlib.resources, so they
work from a wheel or a zip as well as from a checkout.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def _load(filename: str) -> Any:
    # Cached and parsed once; callers get a copy so they cannot mutate the shared table.
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    return json.loads(text)


def _copy(value: Any) -> Any:
    return json.loads(json.dumps(value))


def load_skills() -> list[dict]:
    """The canonical skills: name, category, label_en, label_zh and synonyms."""
    return _copy(_load("skills.json"))


def load_categories() -> dict[str, dict[str, str]]:
    """Skill category codes mapped to their English and Chinese labels."""
    return _copy(_load("categories.json"))


def load_sites() -> list[dict]:
    """Company sites: code, name_en and name_zh."""
    return _copy(_load("sites.json"))


def load_causes() -> list[dict]:
    """Cause areas: code, en and zh."""
    return _copy(_load("causes.json"))


def load_beneficiaries() -> list[dict]:
    """Beneficiary organisations the company works with: their English (en) and Chinese (zh) names."""
    return _copy(_load("beneficiaries.json"))
