"""Fit, one-need latency, batch ranking and the memory of N serving workers on a large pool file (not a test).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_large_pool.py /tmp/scale-1000000x1000.jsonl \\
        --workers 1 2 4 --out /tmp/large.json

FILE is a pool of `make_scale.py --employees N --needs M` (the benchmark files are only read from the
arguments, never by the product). In one process: the pool's documents are built as `match rank` builds
them (`matching.cases.case_documents`), the matcher is fitted (wall seconds, and the process's peak resident
memory, VmHWM, at the end of the fit), saved in the model file format the web app maps
(`matching.persistence.save_model`), then timed: one need's top 10 without and with the explanations of the
10 (median and p95 over `--queries` needs), and all needs' top 10 at once (`rank_employees_batch`).

Then `--workers` N: N child processes each map the saved file (`load_model`, as a gunicorn worker does
after a refit), rank and explain 20 needs, and hold the model while the parent reads every child's
/proc/PID/smaps_rollup: RSS and PSS summed over the N (PSS counts a page shared by k processes 1/k in
each, so the sum is what the N cost together). A gunicorn worker also holds the app (about 100-150 MB,
`bench_workers_memory.py`), not counted here.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def status_mb(field: str, pid: str = "self") -> float:
    """A memory line of /proc/PID/status (VmRSS, VmHWM) in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def rollup_mb(pid: int) -> dict[str, float]:
    """Rss and Pss of a process from /proc/PID/smaps_rollup, in MB."""
    out = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key = line.split(":")[0]
        if key in ("Rss", "Pss"):
            out[key.lower()] = int(line.split()[1]) / 1024
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def serve(model_path: str, needs: list[str]) -> None:
    """A worker: map the model, rank and explain some needs, say so, then hold the model until stdin closes."""
    from empathy.matching import load_model

    started = time.perf_counter()
    model = load_model(model_path)
    loaded = time.perf_counter() - started
    times = []
    for need in needs:
        t = time.perf_counter()
        model.rank_employees(need, k=10, explain=True)
        times.append(time.perf_counter() - t)
    print(json.dumps({"load_s": round(loaded, 2), "median_ms": round(1000 * statistics.median(times), 1)}),
          flush=True)
    sys.stdin.read()


def workers(model_path: str, needs: list[str], n: int) -> dict:
    procs = [subprocess.Popen([sys.executable, __file__, "--serve", model_path, *needs], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
             for _ in range(n)]
    try:
        answers = [json.loads(p.stdout.readline()) for p in procs]
        mem = [rollup_mb(p.pid) for p in procs]
    finally:
        for p in procs:
            p.stdin.close()
            p.wait()
    return {"workers": n, "rss_mb": round(sum(m["rss"] for m in mem)), "pss_mb": round(sum(m["pss"] for m in mem)),
            "load_s": [a["load_s"] for a in answers], "explained_top10_median_ms": [a["median_ms"] for a in answers]}


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--serve":
        serve(sys.argv[2], sys.argv[3:])
        return 0
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", help="a pool written by make_scale.py")
    p.add_argument("--queries", type=int, default=200, help="needs timed one at a time")
    p.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    p.add_argument("--model-path", help="where to save the fitted model (default: a temporary file)")
    p.add_argument("--out", help="write the figures as JSON here too")
    args = p.parse_args()

    from empathy.matching import SkillMatcher, save_model
    from empathy.matching.cases import case_documents, read_cases
    from empathy.matching.taxonomy import load_taxonomy

    out: dict = {"file": args.file, "rss_at_start_mb": round(status_mb("VmRSS"))}
    taxonomy = load_taxonomy()
    case = next(read_cases(args.file))
    employees, needs = case_documents(case)
    del case
    out.update(employees=len(employees), needs=len(needs), rss_with_documents_mb=round(status_mb("VmRSS")))
    t = time.perf_counter()
    model = SkillMatcher(taxonomy=taxonomy).fit(employees, needs)
    out["fit_s"] = round(time.perf_counter() - t, 1)
    out["fit_stages_s"] = {k: round(v, 1) for k, v in model.fit_seconds_.items()}
    out["peak_after_fit_mb"] = round(status_mb("VmHWM"))
    print(json.dumps(out), flush=True)

    directory = tempfile.mkdtemp(prefix="bench-large-")
    model_path = args.model_path or str(Path(directory) / "model.bin")
    t = time.perf_counter()
    save_model(model, model_path)
    out["save_s"] = round(time.perf_counter() - t, 1)
    out["model_file_mb"] = round(Path(model_path).stat().st_size / 2**20)

    ids = [n.id for n in needs]
    queried = ids[: args.queries]
    for explain in (False, True):
        times = []
        for need in queried:
            t = time.perf_counter()
            model.rank_employees(need, k=10, explain=explain)
            times.append(time.perf_counter() - t)
        key = "one_need_top10_explained" if explain else "one_need_top10"
        out[key] = {"n": len(times), "median_ms": round(1000 * statistics.median(times), 1),
                    "p95_ms": round(1000 * percentile(times, .95), 1)}
    t = time.perf_counter()
    model.rank_employees_batch(ids, k=10)
    out["all_needs_top10_batch_s"] = round(time.perf_counter() - t, 1)
    out["peak_mb"] = round(status_mb("VmHWM"))
    print(json.dumps(out), flush=True)
    del model, employees, needs
    out["serving"] = [workers(model_path, queried[:20], n) for n in args.workers]
    if not args.model_path:
        Path(model_path).unlink()
        os.rmdir(directory)
    print(json.dumps(out, indent=1))
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
