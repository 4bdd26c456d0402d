"""Benchmark case files: rank and evaluate without a database.

One JSON line is one pool: ``{"case_id", "employees": [{"id", "skills", "bio", "causes"?}],
"needs": [{"id", "title", "description", "skills", "cause"?}], "relevant", "graded", "relevant_needs"}``.
Ranking never reads the expected answers; only :func:`evaluate_cases` does, afterwards.

Usage: ``python -m empathy.matching.cases rank|evaluate FILE [--k 10] [--direction need|employee] [--json]``
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np

from .documents import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill
from .model import SkillMatcher
from .taxonomy import Taxonomy, load_taxonomy


def read_cases(path: str | Path) -> Iterator[dict]:
    """Pools of a JSON-lines case file, one at a time.

    The line is dropped before its pool is yielded: one pool of 100,000 profiles with Chinese text is
    a 200 MB string (two bytes a character), held for nothing while the pool is ranked. Skill names
    recur across profiles, so each distinct name is kept once (a million copies at that size).
    """
    names: dict[str, str] = {}

    def shared_skills(obj: dict) -> dict:
        skills = obj.get("skills")
        if isinstance(skills, list):
            obj["skills"] = [names.setdefault(s, s) if isinstance(s, str) else s for s in skills]
        return obj
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                case = json.loads(line, object_hook=shared_skills)
                del line
                yield case


def case_documents(case: dict) -> tuple[list[EmployeeDoc], list[NeedDoc]]:
    """Documents of one pool: suggestible, available, remote; skills without levels, must-have.

    The optional ``causes`` (employees, a list of cause codes) and ``cause`` (needs, one code) become
    the documents' causes, as the web app builds them from profiles and needs.
    """
    skill = _shared(EmployeeSkill)
    employees = [EmployeeDoc(id=str(e["id"]), skills=tuple(skill(s) for s in e.get("skills", ())),
                             bio=e.get("bio") or "", causes=tuple(str(c) for c in e.get("causes") or ()),
                             is_remote=True) for e in case["employees"]]
    needs = [NeedDoc(id=str(n["id"]), title=n.get("title") or "", description=n.get("description") or "",
                     skills=tuple(NeedSkill(s, "must") for s in n.get("skills", ())),
                     cause=str(n["cause"]) if n.get("cause") else None, is_remote=True,
                     runs_weekdays=True, runs_weekends=True) for n in case["needs"]]
    return employees, needs


def _shared(cls: type):
    """``cls(name)``, one object per distinct name: skill names recur across profiles (and the
    documents are frozen), so 100,000 profiles hold some 20,000 skill objects instead of a million."""
    made: dict = {}

    def make(name):
        obj = made.get(name)
        if obj is None:
            obj = made[name] = cls(name)
        return obj
    return make


def _rank_pool(case: dict, k: int, direction: str, taxonomy: Taxonomy,
               drop_source: bool = False) -> tuple[list[dict], float, float]:
    employees, needs = case_documents(case)
    if drop_source:  # the documents hold all that ranking reads: a large pool's parsed JSON can go
        del case["employees"], case["needs"]
    t0 = time.perf_counter()
    model = SkillMatcher(taxonomy=taxonomy).fit(employees, needs)
    t1 = time.perf_counter()
    if direction == "need":
        if drop_source:  # rankings without explanations read no employee document
            model.drop_employee_documents()
            employees.clear()
        ranked = zip([n.id for n in needs], model.rank_employees_batch([n.id for n in needs], k=k))
    else:
        ranked = zip([e.id for e in employees], model.rank_needs_batch([e.id for e in employees], k=k))
    t2 = time.perf_counter()
    rows = [{"case_id": case.get("case_id"), "query_id": qid, "ranked": [s.id for s in res]} for qid, res in ranked]
    return rows, t1 - t0, t2 - t1


def rank_cases(path: str | Path, *, k: int = 10, direction: str = "need",
               taxonomy: Taxonomy | None = None) -> Iterator[dict]:
    """One ``{"case_id", "query_id", "ranked"}`` per need (or per employee with direction="employee")."""
    if direction not in ("need", "employee"):
        raise ValueError("direction must be 'need' or 'employee'")
    taxonomy = load_taxonomy() if taxonomy is None else taxonomy
    for case in read_cases(path):
        yield from _rank_pool(case, k, direction, taxonomy, drop_source=True)[0]


# Rank cut of recall@10 and nDCG@10, the metrics the benchmark README defines.
CUTOFF = 10


def _metrics(rows: list[dict], relevant: dict, graded: dict | None) -> dict:
    recall, rr, ndcg = [], [], []
    for row in rows:
        rel = set(relevant.get(row["query_id"], ()))
        if not rel:
            continue
        ranked = row["ranked"]
        recall.append(len(rel & set(ranked[:CUTOFF])) / len(rel))
        rr.append(next((1.0 / (i + 1) for i, x in enumerate(ranked) if x in rel), 0.0))
        if graded is not None:
            gains = graded.get(row["query_id"], {})
            dcg = sum((2 ** gains.get(x, 0) - 1) / np.log2(i + 2) for i, x in enumerate(ranked[:CUTOFF]))
            ideal = sorted(gains.values(), reverse=True)[:CUTOFF]
            idcg = sum((2 ** g - 1) / np.log2(i + 2) for i, g in enumerate(ideal))
            ndcg.append(dcg / idcg if idcg else 0.0)
    out = {"recall@10": float(np.mean(recall)) if recall else 0.0, "mrr": float(np.mean(rr)) if rr else 0.0}
    if graded is not None:
        out["ndcg@10"] = float(np.mean(ndcg)) if ndcg else 0.0
    return out


def evaluate_cases(path: str | Path, *, taxonomy: Taxonomy | None = None) -> list[dict]:
    """Per pool: sizes, fit and ranking times, and metrics of both directions (full rankings for MRR)."""
    taxonomy = load_taxonomy() if taxonomy is None else taxonomy
    results = []
    for case in read_cases(path):
        answers = {key: case.pop(key, {}) for key in ("relevant", "graded", "relevant_needs")}
        n_e, n_n = len(case["employees"]), len(case["needs"])
        need_rows, fit_s, rank_s = _rank_pool(case, n_e, "need", taxonomy)
        emp_rows, _, rank_e = _rank_pool(case, n_n, "employee", taxonomy)
        results.append({
            "case_id": case.get("case_id"), "n_employees": n_e, "n_needs": n_n,
            "fit_seconds": round(fit_s, 3), "rank_seconds": {"need": round(rank_s, 3), "employee": round(rank_e, 3)},
            "need_to_employee": _metrics(need_rows, answers["relevant"], answers["graded"]),
            "employee_to_need": _metrics(emp_rows, answers["relevant_needs"], None),
        })
    return results


def format_report(results: Iterable[dict]) -> str:
    """A small text table of :func:`evaluate_cases` results."""
    lines = ["case             employees  needs  n->e R@10   MRR  nDCG@10 | e->n R@10   MRR |  fit s  rank s"]
    for r in results:
        a, b = r["need_to_employee"], r["employee_to_need"]
        lines.append(f"{str(r['case_id'])[:16]:16s} {r['n_employees']:9d} {r['n_needs']:6d}  {a['recall@10']:9.3f} "
                     f"{a['mrr']:5.3f} {a['ndcg@10']:8.3f} | {b['recall@10']:9.3f} {b['mrr']:5.3f} | "
                     f"{r['fit_seconds']:6.2f} {r['rank_seconds']['need']:7.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line of ``python -m empathy.matching.cases``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m empathy.matching.cases")
    parser.add_argument("command", choices=("rank", "evaluate"))
    parser.add_argument("file")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--direction", choices=("need", "employee"), default="need")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "rank":
        for row in rank_cases(args.file, k=args.k, direction=args.direction):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        return 0
    results = evaluate_cases(args.file)
    print(json.dumps(results, indent=2) if args.json else format_report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
