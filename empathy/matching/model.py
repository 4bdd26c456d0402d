"""The matcher: a scikit-learn style estimator over pools of employees and needs."""
from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from . import expansion, scoring
from .documents import EmployeeDoc, NeedDoc, validate_employee, validate_need
from .encoding import EMP_DTYPES, NEED_DTYPES, stack
from .features import Featurizer
from .persistence import library_fingerprint
from .pool import Pool, SegmentedMatrix
from .taxonomy import Taxonomy


@dataclass(frozen=True)
class Suggestion:
    """One ranked result: the other side's id, the score in [0, 1] and why."""

    id: str
    score: float
    explanation: dict | None = field(default=None, compare=False)


class SkillMatcher(BaseEstimator):
    """Rank employees for volunteering needs and needs for employees.

    The score of a (need, employee) pair is a weighted mean, in [0, 1], of up to four parts:
    text similarity (stemmed word and character n-gram TF-IDF on English and jieba-segmented
    Chinese, hubness-corrected), skill overlap through a taxonomy (levels, must-have vs
    nice-to-have; free-text skills by character similarity), cause fit and language fit.
    A part the need does not specify (no skills, cause or language) is left out of the mean.

    Parameters
    ----------
    taxonomy : Taxonomy or None, default=None
        Canonical skills with labels and synonyms; None means every skill is free text.
    text_weight, skill_weight, cause_weight, language_weight : float
        Weights of the four parts of the score.
    char_ngram_range : tuple of int, default=(3, 4)
        Character n-gram sizes of the character view (``char_wb`` on the token stream).
    char_weight : float, default=0.5
        Share of the character view in the text similarity (the word view has the rest).
    char_min_df, char_max_df : float, default=2, 0.3
        Document-frequency cuts of the character view (ignored below 20 documents). Terms in
        more than 30 % of the documents carry little weight but dominate the cost of a query.
    char_max_features : int or None, default=None
        Cap on the character vocabulary, for speed on large pools.
    word_max_df : float, default=0.3
        Document-frequency cut of the word view.
    free_text_skill_weight : float, default=0.1
        Relative weight, in the skill part, of need skills the taxonomy does not know
        (they still count fully in the text part).
    stemming : bool, default=True
        Snowball-stem English words.
    hubness : bool, default=True
        Correct text scores with Sinkhorn scalings fitted between the two pools, so that
        documents similar to everything ("hubs") do not crowd every ranking.
    hub_temperature : float, default=0.025
        Temperature of the Sinkhorn kernel; also the scale of the correction.
    hub_iter : int, default=20
        Sinkhorn iterations.
    hub_k : int, default=128
        Similarities kept per row and column for the (sparse) Sinkhorn kernel.
    max_text_chars : int, default=20000
        Texts are cut to this length before tokenising.
    need_field_weights : tuple of 3 floats, default=(0.2, 1.0, 0.2)
        Weights of a need's title, description and skills in its text vectors; each field is
        normalised on its own first (see ``Featurizer.need_vectors``).
    prf_weight : float, default=0.3
        Pseudo-relevance feedback on needs (Rocchio): a need's text vector gets this weight of the
        mean vector of its ``prf_k`` most similar employees (their ``prf_terms`` strongest terms).
        Stored needs are kept expanded, so both directions see it. 0 turns it off.
    prf_k, prf_terms : int, default=10, 40

    Attributes
    ----------
    featurizer_ : Featurizer
        Fitted vocabularies.
    employees_, needs_ : Pool
        Vectors, attributes and hubness scalings of each side.
    employee_docs_, need_docs_ : dict
        Documents by id, for explanations.
    fingerprint_ : dict
        Versions of python, numpy, scipy and scikit-learn the model was fitted with.
    fit_seconds_ : dict
        Wall time of the stages of the last fit: vectors (tokenising, vocabularies, TF-IDF),
        pools (the skill field, levels, need expansion) and hubness (the Sinkhorn scalings).

    Examples
    --------
    >>> m = SkillMatcher().fit([EmployeeDoc("e1", bio="nurse")], [NeedDoc("n1", title="nursing")])
    >>> [s.id for s in m.rank_employees("n1", k=1)]
    ['e1']
    """

    def __init__(self, *, taxonomy: Taxonomy | None = None, text_weight: float = 0.6, skill_weight: float = 0.25,
                 cause_weight: float = 0.1, language_weight: float = 0.05, char_ngram_range: tuple[int, int] = (3, 4),
                 char_weight: float = 0.5,
                 char_min_df: float = 2, char_max_df: float = 0.3, char_max_features: int | None = None,
                 word_max_df: float = 0.3, free_text_skill_weight: float = 0.1, stemming: bool = True, hubness: bool = True, hub_temperature: float = 0.025,
                 hub_iter: int = 20, hub_k: int = 128, max_text_chars: int = 20000,
                 need_field_weights: tuple[float, float, float] = (0.2, 1.0, 0.2), prf_weight: float = 0.3,
                 prf_k: int = 10, prf_terms: int = 40):
        self.taxonomy = taxonomy
        self.text_weight = text_weight
        self.skill_weight = skill_weight
        self.cause_weight = cause_weight
        self.language_weight = language_weight
        self.char_ngram_range = char_ngram_range
        self.char_weight = char_weight
        self.char_min_df = char_min_df
        self.char_max_df = char_max_df
        self.char_max_features = char_max_features
        self.word_max_df = word_max_df
        self.free_text_skill_weight = free_text_skill_weight
        self.stemming = stemming
        self.hubness = hubness
        self.hub_temperature = hub_temperature
        self.hub_iter = hub_iter
        self.hub_k = hub_k
        self.max_text_chars = max_text_chars
        self.need_field_weights = need_field_weights
        self.prf_weight = prf_weight
        self.prf_k = prf_k
        self.prf_terms = prf_terms

    # ------------------------------------------------------------------ fitting
    def fit(self, employees: Iterable[EmployeeDoc], needs: Iterable[NeedDoc] = ()) -> SkillMatcher:
        """Fit vocabularies and index both pools (either may be empty); returns self."""
        emps = [validate_employee(d) for d in employees]
        nds = [validate_need(d) for d in needs]
        if min(self.text_weight, self.skill_weight, self.cause_weight, self.language_weight) < 0 or self.text_weight <= 0:
            raise ValueError("weights must be >= 0 and text_weight > 0")
        if not 0.0 <= self.char_weight <= 1.0:
            raise ValueError("char_weight must be in [0, 1]")
        taxonomy = self.taxonomy if self.taxonomy is not None else Taxonomy()
        feat = Featurizer(taxonomy, stemming=self.stemming, max_chars=self.max_text_chars,
                          char_ngram_range=self.char_ngram_range, char_min_df=self.char_min_df,
                          char_max_df=self.char_max_df, char_max_features=self.char_max_features,
                          word_max_df=self.word_max_df, free_text_weight=self.free_text_skill_weight)
        self.featurizer_ = feat
        clock = time.perf_counter()
        # A generator: holding every document's tokens at once cost 0.7 GB at 100,000 profiles.
        word, char = feat.fit_tokens(itertools.chain((feat.employee_tokens(d) for d in emps),
                                                     (feat.need_tokens(d) for d in nds)))
        text = sp.hstack([word, char], format="csr", dtype=np.float32)
        del word, char
        self.fit_seconds_ = {"vectors": time.perf_counter() - clock}
        self.codes_: dict[str, dict[str, int]] = {"site": {}, "cause": {}, "language": {}}
        n_text = text.shape[1]
        self.employees_ = Pool([d.id for d in emps], stack([self._employee_attrs(d) for d in emps], EMP_DTYPES), {
            "text": SegmentedMatrix(n_text, text[: len(emps)], keep_rows=self.prf_weight > 0),
            "skill": SegmentedMatrix(feat.n_char, feat.char([feat.skill_field_tokens(d) for d in emps])),
            "levels": SegmentedMatrix(len(feat.canon_index), feat.employee_levels(emps)),
        })
        need_text_rows = sp.hstack(feat.need_vectors(nds, self.need_field_weights), format="csr", dtype=np.float32)
        if self.prf_weight > 0 and len(nds):
            step = max(1, 20_000_000 // max(len(emps), 1))
            need_text_rows = sp.vstack([self._expand(need_text_rows[a : a + step]) for a in range(0, len(nds), step)],
                                       format="csr")
        self.needs_ = Pool([d.id for d in nds], stack([self._need_attrs(d) for d in nds], NEED_DTYPES),
                           {"text": SegmentedMatrix(n_text, need_text_rows, keep_rows=True)})
        del text
        rows = feat.need_skill_rows(nds)
        self.need_skills_ = {"char": SegmentedMatrix(feat.n_char, rows.char), "owner": rows.owner,
                             "canon": rows.canon, "min_level": rows.min_level, "weight": rows.weight}
        self.employee_docs_ = {d.id: d for d in emps}
        self.need_docs_ = {d.id: d for d in nds}
        self.fit_seconds_["pools"] = time.perf_counter() - clock - self.fit_seconds_["vectors"]
        self._fit_hubness()
        self.fit_seconds_["hubness"] = time.perf_counter() - clock - sum(self.fit_seconds_.values())
        self.fingerprint_ = library_fingerprint()
        return self

    def _fit_hubness(self) -> None:
        n_n, n_e = self.needs_.n_rows, self.employees_.n_rows
        log_u, log_v = np.zeros(n_n), np.zeros(n_e)
        if self.hubness and n_n and n_e:
            weights = self._view_weights()
            queries = self.needs_.mats["text"].rows().multiply(weights).tocsr()
            profiles = self.employees_.mats["text"].rows().multiply(weights).tocsr()
            sims = scoring.sparse_topk_pairs(
                lambda a, b: self._text_sims(queries[a:b], self.employees_),
                lambda a, b: self._text_sims(profiles[a:b], self.needs_),
                n_n, n_e, self.hub_k, max(1, 4_000_000 // n_e), max(1, 4_000_000 // n_n))
            del queries, profiles
            log_u, log_v = scoring.sinkhorn_log_scalings(sims, self.hub_temperature, self.hub_iter)
        self.needs_.attrs["log_scaling"] = log_u
        self.employees_.attrs["log_scaling"] = log_v
        self.hub_center_ = (float(log_u.mean()) if n_n else 0.0, float(log_v.mean()) if n_e else 0.0)
        self.hub_sizes_ = (n_n, n_e)
        # With few documents on one side the scalings equalise everything (one need and many
        # employees: every employee gets the same corrected score), so the correction fades in
        # until both sides hold hub_k documents.
        self.hub_scale_ = min(1.0, min(n_n, n_e) / max(self.hub_k, 1))

    # ------------------------------------------------------------ documents
    from .encoding import _employee_attrs, _need_attrs, _queries, _resolve, _site  # noqa: E402  (kept in their own module)

    # ------------------------------------------------------------ text scores
    def _view_weights(self) -> np.ndarray:
        """Per-feature weights applied to queries: the word view and the character view's shares."""
        feat = self.featurizer_
        return np.concatenate([np.full(feat.n_word, 1.0 - self.char_weight, np.float32),
                               np.full(feat.n_char, self.char_weight, np.float32)])[None, :]

    def _expand(self, text: sp.csr_matrix) -> sp.csr_matrix:
        """Need vectors with pseudo-relevance feedback from the employee pool (see ``prf_weight``)."""
        return expansion.rocchio(self, text)

    def _text_sims(self, text: sp.csr_matrix, pool: Pool) -> np.ndarray:
        """Dense (queries x pool rows) text similarities; ``text`` already carries the view weights."""
        return pool.mats["text"].dot(text)

    def _new_log_scaling(self, sims: np.ndarray, other: Pool, side: int) -> float:
        if not self.hubness or not self.hub_sizes_[1 - side]:
            return self.hub_center_[side]
        alive = other.attrs["alive"]
        return scoring.log_scaling_for_new(sims[alive], other.attrs["log_scaling"][alive], self.hub_sizes_[side],
                                           self.hub_temperature, self.hub_k)

    def _hub(self, log_u, log_v) -> np.ndarray:
        t = np.float32(self.hub_temperature * self.hub_scale_)
        return t * (np.asarray(log_u - self.hub_center_[0], np.float32) + np.asarray(log_v - self.hub_center_[1], np.float32))

    # ------------------------------------------------------------ lifecycle
    def upsert_employee(self, doc: EmployeeDoc) -> None:
        """Add or replace one employee using the fitted vocabulary."""
        check_is_fitted(self, "featurizer_")
        q = self._queries([validate_employee(doc)], EmployeeDoc)
        sims = self._text_sims(q.weighted, self.needs_)[0]
        attrs = {k: v[0] for k, v in q.attrs.items()}
        attrs["log_scaling"] = self._new_log_scaling(sims, self.needs_, 1)
        self.employees_.append(doc.id, attrs, {"text": q.text, "skill": q.extra["skill"], "levels": q.extra["levels"]})
        self.employee_docs_[doc.id] = doc

    def remove_employee(self, employee_id: str) -> bool:
        """Forget one employee; returns whether it was known."""
        check_is_fitted(self, "featurizer_")
        self.employee_docs_.pop(employee_id, None)
        return self.employees_.remove(employee_id)

    def upsert_need(self, doc: NeedDoc) -> None:
        """Add or replace one need using the fitted vocabulary."""
        check_is_fitted(self, "featurizer_")
        q = self._queries([validate_need(doc)], NeedDoc)
        sims = self._text_sims(q.weighted, self.employees_)[0]
        attrs = {k: v[0] for k, v in q.attrs.items()}
        attrs["log_scaling"] = self._new_log_scaling(sims, self.employees_, 0)
        row = self.needs_.append(doc.id, attrs, {"text": q.text})
        rows, ns = q.extra["skills"], self.need_skills_
        ns["char"].append(rows.char)
        ns["owner"] = np.concatenate([ns["owner"], rows.owner + row])
        for key in ("canon", "min_level", "weight"):
            ns[key] = np.concatenate([ns[key], getattr(rows, key)])
        self.need_docs_[doc.id] = doc

    def remove_need(self, need_id: str) -> bool:
        """Forget one need; returns whether it was known."""
        check_is_fitted(self, "featurizer_")
        self.need_docs_.pop(need_id, None)
        return self.needs_.remove(need_id)

    # ------------------------------------------------------------ ranking
    from .ranking import (  # noqa: E402
        rank_employees,
        rank_employees_batch,
        rank_needs,
        rank_needs_batch,
        score_pair,  # (methods kept in their own module)
    )

