"""What one SQLite file carries: mixed API load on real gunicorn workers, stepped up until it breaks.

Usage (from the repository root; not run as a test):

    python benchmarks/bench_sqlite_load.py                      # SQLite, 3 sync workers
    python benchmarks/bench_sqlite_load.py --threads 4          # gthread workers
    python benchmarks/bench_sqlite_load.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/empathy_bench
    python benchmarks/bench_sqlite_load.py --users 4,8,16,32,64 --seconds 20 --writes 0.3

It uses the concurrency suite's harness (tests/concurrency/harness.py): a fresh migrated database,
`gunicorn wsgi:app` on a free port, and accounts with tokens made through the app's services. Each
virtual user is one employee with its own token, looping without pause (a closed loop: N users are
N requests in flight) over a mix of reads (the needs list, one need, my sign-ups, my notifications)
and, with probability --writes, a write (signing up for a need or withdrawing again, saving the
profile, marking notifications read). Every step runs --seconds and prints requests/s, writes/s,
p50/p95/p99 latency and the server errors (5xx or a broken connection). The last line names the
largest step with no error and p95 under --p95 seconds.

Closed-loop users are not people: someone reading a page for ten seconds between clicks makes one
request per ten seconds. People served ≈ requests/s × (seconds between clicks).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.concurrency.harness import ApiUser, Database, Seeder, Server  # noqa: E402

NEEDS = 40


@dataclass
class Step:
    users: int
    latencies: list[float] = field(default_factory=list)
    writes: int = 0
    errors: int = 0
    refusals: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        n = len(self.latencies)
        q = statistics.quantiles(self.latencies, n=100) if n >= 2 else [0.0] * 99
        return (f"{self.users:>5} {n / self.seconds:>8.1f} {self.writes / self.seconds:>8.1f} "
                f"{q[49] * 1000:>7.0f} {q[94] * 1000:>7.0f} {q[98] * 1000:>7.0f} {self.errors:>6} {self.refusals:>6}")


class VirtualUser:
    """One employee: reads mostly, and now and then signs up, withdraws, saves the profile."""

    def __init__(self, api: ApiUser, needs: list[int], write_share: float, rng: random.Random):
        self.api, self.needs, self.write_share, self.rng = api, needs, write_share, rng
        self.joined: dict[int, int] = {}  # need id -> match id, while signed up

    def one(self) -> tuple[str, int]:
        """One request: returns ("read" or "write", status)."""
        if self.rng.random() < self.write_share:
            return "write", self._write()
        roll = self.rng.random()
        if roll < 0.4:
            return "read", self.api.call("GET", "/needs?per_page=20").status
        if roll < 0.7:
            return "read", self.api.call("GET", f"/needs/{self.rng.choice(self.needs)}").status
        if roll < 0.9:
            return "read", self.api.call("GET", "/me/matches").status
        return "read", self.api.call("GET", "/me/notifications").status

    def _write(self) -> int:
        roll = self.rng.random()
        if roll < 0.6:
            if self.joined and self.rng.random() < 0.5:
                need, match = self.joined.popitem()
                return self.api.call("POST", f"/matches/{match}/withdraw").status
            need = self.rng.choice(self.needs)
            answer = self.api.call("POST", f"/needs/{need}/signup", json={})
            if answer.status == 201:
                self.joined[need] = answer.json["id"]
            return answer.status
        if roll < 0.85:
            body = {"department": "Finance", "hours_per_month": self.rng.randint(1, 20), "languages": ["en"],
                    "causes": ["education"], "skills": [{"name": "Accounting", "level": self.rng.randint(1, 4)}]}
            return self.api.call("PUT", "/me/profile", json=body).status
        return self.api.call("POST", "/me/notifications/read").status


def run_step(users: list[VirtualUser], seconds: float) -> Step:
    step = Step(users=len(users))
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop(user: VirtualUser) -> None:
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                kind, status = user.one()
            except Exception:  # noqa: BLE001  (a broken connection counts as an error)
                kind, status = "write", 599
            took = time.monotonic() - started
            with lock:
                step.latencies.append(took)
                step.writes += kind == "write"
                step.errors += status >= 500
                step.refusals += 400 <= status < 500

    began = time.monotonic()
    threads = [threading.Thread(target=loop, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    step.seconds = time.monotonic() - began
    return step


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", default="1,2,4,8,16,32,64", help="closed-loop users per step")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of each step")
    parser.add_argument("--writes", type=float, default=0.2, help="share of requests that write")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="> 1: gthread workers")
    parser.add_argument("--p95", type=float, default=1.0, help="the latency limit, seconds")
    parser.add_argument("--postgres", default="", help="a PostgreSQL server URL instead of SQLite")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    steps = [int(n) for n in args.users.split(",")]

    directory = Path(tempfile.mkdtemp(prefix="empathy-load-"))
    database = Database.create(directory, args.postgres or None)
    server = None
    try:
        database.migrate()
        seed = Seeder(database)
        owner = seed.users(1, role="coordinator")[0]
        needs = [seed.need(owner, seats=10_000).id for _ in range(NEEDS)]
        people = seed.users(max(steps))
        server = Server(database=database, directory=directory, workers=args.workers, threads=args.threads).start()
        apis = seed.api_users(server, people)
        rng = random.Random(args.seed)
        users = [VirtualUser(api, needs, args.writes, random.Random(rng.random())) for api in apis]
        run_step(users[:2], 3)  # warm up: tokens noted as used, the workers' first queries
        kind = f"{args.workers} {'gthread x' + str(args.threads) if args.threads > 1 else 'sync'} workers"
        print(f"# {database.dialect}, {kind}, {args.writes:.0%} writes, {args.seconds:.0f} s per step")
        print(f"{'users':>5} {'req/s':>8} {'writes/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
              f"{'5xx':>6} {'4xx':>6}")
        best = None
        for n in steps:
            step = run_step(users[:n], args.seconds)
            print(step.line(), flush=True)
            p95 = statistics.quantiles(step.latencies, n=100)[94] if len(step.latencies) >= 2 else 0.0
            if step.errors == 0 and p95 <= args.p95:
                best = step
        if best is None:
            print("# no step without errors and within the p95 limit")
        else:
            print(f"# carried: {best.users} users in flight, {len(best.latencies) / best.seconds:.0f} req/s, "
                  f"{best.writes / best.seconds:.0f} writes/s, no 5xx, p95 <= {args.p95:.1f} s")
    finally:
        if server is not None:
            server.stop()
        database.close()


if __name__ == "__main__":
    main()
