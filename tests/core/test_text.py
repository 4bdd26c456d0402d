"""The shared text helpers: comparison keys, LIKE patterns and spreadsheet cells."""

from __future__ import annotations

import pytest

from empathy.core.text import fold, like_pattern, neutralise, tidy, unquote_formula


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-x", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_get_an_apostrophe_and_the_import_takes_it_off(text):
    assert neutralise(text) == "'" + text
    assert unquote_formula(neutralise(text)) == text.strip()


@pytest.mark.parametrize("value", ["Hope School", "it's", -3.5, 3, None])
def test_plain_text_and_numbers_are_left_alone(value):
    assert neutralise(value) == value
    if isinstance(value, str):
        assert unquote_formula(value) == value


def test_fold_and_tidy_treat_full_width_and_case_alike():
    assert fold("  ＥＸＣＥＬ ") == fold("excel") == "excel"
    assert tidy("  Sign\u3000 language \n") == "Sign language"
    assert tidy(None) == ""


def test_like_patterns_escape_their_wildcards():
    assert like_pattern("50%_off\\") == "%50\\%\\_off\\\\%"
