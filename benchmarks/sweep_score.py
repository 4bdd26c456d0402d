"""Sweep the whole score's weights on case files, fitting each file once (evaluation only).

    PYTHONPATH=. .venv/bin/python benchmarks/sweep_score.py '{"name": {"tie_break": 0.5}}' FILE...

Only parameters read at ranking time may vary (part weights, ``must_penalty``, ``tie_break``, and
the module flag ``scoring.PENALISE_FREE_TEXT`` given as ``"penalise_free_text"``): the vocabularies,
hubness scalings and need expansion do not depend on them, so one fit serves every variant.
Prints need -> employee recall@10 per file and variant.
"""
import json
import sys

from empathy.matching import cases, scoring
from empathy.matching.model import SkillMatcher
from empathy.matching.taxonomy import load_taxonomy


def recall_at_10(model, needs, relevant) -> float:
    """Mean recall@10 of need -> employee rankings."""
    ranked = model.rank_employees_batch([n.id for n in needs], k=10)
    hits = [len(set(relevant[n.id]) & {s.id for s in r}) / len(relevant[n.id])
            for n, r in zip(needs, ranked) if relevant.get(n.id)]
    return sum(hits) / len(hits)


def main() -> None:
    variants = json.loads(sys.argv[1])
    taxonomy = load_taxonomy()
    table = {name: [] for name in variants}
    for path in sys.argv[2:]:
        case = next(cases.read_cases(path))
        employees, needs = cases.case_documents(case)
        model = SkillMatcher(taxonomy=taxonomy).fit(employees, needs)
        defaults = model.get_params()
        for name, params in variants.items():
            params = dict(params)
            scoring.PENALISE_FREE_TEXT = params.pop("penalise_free_text", False)
            model.set_params(**{**{k: defaults[k] for k in params}, **params})
            table[name].append(recall_at_10(model, needs, case["relevant"]))
            model.set_params(**{k: defaults[k] for k in params})
        scoring.PENALISE_FREE_TEXT = False
    print("variant".ljust(36), " ".join(p.rsplit("/", 1)[-1][:18].rjust(18) for p in sys.argv[2:]))
    for name, row in table.items():
        print(name.ljust(36), " ".join(f"{v:18.3f}" for v in row), flush=True)


if __name__ == "__main__":
    main()
