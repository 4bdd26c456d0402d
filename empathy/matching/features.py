"""Turning documents into sparse vectors with vocabularies fitted once on both pools."""
from __future__ import annotations

from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from . import vectors
from .documents import EmployeeDoc, NeedDoc
from .taxonomy import Taxonomy
from .text import tokenize, tokenize_short

# Unknown employee level: between intermediate and advanced.
UNKNOWN_LEVEL = 2.5
# A must-have skill counts twice a nice-to-have one in the skill part.
SKILL_WEIGHTS = {"must": 2.0, "nice": 1.0}
# Canonical index of a free-text skill (the taxonomy does not know it).
NO_CANON = -1
# Skill names whose label tokens are memoised per featurizer (a bound on memory).
LABEL_CACHE_SIZE = 100_000
_SLICE = 10_000  # documents per slice of the character-count products at fit
# Document-frequency cuts make no sense on a handful of documents (a share of 0.3 of 5 documents
# would drop any term two of them share): below this many documents, no cut applies.
MIN_DOCS_FOR_DF_CUTS = 20


def skill_labels(name: str, taxonomy: Taxonomy) -> tuple[str | None, str]:
    """Canonical name (or None) and the text standing for a typed skill."""
    canon = taxonomy.resolve(name)
    if canon is None:
        return None, name
    return canon, " ; ".join([name, *taxonomy.labels(canon)])


# The text part sees skills as typed: adding every taxonomy label and synonym to the text
# lowered recall on all three dev files; labels count in the skill part instead.
def employee_text(doc: EmployeeDoc) -> str:
    """The text of an employee: skill names as typed, then the bio."""
    return " ; ".join(s.name for s in doc.skills) + " . " + doc.bio


def need_text(doc: NeedDoc) -> str:
    """The text of a need: title, description and skill names as typed."""
    return " . ".join((doc.title, doc.description, " ; ".join(s.name for s in doc.skills)))


def written_text(doc: NeedDoc | EmployeeDoc) -> str:
    """What a person wrote in their own words: a need's title and description, an employee's bio.

    Skill names are left out: the web app stores the taxonomy's canonical (English) name of a skill
    picked or typed under any label, so its words are not the writer's (explanations list skills,
    in the reader's language, as matched skills instead).
    """
    return doc.bio if isinstance(doc, EmployeeDoc) else f"{doc.title} . {doc.description}"


@dataclass
class NeedSkillRows:
    """One row per skill of the given needs."""

    char: sp.csr_matrix
    owner: np.ndarray  # index of the need in the batch
    canon: np.ndarray  # canonical skill index, NO_CANON for free text
    min_level: np.ndarray  # 0 when not given
    weight: np.ndarray
    must: np.ndarray  # whether the skill is a must-have
    text: tuple[str, ...] = ()  # the text standing for each skill (skills with equal text match alike)
    # One entry per (skill row, canonical skill related to it): the row and the related skill's index.
    related_row: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    related_canon: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


class Featurizer:
    """Fitted word and character TF-IDF views plus the canonical skill index."""

    def __init__(self, taxonomy: Taxonomy, *, stemming: bool, max_chars: int, char_ngram_range: tuple[int, int],
                 char_min_df: float, char_max_df: float, char_max_features: int | None, word_max_df: float,
                 free_text_weight: float):
        self.taxonomy = taxonomy
        self.stemming = stemming
        self.max_chars = max_chars
        self.canon_index = {name: i for i, name in enumerate(taxonomy.names)}
        self.char_ngram_range = tuple(char_ngram_range)
        self._char_cuts = (char_min_df, char_max_df, char_max_features)
        self._word_max_df = word_max_df
        self.free_text_weight = free_text_weight

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        for cache in ("_label_tokens", "_skill_counts"):  # caches, rebuilt on use
            state.pop(cache, None)
        return state

    def related_canon(self, canon: str) -> list[int]:
        """Canonical indices of the skills the taxonomy relates to canonical skill ``canon``."""
        return [self.canon_index[r] for r in self.taxonomy.related(canon) if r in self.canon_index]

    def skill_weight(self, skill) -> float:
        """Weight of a need skill: must 2, nice 1, times free_text_weight when not in the taxonomy."""
        known = self.taxonomy.resolve(skill.name) is not None
        return SKILL_WEIGHTS[skill.importance] * (1.0 if known else self.free_text_weight)

    def tokens(self, text: str) -> list[str]:
        """Tokens of a text with this featurizer's stemming and length cut (see ``text.tokenize``)."""
        return tokenize(text, stemming=self.stemming, max_chars=self.max_chars)

    def employee_tokens(self, doc: EmployeeDoc) -> list[str]:
        """Tokens of :func:`employee_text` (skill names memoised: they recur across profiles)."""
        return [t for s in doc.skills for t in tokenize_short(s.name, self.stemming)] + self.tokens(doc.bio)

    def skill_field_tokens(self, doc: EmployeeDoc) -> list[str]:
        """Tokens of the skill field: each skill's name with its taxonomy labels (memoised per skill name)."""
        cache = self.__dict__.setdefault("_label_tokens", {})
        out = []
        for s in doc.skills:
            toks = cache.get(s.name)
            if toks is None:
                toks = tokenize_short(skill_labels(s.name, self.taxonomy)[1], self.stemming)
                if len(cache) < LABEL_CACHE_SIZE:
                    cache[s.name] = toks
            out.extend(toks)
        return out

    def need_tokens(self, doc: NeedDoc) -> list[str]:
        """Tokens of :func:`need_text`."""
        return self.tokens(need_text(doc))

    def need_vectors(self, docs: Sequence[NeedDoc],
                     field_weights: Sequence[float]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Word (needs x n_word) and character (needs x n_char) vectors of needs, float32 CSR, unit rows.

        Each is a weighted sum of the unit vectors of the needs' fields, renormalised.

        The fields are title, description and skills. Normalising each field on its own keeps a
        long field from drowning the others, and lets short generic labels (titles, skill tags,
        shared by many needs) weigh less than the free-text description.
        """
        fields = ([self.tokens(d.title) for d in docs], [self.tokens(d.description) for d in docs],
                  [[t for s in d.skills for t in tokenize_short(s.name, self.stemming)] for d in docs])
        word = char = None
        for weight, toks in zip(field_weights, fields):
            if weight:
                w, c = self.word(toks) * np.float32(weight), self.char(toks) * np.float32(weight)
                word, char = (w, c) if word is None else (word + w, char + c)
        if word is None:
            word, char = self.word([[] for _ in docs]), self.char([[] for _ in docs])
        return (vectors.normalize_rows(sp.csr_matrix(word, dtype=np.float32)),
                vectors.normalize_rows(sp.csr_matrix(char, dtype=np.float32)))

    def fit_tokens(self, toks: Iterable[list[str]]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Fit both views on tokenised documents (read once) and return their word and character matrices."""
        text = self.fit_text(toks)
        return text[:, : self.n_word].tocsr(), text[:, self.n_word :].tocsr()

    def fit_text(self, toks: Iterable[list[str]]) -> sp.csr_matrix:
        """Fit both views on tokenised documents (read once); their vectors side by side, word columns first.

        Built by slices of documents into arrays allocated once (``vectors.stack_rows``): holding both
        views and their concatenation at once cost 0.4 GB more at 100,000 profiles.
        """
        self.token_index_: dict[str, int] = {}
        counts = vectors.count_matrix(toks, self.token_index_, grow=True)
        small = counts.shape[0] < MIN_DOCS_FOR_DF_CUTS
        n_docs = counts.shape[0]
        # Word view: the token columns that pass the cuts.
        df, total = vectors.doc_freq(counts)
        cols = vectors.df_keep(df, total, n_docs, 1, 1.0 if small else self._word_max_df, None)
        names = np.empty(len(self.token_index_), dtype=object)
        names[list(self.token_index_.values())] = list(self.token_index_)
        self.word_features_ = names[cols]
        self.word_index_ = {tok: j for j, tok in enumerate(self.word_features_)}
        self.word_idf_ = vectors.idf_of(df[cols], n_docs)
        word_col = np.full(len(self.token_index_), -1, np.int32)  # token column -> word-view column
        word_col[cols] = np.arange(cols.size, dtype=np.int32)
        # Character view: n-grams of each distinct token once, then sparse products by slices of
        # documents (the unpruned n-gram counts of 100,000 profiles took a gigabyte at once).
        lo, hi = self.char_ngram_range
        self.ngram_index_: dict[str, int] = {}
        # Uncached: each name is seen once here, and the memo of every name cost ~150 MB at 100,000 profiles.
        table = vectors.count_matrix((vectors.char_wb_ngrams.__wrapped__(t, lo, hi) for t in names),
                                     self.ngram_index_, grow=True)
        df, total = np.zeros(table.shape[1], np.int64), np.zeros(table.shape[1])
        for a in range(0, n_docs, _SLICE):
            d, t = vectors.doc_freq(counts[a : a + _SLICE] @ table)
            df += d
            total += t
        min_df, max_df, max_features = (1, 1.0, None) if small else self._char_cuts
        keep = vectors.df_keep(df, total, n_docs, min_df, max_df, max_features)
        grams = np.empty(len(self.ngram_index_), dtype=object)
        grams[list(self.ngram_index_.values())] = list(self.ngram_index_)
        self.ngram_index_ = {g: j for j, g in enumerate(grams[keep])}
        self.table_ = table[:, keep].tocsr()
        self.char_idf_ = vectors.idf_of(df[keep], n_docs)
        del table, df, total
        n_word = cols.size
        # Entries of a document: at most its word columns plus the n-grams of each of its distinct tokens.
        row_bound = np.diff(self.table_.indptr).astype(np.int64) + (word_col >= 0)
        bound = int(sum(row_bound[counts.indices[counts.indptr[a] : counts.indptr[min(a + _SLICE, n_docs)]]].sum()
                        for a in range(0, n_docs, _SLICE)))

        def text_slices():
            for a in range(0, n_docs, _SLICE):
                part = counts[a : a + _SLICE]
                word = vectors.tfidf(part[:, cols], self.word_idf_)
                char = vectors.tfidf(sp.csr_matrix(part @ self.table_, dtype=np.float32), self.char_idf_)
                both = sp.hstack([word, char], format="csr", dtype=np.float32)
                both.sort_indices()  # products sum in feature order whichever layout (pool.SegmentedMatrix.dot)
                yield both
        return vectors.stack_rows(text_slices(), n_docs, n_word + self.n_char, bound)

    @property
    def n_word(self) -> int:
        """Number of word-view columns."""
        return len(self.word_index_)

    @property
    def n_char(self) -> int:
        """Number of character-view columns."""
        return len(self.ngram_index_)

    def word(self, toks: Sequence[list[str]]) -> sp.csr_matrix:
        """Word-view TF-IDF (documents x n_word, float32 CSR, unit rows); unseen tokens are ignored."""
        return vectors.tfidf(vectors.count_matrix(toks, self.word_index_, grow=False), self.word_idf_)

    def char(self, toks: Sequence[list[str]]) -> sp.csr_matrix:
        """Character-view TF-IDF (documents x n_char, float32 CSR, unit rows) of tokenised documents."""
        return vectors.tfidf(self.char_counts(toks), self.char_idf_)

    def char_counts(self, toks: Sequence[list[str]]) -> sp.csr_matrix:
        """Character n-gram counts (documents x n_char, float32 CSR) of tokenised documents, before TF-IDF.

        Counts add up: the counts of a concatenation of token lists are the sum of each list's counts.
        """
        counts = vectors.count_matrix(toks, self.token_index_, grow=False) @ self.table_
        # Tokens unseen at fit still share n-grams with the vocabulary (typos, new words).
        lo, hi = self.char_ngram_range
        unseen = [[g for t in doc if t not in self.token_index_ for g in vectors.char_wb_ngrams(t, lo, hi)]
                  for doc in toks]
        if any(unseen):
            counts = counts + vectors.count_matrix(unseen, self.ngram_index_, grow=False)
        return sp.csr_matrix(counts, dtype=np.float32)

    def skill_counts(self, names: Sequence[str]) -> sp.csr_matrix:
        """Character n-gram counts (names x n_char, float32 CSR) of typed skill names with their labels.

        Row ``i`` is the count row of ``skill_labels(names[i])``'s tokens: the character vector of
        one skill is its TF-IDF, and the skill field of a profile (:meth:`skill_field_tokens`) the
        TF-IDF of the sum of its skills' rows. Rows are memoised per name (``LABEL_CACHE_SIZE``), so
        explaining a page computes only the skills it has not seen yet, in one call.
        """
        cache = self.__dict__.setdefault("_skill_counts", {})
        todo = list(dict.fromkeys(n for n in names if n not in cache))
        if todo:
            fresh = self.char_counts([list(tokenize_short(skill_labels(n, self.taxonomy)[1], self.stemming))
                                      for n in todo])
            for r, name in enumerate(todo):
                a, b = fresh.indptr[r], fresh.indptr[r + 1]
                if len(cache) < LABEL_CACHE_SIZE:
                    cache[name] = (fresh.indices[a:b].copy(), fresh.data[a:b].copy())
            local = {n: (fresh.indices[fresh.indptr[r]:fresh.indptr[r + 1]],
                         fresh.data[fresh.indptr[r]:fresh.indptr[r + 1]]) for r, n in enumerate(todo)}
        else:
            local = {}
        rows = [cache.get(n) or local[n] for n in names]
        indptr = np.zeros(len(rows) + 1, np.int64)
        indptr[1:] = np.cumsum([len(i) for i, _ in rows])
        indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int32)
        data = np.concatenate([d for _, d in rows]) if rows else np.zeros(0, np.float32)
        return sp.csr_matrix((data, indices, indptr), shape=(len(rows), self.n_char))

    def char_text(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Character-view TF-IDF of raw texts (tokenised first)."""
        return self.char([self.tokens(t) for t in texts])

    def employee_levels(self, docs: Sequence[EmployeeDoc]) -> sp.csr_matrix:
        """Documents x canonical skills, valued by level (UNKNOWN_LEVEL when not given)."""
        # Typed arrays: lists of Python numbers took ~50 MB at 100,000 profiles.
        rows, cols, vals = array("q"), array("q"), array("f")
        for r, doc in enumerate(docs):
            best: dict[int, float] = {}
            for skill in doc.skills:
                canon = self.taxonomy.resolve(skill.name)
                if canon is not None:
                    c = self.canon_index[canon]
                    best[c] = max(best.get(c, 0.0), float(skill.level or UNKNOWN_LEVEL))
            for c, level in best.items():
                rows.append(r), cols.append(c), vals.append(level)
        return sp.csr_matrix((np.frombuffer(vals, np.float32), (np.frombuffer(rows, np.int64),
                                                                np.frombuffer(cols, np.int64))),
                             shape=(len(docs), max(len(self.canon_index), 1)))

    def need_skill_rows(self, docs: Sequence[NeedDoc]) -> NeedSkillRows:
        """One row per skill of ``docs``, in order: its text's character vector, owner, canon, level, weight, must;
        plus one (row, canonical index) pair per skill the taxonomy relates to a row's canonical skill."""
        texts, owner, canon, min_level, weight, must = [], [], [], [], [], []
        rel_row, rel_canon = [], []
        for i, doc in enumerate(docs):
            for skill in doc.skills:
                name, text = skill_labels(skill.name, self.taxonomy)
                if name is not None:
                    for c in self.related_canon(name):
                        rel_row.append(len(texts))
                        rel_canon.append(c)
                texts.append(text)
                owner.append(i)
                canon.append(self.canon_index[name] if name is not None else NO_CANON)
                min_level.append(skill.min_level or 0)
                weight.append(self.skill_weight(skill))
                must.append(skill.importance == "must")
        char = self.char_text(texts)
        return NeedSkillRows(char, np.asarray(owner, np.int64), np.asarray(canon, np.int64),
                             np.asarray(min_level, np.float32), np.asarray(weight, np.float32),
                             np.asarray(must, bool), tuple(texts), np.asarray(rel_row, np.int64),
                             np.asarray(rel_canon, np.int64))
