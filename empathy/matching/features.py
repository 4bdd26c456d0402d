"""Turning documents into sparse vectors with vocabularies fitted once on both pools."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from .documents import EmployeeDoc, NeedDoc
from .taxonomy import Taxonomy
from .text import identity, tokenize

# Unknown employee level: between intermediate and advanced.
UNKNOWN_LEVEL = 2.5
SKILL_WEIGHTS = {"must": 2.0, "nice": 1.0}


def skill_labels(name: str, taxonomy: Taxonomy) -> tuple[str | None, str]:
    """Canonical name (or None) and the text standing for a typed skill."""
    canon = taxonomy.resolve(name)
    if canon is None:
        return None, name
    return canon, " ; ".join([name, *taxonomy.labels(canon)])


def employee_skill_text(doc: EmployeeDoc, taxonomy: Taxonomy) -> str:
    return " ; ".join(skill_labels(s.name, taxonomy)[1] for s in doc.skills)


# The text part sees skills as typed: adding every taxonomy label and synonym to the text
# lowered recall on all three dev files; labels count in the skill part instead.
def employee_text(doc: EmployeeDoc, taxonomy: Taxonomy) -> str:
    return " ; ".join(s.name for s in doc.skills) + " . " + doc.bio


def need_text(doc: NeedDoc, taxonomy: Taxonomy) -> str:
    return " . ".join((doc.title, doc.description, " ; ".join(s.name for s in doc.skills)))


@dataclass
class NeedSkillRows:
    """One row per skill of the given needs."""

    char: sp.csr_matrix
    owner: np.ndarray  # index of the need in the batch
    canon: np.ndarray  # canonical skill index, -1 for free text
    min_level: np.ndarray  # 0 when not given
    weight: np.ndarray


class Featurizer:
    """Fitted word and character TF-IDF views plus the canonical skill index."""

    def __init__(self, taxonomy: Taxonomy, *, stemming: bool, max_chars: int, char_ngram_range: tuple[int, int],
                 char_min_df: float, char_max_df: float, char_max_features: int | None, word_max_df: float,
                 free_text_weight: float):
        self.taxonomy = taxonomy
        self.stemming = stemming
        self.max_chars = max_chars
        self.canon_index = {name: i for i, name in enumerate(taxonomy.names)}
        self._char_args = dict(ngram_range=tuple(char_ngram_range), min_df=char_min_df, max_df=char_max_df,
                               max_features=char_max_features)
        self._word_max_df = word_max_df
        self.free_text_weight = free_text_weight

    def skill_weight(self, skill) -> float:
        """Weight of a need skill: must 2, nice 1, times free_text_weight when not in the taxonomy."""
        known = self.taxonomy.resolve(skill.name) is not None
        return SKILL_WEIGHTS[skill.importance] * (1.0 if known else self.free_text_weight)

    def tokens(self, text: str) -> list[str]:
        return tokenize(text, stemming=self.stemming, max_chars=self.max_chars)

    def fit_transform(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Fit both views on a corpus and return its word and character matrices (one pass each)."""
        toks = [self.tokens(t) for t in texts]
        small = len(toks) < 20  # document-frequency cuts make no sense on a handful of documents
        corpus = toks if any(toks) else [["empty"]]
        self.word_ = TfidfVectorizer(analyzer=identity, sublinear_tf=True, dtype=np.float32,
                                     max_df=1.0 if small else self._word_max_df)
        char_args = dict(self._char_args)
        if small:
            char_args.update(min_df=1, max_df=1.0, max_features=None)
        self.char_ = TfidfVectorizer(analyzer="char_wb", sublinear_tf=True, dtype=np.float32, **char_args)
        word = self.word_.fit_transform(corpus).tocsr()
        char = self.char_.fit_transform([" ".join(t) for t in corpus]).tocsr()
        if corpus is not toks:
            return self.word(toks), self.char(toks)
        return word, char

    @property
    def word_features(self) -> np.ndarray:
        return self.word_.get_feature_names_out()

    def word(self, toks: Sequence[list[str]]) -> sp.csr_matrix:
        if not len(toks):
            return sp.csr_matrix((0, len(self.word_.vocabulary_)), dtype=np.float32)
        return self.word_.transform(toks).tocsr()

    def char(self, toks: Sequence[list[str]]) -> sp.csr_matrix:
        if not len(toks):
            return sp.csr_matrix((0, len(self.char_.vocabulary_)), dtype=np.float32)
        return self.char_.transform([" ".join(t) for t in toks]).tocsr()

    def char_text(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self.char([self.tokens(t) for t in texts])

    def employee_levels(self, docs: Sequence[EmployeeDoc]) -> sp.csr_matrix:
        """Documents x canonical skills, valued by level (UNKNOWN_LEVEL when not given)."""
        rows, cols, vals = [], [], []
        for r, doc in enumerate(docs):
            best: dict[int, float] = {}
            for skill in doc.skills:
                canon = self.taxonomy.resolve(skill.name)
                if canon is not None:
                    c = self.canon_index[canon]
                    best[c] = max(best.get(c, 0.0), float(skill.level or UNKNOWN_LEVEL))
            for c, level in best.items():
                rows.append(r), cols.append(c), vals.append(level)
        return sp.csr_matrix((np.asarray(vals, np.float32), (rows, cols)),
                             shape=(len(docs), max(len(self.canon_index), 1)))

    def need_skill_rows(self, docs: Sequence[NeedDoc]) -> NeedSkillRows:
        texts, owner, canon, min_level, weight = [], [], [], [], []
        for i, doc in enumerate(docs):
            for skill in doc.skills:
                name, text = skill_labels(skill.name, self.taxonomy)
                texts.append(text)
                owner.append(i)
                canon.append(self.canon_index[name] if name is not None else -1)
                min_level.append(skill.min_level or 0)
                weight.append(self.skill_weight(skill))
        char = self.char_text(texts) if texts else sp.csr_matrix((0, len(self.char_.vocabulary_)), dtype=np.float32)
        return NeedSkillRows(char, np.asarray(owner, np.int64), np.asarray(canon, np.int64),
                             np.asarray(min_level, np.float32), np.asarray(weight, np.float32))
