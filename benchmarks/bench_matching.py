"""Speed and memory of SkillMatcher on synthetic pools (not a test).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_matching.py --employees 100000 --needs 1000 --repeat 3

Prints fit time (and its stages), peak RSS, one-need top-10 latency (median over queries), a batch of needs,
employee -> needs latency, upsert latency and memory per employee. Deterministic (--seed).
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import time

from empathy.matching import EmployeeDoc, EmployeeSkill, NeedDoc, NeedSkill, SkillMatcher, load_taxonomy

EN_SKILLS = ["nursing", "first aid", "accounting", "bookkeeping", "python programming", "web design", "photography",
             "solar panels", "carpentry", "plumbing", "teaching", "tutoring maths", "legal advice", "marketing",
             "social media", "translation", "event planning", "fundraising", "data analysis", "project management",
             "graphic design", "cooking", "counselling", "electrical wiring", "gardening", "video editing"]
ZH_SKILLS = ["护理", "急救", "会计", "编程", "网页设计", "摄影", "光伏安装", "木工", "教学", "法律咨询", "市场营销",
             "翻译", "活动策划", "筹款", "数据分析", "项目管理", "平面设计", "烹饪", "心理咨询", "园艺"]
EN_WORDS = ("help support community children elderly school hospital charity volunteer teach build repair design "
            "organise plan manage data report website garden food bank shelter training workshop energy water "
            "environment health education finance legal care families youth refugees library museum clean").split()
ZH_WORDS = ("社区 儿童 老人 学校 医院 公益 志愿者 教学 维修 设计 组织 计划 管理 "
            "数据 网站 花园 食物 培训 环保 健康 教育 财务 法律 家庭 青年").split()
CAUSES = ["health", "education", "environment", "poverty", "elderly", "children", "animals", "culture"]
SITES = ["paris", "lyon", "beijing", "shanghai", "london", "berlin", "remote-hub"]


def _text(rng: random.Random, n: int) -> str:
    if rng.random() < 0.4:
        return "".join(rng.choice(ZH_WORDS) for _ in range(n)) + "。"
    return " ".join(rng.choice(EN_WORDS) for _ in range(n)) + "."


def make_employees(n: int, seed: int) -> list[EmployeeDoc]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        skills = tuple(EmployeeSkill(rng.choice(EN_SKILLS + ZH_SKILLS)
                                     + (f" {rng.randint(1, 500)}" if rng.random() < .3 else ""),
                                     rng.choice([None, 1, 2, 3, 4])) for _ in range(rng.randint(0, 8)))
        out.append(EmployeeDoc(id=f"e{i}", skills=skills,
                               bio=" ".join(_text(rng, rng.randint(8, 30)) for _ in range(rng.randint(1, 4))),
                               languages=tuple(rng.sample(["en", "zh", "fr", "de"], rng.randint(0, 2))),
                               causes=tuple(rng.sample(CAUSES, rng.randint(0, 3))), site=rng.choice(SITES),
                               is_remote=rng.random() < 0.2, available_weekdays=rng.random() < 0.7,
                               available_weekends=rng.random() < 0.6, is_suggestible=rng.random() < 0.95))
    return out


def make_needs(n: int, seed: int) -> list[NeedDoc]:
    rng = random.Random(seed + 1)
    return [NeedDoc(id=f"n{i}", title=_text(rng, rng.randint(3, 8)), description=_text(rng, rng.randint(15, 60)),
                    skills=tuple(NeedSkill(rng.choice(EN_SKILLS + ZH_SKILLS), rng.choice(["must", "nice"]),
                                           rng.choice([None, 1, 2, 3])) for _ in range(rng.randint(1, 5))),
                    cause=rng.choice(CAUSES + [None]),
                    languages=tuple(rng.sample(["en", "zh", "fr"], rng.randint(0, 1))),
                    site=rng.choice(SITES), is_remote=rng.random() < 0.3, runs_weekdays=rng.random() < 0.8,
                    runs_weekends=rng.random() < 0.5) for i in range(n)]


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--employees", type=int, default=100_000)
    ap.add_argument("--needs", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    employees, needs = make_employees(args.employees, args.seed), make_needs(args.needs, args.seed)
    taxonomy = load_taxonomy()
    base_rss = maxrss_mb()
    print(f"generated {len(employees)} employees, {len(needs)} needs; rss {base_rss:.0f} MB; taxonomy {len(taxonomy)}")
    fits, stages, rss_fit = [], [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        model = SkillMatcher(taxonomy=taxonomy).fit(employees, needs)
        fits.append(time.perf_counter() - t)
        stages.append(model.fit_seconds_)
        rss_fit.append(maxrss_mb())
    print(f"fit: median {statistics.median(fits):.1f} s  runs {[round(x, 1) for x in fits]}  "
          f"peak rss {rss_fit[0]:.0f} MB "
          f"(first fit), {rss_fit[-1]:.0f} MB (after {args.repeat}, the previous model still alive)")
    print("fit stages (median s): "
          + ", ".join(f"{k} {statistics.median(s[k] for s in stages):.1f}" for k in stages[0]))
    mats = sum(m.nbytes() for m in model.employees_.mats.values())
    print(f"employee matrices: {mats / 1e6:.0f} MB = {mats / len(employees):.0f} bytes per employee")
    one = []
    for n in needs[: args.queries]:
        t = time.perf_counter()
        model.rank_employees(n.id, k=10, explain=False)
        one.append(time.perf_counter() - t)
    print(f"one need -> top 10: median {1000 * statistics.median(one):.1f} ms, "
          f"p95 {1000 * sorted(one)[int(.95 * len(one))]:.1f} ms")
    expl = []
    for n in needs[:20]:
        t = time.perf_counter()
        model.rank_employees(n.id, k=10, explain=True)
        expl.append(time.perf_counter() - t)
    print(f"one need -> top 10 with explanations: median {1000 * statistics.median(expl):.1f} ms (20 needs)")
    batches = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        model.rank_employees_batch([n.id for n in needs[:1000]], k=10)
        batches.append(time.perf_counter() - t)
    print(f"{min(1000, len(needs))} needs -> top 10 (rank_employees_batch): median {statistics.median(batches):.1f} s  "
          f"runs {[round(x, 1) for x in batches]}")
    e2n = []
    for e in employees[: args.queries]:
        t = time.perf_counter()
        model.rank_needs(e.id, k=10, explain=False)
        e2n.append(time.perf_counter() - t)
    print(f"one employee -> top 10 needs: median {1000 * statistics.median(e2n):.1f} ms")
    ups = []
    for i, e in enumerate(make_employees(50, args.seed + 7)):
        t = time.perf_counter()
        model.upsert_employee(EmployeeDoc(**{**e.__dict__, "id": f"new{i}"}))
        ups.append(time.perf_counter() - t)
    t = time.perf_counter()
    model.upsert_need(NeedDoc(**{**needs[0].__dict__, "id": "new-need"}))
    print(f"upsert employee: median {1000 * statistics.median(ups):.1f} ms, max {1000 * max(ups):.1f} ms; "
          f"upsert need {1000 * (time.perf_counter() - t):.1f} ms")
    print(f"peak rss overall {maxrss_mb():.0f} MB")


if __name__ == "__main__":
    main()
