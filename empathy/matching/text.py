"""Text normalisation and a Chinese-aware tokenizer shared by every text view."""
from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
# A handful of function words; general Chinese, not derived from any data set.
_ZH_STOP = frozenset(("的 了 和 与 及 或 是 在 有 为 对 等 也 就 都 而 并 把 被 让 我 你 他 她 它 们 这 那 之 其 于 以 "
                     "及其 以及 一个 我们 他们 可以 进行").split())
_EN_STOP = frozenset(ENGLISH_STOP_WORDS)
# Words that carry no meaning of their own, never shown as "words that counted" (explanations only: they
# stay in the documents and the scores, which the benchmarks measure). General language, not from data.
_FILLERS = frozenset(("一些 一起 一下 一种 一样 事情 其他 其它 这些 那些 这个 那个 这样 那样 什么 还有 等等 "
                      "如果 因为 所以 但是 而且 或者 非常 比较 已经 可能 能够 通过 自己 大家 方面 相关 时候 "
                      "没有 不是 就是 还是 需要 "
                      "etc also thing things lot lots way ways").split())
# The fallback stripper leaves at least this many letters ("ring" must not become "r").
MIN_STEM_CHARS = 3
# A Chinese run of two characters is its own only bigram: longer runs also yield their bigrams.
MIN_BIGRAM_RUN = 3
# Memo sizes (bounds on memory): English words, Chinese runs, and short recurring strings.
STEM_CACHE_SIZE = 500_000
# Recurring phrases (skill names) hit the cache; a large cache of one-off sentences cost
# about 0.3 GB at 100,000 profiles.
SEGMENT_CACHE_SIZE = 20_000
# Chinese runs longer than this are segmented without the memo.
SEGMENT_CACHE_MAX_CHARS = 12
SHORT_TEXT_CACHE_SIZE = 200_000


def normalize(text: str) -> str:
    """NFKC (full-width to half-width) and case folding."""
    return unicodedata.normalize("NFKC", text or "").casefold()


@lru_cache(maxsize=1)
def _stemmer():
    try:
        import snowballstemmer
    except ImportError:  # the light stripper below keeps the matcher usable without it
        return None
    return snowballstemmer.stemmer("english")


_SUFFIXES = ("ations", "ation", "ings", "ing", "ness", "ment", "ies", "ied", "ers", "er", "ed", "es", "s", "ly")


@lru_cache(maxsize=STEM_CACHE_SIZE)
def stem(word: str) -> str:
    """English stem of one lower-case word (Snowball when installed, else a small suffix stripper)."""
    st = _stemmer()
    if st is not None:
        return st.stemWord(word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM_CHARS:
            return word[: -len(suffix)]
    return word


@lru_cache(maxsize=1)
def _jieba():
    try:
        import jieba
    except ImportError:
        return None
    jieba.setLogLevel(logging.WARNING)
    return jieba


def _segment(run: str) -> tuple[str, ...]:
    # Short runs (names, phrases) recur and are memoised; long ones are one-off sentences, whose
    # tokens filled the memo with ~60 MB at 100,000 profiles for a handful of hits.
    return _segment_short(run) if len(run) <= SEGMENT_CACHE_MAX_CHARS else _segment_run(run)


@lru_cache(maxsize=SEGMENT_CACHE_SIZE)
def _segment_short(run: str) -> tuple[str, ...]:
    return _segment_run(run)


def _segment_run(run: str) -> tuple[str, ...]:
    jb = _jieba()
    words = jb.lcut(run) if jb is not None and len(run) > 1 else list(run)
    out = [w for w in words if w not in _ZH_STOP]
    # Character bigrams make Chinese robust to segmentation differences between texts.
    if len(run) >= MIN_BIGRAM_RUN:
        out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tuple(out)


def tokenize(text: str, *, stemming: bool = True, max_chars: int | None = None) -> list[str]:
    """Tokens of a text: stemmed English words without stop words, jieba words and bigrams for Chinese.

    The text is cut to ``max_chars`` characters first, then NFKC-normalised and case-folded; single
    letters are dropped, single digits kept. Without jieba, Chinese runs are split into characters.
    """
    text = normalize(text[:max_chars] if max_chars else text)
    tokens: list[str] = []
    for run in _TOKEN.findall(text):
        if _IS_CJK.match(run):
            tokens.extend(_segment(run))
        elif run not in _EN_STOP and (len(run) > 1 or run.isdigit()):
            tokens.append(stem(run) if stemming else run)
    return tokens


@lru_cache(maxsize=SHORT_TEXT_CACHE_SIZE)
def tokenize_short(text: str, stemming: bool = True) -> tuple[str, ...]:
    """:func:`tokenize` memoised, for short strings that recur (skill names and labels)."""
    return tuple(tokenize(text, stemming=stemming))


@lru_cache(maxsize=SEGMENT_CACHE_SIZE)
def _whole_words(run: str) -> tuple[tuple[str, str], ...]:
    """(token, whole word) pairs of a Chinese run: its jieba words of two or more characters, and each
    character bigram that lies inside one of them; bigrams across a word boundary (fragments) get none."""
    jb = _jieba()
    words = jb.lcut(run) if jb is not None and len(run) > 1 else list(run)
    out = []
    for word in words:
        if len(word) >= 2 and word not in _ZH_STOP:
            out.append((word, word))
            out.extend((word[i : i + 2], word) for i in range(len(word) - 1))
    return tuple(out)


def is_filler(word: str) -> bool:
    """Whether a shown word is a function or filler word ("the", "and", "的", "其他", "一些", ...),
    which an explanation leaves out of its words that counted."""
    folded = normalize(word)
    if folded in _EN_STOP or folded in _ZH_STOP or folded in _FILLERS:
        return True
    # A Chinese run made only of function characters ("的和") says nothing either.
    return bool(folded) and _IS_CJK.match(folded) is not None and all(ch in _ZH_STOP for ch in folded)


def surface_forms(text: str, *, stemming: bool = True, only: Collection[str] | None = None) -> dict[str, str]:
    """Map tokens of ``text`` to the whole word shown for them in explanations.

    English: each stem to the first word of the text that produced it. Chinese: jieba words to
    themselves and character bigrams to the jieba word they lie in; a bigram that straddles two
    words (a fragment such as ``气安`` in ``电气/安装``) and single characters map to nothing.
    With ``only``, the map is exact for those tokens (others may be missing): Chinese runs that
    contain none of them are not segmented, which spares jieba on long profiles.
    """
    forms: dict[str, str] = {}
    cjk_only = None if only is None else [t for t in only if _IS_CJK.match(t)]
    for run in _TOKEN.findall(normalize(text)):
        if _IS_CJK.match(run):
            # A token of a run is a substring of it: a run holding none of the wanted ones adds none.
            if cjk_only is not None and not any(t in run for t in cjk_only):
                continue
            for token, word in _whole_words(run):
                forms.setdefault(token, word)
        elif run not in _EN_STOP and (len(run) > 1 or run.isdigit()):
            forms.setdefault(stem(run) if stemming else run, run)
    return forms
