"""The API's documentation page shows the document's `code spans` as code, never as literal backticks."""

from __future__ import annotations

import re

from empathy.api.docs import code_spans


def test_code_spans_become_code_and_the_rest_is_escaped():
    assert str(code_spans("Send `Authorization: Bearer <token>` & go")) == \
        "Send <code>Authorization: Bearer &lt;token&gt;</code> &amp; go"
    assert str(code_spans("an odd ` backtick")) == "an odd ` backtick"
    assert str(code_spans(None)) == ""


def test_the_docs_page_has_no_literal_backticks(client):
    page = client.get("/api/v1/docs").text
    body = page.split("<main", 1)[1]
    assert "`" not in re.sub(r"<pre>.*?</pre>", "", body, flags=re.S)
    assert "<code>Idempotent-Replayed: true</code>" in page or "<code>" in page
    assert "<code>flask prune-submissions</code>" in page


def test_the_list_of_texts_to_translate_follows_the_document(app):
    # A new or changed docstring or field description must reach the catalogue, or Chinese shows it in English.
    from empathy.api import doc_text
    from empathy.api.docs import document_texts, openapi_document

    with app.app_context():
        texts = document_texts(openapi_document())
    assert [str(t) for t in doc_text.TEXTS] == texts, \
        "run `python scripts/i18n.py api-docs`, then `update`, then translate the new entries"


def test_the_docs_page_speaks_chinese_with_whole_numbers_and_no_markup_as_text(client):
    page = client.get("/api/v1/docs", headers={"Accept-Language": "zh-CN"}).text
    assert "<h1>同理心公益 API" in page and "接受邀请：占用一个名额。" in page
    assert "&lt;br" not in page, "flask-openapi3 writes line breaks as <br/>: they are not text"
    assert re.search(r"最小值 <code>1</code>", page) and "1.0</code>" not in page
    assert "minLength" not in page and "至少 <code>1</code> 个字符" in page
    english = client.get("/api/v1/docs", headers={"Accept-Language": "en"}).text
    assert "Accept an invitation: it takes a seat." in english and "minimum <code>1</code>" in english
