"""Plain, JSON-serialisable explanations of one (need, employee) score, in the people's own words."""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import scipy.sparse as sp

from . import scoring, vectors
from .documents import LEVELS, EmployeeDoc, NeedDoc
from .features import UNKNOWN_LEVEL, Featurizer, need_text, skill_labels, written_text
from .text import is_filler, surface_forms, tokenize_short

# Terms listed as driving a text score: enough to read why, few enough to scan.
N_TERMS = 8
# Parts that decide the fit, and parts that only break near-ties (see scoring.whole_score).
FIT_PARTS = ("text", "skills")
TIE_BREAK_PARTS = ("cause", "language")


def _skill_details(feat: Featurizer, need: NeedDoc, emp: EmployeeDoc) -> list[dict]:
    """One row per need skill: the person's own skill (name, canonical, level) that answers it, if any."""
    # One vectorisation for every text of the pair: scipy's per-call overhead dominates here.
    texts = [skill_labels(s.name, feat.taxonomy)[1] for s in emp.skills]
    texts += [skill_labels(s.name, feat.taxonomy)[1] for s in need.skills]
    vecs = feat.char([feat.skill_field_tokens(emp)] + [list(tokenize_short(t, feat.stemming)) for t in texts])
    sims = (vecs[1 + len(emp.skills):] @ vecs[: 1 + len(emp.skills)].T).toarray()
    return _skill_rows(feat, need, emp, sims)


def _skill_rows(feat: Featurizer, need: NeedDoc, emp: EmployeeDoc, sims: np.ndarray) -> list[dict]:
    """The rows of :func:`_skill_details` from ``sims`` (need skills x (1 + employee skills)): character
    similarity of each need skill to the person's whole skill field (column 0) and to each of their skills."""
    tax = feat.taxonomy
    emp_canon = {}
    for s in emp.skills:
        canon = tax.resolve(s.name)
        if canon is not None and (s.level or UNKNOWN_LEVEL) >= (emp_canon.get(canon, (None, 0.0))[1]):
            emp_canon[canon] = (s, float(s.level or UNKNOWN_LEVEL))
    need_labels = [skill_labels(s.name, tax) for s in need.skills]
    free_skills = any(s.typed or tax.resolve(s.name) is None for s in emp.skills)
    out = []
    for i, skill in enumerate(need.skills):
        canon = need_labels[i][0]
        match = float(scoring.free_text_match(sims[i, :1])[0])
        if canon is not None and not free_skills:  # as ranking.need_skill_part: the taxonomy decides
            match = 0.0
        best, how = None, "text"
        if emp.skills and sims[i, 1:].max() > 0:
            best = emp.skills[int(np.argmax(sims[i, 1:]))]
        if canon is not None and canon in emp_canon:
            held, held_level = emp_canon[canon]
            match = float(scoring.level_match(np.array([held_level]), skill.min_level or 0)[0])
            best, how = held, "taxonomy"
        elif canon is not None:
            for other in feat.taxonomy.related(canon):
                if other in emp_canon:
                    held, held_level = emp_canon[other]
                    credit = float(scoring.related_match(np.array([held_level]), skill.min_level or 0)[0])
                    if credit > match:  # as the score takes it (ranking.need_skill_part)
                        match, best, how = credit, held, "related"
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
    return _terms_of(feat, need_forms, emp, contrib.col, contrib.data)


def _terms_of(feat: Featurizer, need_forms: dict[str, str], emp: EmployeeDoc, cols: np.ndarray,
              values: np.ndarray) -> list[dict]:
    """The top terms of one pair from its word-view contributions (``values`` at columns ``cols``)."""
    if len(cols) == 0:
        return []
    names = feat.word_features_
    # Only the tokens that contribute need a surface form: the rest of the profile is not segmented.
    forms = {**need_forms, **surface_forms(written_text(emp), stemming=feat.stemming,
                                           only=frozenset(names[c] for c in cols))}
    totals: dict[str, float] = {}
    for col, value in zip(cols, values):
        word = forms.get(names[col])
        if word is not None and not is_filler(word):
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
    return _explanation(need, emp, values, _skill_details(featurizer, need, emp), _top_terms(featurizer, need, emp))


def _explanation(need: NeedDoc, emp: EmployeeDoc, values: dict, skills: list[dict], top_terms: list[dict]) -> dict:
    """The explanation dict of one pair from its values, skill rows and top terms."""
    return {
        "need_id": need.id,
        "employee_id": emp.id,
        "score": round(values["score"], 4),
        "fit": None,  # filled in with band and margin by calibration.suggestion
        "band": None,
        "margin": None,
        "calibration": None,  # "need" or "employee": whose calibration gave the fit
        "short_must": None,  # whether a must-have falls short, capping the band (calibration.suggestions)
        "base_score": round(values["base"], 4),
        "must_have_factor": round(values["must_factor"], 4),
        "tie_break_bonus": round(values["bonus"], 4),
        "parts": _parts(values),
        "matched_skills": [s for s in skills if s["match"] >= scoring.MATCHED],
        # Need skills answered only by a related skill the person holds: partial credit (a must-have among
        # them is still missing: see _missing).
        "related_skills": [s for s in skills if s["matched_by"] == "related"],
        "missing_must_have": _missing(skills, "must"),
        "missing_nice_to_have": _missing(skills, "nice"),
        "top_terms": top_terms,
    }


def explain_pairs(featurizer: Featurizer, pairs: Sequence[tuple[NeedDoc, EmployeeDoc]], values: Sequence[dict],
                  word_rows: sp.csr_matrix | None = None) -> list[dict]:
    """:func:`explain_pair` of many pairs at once: the same explanations, a few sparse products in all.

    ``pairs`` and ``values`` are aligned (one ``values`` dict per pair, as for :func:`explain_pair`).
    ``word_rows`` (pairs x word features, float32 CSR, unit rows) are the employees' word-view vectors
    as the model stores them; None computes them from the profiles. Skill texts are vectorised from
    the featurizer's memoised per-skill character counts (``Featurizer.skill_counts``): a profile's
    skill field is the sum of its skills' counts. Raises ValueError when the lengths differ.
    """
    if len(pairs) != len(values) or (word_rows is not None and word_rows.shape[0] != len(pairs)):
        raise ValueError("pairs, values and word_rows must be aligned")
    if not pairs:
        return []
    sims = _pair_skill_sims(featurizer, pairs)
    if word_rows is None:
        word_rows = featurizer.word([featurizer.employee_tokens(emp) for _, emp in pairs])
    terms = _need_terms_rows(featurizer, [need for need, _ in pairs])
    contrib = sp.csr_matrix(terms.multiply(word_rows), dtype=np.float32)
    out = []
    for i, ((need, emp), vals) in enumerate(zip(pairs, values)):
        a, b = contrib.indptr[i], contrib.indptr[i + 1]
        top = _terms_of(featurizer, _need_terms(featurizer, need)[1], emp, contrib.indices[a:b], contrib.data[a:b])
        out.append(_explanation(need, emp, vals, _skill_rows(featurizer, need, emp, sims[i]), top))
    return out


def _need_terms_rows(feat: Featurizer, needs: Sequence[NeedDoc]) -> sp.csr_matrix:
    """The word vector of each need (memoised per need), one row per entry of ``needs``."""
    distinct = list(dict.fromkeys(needs))
    mats = sp.vstack([_need_terms(feat, n)[0] for n in distinct], format="csr")
    where = {n: i for i, n in enumerate(distinct)}
    return mats[[where[n] for n in needs]]


def _pair_skill_sims(feat: Featurizer, pairs: Sequence[tuple[NeedDoc, EmployeeDoc]]) -> list[np.ndarray]:
    """Per pair, the (need skills x (1 + employee skills)) character similarities of :func:`_skill_details`."""
    names = list(dict.fromkeys([s.name for need, emp in pairs for s in (*need.skills, *emp.skills)]))
    col = {n: i for i, n in enumerate(names)}
    counts = feat.skill_counts(names)
    emps = list(dict.fromkeys(emp for _, emp in pairs))
    # Each profile's skill field: the sum of its skills' counts (a skill typed twice counts twice).
    pick = [(r, col[s.name]) for r, emp in enumerate(emps) for s in emp.skills]
    owner = sp.csr_matrix((np.ones(len(pick), np.float32), ([r for r, _ in pick], [c for _, c in pick])),
                          shape=(len(emps), len(names)))
    unit = vectors.tfidf(sp.vstack([counts, sp.csr_matrix(owner @ counts, dtype=np.float32)], format="csr"),
                         feat.char_idf_)
    need_names = list(dict.fromkeys(s.name for need, _ in pairs for s in need.skills))
    full = (unit[[col[n] for n in need_names]] @ unit.T).toarray() if need_names else np.zeros((0, unit.shape[0]))
    need_row = {n: i for i, n in enumerate(need_names)}
    field = {emp: len(names) + r for r, emp in enumerate(emps)}
    out = []
    for need, emp in pairs:
        rows = [need_row[s.name] for s in need.skills]
        cols = [field[emp]] + [col[s.name] for s in emp.skills]
        out.append(full[np.ix_(rows, cols)] if rows else np.zeros((0, len(cols))))
    return out


def _missing(skills: list[dict], importance: str) -> list[str]:
    """Need skills of ``importance`` the person falls short of. A must-have answered only by a related skill
    is among them when the penalty counts it as missing in full (``scoring.RELATED_MISSING``), as it is
    listed with its related skill too; a related nice-to-have earns partial credit and is not."""
    related_missing = importance == "must" and scoring.RELATED_MISSING >= 1
    return [s["need_skill"] for s in skills
            if s["importance"] == importance and s["match"] < scoring.MATCHED
            and (s["matched_by"] != "related" or related_missing)]
