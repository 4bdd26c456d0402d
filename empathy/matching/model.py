"""The matcher: a scikit-learn style estimator over pools of employees and needs."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from . import scoring
from .documents import EmployeeDoc, NeedDoc, validate_employee, validate_need
from .features import Featurizer, employee_skill_text, employee_text, need_text
from .persistence import library_fingerprint
from .pool import Pool, SegmentedMatrix
from .taxonomy import Taxonomy


@dataclass(frozen=True)
class Suggestion:
    """One ranked result: the other side's id, the score in [0, 1] and why."""

    id: str
    score: float
    explanation: dict | None = field(default=None, compare=False)


@dataclass
class _Query:
    doc: EmployeeDoc | NeedDoc
    word: sp.csr_matrix
    char: sp.csr_matrix
    attrs: dict
    extra: dict


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
    char_ngram_range : tuple of int, default=(3, 5)
        Character n-gram sizes of the character view (``char_wb`` on the token stream).
    char_min_df, char_max_df : float, default=2, 0.5
        Document-frequency cuts of the character view (ignored below 20 documents).
    char_max_features : int or None, default=None
        Cap on the character vocabulary, for speed on large pools.
    word_max_df : float, default=1.0
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

    Examples
    --------
    >>> m = SkillMatcher().fit([EmployeeDoc("e1", bio="nurse")], [NeedDoc("n1", title="nursing")])
    >>> [s.id for s in m.rank_employees("n1", k=1)]
    ['e1']
    """

    def __init__(self, *, taxonomy: Taxonomy | None = None, text_weight: float = 0.6, skill_weight: float = 0.25,
                 cause_weight: float = 0.1, language_weight: float = 0.05, char_ngram_range: tuple[int, int] = (3, 5),
                 char_min_df: float = 2, char_max_df: float = 0.5, char_max_features: int | None = None,
                 word_max_df: float = 1.0, free_text_skill_weight: float = 0.1, stemming: bool = True, hubness: bool = True, hub_temperature: float = 0.025,
                 hub_iter: int = 20, hub_k: int = 128, max_text_chars: int = 20000):
        self.taxonomy = taxonomy
        self.text_weight = text_weight
        self.skill_weight = skill_weight
        self.cause_weight = cause_weight
        self.language_weight = language_weight
        self.char_ngram_range = char_ngram_range
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

    # ------------------------------------------------------------------ fitting
    def fit(self, employees: Iterable[EmployeeDoc], needs: Iterable[NeedDoc] = ()) -> "SkillMatcher":
        """Fit vocabularies and index both pools; returns self."""
        emps = [validate_employee(d) for d in employees]
        nds = [validate_need(d) for d in needs]
        if min(self.text_weight, self.skill_weight, self.cause_weight, self.language_weight) < 0 or self.text_weight <= 0:
            raise ValueError("weights must be >= 0 and text_weight > 0")
        taxonomy = self.taxonomy if self.taxonomy is not None else Taxonomy()
        feat = Featurizer(taxonomy, stemming=self.stemming, max_chars=self.max_text_chars,
                          char_ngram_range=self.char_ngram_range, char_min_df=self.char_min_df,
                          char_max_df=self.char_max_df, char_max_features=self.char_max_features,
                          word_max_df=self.word_max_df, free_text_weight=self.free_text_skill_weight)
        self.featurizer_ = feat
        word, char = feat.fit_transform([employee_text(d, taxonomy) for d in emps] + [need_text(d, taxonomy) for d in nds])
        self.codes_: dict[str, dict[str, int]] = {"site": {}, "cause": {}, "language": {}}
        e_word, e_char, n_word, n_char = word[: len(emps)], char[: len(emps)], word[len(emps):], char[len(emps):]
        self.employees_ = Pool([d.id for d in emps], self._stack([self._employee_attrs(d) for d in emps], _EMP_DTYPES), {
            "word": SegmentedMatrix(e_word.shape[1], e_word), "char": SegmentedMatrix(e_char.shape[1], e_char),
            "skill": SegmentedMatrix(e_char.shape[1], feat.char_text([employee_skill_text(d, taxonomy) for d in emps])),
            "levels": SegmentedMatrix(len(feat.canon_index), feat.employee_levels(emps)),
        })
        self.needs_ = Pool([d.id for d in nds], self._stack([self._need_attrs(d) for d in nds], _NEED_DTYPES), {
            "word": SegmentedMatrix(n_word.shape[1], n_word), "char": SegmentedMatrix(n_char.shape[1], n_char),
        })
        rows = feat.need_skill_rows(nds)
        self.need_skills_ = {"char": SegmentedMatrix(n_char.shape[1], rows.char), "owner": rows.owner,
                             "canon": rows.canon, "min_level": rows.min_level, "weight": rows.weight}
        self.employee_docs_ = {d.id: d for d in emps}
        self.need_docs_ = {d.id: d for d in nds}
        self._fit_hubness(n_word, n_char)
        self.fingerprint_ = library_fingerprint()
        return self

    def _fit_hubness(self, n_word: sp.csr_matrix, n_char: sp.csr_matrix) -> None:
        n_n, n_e = self.needs_.n_rows, self.employees_.n_rows
        log_u, log_v = np.zeros(n_n), np.zeros(n_e)
        if self.hubness and n_n and n_e:
            chunk = max(1, min(n_n, 20_000_000 // n_e))
            sims = scoring.sparse_topk_pairs(
                lambda a, b: self._text_sims(n_word[a:b], n_char[a:b], self.employees_), n_n, n_e, self.hub_k, chunk)
            log_u, log_v = scoring.sinkhorn_log_scalings(sims, self.hub_temperature, self.hub_iter)
        self.needs_.attrs["log_scaling"] = log_u
        self.employees_.attrs["log_scaling"] = log_v
        self.hub_center_ = (float(log_u.mean()) if n_n else 0.0, float(log_v.mean()) if n_e else 0.0)
        self.hub_sizes_ = (n_n, n_e)

    # ------------------------------------------------------------ documents
    def _employee_attrs(self, d: EmployeeDoc) -> dict:
        return {"active": d.is_active, "suggestible": d.is_suggestible, "weekdays": d.available_weekdays,
                "weekends": d.available_weekends, "remote": d.is_remote, "site": self._site(d.site),
                "causes": scoring.bits(d.causes, self.codes_["cause"]),
                "languages": scoring.bits(d.languages, self.codes_["language"])}

    def _need_attrs(self, d: NeedDoc) -> dict:
        return {"active": d.is_open, "weekdays": d.runs_weekdays, "weekends": d.runs_weekends, "remote": d.is_remote,
                "site": self._site(d.site), "cause": scoring.bits([d.cause or ""], self.codes_["cause"]),
                "languages": scoring.bits(d.languages, self.codes_["language"]),
                "skill_weight": float(sum(self.featurizer_.skill_weight(s) for s in d.skills)),
                "skill_full": float(sum(2.0 if s.importance == "must" else 1.0 for s in d.skills))}

    def _site(self, site: str | None) -> int:
        if not site:
            return -1
        return self.codes_["site"].setdefault(site.strip().casefold(), len(self.codes_["site"]))

    @staticmethod
    def _stack(rows: Sequence[dict], dtypes: dict) -> dict[str, np.ndarray]:
        return {k: np.asarray([r[k] for r in rows], dtype=t) for k, t in dtypes.items()}

    def _text_sims(self, word: sp.csr_matrix, char: sp.csr_matrix, pool: Pool) -> np.ndarray:
        return 0.5 * (pool.mats["word"].dot(word) + pool.mats["char"].dot(char))

    def _query(self, doc: EmployeeDoc | NeedDoc) -> _Query:
        feat = self.featurizer_
        if isinstance(doc, NeedDoc):
            toks = feat.tokens(need_text(doc, feat.taxonomy))
            attrs, extra = self._need_attrs(doc), {"skills": feat.need_skill_rows([doc])}
        else:
            toks = feat.tokens(employee_text(doc, feat.taxonomy))
            attrs = self._employee_attrs(doc)
            extra = {"skill": feat.char_text([employee_skill_text(doc, feat.taxonomy)]),
                     "levels": feat.employee_levels([doc]).toarray()[0]}
        return _Query(doc, feat.word([toks]), feat.char([toks]), attrs, extra)

    def _resolve(self, doc_or_id: EmployeeDoc | NeedDoc | str, kind: type) -> tuple[EmployeeDoc | NeedDoc, int | None]:
        check_is_fitted(self, "featurizer_")
        docs, pool = (self.need_docs_, self.needs_) if kind is NeedDoc else (self.employee_docs_, self.employees_)
        if isinstance(doc_or_id, str):
            if doc_or_id not in docs:
                raise KeyError(f"unknown {kind.__name__} id {doc_or_id!r}")
            return docs[doc_or_id], pool.positions[doc_or_id]
        doc = validate_need(doc_or_id) if kind is NeedDoc else validate_employee(doc_or_id)
        return doc, pool.positions.get(doc.id) if docs.get(doc.id) == doc else None

    def _new_log_scaling(self, sims: np.ndarray, other: Pool, side: int) -> float:
        if not self.hubness or not self.hub_sizes_[1 - side]:
            return self.hub_center_[side]
        alive = other.attrs["alive"]
        return scoring.log_scaling_for_new(sims[alive], other.attrs["log_scaling"][alive], self.hub_sizes_[side],
                                           self.hub_temperature, self.hub_k)

    def _hub(self, log_u, log_v) -> np.ndarray:
        return self.hub_temperature * ((log_u - self.hub_center_[0]) + (log_v - self.hub_center_[1]))

    # ------------------------------------------------------------ lifecycle
    def upsert_employee(self, doc: EmployeeDoc) -> None:
        """Add or replace one employee using the fitted vocabulary."""
        check_is_fitted(self, "featurizer_")
        q = self._query(validate_employee(doc))
        sims = self._text_sims(q.word, q.char, self.needs_)[0]
        attrs = {**q.attrs, "log_scaling": self._new_log_scaling(sims, self.needs_, 1)}
        self.employees_.append(doc.id, attrs, {"word": q.word, "char": q.char, "skill": q.extra["skill"],
                                               "levels": sp.csr_matrix(q.extra["levels"][None, :])})
        self.employee_docs_[doc.id] = doc

    def remove_employee(self, employee_id: str) -> bool:
        """Forget one employee; returns whether it was known."""
        check_is_fitted(self, "featurizer_")
        self.employee_docs_.pop(employee_id, None)
        return self.employees_.remove(employee_id)

    def upsert_need(self, doc: NeedDoc) -> None:
        """Add or replace one need using the fitted vocabulary."""
        check_is_fitted(self, "featurizer_")
        q = self._query(validate_need(doc))
        sims = self._text_sims(q.word, q.char, self.employees_)[0]
        attrs = {**q.attrs, "log_scaling": self._new_log_scaling(sims, self.employees_, 0)}
        row = self.needs_.append(doc.id, attrs, {"word": q.word, "char": q.char})
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
    from .ranking import rank_employees, rank_needs, score_pair  # noqa: E402  (methods kept in their own module)


_EMP_DTYPES = {"active": bool, "suggestible": bool, "weekdays": bool, "weekends": bool, "remote": bool,
               "site": np.int32, "causes": np.int64, "languages": np.int64}
_NEED_DTYPES = {"active": bool, "weekdays": bool, "weekends": bool, "remote": bool, "site": np.int32,
                "cause": np.int64, "languages": np.int64, "skill_weight": np.float32,
                "skill_full": np.float32}
