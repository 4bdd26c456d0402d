"""Plain documents the matcher works on (the service layer builds them from database rows), and its results."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LEVELS = {1: "beginner", 2: "intermediate", 3: "advanced", 4: "expert"}


@dataclass(frozen=True)
class EmployeeSkill:
    """A skill as typed on a profile, with an optional level 1 (beginner) .. 4 (expert).

    ``typed``: the person's own words, not (yet) a skill of the reviewed taxonomy (in the web app, a skill
    waiting for an administrator's review): text similarity may stand in for a taxonomy skill for them."""

    name: str
    level: int | None = None
    typed: bool = False


@dataclass(frozen=True)
class NeedSkill:
    """A skill a need asks for: must-have or nice-to-have, with an optional minimum level."""

    name: str
    importance: Literal["must", "nice"] = "must"
    min_level: int | None = None


@dataclass(frozen=True)
class EmployeeDoc:
    """Everything the matcher knows of one employee. ``id`` is an opaque string."""

    id: str
    skills: tuple[EmployeeSkill, ...] = ()
    bio: str = ""
    languages: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()
    site: str | None = None
    is_remote: bool = False
    available_weekdays: bool = True
    available_weekends: bool = True
    is_suggestible: bool = True
    is_active: bool = True


@dataclass(frozen=True)
class NeedDoc:
    """Everything the matcher knows of one volunteering need. ``id`` is an opaque string."""

    id: str
    title: str = ""
    description: str = ""
    skills: tuple[NeedSkill, ...] = ()
    cause: str | None = None
    languages: tuple[str, ...] = ()
    site: str | None = None
    is_remote: bool = False
    runs_weekdays: bool = True
    runs_weekends: bool = False
    is_open: bool = True


@dataclass(frozen=True)
class Suggestion:
    """One ranked result: the other side's id, the score in [0, 1], why (a JSON-ready dict, or None),
    the calibrated fit in [0, 1] (share of right answers at this score on the dev files) and its band
    (``"strong"``, ``"good"``, ``"partial"`` or ``"weak"``; see ``params.BAND_PRECISION``)."""

    id: str
    score: float
    explanation: dict | None = field(default=None, compare=False)
    fit: float = 0.0
    band: str = "weak"


def validate_employee(doc: object) -> EmployeeDoc:
    """Check one employee document and return it."""
    if not isinstance(doc, EmployeeDoc):
        raise TypeError(f"expected EmployeeDoc, got {type(doc).__name__}")
    if not isinstance(doc.id, str) or not doc.id:
        raise ValueError("EmployeeDoc.id must be a non-empty string")
    for skill in doc.skills:
        if skill.level is not None and skill.level not in LEVELS:
            raise ValueError(f"skill level must be 1..4 or None, got {skill.level!r}")
    return doc


def validate_need(doc: object) -> NeedDoc:
    """Check one need document and return it."""
    if not isinstance(doc, NeedDoc):
        raise TypeError(f"expected NeedDoc, got {type(doc).__name__}")
    if not isinstance(doc.id, str) or not doc.id:
        raise ValueError("NeedDoc.id must be a non-empty string")
    for skill in doc.skills:
        if skill.importance not in ("must", "nice"):
            raise ValueError(f"importance must be 'must' or 'nice', got {skill.importance!r}")
        if skill.min_level is not None and skill.min_level not in LEVELS:
            raise ValueError(f"min_level must be 1..4 or None, got {skill.min_level!r}")
    return doc
