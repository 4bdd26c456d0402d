"""Time the coordinator's suggestions page with 100,000 employees in the database (not run as a test).

Usage (from the repository root):

    python benchmarks/bench_suggestions_page.py --employees 100000 --requests 200

It builds a scratch SQLite database (default /tmp/empathy_bench_suggest.sqlite): the schema, the demo
data (skills, sites, the README's coordinator and needs), then `--employees` more employees whose bios
and Chinese texts come from ../shared/bench/make_scale.py (real ESCO/O*NET texts recombined: a vocabulary
as wide as real profiles) with 3 to 8 skills of the shipped taxonomy each. It fits the matcher
(`match refit`), signs in as the demo coordinator through the Flask test client and GETs
/needs/<id>/suggestions for their open needs:

- the first view of each need (its ranking is made and its first 20 rows explained);
- then `--requests` views cycling over the needs, pages 1..3 and three department filters, as a
  coordinator pages and filters: the first view of a page explains its rows, a repeat view finds
  them cached with the need's ranking;
and prints p50/p95/p99 in milliseconds of each kind and of all requests (after one request that
loads the model file), the same of each request's CPU time (this process only: on a shared machine
wall time is noisy), the process's resident memory (RSS, with the model loaded) and the load
average before and after. `--reuse` times an existing database again.
The target: p99 <= 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCALE = ROOT.parent / "shared" / "bench" / "make_scale.py"
COORDINATOR = ("coordinator@empathy.example", "Empathy-Coord-2017")
DEPARTMENTS = [f"Department {i:02d}" for i in range(60)]


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--employees", type=int, default=100_000)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--sqlite-path", default="/tmp/empathy_bench_suggest.sqlite")
    p.add_argument("--scale-script", default=str(SCALE), help="make_scale.py of the shared benchmark files")
    p.add_argument("--reuse", action="store_true", help="time the existing database, do not rebuild")
    return p.parse_args()


def percentiles(values: list[float]) -> dict:
    q = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "p99_ms": round(q[98], 1),
            "max_ms": round(max(values), 1)}


def rss_mb() -> float:
    """Resident memory of this process now, in MB (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def build(args, app) -> None:
    """Schema, demo data, then the employees in bulk (executemany), then a fit."""
    import sqlalchemy as sa
    from sqlmodel import Session, select

    from empathy.core.db import get_engine, utcnow
    from empathy.models import EmployeeProfile, EmployeeSkill, Skill, User

    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["seed-demo"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    case = json.loads(subprocess.run([sys.executable, args.scale_script, "--employees", str(args.employees),
                                      "--needs", "1", "--seed", str(args.seed)],
                                     capture_output=True, text=True, check=True).stdout)
    rng = random.Random(args.seed)
    engine = get_engine(app)
    now = utcnow()
    with Session(engine) as session:
        skill_ids = list(session.exec(select(Skill.id)).all())
        first = (session.exec(select(sa.func.max(User.id))).one() or 0) + 1
    users, profiles, skills = [], [], []
    for n, emp in enumerate(case["employees"]):
        uid = first + n
        users.append({"id": uid, "email": f"bench{n}@bench.example", "display_name": f"Bench Person {n}",
                      "role": "employee", "password_hash": None, "active": True, "created_at": now,
                      "updated_at": now})
        bio = (emp["bio"] or " ".join(emp["skills"]))[:2000]
        profiles.append({"id": uid, "user_id": uid, "department": rng.choice(DEPARTMENTS), "bio": bio,
                         "hours_per_month": rng.choice((4, 8, 12, 16)), "available_weekdays": rng.random() < 0.7,
                         "available_weekends": rng.random() < 0.6, "available_evenings": False,
                         "remote_ok": rng.random() < 0.8, "is_suggestible": True, "languages": ["en"],
                         "causes": [], "share_skills": True, "share_availability": True, "share_contact": False,
                         "created_at": now, "updated_at": now})
        for skill_id in rng.sample(skill_ids, rng.randint(3, 8)):
            skills.append({"profile_id": uid, "skill_id": skill_id, "level": rng.randint(1, 4)})
    with engine.begin() as con:
        for table, rows in ((User.__table__, users), (EmployeeProfile.__table__, profiles),
                            (EmployeeSkill.__table__, skills)):
            columns = {c.name for c in table.columns}
            for i in range(0, len(rows), 10_000):
                con.execute(table.insert(), [{k: v for k, v in r.items() if k in columns} for r in rows[i:i + 10_000]])
    started = time.perf_counter()
    result = runner.invoke(args=["match", "refit"])
    assert result.exit_code == 0, result.output
    print(json.dumps({"built_employees": len(users), "employee_skills": len(skills),
                      "fit_s": round(time.perf_counter() - started, 1)}), flush=True)


def sign_in(app):
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"email": COORDINATOR[0], "password": COORDINATOR[1], "csrf_token": token})
    assert r.status_code == 302, r.status_code
    return client


def main() -> int:
    args = parse_args()
    db = Path(args.sqlite_path)
    if not args.reuse and db.exists():
        db.unlink()
    os.environ.update(EMPATHY_DATABASE_URL=f"sqlite:///{db}", EMPATHY_SECRET_KEY="bench-secret",
                      EMPATHY_MATCH_MODEL_PATH=str(db.with_suffix(".joblib")),
                      EMPATHY_MATCH_MODEL_DIR=str(db.with_suffix(".models")))
    from sqlmodel import Session, select

    from empathy import create_app
    from empathy.core.db import get_engine
    from empathy.models import Need, User

    app = create_app()
    if not args.reuse:
        build(args, app)
    with Session(get_engine(app)) as session:
        owner = session.exec(select(User).where(User.email == COORDINATOR[0])).one()
        needs = list(session.exec(select(Need.id).where(Need.owner_id == owner.id, Need.status == "open")).all())
    client = sign_in(app)
    load_before = os.getloadavg()
    started = time.perf_counter()
    assert client.get("/home").status_code == 200  # the process loads the model file once
    first_ms = (time.perf_counter() - started) * 1000
    cold, first_views, repeats, seen = [], [], [], set()
    cpu = {"cold": [], "first": [], "repeat": []}

    def timed(url: str):
        started, cpu_started = time.perf_counter(), time.process_time()
        r = client.get(url)
        return r, (time.perf_counter() - started) * 1000, (time.process_time() - cpu_started) * 1000

    for need_id in needs:
        r, ms, cpu_ms = timed(f"/needs/{need_id}/suggestions")
        cold.append(ms)
        cpu["cold"].append(cpu_ms)
        assert r.status_code == 200 and 'name="invite_one"' in r.text, r.status_code
    views = [f"/needs/{n}/suggestions?page={p}" for n in needs for p in (1, 2, 3)]
    views += [f"/needs/{n}/suggestions?department=Department+0{d}" for n in needs for d in range(3)]
    seen.update(f"/needs/{n}/suggestions?page=1" for n in needs)
    for i in range(args.requests):
        view = views[i % len(views)]
        r, ms, cpu_ms = timed(view)
        (repeats if view in seen else first_views).append(ms)
        cpu["repeat" if view in seen else "first"].append(cpu_ms)
        seen.add(view)
        assert r.status_code == 200, r.status_code
    print(json.dumps({"employees_in_db": args.employees, "needs": len(needs), "model_load_ms": round(first_ms),
                      "first_view_of_a_need": percentiles(cold), "first_view_of_a_page": percentiles(first_views),
                      "repeat_views": percentiles(repeats), "all": percentiles(cold + first_views + repeats),
                      "cpu_first_view_of_a_need": percentiles(cpu["cold"]),
                      "cpu_first_view_of_a_page": percentiles(cpu["first"]),
                      "cpu_repeat_views": percentiles(cpu["repeat"]), "rss_mb": rss_mb(),
                      "loadavg_before": [round(x, 2) for x in load_before],
                      "loadavg_after": [round(x, 2) for x in os.getloadavg()]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
