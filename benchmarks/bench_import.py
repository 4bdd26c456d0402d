"""A large CSV import through the API, run by a real queue worker, while pages keep being requested.

Usage (from the repository root; not run as a test):

    python benchmarks/bench_import.py                          # SQLite + the SQLite queue file, 1,000 and 10,000 rows
    python benchmarks/bench_import.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/empathy_imports \\
        --queue redis://127.0.0.1:6379/8                       # PostgreSQL + Redis
    python benchmarks/bench_import.py --rows 10000 --port 5690

What it does, per row count: a fresh migrated database with the shipped taxonomy and an administrator;
`gunicorn wsgi:app` (3 sync workers, the README's command) on --port and one `flask queue worker`, both
configured through EMPATHY_* variables like a deployment. A CSV of N new employees with 5 skills each (names
of the shipped taxonomy, in English, Chinese or a synonym, with levels) is POSTed to
/api/v1/admin/employees/import, which answers 202 and a Location; the script polls it until the job is done.
Meanwhile one thread, signed in as the administrator in a browser session, requests pages without pause
(the import job's page, its status JSON, the users list, the import page, the home page) and records each
latency. It prints the import's wall time (POST to done) and the job's own (started to finished), the
page requests' count, p50, p99 and max, and the five slowest with the job's stage when each was sent
(queued, checking, writing: as last polled).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.concurrency import harness  # noqa: E402
from tests.concurrency.harness import REPO, Database, Seeder, Server, WebUser  # noqa: E402

PAGES = ("/admin/imports/{job}", "/admin/imports/{job}/status", "/admin/users", "/admin/import", "/home")


def make_csv(rows: int, seed: int = 7) -> bytes:
    """`rows` new employees, 5 skills each from the shipped taxonomy, some by a Chinese label or synonym."""
    skills = json.loads((REPO / "empathy" / "data" / "skills.json").read_text(encoding="utf-8"))
    sites = json.loads((REPO / "empathy" / "data" / "sites.json").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    lines = ["email,name,department,site,skills,languages,causes,bio"]
    for i in range(rows):
        names = []
        for skill in rng.sample(skills, 5):
            choices = [skill["name"], skill.get("label_zh") or skill["name"], *skill.get("synonyms", [])[:2]]
            names.append(f"{rng.choice(choices)}:{rng.randint(1, 4)}")
        lines.append(f'bench{i}@example.com,Person {i},Dept {i % 40},{sites[i % len(sites)]["code"]},'
                     f'"{"; ".join(names)}",zh;en,education,"Imported for the benchmark, row {i}"')
    return ("\n".join(lines) + "\n").encode("utf-8")


def seed(database: Database) -> tuple[str, str]:
    """The shipped taxonomy and an administrator; returns (email, API token)."""
    from sqlmodel import Session

    from empathy.accounts.services import tokens
    from empathy.profiles.taxonomy import sync_shipped_taxonomy

    skills = json.loads((REPO / "empathy" / "data" / "skills.json").read_text(encoding="utf-8"))
    sites = json.loads((REPO / "empathy" / "data" / "sites.json").read_text(encoding="utf-8"))
    with Session(database.engine) as s:
        sync_shipped_taxonomy(s, skills, sites)
        s.commit()
    admin = Seeder(database).users(1, role="admin", prefix="admin")[0]
    with Session(database.engine, expire_on_commit=False) as s:
        _row, token = tokens.create_token(session=s, user=admin, name="bench", secret_key=harness.SECRET_KEY)
    return admin.email, token


class Pages(threading.Thread):
    """Requests pages without pause as a signed-in administrator, recording (seconds, path, status)."""

    def __init__(self, user: WebUser, job: int):
        super().__init__(daemon=True)
        self.user, self.job = user, job
        self.samples: list[tuple[float, str, int]] = []
        self.started: list[float] = []  # when each sample's request was sent (time.monotonic())
        self.stop = threading.Event()

    def run(self) -> None:
        i = 0
        while not self.stop.is_set():
            path = PAGES[i % len(PAGES)].format(job=self.job)
            started = time.monotonic()
            try:
                status = self.user.http.get(self.user.server.url + path, timeout=30).status_code
            except requests.RequestException:
                status = 599  # no answer within 30 s: counted as an error, and as a 30 s latency
            self.samples.append((time.monotonic() - started, path, status))
            self.started.append(started)
            i += 1


def run_once(rows: int, *, postgres: str | None, queue: str | None, port: int, workers: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        directory = Path(tmp)
        database = Database.create(directory, postgres)
        database.migrate()
        email, token = seed(database)
        queue_url = queue or f"sqlite:///{directory / 'queue.sqlite3'}"
        if queue and queue.startswith("redis"):
            import redis

            redis.Redis.from_url(queue).flushdb()  # this benchmark's own Redis database: a fresh queue
        harness.free_port = lambda: port  # the port range given to this benchmark
        server = Server(database, directory, workers=workers,
                        extra_env={"EMPATHY_QUEUE_URL": queue_url,
                                   "EMPATHY_TOTP_KEY_FILE": str(directory / "totp-key")})
        worker_log = open(directory / "worker.log", "wb")
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "empathy", "queue", "worker", "-w", "1"],
                                  cwd=REPO, env=server.env(), stdout=worker_log, stderr=subprocess.STDOUT)
        try:
            server.start()
            web = WebUser.sign_in(server, email, harness.PASSWORD)
            for _ in range(workers * 2):  # every gunicorn worker has rendered each page once (templates, catalogues)
                for path in ("/admin/users", "/admin/import", "/home"):
                    web.http.get(server.url + path, timeout=30)
            data = make_csv(rows)
            started = time.monotonic()
            answer = requests.post(server.url + "/api/v1/admin/employees/import", data=data, timeout=60,
                                   headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"})
            post_seconds = time.monotonic() - started
            assert answer.status_code == 202, (answer.status_code, answer.text[:500])
            location = answer.headers["Location"]
            pages = Pages(web, answer.json()["id"])
            pages.start()
            state, progress_seen, stages = "queued", set(), []  # stages: (monotonic time, stage seen from then on)
            while state in ("queued", "running"):
                time.sleep(0.25)
                job = requests.get(server.url + location, timeout=30,
                                   headers={"Authorization": f"Bearer {token}"}).json()
                if "state" not in job:
                    raise RuntimeError(f"{job}\n{server.log()[-3000:]}")
                state = job["state"]
                stage = job["progress"]["stage"] if state == "running" else state
                if not stages or stages[-1][1] != stage:
                    stages.append((time.monotonic(), stage))
                if state == "running":
                    progress_seen.add((job["progress"]["stage"], job["progress"]["done"]))
            wall = time.monotonic() - started
            pages.stop.set()
            pages.join()
            assert state == "done", json.dumps(job)[:2000]
            from datetime import datetime

            own = (datetime.fromisoformat(job["finished_at"]) - datetime.fromisoformat(job["created_at"]))
            created = database.count("SELECT count(*) FROM users") - 1
            latencies = sorted(s[0] for s in pages.samples)
            errors = [s for s in pages.samples if s[2] >= 500]
            slowest = max(pages.samples, key=lambda s: s[0])

            def stage_at(moment: float) -> str:  # the job's stage (as polled) when a request was sent
                return next((stage for t, stage in reversed(stages) if t <= moment), "queued")

            worst = sorted(zip(pages.samples, pages.started), key=lambda pair: -pair[0][0])[:5]
            return {
                "rows": rows, "database": database.dialect, "queue": queue_url.split(":")[0],
                "post_seconds": round(post_seconds, 2), "import_seconds": round(wall, 1),
                "job_seconds": round(own.total_seconds(), 1), "created": created,
                "progress_notes_seen": len(progress_seen),
                "pages": len(latencies), "page_errors": len(errors),
                "p50_ms": round(statistics.median(latencies) * 1000),
                "p99_ms": round(latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))] * 1000),
                "max_ms": round(latencies[-1] * 1000), "slowest": slowest[1],
                "worst": [f"{round(sample[0] * 1000)} ms {sample[1]} ({stage_at(sent)})" for sample, sent in worst],
            }
        finally:
            server.stop()
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            worker_log.close()
            database.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000,10000", help="comma-separated row counts (default 1000,10000)")
    parser.add_argument("--postgres", help="a PostgreSQL URL (a database of its own is made on that server)")
    parser.add_argument("--queue", help="QUEUE_URL, e.g. redis://127.0.0.1:6379/8 (default: a SQLite queue file)")
    parser.add_argument("--port", type=int, default=5690)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    args = parser.parse_args()
    for rows in (int(n) for n in args.rows.split(",")):
        print(json.dumps(run_once(rows, postgres=args.postgres, queue=args.queue, port=args.port,
                                  workers=args.workers)), flush=True)


if __name__ == "__main__":
    main()
