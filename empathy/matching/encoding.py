"""Documents as arrays: attribute columns, query vectors and stored-document lookup (methods of SkillMatcher)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from . import scoring
from .documents import EmployeeDoc, NeedDoc, validate_employee, validate_need

EMP_DTYPES = {"active": bool, "suggestible": bool, "weekdays": bool, "weekends": bool, "remote": bool,
              "site": np.int32, "causes": np.int64, "languages": np.int64}
NEED_DTYPES = {"active": bool, "weekdays": bool, "weekends": bool, "remote": bool, "site": np.int32,
               "cause": np.int64, "languages": np.int64, "skill_weight": np.float32,
               "skill_full": np.float32}


@dataclass
class _Queries:
    """A batch of documents vectorised for scoring against the other pool."""

    docs: list
    text: sp.csr_matrix  # as stored in a pool
    weighted: sp.csr_matrix  # with the view weights, for products against a pool
    attrs: dict[str, np.ndarray]
    extra: dict


def stack(rows: Sequence[dict], dtypes: dict) -> dict[str, np.ndarray]:
    """Per-document attribute dicts as one typed column per attribute."""
    return {k: np.asarray([r[k] for r in rows], dtype=t) for k, t in dtypes.items()}


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


def _queries(self, docs: Sequence[EmployeeDoc | NeedDoc], kind: type, rows: Sequence[int | None] | None = None) -> _Queries:
    """Vectors and attributes of documents; ``rows`` gives the stored row of each unchanged need."""
    feat = self.featurizer_
    if kind is NeedDoc:
        attrs = stack([self._need_attrs(d) for d in docs], NEED_DTYPES)
        extra = {"skills": feat.need_skill_rows(docs)}
        rows = list(rows) if rows is not None else [None] * len(docs)
        new = [i for i, r in enumerate(rows) if r is None]
        # A stored need keeps the vector it was indexed with (expanded against the pool then).
        stored = [i for i, r in enumerate(rows) if r is not None]
        parts = [self.needs_.mats["text"].take_rows(np.asarray([rows[i] for i in stored], np.int64))] if stored else []
        if new:
            parts.append(self._expand(sp.hstack(feat.need_vectors([docs[i] for i in new], self.need_field_weights),
                                                 format="csr", dtype=np.float32)))
        if not parts:
            parts = [sp.csr_matrix((0, self.needs_.mats["text"].n_features), dtype=np.float32)]
        text = sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]
        if stored and new:
            text = text[np.argsort(np.asarray(stored + new), kind="stable")]
    else:
        toks = [feat.employee_tokens(d) for d in docs]
        attrs = stack([self._employee_attrs(d) for d in docs], EMP_DTYPES)
        extra = {"skill": feat.char([feat.skill_field_tokens(d) for d in docs]),
                 "levels": feat.employee_levels(docs)}
        text = sp.hstack([feat.word(toks), feat.char(toks)], format="csr", dtype=np.float32)
    return _Queries(list(docs), text, text.multiply(self._view_weights()).tocsr(), attrs, extra)


def _resolve(self, doc_or_id: EmployeeDoc | NeedDoc | str, kind: type) -> tuple[EmployeeDoc | NeedDoc, int | None]:
    check_is_fitted(self, "featurizer_")
    docs, pool = (self.need_docs_, self.needs_) if kind is NeedDoc else (self.employee_docs_, self.employees_)
    if isinstance(doc_or_id, str):
        if doc_or_id not in docs:
            raise KeyError(f"unknown {kind.__name__} id {doc_or_id!r}")
        return docs[doc_or_id], pool.positions[doc_or_id]
    doc = validate_need(doc_or_id) if kind is NeedDoc else validate_employee(doc_or_id)
    return doc, pool.positions.get(doc.id) if docs.get(doc.id) == doc else None
