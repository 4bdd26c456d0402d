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
