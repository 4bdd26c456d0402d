"""Evaluate SkillMatcher variants on case files: python benchmarks/sweep_quality.py FILE... (evaluation only)."""
import json
import sys
import time

from empathy.matching import cases
from empathy.matching.model import SkillMatcher

VARIANTS = json.loads(sys.argv[1])
orig = SkillMatcher.__init__


def run(params, files):
    def patched(self, **kw):
        orig(self, **{**kw, **params})
    SkillMatcher.__init__ = patched
    # keep get_params working: the signature of orig is used by sklearn; only tests call it
    out = []
    for f in files:
        r = cases.evaluate_cases(f)[0]
        a, b = r["need_to_employee"], r["employee_to_need"]
        out.append(f"{a['recall@10']:.3f}/{a['mrr']:.3f}/{a['ndcg@10']:.3f} e2n {b['recall@10']:.3f}/{b['mrr']:.3f}")
    SkillMatcher.__init__ = orig
    return out


files = sys.argv[2:]
for name, params in VARIANTS.items():
    t = time.time()
    print(f"{name:28s}", " | ".join(run(params, files)), f"({time.time()-t:.0f}s)", flush=True)
