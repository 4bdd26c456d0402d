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
    # (name, score text, share % within its role, used, points): the parts that decide the fit (text, skills),
    # their points being share x score (x 100) ...
    parts: list[tuple[str, str, int, bool, str]] = field(default_factory=list)
    # ... the must-have penalty's points (negative; "" when none or not shown) ...
    penalty: str = ""
    # ... and the parts that only break ties among similar fits (cause, language), their shares among
    # themselves and their points a part of the small tie-break bonus.
    tie_parts: list[tuple[str, str, int, bool, str]] = field(default_factory=list)
    tie_title: str = ""  # "These only break ties among similar fits:"
    total: str = ""  # the ranking score in points: exactly the sum of the points shown above it
    fit_note: str = ""  # what the fit is, since it is not this total


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
        "held_below": _("%(skill)s: yours %(level)s, %(asked)s asked"),
        "related": _("related: %(skill)s for %(need_skill)s"),
        "fit": _("Fit %(n)s%%"),
        "fit_note": {
            "need": _("The fit (%(fit)s%%) is not a sum of these points: it reads the total against the need's "
                      "other candidates, by how far it stands out from them."),
            "employee": _("The fit (%(fit)s%%) is not a sum of these points: it reads the total against the other "
                          "open needs you could join, by how far it stands out from them."),
        },
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


def related_line(row: dict, labels: dict[str, str], w: dict) -> str:
    """"related: their skill for the need's skill", in the reader's language and the skills' labels."""
    need = labels.get(row.get("canonical") or row.get("need_skill"), row.get("need_skill") or "")
    own = labels.get(row.get("employee_skill") or "", row.get("employee_skill") or "")
    return w["related"] % {"skill": own, "need_skill": need}


def stands_out(expl: dict | None) -> bool:
    """Whether a suggestion's band is above weak (strong, good or partial): worth a card of its own."""
    return (expl or {}).get("band") in BANDS[:-1]


def skill_lines(expl: dict | None, labels: dict[str, str]) -> list[str]:
    """The person's skills for the need's, as a card's chips read them (matched, then related), and nothing else:
    the short reason of a compact row."""
    expl, w = expl or {}, words()
    return ([skill_line(row, labels, w) for row in expl.get("matched_skills") or []]
            + [related_line(row, labels, w) for row in expl.get("related_skills") or []])


def held_lines(held: list[tuple[str, int, int]], labels: dict[str, str]) -> list[str]:
    """"Driving: yours beginner, advanced asked" for each (skill name, level held, level asked): the short reason
    of a compact row whose explanation matched nothing, the skill being held below the level asked."""
    w = words()
    return [w["held_below"] % {"skill": labels.get(name, name), "level": w["levels"].get(level, ""),
                               "asked": w["levels"].get(asked, "")} for name, level, asked in held]


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
    view.related = [related_line(row, labels, w) for row in expl.get("related_skills") or []]
    view.missing = [labels.get(name, name) for name in expl.get("missing_must_have") or []]
    view.terms = [t["term"] for t in (expl.get("top_terms") or [])[:6] if t.get("term")]
    parts = expl.get("parts") or {}
    points = score_points(expl)
    for key, part in parts.items():
        used = bool(part.get("used"))
        text = f"{round(part.get('score', 0) * 100)}%" if used else w["not_asked"]
        row = (w["parts"].get(key, key), text, round(part.get("share", 0) * 100), used, _points(points[key]))
        (view.tie_parts if part.get("role") == "tie_break" else view.parts).append(row)
    if points.get(PENALTY):
        view.penalty = _points(points[PENALTY])
    view.tie_title = w["tie_break"] if view.tie_parts else ""
    if parts:
        view.total = _points(points[TOTAL])
        side = expl.get("calibration") if expl.get("calibration") in SIDES else "need"
        view.fit_note = w["fit_note"][side] % {"fit": round((expl.get("fit") or 0.0) * 100)}
    return view


# Keys of `score_points` besides the parts.
PENALTY, TOTAL = "must_have_penalty", "total"


def _points(tenths: int) -> str:
    """Tenths of a point as shown: "28.3", "-1.4", "0.0"."""
    return f"{'-' if tenths < 0 else ''}{abs(tenths) // 10}.{abs(tenths) % 10}"


def score_points(expl: dict) -> dict[str, int]:
    """What each row of the score's table adds to the ranking score, in tenths of a point (score 1 = 100 points).

    Keys: each part of ``expl["parts"]``, ``PENALTY`` (the must-have factor's cut, <= 0) and ``TOTAL``, the
    score itself rounded; the rows always sum exactly to ``TOTAL`` (the rounding is shared out by largest
    remainder). A part that decides the fit adds share x score, the penalty takes the must-have factor's
    share of their sum, and the tie-break parts share the tie-break bonus in proportion to share x score.
    Without a must-have factor (the person keeps their skills private: it would tell which must-have they
    lack) the parts that decide the fit are scaled to the specialty score they make, and no penalty row is
    given.
    """
    parts = expl.get("parts") or {}
    score = float(expl.get("score") or 0.0)

    def weighted(p: dict) -> float:
        return float(p.get("share") or 0.0) * float(p.get("score") or 0.0) if p.get("used") else 0.0
    fit = {k: weighted(p) for k, p in parts.items() if p.get("role") != "tie_break"}
    tie = {k: weighted(p) for k, p in parts.items() if p.get("role") == "tie_break"}
    bonus = float(expl.get("tie_break_bonus") or 0.0)
    factor = expl.get("must_have_factor")
    exact: dict[str, float] = dict(fit)
    if factor is not None:
        exact[PENALTY] = sum(fit.values()) * (float(factor) - 1.0)
    elif sum(fit.values()) > 0:
        specialty = max(score - bonus, 0.0) / sum(fit.values())
        exact.update({k: v * specialty for k, v in fit.items()})
    base = sum(exact.values())
    bonus = min(bonus, max(score - base, 0.0))  # the score is at most 1: a bonus past it adds nothing
    exact.update({k: (bonus * v / sum(tie.values()) if sum(tie.values()) > 0 else 0.0) for k, v in tie.items()})
    total = round(score * 1000)
    out = {k: round(v * 1000) for k, v in exact.items()}
    # The rows' roundings, and the explanation's own (its numbers have 4 places), are shared out so that the
    # rows add up to the total shown: a tenth at a time, to the rows whose rounding lost (or gained) most.
    gap = total - sum(out.values())
    step = 1 if gap > 0 else -1
    movable = sorted((k for k in out if exact[k] != 0.0), key=lambda k: step * (exact[k] * 1000 - out[k]),
                     reverse=True)
    if movable:
        for n in range(abs(gap)):
            out[movable[n % len(movable)]] += step
    else:  # nothing to share it with (no part adds anything): the total is what the rows add up to
        total = sum(out.values())
    out[TOTAL] = total
    return out
