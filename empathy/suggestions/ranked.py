"""A need's ranking of employees (ids and scores, no explanations), kept per process until something changes.

Ranking is cheap next to explaining, but a suggestions page is opened again and again (paging,
filtering, inviting) while nothing it depends on changes. The key holds everything a ranking
depends on: the need (its id and `updated_at`) and the model with its pools (`MatchIndex.generation`,
bumped when the model file is reloaded or rows are folded in or forgotten). Who is already engaged
with the need is left out when the ranking is read, not when it is made, so an invitation needs no
new ranking.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sqlmodel import Session

from empathy.core.memo import BoundedCache
from empathy.matching import SkillMatcher
from empathy.models import Need
from empathy.suggestions.documents import need_documents
from empathy.suggestions.index import MatchIndex

# How many employees a need's ranking keeps: the filters and pages choose among these.
RANKED = 500
# Rankings kept per process (least recently used dropped first): 500 ids and scores each, about 40 kB.
CACHED = 256


@dataclass(frozen=True)
class Ranking:
    ids: tuple[int, ...]  # user ids, best first (by the fit shown: `by_fit`)
    scores: dict[int, float]  # the ranking score of each (0..1)
    bands: dict[int, str] = field(default_factory=dict)  # the calibrated band of each (strong .. weak)
    # Explanations made so far under the same key (user id -> matching Suggestion): a page seen again,
    # or an invitation from it, explains nobody twice. Filled by `explained`.
    explanations: dict = field(default_factory=dict, compare=False)


_RANKINGS = BoundedCache(CACHED)
_LOCK = threading.Lock()  # guards each Ranking's explanations


def need_query(session: Session, index: MatchIndex, model: SkillMatcher, need: Need):
    """What the model ranks for a need: its stored id, or a document when it does not hold the need."""
    key = str(need.id)
    return key if key in model.need_docs_ else need_documents(session, index.tz, ids=[need.id])[0]


def need_ranking(session: Session, index: MatchIndex, model: SkillMatcher, need: Need) -> Ranking:
    """The best `RANKED` employees for the need after the model's hard filters, from the cache when it holds."""
    key = (str(index.path), need.id, need.updated_at, index.generation, id(model))
    hit = _RANKINGS.get(key)
    if hit is not None:
        return hit
    ranked = model.rank_employees(need_query(session, index, model, need), k=RANKED, explain=False)
    return _RANKINGS.put(key, _ranking(ranked))


def by_fit(ranked: list) -> list:
    """Suggestions in the order of the fit they show, best first; the matcher's order among equal fits.

    The fit of a suggestion short of a must-have is capped (``params.SHORT_MUST_MAX_FIT``): read as "Good
    49 %", it must not sit above a "Strong 50 %" that scored a little lower.
    """
    return sorted(ranked, key=lambda s: -s.fit)


def _ranking(ranked: list) -> Ranking:
    ranked = by_fit(ranked)
    return Ranking(tuple(int(s.id) for s in ranked), {int(s.id): float(s.score) for s in ranked},
                   {int(s.id): s.band for s in ranked})


def warm_rankings(index: MatchIndex, model: SkillMatcher, generation: int) -> int:
    """Rank on a new model, before it is swapped in as `generation`, the stored needs ranked on the model it
    replaces (most recent last), so the first pages after a swap find their rankings made; returns how many.
    Runs on the loader's thread (`MatchIndex.warm`)."""
    path, made = str(index.path), 0
    for key in _RANKINGS.keys():
        if key[0] != path or key[3] != index.generation or str(key[1]) not in model.need_docs_:
            continue
        ranked = model.rank_employees(str(key[1]), k=RANKED, explain=False)
        _RANKINGS.put((path, key[1], key[2], generation, id(model)), _ranking(ranked))
        made += 1
    return made


def explained(session: Session, index: MatchIndex, model: SkillMatcher, need: Need, user_ids: list[int]) -> list:
    """Score and explanation (a matching Suggestion) of each of these people for the need, in order.

    Only people the model holds; the ones not explained under the current key yet are explained together.
    """
    ranking = need_ranking(session, index, model, need)
    ids = [i for i in user_ids if str(i) in model.employee_docs_]
    todo = [i for i in ids if i not in ranking.explanations]
    if todo:
        # One product against the pool, then only these pairs explained (same scores as the ranking).
        found = model.explain_employees(need_query(session, index, model, need), [str(i) for i in todo])
        with _LOCK:
            ranking.explanations.update((int(s.id), s) for s in found)
            while len(ranking.explanations) > 2 * RANKED:  # people outside the ranking, invited by id
                ranking.explanations.pop(next(iter(ranking.explanations)))
    return [ranking.explanations[i] for i in ids if i in ranking.explanations]


# An employee's suggested needs, explained: (index path, user id, generation, model, k, joinable ids) -> suggestions.
_NEEDS = BoundedCache(4 * CACHED)


def employee_needs(index: MatchIndex, model: SkillMatcher, user_id: int, joinable: frozenset[int], k: int) -> list:
    """The best `k` of the `joinable` need ids for an employee, explained (matching Suggestions), cached.

    Every need the model holds outside `joinable` is left out: its own "open" flag is as old as its
    last look at the need, and a need that started since is still open to it.
    """
    key = (str(index.path), user_id, index.generation, id(model), k, joinable)
    hit = _NEEDS.get(key)
    if hit is not None:
        return hit
    exclude = [n for n in model.need_docs_ if int(n) not in joinable]
    ranked = model.rank_needs(str(user_id), k=k, exclude=exclude, explain=False)
    found = model.explain_needs(str(user_id), [s.id for s in ranked])  # only the needs shown are explained
    return _NEEDS.put(key, by_fit(found))


def clear() -> None:
    """Forget every cached ranking (tests)."""
    _RANKINGS.clear()
    _NEEDS.clear()
