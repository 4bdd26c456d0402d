"""Time the suggestions page while a refit of 100,000 employees runs in another process (not run as a test).

Usage (from the repository root):

    python benchmarks/bench_refit_during_pages.py --employees 100000

It builds the scratch database of bench_suggestions_page.py (the demo, then `--employees` employees, then a
first refit: version 1), unless `--reuse`. Then, as in production, the refit runs in another process
(`flask match refit`, which takes the same lock as the worker's task) while this process, a web process,
GETs /needs/<id>/suggestions pages (pages 1..3 and department filters of the coordinator's open needs) without
pause. The web process only notices the new version (one read a second) and loads it on a thread of its
own, swapping it in when ready. Prints p50/p95/p99/max in milliseconds of the pages during the refit, during
the load of the new version and of all of them; how long the refit and the load took; the resident memory
(RSS) of this process before, at its peak and after; and the load average. The target: p99 < 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_suggestions_page as pages  # noqa: E402


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--employees", type=int, default=100_000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--sqlite-path", default="/tmp/empathy_bench_refit.sqlite")
    p.add_argument("--scale-script", default=str(pages.SCALE))
    p.add_argument("--reuse", action="store_true", help="time the existing database, do not rebuild")
    p.add_argument("--after", type=float, default=5.0, help="seconds of pages after the new version is in use")
    return p.parse_args()


class PeakRss:
    """Samples this process's resident memory every 0.2 s."""

    def __init__(self):
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, pages.rss_mb())

    def stop(self) -> float:
        self._stop.set()
        return self.peak


def main() -> int:
    args = parse_args()
    db = Path(args.sqlite_path)
    models = db.with_suffix(".models")
    if not args.reuse and db.exists():
        db.unlink()
    env = dict(EMPATHY_DATABASE_URL=f"sqlite:///{db}", EMPATHY_SECRET_KEY="bench-secret",
               EMPATHY_MATCH_MODEL_DIR=str(models), EMPATHY_MATCH_MODEL_PATH=str(db.with_suffix(".joblib")),
               EMPATHY_QUEUE_URL=f"sqlite:///{db.with_suffix('.queue')}")
    os.environ.update(env)
    from sqlmodel import Session, select

    from empathy import create_app
    from empathy.core.db import get_engine
    from empathy.models import Need, User
    from empathy.suggestions.runtime import match_index

    app = create_app()
    if not args.reuse:
        pages.build(args, app)
    with Session(get_engine(app)) as session:
        owner = session.exec(select(User).where(User.email == pages.COORDINATOR[0])).one()
        needs = list(session.exec(select(Need.id).where(Need.owner_id == owner.id, Need.status == "open")).all())
    client = pages.sign_in(app)
    started = time.perf_counter()
    assert client.get("/home").status_code == 200  # the first model is read at once
    first_load_s = time.perf_counter() - started
    with app.app_context():
        index = match_index()
    old_version = index.version
    views = [f"/needs/{n}/suggestions?page={p}" for n in needs for p in (1, 2, 3)]
    views += [f"/needs/{n}/suggestions?department=Department+0{d}" for n in needs for d in range(3)]
    for view in views:  # warm: rankings made and rows explained, as on a server that has been up a while
        client.get(view)
    rss_before = pages.rss_mb()
    peak = PeakRss()
    load_before = os.getloadavg()

    refit = subprocess.Popen([sys.executable, "-m", "flask", "--app", "empathy", "match", "refit"],
                             env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    during_refit, during_load, after = [], [], []
    refit_started = time.perf_counter()
    refit_s = load_seen = in_use_at = None
    i = 0
    while True:
        view = views[i % len(views)]
        i += 1
        t0 = time.perf_counter()
        response = client.get(view)
        ms = (time.perf_counter() - t0) * 1000
        assert response.status_code == 200, response.status_code
        now = time.perf_counter()
        if refit_s is None and refit.poll() is not None:
            refit_s = now - refit_started
        loading = index._loading is not None  # a newer version is being read on a thread
        if loading and load_seen is None:
            load_seen = now
        if refit_s is None:
            during_refit.append(ms)
        elif index.version == old_version or loading:
            during_load.append(ms)
        else:
            in_use_at = in_use_at or now
            after.append(ms)
            if now - in_use_at > args.after:
                break
        if now - refit_started > 3600:
            raise SystemExit("no new version within an hour")
    output = refit.stdout.read().strip()
    assert refit.returncode == 0, output
    print(json.dumps({
        "employees_in_db": args.employees, "needs": len(needs), "first_model_load_s": round(first_load_s, 1),
        "refit_s": round(refit_s, 1), "refit_output": output,
        "new_version_in_use_after_refit_s": round(in_use_at - refit_started - refit_s, 1),
        "background_load_s": round(in_use_at - load_seen, 1) if load_seen else None,
        "versions": [old_version, index.version],
        "pages_during_refit": pages.percentiles(during_refit),
        "pages_during_load": pages.percentiles(during_load) if len(during_load) > 1 else during_load,
        "pages_after": pages.percentiles(after),
        "all_pages": pages.percentiles(during_refit + during_load + after),
        "rss_mb": {"before": rss_before, "peak": peak.stop(), "after": pages.rss_mb()},
        "loadavg_before": [round(x, 2) for x in load_before],
        "loadavg_after": [round(x, 2) for x in os.getloadavg()]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
