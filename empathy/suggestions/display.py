"""An explanation (the matcher's dict) as the lines a page shows, in the reader's language.

Built in Python rather than in Jinja macros: a suggestions page shows twenty explanations, and the
macros' per-call translations cost more than the rest of the page together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from flask_babel import get_locale
from flask_babel import gettext as _

from empathy.matching.params import BAND_PRECISION, BAND_PRECISION_FOR_EMPLOYEE

BANDS = ("strong", "good", "partial", "weak")  # best first
# The two calibrations (matching.calibration.KNOTS): people suggested for a need, needs suggested to a person.
SIDES = ("need", "employee")


@dataclass
class ExplanationView:
    band: str  # strong, good, partial or weak: the headline
    band_label: str  # "Strong fit"
    fit_title: str  # "Fit 83 %": the calibrated fit, shown on hover and in the disclosure
    matched: list[tuple[str, str]] = field(default_factory=list)  # (line, warning or "")
    related: list[str] = field(default_factory=list)  # "related: Accounting for Bookkeeping"
    missing: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    # (name, score text, share % within its role, used): the parts that decide the fit (text, skills) ...
    parts: list[tuple[str, str, int, bool]] = field(default_factory=list)
    # ... and those that only break ties among similar fits (cause, language), their shares among themselves.
    tie_parts: list[tuple[str, str, int, bool]] = field(default_factory=list)
    tie_title: str = ""  # "These only break ties among similar fits:"


def _share_scale(shares) -> int:
    """One denominator for a whole legend, so that its bands compare at a glance: 10 when every share is
    within 3 points of a (non-zero) tenth, else 100."""
    fits_tenths = all(round(s * 10) >= 1 and abs(round(s * 10) / 10 - s) <= 0.03 for s in shares)
    return 10 if fits_tenths else 100


def _share_words(share: float, scale: int) -> tuple[int, int]:
    """A share as "n in `scale`" (at least 1: a band is never said to be never right)."""
    return max(1, round(share * scale)), scale


@lru_cache(maxsize=8)
def _words(locale: str) -> dict:
    """The words of explanations in one language, translated once per process (the key is the request's locale)."""
    return {
        "levels": {1: _("beginner"), 2: _("intermediate"), 3: _("advanced"), 4: _("expert")},
        "parts": {"text": _("Specialty text"), "skills": _("Skills"), "cause": _("Cause"), "language": _("Language")},
        "bands": _band_names(),
        "not_asked": _("not asked"),
        "tie_break": _("These only break ties among similar fits:"),
        "legend_lead": {"need": _("How often such suggestions were the right person in our benchmark:"),
                        "employee": _("How often such suggestions were the right need in our benchmark:")},
        "legend": {side: [_("%(band)s: about %(n)s in %(d)s", band=_band_names()[band], n=n, d=d)
                          for band in BANDS for n, d in [_share_words(shares[band], _share_scale(shares.values()))]]
                   for side, shares in (("need", BAND_PRECISION), ("employee", BAND_PRECISION_FOR_EMPLOYEE))},
        # Formats without their values: filled below by %, as gettext would.
        "own_level_for": _("%(skill)s (%(level)s) for %(need_skill)s"),
        "own_level": _("%(skill)s (%(level)s)"),
        "own_for": _("%(skill)s for %(need_skill)s"),
        "below": _("below level %(n)s"),
        "related": _("related: %(skill)s for %(need_skill)s"),
        "fit": _("Fit %(n)s%%"),
    }


def _band_names() -> dict[str, str]:
    return {"strong": _("Strong fit"), "good": _("Good fit"), "partial": _("Partial fit"), "weak": _("Weak fit")}


def level_name(level: int | None) -> str:
    """A skill level's name in the reader's language ("expert" for 4), or "" for none."""
    return words()["levels"].get(level or 0, "")


def band_legend(side: str = "need") -> tuple[str, list[str]]:
    """What the bands mean: a lead, then per band, best first, its share of right answers on the benchmark.

    `side` is "need" (people suggested for a need: `params.BAND_PRECISION`, e.g. ("How often ... the
    right person ...:", ["Strong fit: about 6 in 10", ...])) or "employee" (needs suggested to a person:
    `params.BAND_PRECISION_FOR_EMPLOYEE`, "... the right need ..."). KeyError for another side.
    """
    w = words()
    return w["legend_lead"][side], w["legend"][side]


def words() -> dict:
    """The explanation words of the request's language."""
    return _words(str(get_locale() or "en"))


def band_label(band: str | None) -> str:
    """The band's name in the reader's language ("Strong fit"), or "" for none."""
    return words()["bands"].get(band or "", band or "")


def fit_title(expl: dict | None) -> str:
    """The calibrated fit in words ("Fit 83%"); 0% without one."""
    return words()["fit"] % {"n": round(((expl or {}).get("fit") or 0.0) * 100)}


def skill_line(row: dict, labels: dict[str, str], w: dict) -> str:
    """"Their skill (their level) for the need's skill", in the reader's language and the skills' labels."""
    need_label = labels.get(row.get("canonical") or row.get("need_skill"), row.get("need_skill") or "")
    own_name = row.get("employee_skill")
    if not own_name:
        return need_label
    own = labels.get(own_name, own_name)
    level = w["levels"].get(row.get("employee_level") or 0, "")
    values = {"skill": own, "level": level, "need_skill": need_label}
    if level and own != need_label:
        return w["own_level_for"] % values
    if level:
        return w["own_level"] % values
    if own != need_label:
        return w["own_for"] % values
    return own


def explanation_view(expl: dict | None, labels: dict[str, str]) -> ExplanationView:
    """The lines of one explanation; `labels` maps skill names to their labels (profiles.taxonomy.skill_labels).

    The matcher gives every explanation a fit and a band; one without (none stored) reads as a weak fit.
    """
    expl, w = expl or {}, words()
    band = expl.get("band") if expl.get("band") in BANDS else "weak"
    view = ExplanationView(band=band, band_label=w["bands"][band], fit_title=fit_title(expl))
    for row in expl.get("matched_skills") or []:
        warn = ""
        if row.get("min_level") and row.get("meets_min_level") is False:
            warn = w["below"] % {"n": row["min_level"]}
        view.matched.append((skill_line(row, labels, w), warn))
    for row in expl.get("related_skills") or []:
        need = labels.get(row.get("canonical") or row.get("need_skill"), row.get("need_skill") or "")
        own = labels.get(row.get("employee_skill") or "", row.get("employee_skill") or "")
        view.related.append(w["related"] % {"skill": own, "need_skill": need})
    view.missing = [labels.get(name, name) for name in expl.get("missing_must_have") or []]
    view.terms = [t["term"] for t in (expl.get("top_terms") or [])[:6] if t.get("term")]
    for key, part in (expl.get("parts") or {}).items():
        used = bool(part.get("used"))
        text = f"{round(part.get('score', 0) * 100)}%" if used else w["not_asked"]
        row = (w["parts"].get(key, key), text, round(part.get("share", 0) * 100), used)
        (view.tie_parts if part.get("role") == "tie_break" else view.parts).append(row)
    view.tie_title = w["tie_break"] if view.tie_parts else ""
    return view
