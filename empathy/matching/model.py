"""The matcher: a scikit-learn estimator over pools of employees and needs.

Every method is defined here; the work is done by plain functions of ``encoding`` (documents as
arrays), ``ranking`` (score parts and top-k), ``hubness`` (Sinkhorn correction), ``expansion``
(query expansion) and ``explain``, called with the fitted state as explicit arguments.
"""
from __future__ import annotations

import itertools
import time
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils.validation import check_is_fitted

from . import calibration, encoding, expansion, hubness, ranking, scoring
from . import pool as pool_module
from .documents import EmployeeDoc, NeedDoc, Suggestion, validate_employee, validate_need
from .encoding import Queries
from .explain import explain_pair, explain_pairs
from .features import Featurizer
from .params import PARAMETER_CONSTRAINTS, check_tuple_params
from .persistence import library_fingerprint
from .pool import Pool
from .taxonomy import Taxonomy

__all__ = ["SkillMatcher", "Suggestion"]

# The hubness kernel is built from slices of about this many dense similarity cells (4 MB; with
# their sparse product and top-k merge, 4 M cells took ~100 MB more at 100,000 profiles).
HUB_CHUNK_CELLS = 1_000_000
# Single-query rankings whose values (score parts of the rows returned) are kept for explaining
# those rows later without scoring the pool again: about 30 floats per row, 500 rows a ranking.
RANKED_MEMO = 64
# Skill names whose character counts `warm_explanations` computes ahead (the most common first).
WARM_SKILLS = 5_000


class SkillMatcher(BaseEstimator):
    """Rank employees for volunteering needs and needs for employees.

    The score of a (need, employee) pair ranks the specialty first (``scoring.whole_score``): a base,
    the weighted mean of text similarity (stemmed word and character n-gram TF-IDF on English and
    jieba-segmented Chinese, hubness-corrected) and skill overlap through a taxonomy (levels,
    must-have vs nice-to-have, partial credit for a related skill; free-text skills by character similarity), times
    ``(1 - must_penalty) ** (taxonomy must-haves missing or below the asked level)``; then cause and
    language fit add at most ``tie_break``, enough to re-order near-ties only. A part the need does
    not specify is left out of its mean (``scoring.combine``). The score is the same whichever side
    asks. Each Suggestion also carries a calibrated ``fit`` and its ``band`` (``calibration.py``).
    The text part is ``soft_clip(cos + t * s * ((log_u - mean_u) + (log_v - mean_v)))``, where
    ``log_u``, ``log_v`` are the need's and employee's Sinkhorn log scalings (Sinkhorn and Knopp,
    1967; against hubs as in Radovanovic et al., 2010), ``t`` the temperature and ``s`` the fade-in
    for small pools (``hubness.py``). Needs are expanded by pseudo-relevance feedback (Rocchio,
    1971; ``expansion.py``).
    Hyperparameters are checked in ``fit`` (``_parameter_constraints``, see ``params.py``): a value
    out of range raises ``InvalidParameterError``, a ValueError naming the parameter.

    Parameters
    ----------
    taxonomy : Taxonomy or None, default=None
        Canonical skills with labels and synonyms; None means every skill is free text.
    text_weight, skill_weight : float, default=0.6, 0.25
        Weights of the two parts of the base score; text_weight > 0, skill_weight >= 0.
    cause_weight, language_weight : float >= 0, default=0.1, 0.05
        Relative weights of cause and language fit inside the tie-break bonus.
    must_penalty : float in [0, 1), default=0.05
        The base score is multiplied by ``1 - must_penalty`` for each must-have the taxonomy knows
        that the employee lacks or holds below the asked level; one answered only by a related skill
        (``Taxonomy.related``) counts as ``scoring.RELATED_MISSING`` of one.
    tie_break : float >= 0, default=0.01
        Largest bonus for sharing the need's cause and languages: about a tenth of the usual spread
        between a need's 1st and 10th candidates on the dev files (benchmarks/RESULTS.md).
    char_ngram_range : tuple (lo, hi) of int, 1 <= lo <= hi, default=(3, 4)
        Character n-gram sizes of the character view (``char_wb`` on the token stream).
    char_weight : float in [0, 1], default=0.5
        Share of the character view in the text similarity (the word view has the rest).
    char_min_df, char_max_df : int >= 1 or float in [0, 1], default=2, 0.3
        Document-frequency cuts of the character view, in documents (int) or as a share (float),
        as in TfidfVectorizer; ignored below ``MIN_DOCS_FOR_DF_CUTS`` (20) documents. Terms in
        more than 30 % of the documents carry little weight but dominate the cost of a query.
    char_max_features : int >= 1 or None, default=None
        Cap on the character vocabulary, for speed on large pools.
    word_max_df : int >= 1 or float in [0, 1], default=0.3
        Document-frequency cut of the word view.
    free_text_skill_weight : float in [0, 1], default=0.1
        Relative weight, in the skill part, of need skills the taxonomy does not know
        (they still count fully in the text part).
    stemming : bool, default=True
        Snowball-stem English words.
    hubness : bool, default=True
        Correct text scores with Sinkhorn scalings fitted between the two pools, so that
        documents similar to everything ("hubs") do not crowd every ranking.
    hub_temperature : float > 0, default=0.025
        Temperature of the Sinkhorn kernel; also the scale of the correction.
    hub_iter : int >= 1, default=20
        Sinkhorn iterations.
    hub_k : int >= 1, default=128
        Similarities kept per row and column for the (sparse) Sinkhorn kernel.
    max_text_chars : int >= 1, default=20000
        Texts are cut to this length before tokenising.
    need_field_weights : tuple of 3 floats >= 0, default=(0.2, 1.0, 0.2)
        Weights of a need's title, description and skills in its text vectors; each field is
        normalised on its own first (see ``Featurizer.need_vectors``).
    prf_weight : float >= 0, default=0.3
        Pseudo-relevance feedback on needs (Rocchio): a need's text vector gets this weight of the
        mean vector of its ``prf_k`` most similar employees (their ``prf_terms`` strongest terms).
        Stored needs are kept expanded, so both directions see it. 0 turns it off.
    prf_k, prf_terms : int >= 1, default=10, 40
        Employees averaged per need, and terms kept of their mean vector, by the feedback.

    Attributes
    ----------
    featurizer_ : Featurizer
        Fitted vocabularies.
    employees_, needs_ : Pool
        Vectors, attributes and hubness scalings of each side.
    employee_docs_, need_docs_ : dict
        Documents by id, for explanations.
    need_skills_ : dict
        One row per skill of the stored needs (character vectors, owner row, canonical index,
        minimum level, weight), and (row, canonical index) pairs of the skills related to each.
    codes_ : dict
        Integer codes of sites and bits of causes and languages seen so far.
    hub_center_, hub_sizes_, hub_scale_ : tuple, tuple, float
        Mean log scalings (needs, employees), pool sizes at fit and the fade-in of the correction.
    need_refs_ : dict
        Reference score (10th best employee, ``scoring.reference``) of stored needs by row, kept
        as they are computed; the need side's fit reads a score's margin over it.
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

    _parameter_constraints: dict = PARAMETER_CONSTRAINTS

    def __init__(self, *, taxonomy: Taxonomy | None = None, text_weight: float = 0.6, skill_weight: float = 0.25,
                 cause_weight: float = 0.1, language_weight: float = 0.05, must_penalty: float = 0.05,
                 tie_break: float = 0.01,
                 char_ngram_range: tuple[int, int] = (3, 4), char_weight: float = 0.5, char_min_df: float = 2,
                 char_max_df: float = 0.3, char_max_features: int | None = None, word_max_df: float = 0.3,
                 free_text_skill_weight: float = 0.1, stemming: bool = True, hubness: bool = True,
                 hub_temperature: float = 0.025, hub_iter: int = 20, hub_k: int = 128, max_text_chars: int = 20000,
                 need_field_weights: tuple[float, float, float] = (0.2, 1.0, 0.2), prf_weight: float = 0.3,
                 prf_k: int = 10, prf_terms: int = 40):
        self.taxonomy = taxonomy
        self.text_weight = text_weight
        self.skill_weight = skill_weight
        self.cause_weight = cause_weight
        self.language_weight = language_weight
        self.must_penalty = must_penalty
        self.tie_break = tie_break
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
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, employees: Iterable[EmployeeDoc], needs: Iterable[NeedDoc] = ()) -> SkillMatcher:
        """Fit vocabularies and index both pools (either may be empty); returns self.

        Raises InvalidParameterError (a ValueError) for a hyperparameter out of its range,
        TypeError or ValueError for an invalid document, ValueError for a duplicate id.
        """
        check_tuple_params(self)
        emps = [validate_employee(d) for d in employees]
        nds = [validate_need(d) for d in needs]
        feat = self.featurizer_ = Featurizer(
            self.taxonomy if self.taxonomy is not None else Taxonomy(), stemming=self.stemming,
            max_chars=self.max_text_chars, char_ngram_range=self.char_ngram_range, char_min_df=self.char_min_df,
            char_max_df=self.char_max_df, char_max_features=self.char_max_features, word_max_df=self.word_max_df,
            free_text_weight=self.free_text_skill_weight)
        clock = time.perf_counter()
        # A generator: holding every document's tokens at once cost 0.7 GB at 100,000 profiles.
        text = feat.fit_text(itertools.chain((feat.employee_tokens(d) for d in emps),
                                             (feat.need_tokens(d) for d in nds)))
        self.fit_seconds_ = {"vectors": time.perf_counter() - clock}
        self.codes_: dict[str, dict[str, int]] = {"site": {}, "cause": {}, "language": {}}
        self.employees_ = encoding.employee_pool(feat, emps, pool_module.leading_rows(text, len(emps)), self.codes_,
                                                 keep_rows=self.prf_weight > 0)
        del text
        need_text = sp.hstack(feat.need_vectors(nds, self.need_field_weights), format="csr", dtype=np.float32)
        if self.prf_weight > 0 and len(nds):
            need_text = self._expand(need_text)  # by chunks of employees (expansion.nearest)
        self.needs_ = encoding.need_pool(feat, nds, need_text, self.codes_)
        self.need_skills_ = encoding.need_skill_store(feat, nds)
        self.employee_docs_ = {d.id: d for d in emps}
        self.need_docs_ = {d.id: d for d in nds}
        self.need_refs_: dict[int, float] = {}
        self.fit_seconds_["pools"] = time.perf_counter() - clock - self.fit_seconds_["vectors"]
        self._fit_hubness()
        self.fit_seconds_["hubness"] = time.perf_counter() - clock - sum(self.fit_seconds_.values())
        self.fingerprint_ = library_fingerprint()
        self._forget_ranked()
        return self

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_ranked_memo", None)  # a per-process cache, rebuilt on use
        return state

    def _fit_hubness(self) -> None:
        """Log scalings of both pools (zeros without ``hubness``), their means and the fade-in scale."""
        n_n, n_e = self.needs_.n_rows, self.employees_.n_rows
        log_u, log_v = np.zeros(n_n), np.zeros(n_e)
        if self.hubness and n_n and n_e:
            # The view weights go on the (small) need side; the employees' rows are read in place.
            needs = self.needs_.mats["text"].rows().multiply(self._view_weights()).T.tocsr()
            profiles = self.employees_.mats["text"].document_major()
            sims = hubness.topk_pairs(lambda a, b: (profiles[a:b] @ needs).toarray(), n_n, n_e, self.hub_k,
                                      max(1, HUB_CHUNK_CELLS // n_n))
            del needs, profiles
            log_u, log_v = hubness.sinkhorn_log_scalings(sims, self.hub_temperature, self.hub_iter, in_place=True)
        self.needs_.attrs["log_scaling"] = log_u
        self.employees_.attrs["log_scaling"] = log_v
        self.hub_center_ = (float(log_u.mean()) if n_n else 0.0, float(log_v.mean()) if n_e else 0.0)
        self.hub_sizes_ = (n_n, n_e)
        # With few documents on one side the scalings equalise everything (one need and many
        # employees: every employee gets the same corrected score), so the correction fades in
        # until both sides hold hub_k documents.
        self.hub_scale_ = min(1.0, min(n_n, n_e) / max(self.hub_k, 1))

    # ------------------------------------------------------------ documents
    def _queries(self, docs: Sequence[EmployeeDoc | NeedDoc], kind: type,
                 rows: Sequence[int | None] | None = None) -> Queries:
        """Vectors and attributes of documents; ``rows`` gives the stored row of each unchanged need."""
        if kind is NeedDoc:
            return encoding.need_queries(self.featurizer_, docs, self.codes_, self._view_weights(),
                                         stored=self.needs_.mats["text"], rows=rows,
                                         field_weights=self.need_field_weights, expand=self._expand)
        return encoding.employee_queries(self.featurizer_, docs, self.codes_, self._view_weights())

    def _resolve(self, doc_or_id: EmployeeDoc | NeedDoc | str, kind: type) -> tuple[EmployeeDoc | NeedDoc, int | None]:
        """A stored id or a document, and its stored row (None unless stored unchanged)."""
        check_is_fitted(self, "featurizer_")
        docs, pool = (self.need_docs_, self.needs_) if kind is NeedDoc else (self.employee_docs_, self.employees_)
        return encoding.resolve(doc_or_id, kind, docs, pool.positions)

    # ------------------------------------------------------------ text scores
    def _view_weights(self) -> np.ndarray:
        """Per-feature weights (1 x text features) applied to queries: the word and character views' shares."""
        feat = self.featurizer_
        return np.concatenate([np.full(feat.n_word, 1.0 - self.char_weight, np.float32),
                               np.full(feat.n_char, self.char_weight, np.float32)])[None, :]

    def _expand(self, text: sp.csr_matrix) -> sp.csr_matrix:
        """Need vectors with pseudo-relevance feedback from the employee pool (see ``prf_weight``)."""
        return expansion.rocchio(text, self.employees_, self._view_weights(), self.featurizer_.n_word,
                                 weight=self.prf_weight, k=self.prf_k, n_terms=self.prf_terms)

    def _text_sims(self, text: sp.csr_matrix, pool: Pool) -> np.ndarray:
        """Dense (queries x pool rows) text similarities; ``text`` already carries the view weights."""
        return pool.mats["text"].dot(text)

    def _new_log_scaling(self, sims: np.ndarray, other: Pool, side: int) -> float:
        """Log scaling of a document that is not stored (side 0: a need, 1: an employee)."""
        if not self.hubness or not self.hub_sizes_[1 - side]:
            return self.hub_center_[side]
        alive = other.attrs["alive"]
        return hubness.log_scaling_for_new(sims[alive], other.attrs["log_scaling"][alive], self.hub_sizes_[side],
                                           self.hub_temperature, self.hub_k)

    def _hub(self, raw: np.ndarray, rows: Sequence[int | None], side: int) -> np.ndarray:
        """Hubness correction of a batch's ``raw`` similarities (queries of ``side`` x the other pool)."""
        if not self.hubness:
            return np.zeros((1, 1), np.float32)
        own, other = (self.needs_, self.employees_) if side == 0 else (self.employees_, self.needs_)
        log_q = np.array([own.attrs["log_scaling"][r] if r is not None else self._new_log_scaling(raw[i], other, side)
                          for i, r in enumerate(rows)])[:, None]
        log_p = other.attrs["log_scaling"][None, :]
        log_u, log_v = (log_q, log_p) if side == 0 else (log_p, log_q)
        return hubness.hub_offset(log_u, log_v, self.hub_center_, self.hub_temperature * self.hub_scale_)

    def _weights(self) -> dict[str, float]:
        return {"text": self.text_weight, "skills": self.skill_weight, "cause": self.cause_weight,
                "language": self.language_weight, "must_penalty": self.must_penalty, "tie_break": self.tie_break}

    # ------------------------------------------------------------ lifecycle
    def fork(self) -> SkillMatcher:
        """A copy for changes: upserts and removals on it leave this model answering as before.

        Arrays (the fitted pools, mapped from the model file once loaded) are shared, never copied: no
        method changes an array in place. Containers of rows (ids, documents, attribute columns, segment
        lists, codes, reference scores) are the copy's own. The per-process caches of the featurizer are
        shared (their values depend on the vocabulary only).
        """
        check_is_fitted(self, "featurizer_")
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.employees_, new.needs_ = self.employees_.fork(), self.needs_.fork()
        new.need_skills_ = {k: v.fork() if hasattr(v, "fork") else v for k, v in self.need_skills_.items()}
        new.employee_docs_, new.need_docs_ = dict(self.employee_docs_), dict(self.need_docs_)
        new.codes_ = {k: dict(v) for k, v in self.codes_.items()}
        new.need_refs_ = dict(self.need_refs_)
        new._forget_ranked()
        return new

    def upsert_employee(self, doc: EmployeeDoc) -> None:
        """Add or replace one employee using the fitted vocabulary (NotFittedError before fit)."""
        check_is_fitted(self, "featurizer_")
        self._forget_ranked()
        q = self._queries([validate_employee(doc)], EmployeeDoc)
        attrs = {k: v[0] for k, v in q.attrs.items()}
        attrs["log_scaling"] = self._new_log_scaling(self._text_sims(q.weighted, self.needs_)[0], self.needs_, 1)
        self.employees_.append(doc.id, attrs, {"text": q.text, "skill": q.extra["skill"], "levels": q.extra["levels"]})
        self.employee_docs_[doc.id] = doc

    def drop_employee_documents(self) -> None:
        """Forget the employees' documents, keeping everything that scores them.

        Employees can still be ranked for needs without explanations (``rank_employees_batch``); they
        can no longer be explained, nor named as queries by id. For one-off batch rankings (``match
        rank``): the documents of 100,000 profiles hold about 100 MB. A pool whose batches read the
        postings (``pool.POSTINGS_MIN_ROWS`` rows or more) keeps its text vectors once, as postings
        (``SegmentedMatrix.drop_rows``): the same scores, 210 MB less at 100,000 profiles.
        """
        check_is_fitted(self, "featurizer_")
        self._forget_ranked()
        self.employee_docs_ = {}
        text = self.employees_.mats["text"]
        if text.n_rows >= pool_module.POSTINGS_MIN_ROWS:
            text.drop_rows()

    def remove_employee(self, employee_id: str) -> bool:
        """Forget one employee; returns whether it was known."""
        check_is_fitted(self, "featurizer_")
        self._forget_ranked()
        self.employee_docs_.pop(employee_id, None)
        return self.employees_.remove(employee_id)

    def upsert_need(self, doc: NeedDoc) -> None:
        """Add or replace one need using the fitted vocabulary (NotFittedError before fit)."""
        check_is_fitted(self, "featurizer_")
        self._forget_ranked()
        q = self._queries([validate_need(doc)], NeedDoc)
        attrs = {k: v[0] for k, v in q.attrs.items()}
        attrs["log_scaling"] = self._new_log_scaling(self._text_sims(q.weighted, self.employees_)[0],
                                                     self.employees_, 0)
        row = self.needs_.append(doc.id, attrs, {"text": q.text})
        encoding.append_need_skills(self.need_skills_, q.extra["skills"], row)
        self.need_docs_[doc.id] = doc

    def remove_need(self, need_id: str) -> bool:
        """Forget one need; returns whether it was known."""
        check_is_fitted(self, "featurizer_")
        self._forget_ranked()
        self.need_docs_.pop(need_id, None)
        return self.needs_.remove(need_id)

    # ------------------------------------------------------------ ranking
    def _score(self, q: Queries, kind: type, rows: Sequence[int | None], cache: dict | None = None) -> dict:
        """Every part of the score of a batch of queries (``kind`` side) against the other pool."""
        if kind is NeedDoc:
            raw = self._text_sims(q.weighted, self.employees_)
            return ranking.need_vs_employees(q, self.employees_, raw, self._hub(raw, rows, 0), self._weights(), cache)
        raw = self._text_sims(q.weighted, self.needs_)
        return ranking.employee_vs_needs(q, self.needs_, self.need_skills_, raw, self._hub(raw, rows, 1),
                                         self._weights())

    def _rank_batch(self, items: Sequence, kind: type, k: int, exclude: Iterable[str], explain: bool) -> list[list]:
        resolved = [self._resolve(item, kind) for item in items]
        pool, docs = (self.employees_, self.employee_docs_) if kind is NeedDoc else (self.needs_, self.need_docs_)
        if not resolved or pool.n_rows == 0 or k <= 0:
            return [[] for _ in resolved]
        # Skill matches are kept across the slices of a batch; one query has nothing to share them with.
        exclude, out, cache = list(exclude), [], ({} if len(resolved) > 1 else None)
        explainer = (lambda pairs, values, rows: self._explain_pairs(pairs, values, rows, kind)) if explain else None
        step = ranking.batch_size(pool.n_rows)
        for start in range(0, len(resolved), step):
            part = resolved[start : start + step]
            rows = [r for _, r in part]
            q = self._queries([d for d, _ in part], kind, rows)
            result = self._score(q, kind, rows, cache)
            references = self._references(result, kind, rows, q)
            ranked = ranking.ranked_rows(result, q, pool, docs, kind, k, exclude, self._weights(), explainer,
                                         references)
            if len(resolved) == 1:  # a page ranks one query, then explains some of its rows
                self._remember_ranked(part[0], kind, result, [pool.positions[s.id] for s in ranked[0]], references)
            out.extend(ranked)
        return out

    # ------------------------------------------------------------ explanations
    def _forget_ranked(self) -> None:
        """Drop the kept values of rankings: the pools changed, so their scores may have."""
        self.__dict__["_ranked_memo"] = {}

    def _remember_ranked(self, resolved: tuple, kind: type, result: dict, rows: list[int], references) -> None:
        """Keep the values and reference scores of a single-query ranking's rows (see :meth:`explain_employees`)."""
        memo = self.__dict__.setdefault("_ranked_memo", {})
        key = (kind, *resolved)
        memo.pop(key, None)
        refs, side = references(0, rows)
        memo[key] = ({r: n for n, r in enumerate(rows)}, ranking.gather(result, 0, rows),
                     np.asarray(refs, np.float64), side)
        # list() copies the keys in one step: another request's thread may add one meanwhile.
        for old in list(memo)[: max(0, len(memo) - RANKED_MEMO)]:
            memo.pop(old, None)

    def _ranked_values(self, resolved: tuple, kind: type, rows: list[int]
                       ) -> tuple[list[tuple[dict, float]], str] | None:
        """The kept (values, reference) of these pool rows for a query ranked before, and the calibration
        side of its references; None when not kept."""
        kept = self.__dict__.get("_ranked_memo", {}).get((kind, *resolved))
        if kept is None or any(r not in kept[0] for r in rows):
            return None
        where, gathered, refs, side = kept
        positions = [where[r] for r in rows]
        return list(zip(ranking.values_at(gathered, positions, self._weights()), refs[positions].tolist())), side

    def _explain_pairs(self, pairs: list, values: list[dict], rows: list[int], kind: type) -> list[dict]:
        """Explanations of (need, employee) pairs; ``rows`` are the pool rows of the other side (``kind``: the
        query side), so stored employees' word vectors are read from the pool instead of recomputed."""
        text = self.employees_.mats["text"]
        word = None
        if text.row_segments is not None:
            if kind is NeedDoc:
                word = text.take_rows(np.asarray(rows, np.int64))[:, : self.featurizer_.n_word]
            else:
                emp = pairs[0][1]
                row = self.employees_.positions.get(emp.id)
                if row is not None and self.employee_docs_.get(emp.id) == emp:
                    one = text.take_rows(np.asarray([row], np.int64))[:, : self.featurizer_.n_word]
                    word = one[np.zeros(len(pairs), np.int64)]
        return explain_pairs(self.featurizer_, pairs, values, word)

    def _references(self, result: dict, kind: type, rows: Sequence[int | None], q: Queries):
        """``references(i, pool_rows) -> (reference scores, calibration side)`` for a scored batch.

        Needs as queries: each row's own reference (its ``REFERENCE_RANK``-th best employee), read off
        the batch (and remembered for stored needs); side "need". Employees as queries: each
        employee's own ``EMPLOYEE_REFERENCE_RANK``-th best open need it could join
        (``ranking.employee_reference_pool`` with the batch's query attributes ``q``), read off the
        batch; side "employee". An employee who could join fewer than ``EMPLOYEE_MIN_POOL`` needs gets
        the needs' own references instead (side "need", computed when missing).
        """
        if kind is NeedDoc:
            refs = self._need_reference_scores(result, q)
            for r, ref in zip(rows, refs):
                if r is not None:
                    # The first value stays: every request on one model reads the same reference.
                    self.need_refs_.setdefault(r, float(ref))
            return lambda i, cols: (np.full(len(cols), refs[i], np.float32), "need")
        scores, own = np.asarray(result["score"]), {}
        for i in range(scores.shape[0]):
            live = ranking.employee_reference_pool(self.needs_, {k: v[i] for k, v in q.attrs.items()})
            if np.count_nonzero(live) >= scoring.EMPLOYEE_MIN_POOL:
                own[i] = float(scoring.reference(scores[i : i + 1], live, scoring.EMPLOYEE_REFERENCE_RANK)[0])

        def references(i: int, cols: list[int]) -> tuple[np.ndarray, str]:
            if i in own:
                return np.full(len(cols), own[i], np.float32), "employee"
            return self._need_references(cols), "need"
        return references

    def _need_reference_scores(self, result: dict, q: Queries) -> np.ndarray:
        """Each need's reference score (``scoring.reference``): its ``REFERENCE_RANK``-th best employee counted
        after the people who hold every must-have the taxonomy knows (``scoring.covering``).

        On the dev cases a need has about one right person, so its 10th best is one of the crowd; a company
        has many holders of the same skill (eight nurses for a health check), and read against the 10th of
        them every nurse stood out by nothing and read as a weak fit. Counting past them keeps the
        reference in the crowd, as the calibration's was; a need without such a must-have is unchanged.
        """
        live = ranking.reference_pool(self.employees_)
        if not scoring.REFERENCE_AFTER_COVERING or self.must_penalty <= 0:
            return scoring.reference(result["score"], live)
        rows = q.extra["skills"]
        known = rows.must & (rows.canon >= 0) & (rows.weight > 0)
        has_musts = np.bincount(rows.owner[known], minlength=len(q.docs)) > 0
        covers = scoring.covering(result["must_factor"], has_musts, live)
        return scoring.reference(result["score"], live, scoring.REFERENCE_RANK + covers)

    def warm_explanations(self, max_skills: int = WARM_SKILLS) -> int:
        """Compute the character counts of the ``max_skills`` most common skill names now; returns how many.

        Optional, like :meth:`warm_need_references`: explaining computes missing ones on the fly
        (``Featurizer.skill_counts``), but the first pages after a load would pay for them
        (about 30 ms a page at 100,000 profiles), and for the first Chinese text segmented.
        The counts are a per-process cache, not saved with the model.
        """
        check_is_fitted(self, "featurizer_")
        names = Counter(s.name for d in itertools.chain(self.employee_docs_.values(), self.need_docs_.values())
                        for s in d.skills)
        common = [name for name, _ in names.most_common(max_skills)]
        self.featurizer_.skill_counts(common)
        return len(common)

    def warm_need_references(self) -> int:
        """Compute the reference score of every live stored need now; returns how many were computed.

        Optional: a stored need's reference is computed on the fly when missing (one product of the
        need against the employee pool), so a background refit may call this to spare the first
        requests after it. Needs ranked for an employee read it only when the employee could join
        fewer than ``scoring.EMPLOYEE_MIN_POOL`` needs (others read their own reference), and
        :meth:`score_pair` of a new employee document.
        """
        check_is_fitted(self, "featurizer_")
        rows = [r for r in self.needs_.positions.values() if r not in self.need_refs_]
        self._need_references(rows)
        return len(rows)

    def _need_references(self, need_rows: Sequence[int]) -> np.ndarray:
        """Reference scores (``scoring.reference``) of stored needs by row, computed and kept when missing.

        Kept until the next fit (a :meth:`fork` keeps them too): upserted employees move a need's
        reference only slightly. Never replaced once computed, so that requests ranking on one model
        from several threads get the same answers whatever their order.
        """
        missing = [r for r in dict.fromkeys(need_rows) if r not in self.need_refs_]
        step = ranking.batch_size(max(self.employees_.n_rows, 1))
        for start in range(0, len(missing), step):
            part = missing[start : start + step]
            docs = [self.need_docs_[self.needs_.ids[r]] for r in part]
            q = self._queries(docs, NeedDoc, part)
            refs = self._need_reference_scores(self._score(q, NeedDoc, part), q)
            for r, ref in zip(part, refs.tolist()):
                self.need_refs_.setdefault(r, ref)
        return np.asarray([self.need_refs_[r] for r in need_rows], np.float32)

    def rank_employees(self, need: NeedDoc | str, *, k: int = 10, exclude: Iterable[str] = (),
                       explain: bool = True) -> list[Suggestion]:
        """Top-k employees for a need (stored id or a NeedDoc), after the hard filters.

        Ties are broken by ascending id; ``exclude`` lists employee ids to leave out. Raises
        NotFittedError before fit, KeyError for an unknown id.
        """
        return self._rank_batch([need], NeedDoc, k, exclude, explain)[0]

    def rank_employees_batch(self, needs: Sequence[NeedDoc | str], *, k: int = 10, exclude: Iterable[str] = (),
                             explain: bool = False) -> list[list[Suggestion]]:
        """Top-k employees for each of many needs at once (one sparse product per slice of needs)."""
        return self._rank_batch(list(needs), NeedDoc, k, exclude, explain)

    def rank_needs(self, employee: EmployeeDoc | str, *, k: int = 10, exclude: Iterable[str] = (),
                   explain: bool = True) -> list[Suggestion]:
        """Top-k open needs for an employee (stored id or an EmployeeDoc), after the hard filters.

        Same ties, exclusions and errors as :meth:`rank_employees`.
        """
        return self._rank_batch([employee], EmployeeDoc, k, exclude, explain)[0]

    def rank_needs_batch(self, employees: Sequence[EmployeeDoc | str], *, k: int = 10, exclude: Iterable[str] = (),
                         explain: bool = False) -> list[list[Suggestion]]:
        """Top-k open needs for each of many employees at once."""
        return self._rank_batch(list(employees), EmployeeDoc, k, exclude, explain)

    def score_pair(self, need: NeedDoc | str, employee: EmployeeDoc | str) -> Suggestion:
        """Score and explanation of one pair, hard filters not applied; the Suggestion's id is the employee's.

        Raises ValueError unless the need or the employee is stored (unchanged) in the model.
        """
        need_doc, need_row = self._resolve(need, NeedDoc)
        emp_doc, emp_row = self._resolve(employee, EmployeeDoc)
        # A pair is read from the need's side (the Suggestion is the employee's): the need's reference.
        if emp_row is not None:
            rows, row = [need_row], emp_row
            q = self._queries([need_doc], NeedDoc, rows)
            result = self._score(q, NeedDoc, rows)
            ref = float(self._references(result, NeedDoc, rows, q)(0, [row])[0][0])
        elif need_row is not None:
            rows, row = [None], need_row
            result = self._score(self._queries([emp_doc], EmployeeDoc), EmployeeDoc, rows)
            ref = float(self._need_references([row])[0])
        else:
            raise ValueError("score_pair needs a stored need or a stored employee")
        values = ranking.pick(result, 0, row, self._weights())
        return calibration.suggestion(emp_doc.id, values["score"], ref,
                                      explain_pair(self.featurizer_, need_doc, emp_doc, values),
                                      short_must=values["short_must"])

    def _explain_ids(self, item: NeedDoc | EmployeeDoc | str, ids: Iterable[str], kind: type) -> list[Suggestion]:
        doc, row = self._resolve(item, kind)
        pool, docs = (self.employees_, self.employee_docs_) if kind is NeedDoc else (self.needs_, self.need_docs_)
        wanted = [(i, pool.positions[i]) for i in dict.fromkeys(ids) if i in pool.positions]
        if not wanted:
            return []
        cols = [j for _, j in wanted]
        # Rows of the query's last ranking are explained from its values: the pool is not scored again.
        kept = self._ranked_values((doc, row), kind, cols)
        if kept is None:
            q = self._queries([doc], kind, [row])
            result = self._score(q, kind, [row])
            refs, side = self._references(result, kind, [row], q)(0, cols)
            kept = (list(zip(ranking.pick_rows(result, 0, cols, self._weights()), refs.tolist())), side)
        values_refs, side = kept
        pairs = [(doc, docs[i]) if kind is NeedDoc else (docs[i], doc) for i, _ in wanted]
        expls = self._explain_pairs(pairs, [v for v, _ in values_refs], cols, kind)
        return [calibration.suggestion(other_id, values["score"], float(ref), expl, side=side,
                                       short_must=values["short_must"])
                for (other_id, _), (values, ref), expl in zip(wanted, values_refs, expls)]

    def explain_employees(self, need: NeedDoc | str, employee_ids: Iterable[str]) -> list[Suggestion]:
        """Scores and explanations of the given employees for one need, in the given order.

        The same scores as :meth:`rank_employees` (one product against the pool, then only these
        pairs are explained): rank with ``explain=False``, then explain the rows shown. Unknown or
        removed ids are left out; hard filters are not applied. KeyError for an unknown need id.
        """
        return self._explain_ids(need, employee_ids, NeedDoc)

    def explain_needs(self, employee: EmployeeDoc | str, need_ids: Iterable[str]) -> list[Suggestion]:
        """Scores and explanations of the given needs for one employee, in order (see :meth:`explain_employees`)."""
        return self._explain_ids(employee, need_ids, EmployeeDoc)
