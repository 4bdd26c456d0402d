"""The docs point at code and tests that exist: a moved test or module must take its references along."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = ["README.md", "docs/security.md"]
# `tests/x/test_y.py::test_z`, then `::test_w` for more tests of the same file
TEST_REF = re.compile(r"`(tests/[\w/]+\.py)::(\w+)`|`::(\w+)`")
FILE_REF = re.compile(r"`((?:empathy|tests|docs|scripts|benchmarks|migrations)/[\w./-]+\.(?:py|md))(?:::(\w+))?`")


def _defines(path: Path, name: str) -> bool:
    return re.search(rf"^(?:def|class|async def) {name}\b", path.read_text(encoding="utf-8"), re.M) is not None


@pytest.mark.parametrize("doc", DOCS)
def test_every_named_test_exists_where_the_doc_says(doc):
    missing = []
    for number, line in enumerate((REPO / doc).read_text(encoding="utf-8").splitlines(), 1):
        current = None
        for match in TEST_REF.finditer(line):
            path, name, more = match.groups()
            current = path or current
            name = name or more
            if current is None or not (REPO / current).is_file() or not _defines(REPO / current, name):
                missing.append(f"{doc}:{number}: {current}::{name}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("doc", DOCS)
def test_every_named_file_exists(doc):
    text = (REPO / doc).read_text(encoding="utf-8")
    missing = [f"{path}::{name}" if name else path for path, name in FILE_REF.findall(text)
               if not (REPO / path).is_file() or (name and not _defines(REPO / path, name))]
    assert not missing, f"{doc} names what is not there:\n" + "\n".join(missing)
