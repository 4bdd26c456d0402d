"""Labels in the reader's language."""

from __future__ import annotations

from types import SimpleNamespace as Row

import pytest

from empathy.core.labels import localized, site_codes, site_name, skill_label
from tests.factories import make_site


@pytest.mark.parametrize(("labels", "lang", "expected"), [
    (("Excel", "Excel", "电子表格"), "zh", "电子表格"),
    (("Excel", "Excel", "电子表格"), "en", "Excel"),
    (("Excel", "Excel", ""), "zh", "Excel"),
    (("手语", "", "手语"), "en", "手语"),
    (("sign-language", "", ""), "en", "sign-language"),
])
def test_a_skill_is_named_in_the_language_else_by_any_label_it_has(labels, lang, expected):
    name, en, zh = labels
    assert skill_label(Row(name=name, label_en=en, label_zh=zh), lang) == expected


def test_sites_and_causes_fall_back_to_english():
    assert site_name(Row(name_en="Pudong", name_zh="浦东"), "zh") == "浦东"
    assert site_name(Row(name_en="Pudong", name_zh=""), "zh") == "Pudong"
    assert site_name(None, "en") == ""
    assert localized({"en": "Elderly care", "zh": "养老"}, "zh") == "养老"
    assert localized({"en": "Elderly care", "zh": ""}, "zh") == "Elderly care"


def test_site_codes_by_id(session):
    site = make_site(session, code="sh-pd")
    assert site_codes(session) == {site.id: "sh-pd"}
