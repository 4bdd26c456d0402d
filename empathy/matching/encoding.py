"""Documents as arrays: attribute columns, query vectors, fitted pools and stored-document lookup.

Plain functions over explicit arguments; :class:`~empathy.matching.model.SkillMatcher` calls them
with its fitted state.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from . import scoring
from .documents import EmployeeDoc, NeedDoc, validate_employee, validate_need
from .features import SKILL_WEIGHTS, Featurizer
from .pool import Pool, SegmentedMatrix

EMP_DTYPES = {"active": bool, "suggestible": bool, "weekdays": bool, "weekends": bool, "remote": bool,
              "site": np.int32, "causes": np.int64, "languages": np.int64, "free_skills": bool}
NEED_DTYPES = {"active": bool, "weekdays": bool, "weekends": bool, "remote": bool, "site": np.int32,
               "cause": np.int64, "languages": np.int64, "skill_weight": np.float32,
               "skill_full": np.float32}
# Employees whose skill fields are vectorised at once at fit.
SKILL_SLICE = 20_000
# Site code of a document that names no site (filters read a negative code as "none given").
NO_SITE = -1


@dataclass
class Queries:
    """A batch of documents vectorised for scoring against the other pool.

    ``text`` and ``weighted`` are (documents x text features) float32 CSR; ``attrs`` holds one
    column per attribute of ``EMP_DTYPES`` or ``NEED_DTYPES``; ``extra`` the skill matrices of the
    side (``"skill"`` and ``"levels"`` for employees, ``"skills"`` (NeedSkillRows) for needs).
    """

    docs: list
    text: sp.csr_matrix  # as stored in a pool
    weighted: sp.csr_matrix  # with the view weights, for products against a pool
    attrs: dict[str, np.ndarray]
    extra: dict


def stack(rows: Sequence[dict], dtypes: Mapping[str, type]) -> dict[str, np.ndarray]:
    """Per-document attribute dicts as one typed column (length ``len(rows)``) per attribute."""
    return {k: np.asarray([r[k] for r in rows], dtype=t) for k, t in dtypes.items()}


def site_code(site: str | None, codes: dict[str, int]) -> int:
    """Integer code of a site (case-insensitive), added to ``codes`` when new; ``NO_SITE`` for none."""
    if not site:
        return NO_SITE
    return codes.setdefault(site.strip().casefold(), len(codes))


def employee_attrs(doc: EmployeeDoc, codes: dict[str, dict[str, int]], featurizer: Featurizer) -> dict:
    """Filter and scoring attributes of one employee (keys of ``EMP_DTYPES``); may extend ``codes``.

    ``free_skills``: whether the person typed a skill the taxonomy does not know or has not reviewed (see
    ``ranking.need_skill_part``: only then may text similarity stand in for a skill the taxonomy knows).
    """
    return {"free_skills": any(s.typed or featurizer.taxonomy.resolve(s.name) is None for s in doc.skills),
            "active": doc.is_active, "suggestible": doc.is_suggestible, "weekdays": doc.available_weekdays,
            "weekends": doc.available_weekends, "remote": doc.is_remote, "site": site_code(doc.site, codes["site"]),
            "causes": scoring.bits(doc.causes, codes["cause"]),
            "languages": scoring.bits(doc.languages, codes["language"])}


def need_attrs(doc: NeedDoc, codes: dict[str, dict[str, int]], featurizer: Featurizer) -> dict:
    """Filter and scoring attributes of one need (keys of ``NEED_DTYPES``); may extend ``codes``.

    ``skill_weight`` sums the weights of its skills (free text discounted), ``skill_full`` the same
    as if the taxonomy knew them all: their ratio is the share the skill part gets in the score.
    """
    return {"active": doc.is_open, "weekdays": doc.runs_weekdays, "weekends": doc.runs_weekends,
            "remote": doc.is_remote, "site": site_code(doc.site, codes["site"]),
            "cause": scoring.bits([doc.cause or ""], codes["cause"]),
            "languages": scoring.bits(doc.languages, codes["language"]),
            "skill_weight": float(sum(featurizer.skill_weight(s) for s in doc.skills)),
            "skill_full": float(sum(SKILL_WEIGHTS[s.importance] for s in doc.skills))}


def employee_queries(featurizer: Featurizer, docs: Sequence[EmployeeDoc], codes: dict[str, dict[str, int]],
                     view_weights: np.ndarray) -> Queries:
    """Vectors (word and character views side by side) and attributes of employees."""
    toks = [featurizer.employee_tokens(d) for d in docs]
    attrs = stack([employee_attrs(d, codes, featurizer) for d in docs], EMP_DTYPES)
    extra = {"skill": featurizer.char([featurizer.skill_field_tokens(d) for d in docs]),
             "levels": featurizer.employee_levels(docs)}
    text = sp.hstack([featurizer.word(toks), featurizer.char(toks)], format="csr", dtype=np.float32)
    return Queries(list(docs), text, text.multiply(view_weights).tocsr(), attrs, extra)


def need_queries(featurizer: Featurizer, docs: Sequence[NeedDoc], codes: dict[str, dict[str, int]],
                 view_weights: np.ndarray, *, stored: SegmentedMatrix, rows: Sequence[int | None] | None,
                 field_weights: Sequence[float], expand: Callable[[sp.csr_matrix], sp.csr_matrix]) -> Queries:
    """Vectors and attributes of needs.

    ``rows`` gives the row in ``stored`` of each need that is stored unchanged (None otherwise):
    such a need keeps the vector it was indexed with (expanded against the pool then); the others
    are vectorised field by field and passed through ``expand``.
    """
    attrs = stack([need_attrs(d, codes, featurizer) for d in docs], NEED_DTYPES)
    extra = {"skills": featurizer.need_skill_rows(docs)}
    rows = list(rows) if rows is not None else [None] * len(docs)
    new = [i for i, r in enumerate(rows) if r is None]
    kept = [i for i, r in enumerate(rows) if r is not None]
    parts = [stored.take_rows(np.asarray([rows[i] for i in kept], np.int64))] if kept else []
    if new:
        parts.append(expand(sp.hstack(featurizer.need_vectors([docs[i] for i in new], field_weights),
                                      format="csr", dtype=np.float32)))
    if not parts:
        parts = [sp.csr_matrix((0, stored.n_features), dtype=np.float32)]
    text = sp.vstack(parts, format="csr") if len(parts) > 1 else parts[0]
    if kept and new:
        text = text[np.argsort(np.asarray(kept + new), kind="stable")]
    return Queries(list(docs), text, text.multiply(view_weights).tocsr(), attrs, extra)


def employee_pool(featurizer: Featurizer, docs: Sequence[EmployeeDoc], text: sp.csr_matrix,
                  codes: dict[str, dict[str, int]], *, keep_rows: bool) -> Pool:
    """The fitted employee side: ``text`` (employees x text features) plus skill field and levels."""
    mats = {"text": SegmentedMatrix(text.shape[1], text, keep_rows=keep_rows),
            "skill": SegmentedMatrix.of_slices(featurizer.n_char, skill_field(featurizer, docs)),
            "levels": SegmentedMatrix(len(featurizer.canon_index), featurizer.employee_levels(docs))}
    return Pool([d.id for d in docs], stack([employee_attrs(d, codes, featurizer) for d in docs], EMP_DTYPES), mats)


def skill_field(featurizer: Featurizer, docs: Sequence[EmployeeDoc]) -> Iterator[sp.csr_matrix]:
    """Character vectors of the employees' skill fields, by slices of SKILL_SLICE documents (the
    temporaries of the whole pool at once came to a few hundred MB at 100,000 profiles); none for no
    documents."""
    for a in range(0, len(docs), SKILL_SLICE):
        yield featurizer.char([featurizer.skill_field_tokens(d) for d in docs[a : a + SKILL_SLICE]])


def need_pool(featurizer: Featurizer, docs: Sequence[NeedDoc], text: sp.csr_matrix,
              codes: dict[str, dict[str, int]]) -> Pool:
    """The fitted need side: ``text`` (needs x text features, already expanded) and attributes."""
    attrs = stack([need_attrs(d, codes, featurizer) for d in docs], NEED_DTYPES)
    return Pool([d.id for d in docs], attrs, {"text": SegmentedMatrix(text.shape[1], text, keep_rows=True)})


def need_skill_store(featurizer: Featurizer, docs: Sequence[NeedDoc]) -> dict:
    """One row per skill of the stored needs: character vectors, owning need row, canonical index,
    minimum level, weight and must-have flag, and the related-skill pairs (see
    :class:`~empathy.matching.features.NeedSkillRows`)."""
    rows = featurizer.need_skill_rows(docs)
    return {"char": SegmentedMatrix(featurizer.n_char, rows.char), "owner": rows.owner,
            "canon": rows.canon, "min_level": rows.min_level, "weight": rows.weight, "must": rows.must,
            "related_row": rows.related_row, "related_canon": rows.related_canon}


def append_need_skills(store: dict, rows, need_row: int) -> None:
    """Add the skill rows of one need stored at ``need_row`` to ``store`` (see :func:`need_skill_store`)."""
    store["char"].append(rows.char)
    n_before = store["owner"].size
    store["owner"] = np.concatenate([store["owner"], rows.owner + need_row])
    if "related_row" in store:  # a model saved before related skills has none
        store["related_row"] = np.concatenate([store["related_row"], rows.related_row + n_before])
        store["related_canon"] = np.concatenate([store["related_canon"], rows.related_canon])
    for key in ("canon", "min_level", "weight", "must"):
        store[key] = np.concatenate([store[key], getattr(rows, key)])


def resolve(doc_or_id: EmployeeDoc | NeedDoc | str, kind: type, docs: Mapping[str, EmployeeDoc | NeedDoc],
            positions: Mapping[str, int]) -> tuple[EmployeeDoc | NeedDoc, int | None]:
    """The document and its stored row (None unless stored unchanged) of an id or a document.

    Raises KeyError for an unknown id; TypeError or ValueError for an invalid document.
    """
    if isinstance(doc_or_id, str):
        if doc_or_id not in docs:
            raise KeyError(f"unknown {kind.__name__} id {doc_or_id!r}")
        return docs[doc_or_id], positions[doc_or_id]
    doc = validate_need(doc_or_id) if kind is NeedDoc else validate_employee(doc_or_id)
    return doc, positions.get(doc.id) if docs.get(doc.id) == doc else None
