"""The API's bodies for suggestions: needs suggested to the caller, and employees suggested for a need."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from empathy.api.schemas import Listing, Out, Paging, Query
from empathy.matching.params import BAND_PRECISION, BAND_PRECISION_FOR_EMPLOYEE
from empathy.needs.schemas import NeedOut

Band = Literal["strong", "good", "partial", "weak"]


def _shares(precision: dict[str, float]) -> str:
    return ", ".join(f"{band} about {share:.0%}" for band, share in precision.items())


_BAND_MEANING = (f"Share of right answers in each band on the benchmark, for a need's suggested people: "
                 f"{_shares(BAND_PRECISION)}; for the needs suggested to you (their own calibration): "
                 f"{_shares(BAND_PRECISION_FOR_EMPLOYEE)}.")


class ScorePart(Out):
    score: float = Field(description="This part's score, 0..1.")
    weight: float = Field(description="Its weight within its role (0 when the need does not ask for it).")
    used: bool = Field(description="Whether the need asks for it (a cause, languages, known skills).")
    share: float = Field(description="Its share of its role's weight, 0..1: the shares of one role sum to 1.")
    role: Literal["fit", "tie_break"] = Field(
        description="fit (text, skills: decide the fit) or tie_break (cause, language: re-order similar fits).")
    raw_similarity: float | None = Field(default=None, description="Text only: cosine similarity before scaling.")
    hubness_adjustment: float | None = Field(default=None, description="Text only: the hubness correction.")


class MatchedSkill(Out):
    need_skill: str = Field(description="The need's skill as the need names it.")
    canonical: str | None = Field(default=None, description="The taxonomy's name of the need's skill, if known.")
    employee_skill: str | None = Field(default=None, description="The person's own skill that matched it.")
    employee_canonical: str | None = Field(default=None, description="The taxonomy's name of the person's skill.")
    employee_level: int | None = Field(default=None, description="The person's level in it, 1..4.")
    employee_level_label: str | None = Field(default=None, description="That level's name (beginner..expert).")
    importance: str = Field(description="must or nice.")
    min_level: int | None = Field(default=None, description="The level the need asks for, 1..4.")
    meets_min_level: bool | None = Field(default=None, description="Whether the person's level reaches it.")
    matched_by: str = Field(description="taxonomy (the same skill), related (a related skill of the taxonomy, "
                                        "partial credit) or text (similar words).")
    match: float = Field(description="How well it matched, 0..1.")


class TopTerm(Out):
    term: str = Field(description="A word both texts share, as the person wrote it.")
    contribution: float = Field(description="Its share of the text similarity.")


class Explanation(Out):
    """Why a person was suggested for a need."""

    need_id: str | None = None
    employee_id: str | None = None
    score: float = Field(description="The ranking score, 0..1: compare it only among one need's suggestions.")
    fit: float = Field(description="The calibrated fit, 0..1: the share of right answers at this margin on the "
                                   "benchmark (right people for a need, right needs for you).")
    band: Band = Field(description="The fit as a band. " + _BAND_MEANING)
    margin: float | None = Field(default=None, description="What the fit reads: for a need's suggested people, the "
                                                           "score minus the need's 10th best person; for the needs "
                                                           "suggested to you, minus your 3rd best open need.")
    calibration: Literal["need", "employee"] | None = Field(
        default=None, description="Which calibration gave the fit and band: need (the need's people; also used for "
                                  "a person who can join fewer than 5 needs) or employee (a person's needs).")
    short_must: bool | None = Field(default=None, description="Whether a must-have falls short (not held, held "
                                                              "below the asked level, only a related skill): then "
                                                              "the band is at most good; hidden with the skills.")
    base_score: float | None = Field(default=None, description="The specialty score (text and skills) after the "
                                                               "must-have factor; hidden with the skills.")
    must_have_factor: float | None = Field(default=None, description="The factor for must-haves covered, 0..1; "
                                                                     "hidden with the skills.")
    tie_break_bonus: float | None = Field(default=None, description="What cause and language add, a small amount.")
    parts: dict[str, ScorePart] = Field(default_factory=dict, description="text, skills, cause and language.")
    matched_skills: list[MatchedSkill] = Field(default_factory=list)
    related_skills: list[MatchedSkill] = Field(
        default_factory=list, description="Need skills the person does not hold but holds a related skill of "
                                          "(e.g. Accounting for Bookkeeping): partial credit, not missing.")
    missing_must_have: list[str] = Field(default_factory=list)
    missing_nice_to_have: list[str] = Field(default_factory=list)
    top_terms: list[TopTerm] = Field(default_factory=list)
    skills_hidden: bool = Field(default=False, description="The person keeps their skills private.")


class SuggestedNeed(Out):
    need: NeedOut
    score: float
    explanation: Explanation


class SuggestedNeedList(Listing):
    items: list[SuggestedNeed]
    left_out: int = Field(default=0, description="How many needs of the best ones looked at were left out: they "
                                                 "share no skill with your profile and little of its wording.")


class SuggestionQuery(Query):
    limit: int = Field(default=20, ge=1, le=100)


class CandidateQuery(Paging):
    """Filters and paging of a need's suggested employees: the same as on its suggestions page."""

    department: str = Field(default="", max_length=120, description="Part of the department's name.")
    site: str = Field(default="", max_length=60, description="A site's code.")
    weekdays: bool = Field(default=False, description="Only people available on weekdays.")
    weekends: bool = Field(default=False, description="Only people available at weekends.")
    min_level: int | None = Field(default=None, ge=1, le=4, description="Minimum level in every must-have skill.")
    min_band: Literal["partial", "good", "strong"] | None = Field(
        default=None, description="The weakest band kept: partial keeps partial, good and strong.")
    available: bool = Field(default=False, description="Only people with the need's hours free this month.")
    has_credentials: bool = Field(default=False, description="Only people holding the credentials the need requires.")
    limit: int | None = Field(default=None, ge=1, le=100, description="Deprecated: the same as per_page.")


class Candidate(Out):
    user_id: int
    display_name: str
    department: str
    score: float
    explanation: Explanation
    lacking_credentials: list[str]


class CandidateList(Listing):
    items: list[Candidate]
    fitting: int = Field(default=0, description="How many of `total` are at least a partial fit (band strong, good "
                                                "or partial); the others only share something with the need.")
    left_out: int = Field(default=0, description="How many people were left out, not counted in `total`: they "
                                                 "share no skill with the need and little of its wording.")
