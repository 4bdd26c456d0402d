"""Cost per request of the three main signed-in pages, counted rather than timed (not run as a test).

Usage (from the repository root, with the project's venv):

    python benchmarks/bench_page_cost.py [--requests 200] [--profile needs] [--db /tmp/x.sqlite3]

It builds a SQLite demo as ../shared/load/web_load.py does (db upgrade, seed-demo, match refit), signs in
through the Flask test client as the README's demo coordinator and the demo employee web_load uses, warms
each page up, then GETs the coordinator's suggestions page of their first open need, /home and /needs
(employee), and /home of the coordinator and of the admin (`home_coordinator`, `home_admin`) `--requests`
times each and prints, per page, the Python function calls per request (cProfile)
and the CPU milliseconds per request (process time: steadier than wall time on a shared machine, yet still
noisy). `--profile PAGE` prints the page's cProfile table (top 40 by own time; SORT=cumulative, TOP=n and
CALLERS=pattern,... in the environment change it). Function calls are exact and the same from run to run:
compare them before and after a change. Instructions are steady under load too:

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \
        python benchmarks/bench_page_cost.py --work /tmp/cost --requests 30 --callgrind

writes one dump per page (/tmp/cg.out.N, its "desc: Trigger: Client Request: PAGE" line names it).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
COORDINATOR = ("coordinator@empathy.example", "Empathy-Coord-2017")
EMPLOYEE = ("haolin.xie.6@empathy.example", "volunteer-with-empathy")
ADMIN = ("admin@empathy.example", "Empathy-Admin-2017")


def build(work: str) -> dict:
    env = dict(os.environ, EMPATHY_DATABASE_URL=f"sqlite:///{work}/empathy.sqlite3", EMPATHY_SECRET_KEY="cost-secret",
               EMPATHY_MATCH_MODEL_PATH=f"{work}/model.joblib",
               EMPATHY_MATCH_MODEL_DIR=f"{work}/models", PYTHONPATH=str(ROOT))
    if not os.path.exists(f"{work}/model.joblib"):
        for step in (["db", "upgrade"], ["seed-demo"], ["match", "refit"]):
            subprocess.run([sys.executable, "-m", "flask", "--app", "empathy", *step], env=env, check=True,
                           capture_output=True)
    return env


def sign_in(client, email: str, password: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert answer.status_code in (302, 303), answer.status_code


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=200)
    p.add_argument("--work", default=None, help="folder of the demo database and model (kept; built if empty)")
    p.add_argument("--profile", default=None, help="print the cProfile table of this page")
    p.add_argument("--callgrind", action="store_true",
                   help="under valgrind --tool=callgrind --instr-atstart=no: count each page's requests alone "
                        "(callgrind_control dumps one file per page; Ir / --requests = instructions per request)")
    a = p.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="cost.")
    os.makedirs(work, exist_ok=True)
    env = build(work)
    os.environ.update({k: env[k] for k in ("EMPATHY_DATABASE_URL", "EMPATHY_SECRET_KEY", "EMPATHY_MATCH_MODEL_PATH",
                                                   "EMPATHY_MATCH_MODEL_DIR")})
    con = sqlite3.connect(f"{work}/empathy.sqlite3")
    need = con.execute("SELECT n.id FROM needs n JOIN users u ON u.id = n.owner_id WHERE u.email = ? AND "
                       "n.status = 'open' ORDER BY n.id LIMIT 1", (COORDINATOR[0],)).fetchone()[0]
    con.close()

    from empathy import create_app

    app = create_app()
    coord, emp, admin = app.test_client(), app.test_client(), app.test_client()
    sign_in(coord, *COORDINATOR)
    sign_in(emp, *EMPLOYEE)
    sign_in(admin, *ADMIN)
    # /home once per role: each role's home shows other sections (its suggestions, to-do or admin matters).
    pages = {"suggestions": (coord, f"/needs/{need}/suggestions"), "home": (emp, "/home"), "needs": (emp, "/needs"),
             "home_coordinator": (coord, "/home"), "home_admin": (admin, "/home")}
    for client, url in pages.values():
        for _ in range(3):
            assert client.get(url).status_code == 200, url
    if a.callgrind:
        me = str(os.getpid())
        subprocess.run(["callgrind_control", "-i", "on", me], check=True, capture_output=True)
        for name, (client, url) in pages.items():
            subprocess.run(["callgrind_control", "-z", me], check=True, capture_output=True)
            for _ in range(a.requests):
                client.get(url)
            subprocess.run(["callgrind_control", "-d", name, me], check=True, capture_output=True)
        return 0
    summary = {}
    for name, (client, url) in pages.items():
        t0 = time.process_time()
        for _ in range(a.requests):
            client.get(url)
        cpu = (time.process_time() - t0) / a.requests * 1000
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(a.requests):
            client.get(url)
        prof.disable()
        stats = pstats.Stats(prof)
        summary[name] = {"calls_per_request": round(stats.total_calls / a.requests), "cpu_ms": round(cpu, 2)}
        if a.profile == name:
            stats.sort_stats(os.environ.get("SORT", "tottime")).print_stats(int(os.environ.get("TOP", "40")))
            for pattern in filter(None, os.environ.get("CALLERS", "").split(",")):
                stats.print_callers(pattern)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
