"""Memory of 1, 2 and 4 gunicorn workers serving suggestions on one large model (not run as a test).

Usage (from the repository root), on the scratch database of bench_refit_during_pages.py (built there):

    python benchmarks/bench_workers_memory.py --sqlite-path /tmp/empathy_bench_refit.sqlite

For each worker count it starts `gunicorn wsgi:app` on 127.0.0.1 (`--port`), signs in as the demo
coordinator and GETs /needs/<id>/suggestions pages from several threads until every worker has loaded the
model (its file appears in the worker's /proc/PID/maps) and has answered pages, then reads each process's
/proc/PID/smaps_rollup: RSS counts every resident page, shared ones in every process again; PSS divides
each page among the processes that map it, so the sum of PSS is the honest total. Also the resident part of
the model file's mapping (shared between workers). `--read` loads models the way releases before mapping did
(arrays read into each worker's memory), for comparison. Prints one JSON object per worker count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COORDINATOR = ("coordinator@empathy.example", "Empathy-Coord-2017")

# Loaded through `--read` (a gunicorn config file): every load_model reads the arrays instead of mapping them.
READ_CONFIG = '''
import empathy.matching.persistence as persistence

_load = persistence.load_model


def _read(*args, **kwargs):
    kwargs["mmap"] = False
    return _load(*args, **kwargs)


persistence.load_model = _read
import empathy.suggestions.index as index
import empathy.suggestions.store as store

index.load_model = store.load_model = _read
'''


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sqlite-path", default="/tmp/empathy_bench_refit.sqlite")
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    p.add_argument("--port", type=int, default=5640)
    p.add_argument("--pages", type=int, default=40, help="pages per worker after all have loaded the model")
    p.add_argument("--read", action="store_true", help="read the arrays into each worker (no mapping)")
    p.add_argument("--timeout", type=float, default=900.0, help="seconds for all workers to load the model")
    return p.parse_args()


def rollup(pid: int) -> dict[str, int]:
    """Rss, Pss and friends of one process in kB (/proc/PID/smaps_rollup)."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        key, value = line.split(":", 1)
        out[key] = int(value.split()[0])
    return out


def file_mapping(pid: int, marker: str) -> dict[str, int]:
    """Rss and Pss (kB) of the mappings of files whose path contains `marker` in one process."""
    total = {"Rss": 0, "Pss": 0}
    inside = False
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
            inside = marker in line
        elif inside and line.split(":")[0] in total:
            total[line.split(":")[0]] += int(line.split()[1])
    return total


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


class Client:
    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, timeout=600) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, ""

    def sign_in(self) -> None:
        _, html = self.get("/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        data = urllib.parse.urlencode({"email": COORDINATOR[0], "password": COORDINATOR[1],
                                       "csrf_token": token}).encode()
        with self.opener.open(self.base + "/login", data=data, timeout=60) as r:
            assert r.status == 200, r.status


def measure(args, workers: int, env: dict, needs: list[int], model_marker: str) -> dict:
    config = None
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{args.port}",
               "--timeout", "900", "wsgi:app"]
    if args.read:
        config = Path(f"/tmp/bench_workers_read_{os.getpid()}.py")
        config.write_text(READ_CONFIG)
        command[3:3] = ["-c", str(config)]
    log = open(f"/tmp/bench_workers_{os.getpid()}.log", "ab")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{args.port}"
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/login", timeout=5)
                break
            except OSError:
                time.sleep(0.5)
        views = [f"/needs/{n}/suggestions?page={p}" for n in needs for p in (1, 2, 3)]
        started, failures, served = time.perf_counter(), [], [0]

        client = Client(base)  # one sign-in (the sign-in limits), its cookie shared by every thread
        client.sign_in()

        def loop(stop_at: float):
            i = 0
            while time.perf_counter() < stop_at and not done.is_set():
                status, _ = client.get(views[i % len(views)])
                i += 1
                served[0] += 1
                if status != 200:
                    failures.append(status)

        # Pages from 2 threads per worker until every worker maps the model file, then `--pages` more each.
        done = threading.Event()
        threads = [threading.Thread(target=loop, args=(started + args.timeout,), daemon=True)
                   for _ in range(2 * workers)]
        for t in threads:
            t.start()
        pids = []
        while time.perf_counter() - started < args.timeout:
            pids = children(server.pid)
            if len(pids) == workers and all(model_marker in Path(f"/proc/{p}/maps").read_text() or args.read
                                            and rollup(p)["Rss"] > 1_000_000 for p in pids):
                break
            time.sleep(1)
        loaded_s = time.perf_counter() - started
        target = served[0] + args.pages * workers
        while served[0] < target and time.perf_counter() - started < args.timeout:
            time.sleep(0.5)
        done.set()
        for t in threads:
            t.join(timeout=600)
        per = [rollup(p) for p in pids]
        model = [file_mapping(p, model_marker) for p in pids]
        master = rollup(server.pid)
        mb = lambda kb: round(kb / 1024)  # noqa: E731
        return {
            "workers": workers, "mode": "read" if args.read else "mapped", "pages": served[0],
            "failed": len(failures), "all_loaded_after_s": round(loaded_s, 1),
            "rss_mb_total": mb(master["Rss"] + sum(r["Rss"] for r in per)),
            "pss_mb_total": mb(master["Pss"] + sum(r["Pss"] for r in per)),
            "rss_mb_per_worker": [mb(r["Rss"]) for r in per], "pss_mb_per_worker": [mb(r["Pss"]) for r in per],
            "private_mb_per_worker": [mb(r["Private_Dirty"] + r["Private_Clean"]) for r in per],
            "model_file_rss_mb_per_worker": [mb(m["Rss"]) for m in model],
            "model_file_pss_mb_total": mb(sum(m["Pss"] for m in model)),
            "master_pss_mb": mb(master["Pss"]),
        }
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        if config is not None:
            config.unlink(missing_ok=True)


def main() -> int:
    args = parse_args()
    db = Path(args.sqlite_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "EMPATHY_DATABASE_URL": f"sqlite:///{db}",
           "EMPATHY_SECRET_KEY": "bench-secret", "EMPATHY_MATCH_MODEL_DIR": str(db.with_suffix(".models")),
           "EMPATHY_MATCH_MODEL_PATH": str(db.with_suffix(".joblib")),
           "EMPATHY_QUEUE_URL": f"sqlite:///{db.with_suffix('.queue')}"}
    os.environ.update({k: v for k, v in env.items() if k.startswith("EMPATHY_")})
    sys.path.insert(0, str(ROOT))
    from sqlmodel import Session, select

    from empathy import create_app
    from empathy.core.db import get_engine
    from empathy.models import Need, User

    app = create_app()
    with Session(get_engine(app)) as session:
        owner = session.exec(select(User).where(User.email == COORDINATOR[0])).one()
        needs = list(session.exec(select(Need.id).where(Need.owner_id == owner.id, Need.status == "open")).all())
    get_engine(app).dispose()
    marker = str(db.with_suffix(".models"))
    for workers in args.workers:
        print(json.dumps(measure(args, workers, env, needs, marker)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
