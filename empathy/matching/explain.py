"""Plain, JSON-serialisable explanations of one (need, employee) score, in the people's own words."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from . import scoring
from .documents import LEVELS, EmployeeDoc, NeedDoc
from .features import UNKNOWN_LEVEL, Featurizer, need_text, skill_labels, written_text
from .text import surface_forms, tokenize_short

# Terms listed as driving a text score: enough to read why, few enough to scan.
N_TERMS = 8
# Parts that decide the fit, and parts that only break near-ties (see scoring.whole_score).
FIT_PARTS = ("text", "skills")
TIE_BREAK_PARTS = ("cause", "language")


def _skill_details(feat: Featurizer, need: NeedDoc, emp: EmployeeDoc) -> list[dict]:
    """One row per need skill: the person's own skill (name, canonical, level) that answers it, if any."""
    tax = feat.taxonomy
    emp_canon = {}
    for s in emp.skills:
        canon = tax.resolve(s.name)
        if canon is not None and (s.level or UNKNOWN_LEVEL) >= (emp_canon.get(canon, (None, 0.0))[1]):
            emp_canon[canon] = (s, float(s.level or UNKNOWN_LEVEL))
    # One vectorisation for every text of the pair: scipy's per-call overhead dominates here.
    need_labels = [skill_labels(s.name, tax) for s in need.skills]
    texts = [skill_labels(s.name, tax)[1] for s in emp.skills] + [t for _, t in need_labels]
    vecs = feat.char([feat.skill_field_tokens(emp)] + [list(tokenize_short(t, feat.stemming)) for t in texts])
    sims = (vecs[1 + len(emp.skills):] @ vecs[: 1 + len(emp.skills)].T).toarray()
    out = []
    for i, skill in enumerate(need.skills):
        canon = need_labels[i][0]
        match = float(scoring.free_text_match(sims[i, :1])[0])
        best, how = None, "text"
        if emp.skills and sims[i, 1:].max() > 0:
            best = emp.skills[int(np.argmax(sims[i, 1:]))]
        if canon is not None and canon in emp_canon:
            held, held_level = emp_canon[canon]
            match = float(scoring.level_match(np.array([held_level]), skill.min_level or 0)[0])
            best, how = held, "taxonomy"
        # The level shown is the person's level for the skill named, never another skill's.
        level = best.level if best is not None else None
        out.append({"need_skill": skill.name, "importance": skill.importance, "min_level": skill.min_level,
                    "canonical": canon, "employee_skill": best.name if best is not None else None,
                    "employee_canonical": tax.resolve(best.name) if best is not None else None,
                    "employee_level": level, "employee_level_label": LEVELS.get(level) if level else None,
                    "meets_min_level": None if skill.min_level is None or level is None else level >= skill.min_level,
                    "matched_by": how, "match": round(match, 4)})
    return out


# Needs whose word vector is memoised: a page explains one need against its k employees.
@lru_cache(maxsize=64)
def _need_terms(feat, need: NeedDoc) -> tuple:
    """Word vector and surface forms of a need: the same need is explained against k employees."""
    n_text = need_text(need)
    return feat.word([feat.tokens(n_text)]), surface_forms(written_text(need), stemming=feat.stemming)


def _top_terms(feat: Featurizer, need: NeedDoc, emp: EmployeeDoc) -> list[dict]:
    """Whole words that carried the word-view similarity, as the person wrote them, strongest first.

    Stems show as the employee's word (else the need's); Chinese bigram tokens count towards the
    jieba word they lie in, and fragments that straddle two words are not shown. Only words of the
    free text are shown (``features.written_text``): skill names are the taxonomy's (English) names,
    which pages list as matched skills in the reader's language.
    """
    need_vec, need_forms = _need_terms(feat, need)
    contrib = need_vec.multiply(feat.word([feat.employee_tokens(emp)])).tocoo()
    if contrib.nnz == 0:
        return []
    names = feat.word_features_
    forms = {**need_forms, **surface_forms(written_text(emp), stemming=feat.stemming)}
    totals: dict[str, float] = {}
    for col, value in zip(contrib.col, contrib.data):
        word = forms.get(names[col])
        if word is not None:
            totals[word] = totals.get(word, 0.0) + float(value)
    best = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:N_TERMS]
    return [{"term": word, "contribution": round(value, 4)} for word, value in best]


def _parts(values: dict) -> dict:
    """Each part's value, weight, use and share (of the fit parts, or of the tie-break parts)."""
    present, weights = values["present"], values["weights"]
    parts = {}
    for group, role in ((FIT_PARTS, "fit"), (TIE_BREAK_PARTS, "tie_break")):
        total = sum(weights[p] * present[p] for p in group)
        for name in group:
            weight = weights[name] * present[name]
            part = {"score": round(values["parts"][name], 4), "weight": round(weight, 4), "used": present[name] > 0,
                    "share": round(weight / total, 4) if total > 0 else 0.0, "role": role}
            if name == "text":
                part.update(raw_similarity=round(values["raw"], 4), hubness_adjustment=round(values["hub"], 4))
            parts[name] = part
    return parts


def explain_pair(featurizer: Featurizer, need: NeedDoc, emp: EmployeeDoc, values: dict) -> dict:
    """Why ``emp`` scores ``values['score']`` for ``need``: parts, skills and words (JSON-ready).

    ``values`` is one pair of a scored batch (see ``ranking.pick``): score, its specialty base,
    must-have factor and tie-break bonus, raw text similarity, hubness correction, and per part its
    value, presence and weight. Numbers are rounded to 4 places.
    """
    skills = _skill_details(featurizer, need, emp)
    return {
        "need_id": need.id,
        "employee_id": emp.id,
        "score": round(values["score"], 4),
        "fit": None,  # filled in with band and margin by calibration.suggestion
        "band": None,
        "margin": None,
        "base_score": round(values["base"], 4),
        "must_have_factor": round(values["must_factor"], 4),
        "tie_break_bonus": round(values["bonus"], 4),
        "parts": _parts(values),
        "matched_skills": [s for s in skills if s["match"] >= scoring.MATCHED],
        "missing_must_have": _missing(skills, "must"),
        "missing_nice_to_have": _missing(skills, "nice"),
        "top_terms": _top_terms(featurizer, need, emp),
    }


def _missing(skills: list[dict], importance: str) -> list[str]:
    return [s["need_skill"] for s in skills if s["importance"] == importance and s["match"] < scoring.MATCHED]
