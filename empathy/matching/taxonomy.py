"""Skill taxonomy: canonical skills with English and Chinese labels, synonyms and related skills.

Related skills are the taxonomy's "related" relation in ESCO's sense (skills that share most of their
knowledge, e.g. Accounting and Bookkeeping): symmetric, written on either skill, and distinct from
synonyms (another name of the same skill). Holding a related skill earns partial credit in the score.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from .text import normalize

SHIPPED_TAXONOMY = Path(__file__).resolve().parent.parent / "data" / "skills.json"
# Fuzzy lookup only for keys this long: short keys are too close to each other ("sql", "sas").
FUZZY_MIN_CHARS = 5
# Typed skill strings whose resolution is memoised (a bound on memory).
MEMO_SIZE = 200_000
_PUNCT = re.compile(r"[\s\-_/.,;:()\[\]'\"、，。；：（）]+")


def _key(label: str) -> str:
    return _PUNCT.sub(" ", normalize(label)).strip()


class Taxonomy:
    """Resolves typed skill strings (any label or synonym) to canonical skill names.

    Matching is case- and width-insensitive and ignores punctuation; with ``fuzzy`` a
    close English spelling (difflib ratio >= ``cutoff``) also resolves.
    """

    def __init__(self, entries: Iterable[Mapping[str, object]] = (), *, fuzzy: bool = False, cutoff: float = 0.9):
        self.fuzzy = fuzzy
        self.cutoff = cutoff
        self._entries: dict[str, dict] = {}
        self._lookup: dict[str, str] = {}
        for entry in entries:
            name = str(entry["name"])
            labels = [name, entry.get("label_en") or "", entry.get("label_zh") or ""]
            labels += [str(s) for s in entry.get("synonyms") or ()]
            self._entries[name] = {
                "name": name,
                "category": entry.get("category"),
                "label_en": entry.get("label_en") or name,
                "label_zh": entry.get("label_zh") or "",
                "synonyms": tuple(str(s) for s in entry.get("synonyms") or ()),
                "related": tuple(str(s) for s in entry.get("related") or ()),
            }
            for label in labels:
                if label and _key(label):
                    self._lookup.setdefault(_key(label), name)
        self._keys = sorted(self._lookup)
        self._memo: dict[str, str | None] = {}
        # Symmetric: a relation written on either skill holds both ways; unknown names are ignored.
        related: dict[str, dict[str, None]] = {}
        for name, entry in self._entries.items():
            for other in entry["related"]:
                other = other if other in self._entries else self._lookup.get(_key(other), "")
                if other and other != name:
                    related.setdefault(name, {})[other] = None
                    related.setdefault(other, {})[name] = None
        self._related = {name: tuple(sorted(others)) for name, others in related.items()}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    @property
    def names(self) -> list[str]:
        """Canonical names in a stable order."""
        return sorted(self._entries)

    def resolve(self, skill: str) -> str | None:
        """Canonical name for a typed skill, or None for a free-text skill."""
        if skill in self._memo:
            return self._memo[skill]
        key = _key(skill)
        found = self._lookup.get(key) if key else None
        if found is None and self.fuzzy and len(key) >= FUZZY_MIN_CHARS and key.isascii():
            close = difflib.get_close_matches(key, self._keys, n=1, cutoff=self.cutoff)
            found = self._lookup[close[0]] if close else None
        if len(self._memo) < MEMO_SIZE:
            self._memo[skill] = found
        return found

    def labels(self, name: str) -> list[str]:
        """All labels of a canonical skill: name, English and Chinese labels, synonyms."""
        entry = self._entries[name]
        seen: dict[str, None] = {}
        for label in (entry["name"], entry["label_en"], entry["label_zh"], *entry["synonyms"]):
            if label:
                seen.setdefault(label, None)
        return list(seen)

    def related(self, name: str) -> tuple[str, ...]:
        """Canonical names of the skills related to a canonical skill (both directions), sorted; () if none."""
        # A taxonomy pickled before relations existed has no table: no relations until the next fit.
        return self.__dict__.get("_related", {}).get(name, ())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Taxonomy) and self._entries == other._entries

    def __repr__(self) -> str:
        return f"Taxonomy(<{len(self)} skills>)"


def load_taxonomy(path: str | Path = SHIPPED_TAXONOMY) -> Taxonomy:
    """Read a taxonomy file (a JSON list of entries); an absent shipped file gives an empty one."""
    path = Path(path)
    if not path.exists() and path == SHIPPED_TAXONOMY:
        return Taxonomy()
    with path.open(encoding="utf-8") as fh:
        return Taxonomy(json.load(fh))
