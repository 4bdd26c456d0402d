"""The hand-written TF-IDF of vectors.py / Featurizer equals scikit-learn's TfidfVectorizer, as documented."""
import random

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from empathy.matching import vectors
from empathy.matching.features import MIN_DOCS_FOR_DF_CUTS, Featurizer
from empathy.matching.taxonomy import Taxonomy
from empathy.matching.text import tokenize

WORDS = ("nurse nursing care elderly residents accounting bookkeeping solar panels install roofs python web "
         "developer teach children school garden food bank 护理 会计 光伏安装 志愿者 帮助公益组织整理账目 "
         "I'm über-qualified Ünïcode").split()


def _corpus(n_docs: int, seed: int = 0) -> list[list[str]]:
    rng = random.Random(seed)
    texts = [" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 14))) for _ in range(n_docs)]
    return [tokenize(t) for t in texts]


def _featurizer(**cuts) -> Featurizer:
    settings = {"char_ngram_range": (3, 4), "char_min_df": 2, "char_max_df": 0.3, "char_max_features": None,
                "word_max_df": 0.3, **cuts}
    return Featurizer(Taxonomy(), stemming=True, max_chars=20000, free_text_weight=0.1, **settings)


def _sklearn(featurizer: Featurizer) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    """The two views as TfidfVectorizer, with the settings Featurizer uses (smooth_idf and l2 are the defaults)."""
    min_df, max_df, max_features = featurizer._char_cuts
    common = {"sublinear_tf": True, "smooth_idf": True, "norm": "l2", "dtype": np.float32}
    word = TfidfVectorizer(analyzer=lambda tokens: tokens, min_df=1, max_df=featurizer._word_max_df, **common)
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=featurizer.char_ngram_range, lowercase=False,
                           min_df=min_df, max_df=max_df, max_features=max_features, **common)
    return word, char


def _columns(vocabulary: dict[str, int], names) -> list[int]:
    """scikit-learn's column of each of our columns (theirs are alphabetical, ours in first-seen order)."""
    return [vocabulary[name] for name in names]


def _ngram_names(featurizer: Featurizer) -> list[str]:
    return sorted(featurizer.ngram_index_, key=featurizer.ngram_index_.get)


@pytest.mark.parametrize("cuts", [{}, {"char_min_df": 1, "char_max_df": 1.0, "word_max_df": 1.0},
                                  {"char_min_df": 3, "char_max_df": 12, "word_max_df": 0.25}])
def test_fitted_views_equal_tfidf_vectorizer(cuts):
    docs = _corpus(60)
    assert len(docs) >= MIN_DOCS_FOR_DF_CUTS and any(not d for d in docs)  # cuts apply; an empty doc too
    feat = _featurizer(**cuts)
    word, char = feat.fit_tokens(docs)
    sk_word, sk_char = _sklearn(feat)
    expected_word = sk_word.fit_transform(docs)
    expected_char = sk_char.fit_transform([" ".join(d) for d in docs])
    assert set(feat.word_index_) == set(sk_word.vocabulary_)
    assert set(feat.ngram_index_) == set(sk_char.vocabulary_)
    if cuts.get("word_max_df", 0.3) < 1.0:  # the cut bites: equality is not only on the uncut vocabulary
        assert 0 < word.shape[1] < len(feat.token_index_)
    np.testing.assert_allclose(word.toarray(),
                               expected_word.toarray()[:, _columns(sk_word.vocabulary_, feat.word_features_)],
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(char.toarray(),
                               expected_char.toarray()[:, _columns(sk_char.vocabulary_, _ngram_names(feat))],
                               rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(feat.word_idf_, sk_word.idf_[_columns(sk_word.vocabulary_, feat.word_features_)],
                               rtol=1e-6)


def test_transform_of_new_documents_equals_tfidf_vectorizer():
    feat = _featurizer()
    feat.fit_tokens(_corpus(60))
    sk_word, sk_char = _sklearn(feat)
    sk_word.fit(_corpus(60))
    sk_char.fit([" ".join(d) for d in _corpus(60)])
    # Unseen words still share character n-grams with the vocabulary (typos, new words).
    new = _corpus(15, seed=1) + [tokenize("nursse bookkeper photovoltaic 护理员"), []]
    np.testing.assert_allclose(feat.word(new).toarray(),
                               sk_word.transform(new).toarray()[:, _columns(sk_word.vocabulary_, feat.word_features_)],
                               rtol=1e-5, atol=1e-7)
    expected = sk_char.transform([" ".join(d) for d in new]).toarray()[:, _columns(sk_char.vocabulary_,
                                                                                   _ngram_names(feat))]
    np.testing.assert_allclose(feat.char(new).toarray(), expected, rtol=1e-5, atol=1e-7)


def test_char_wb_ngrams_equal_sklearn_analyzer():
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).build_analyzer()
    for word in ("a", "ab", "nurse", "光伏安装", "über"):
        assert list(vectors.char_wb_ngrams(word, 2, 5)) == analyzer(word)


def test_documented_difference_cuts_that_leave_nothing_keep_every_term():
    docs = [["same", "words"]] * MIN_DOCS_FOR_DF_CUTS  # every term is in every document
    word, _ = _featurizer(word_max_df=0.5).fit_tokens(docs)
    assert word.shape == (len(docs), 2)
    with pytest.raises(ValueError, match="no terms remain"):
        TfidfVectorizer(analyzer=lambda tokens: tokens, max_df=0.5).fit(docs)


def test_documented_difference_max_features_ties_break_by_first_seen_column():
    # Four columns, totals 2, 1, 1, 1: one place left for three tied columns.
    counts = vectors.count_matrix([["b", "a"], ["b", "d"], ["c"]], {}, grow=True)
    df, total = vectors.doc_freq(counts)
    assert list(vectors.df_keep(df, total, 3, 1, 1.0, 2)) == [0, 1]  # "b", then "a", first seen of the ties
