"""Wall time and peak memory of `match rank` against the plain TF-IDF anchor, at several pool sizes.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_scale.py \\
        --make-scale ../shared/bench/make_scale.py --anchor ../shared/bench/scale_anchor.py \\
        --sizes 10000 100000 --needs 1000 --runs 2 --out /tmp/scale.json --plot /tmp/scale.png

Each size's pool file is written once by make_scale.py (or given with --file SIZE=PATH). Each run
measures the whole process with /usr/bin/time -v (wall clock and maximum resident set size):
`flask --app empathy match rank FILE` (fit, then the top 10 of every need with the whole score)
and `scale_anchor.py FILE` (word + char_wb(3,4) TF-IDF, cosine), alternated (the order swaps every
run) because the machine is shared and its load moves. Medians of the runs and the ratios are
printed and written as JSON; --plot writes a log-log PNG of both (pure Python: no plotting
library is installed in the venv). The benchmark files are only read from the arguments.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(cmd: list[str], env: dict) -> dict:
    """Run ``cmd`` under /usr/bin/time -v (output discarded); wall seconds and peak RSS in MB."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as log:
        proc = subprocess.run(["/usr/bin/time", "-v", "-o", log.name, *cmd], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
        report = Path(log.name).read_text()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stderr[-2000:]}")
    h, m, s = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", report).groups()
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1))
    return {"seconds": int(h or 0) * 3600 + int(m) * 60 + float(s), "peak_mb": rss / 1024}


def run(args: argparse.Namespace) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    python = sys.executable
    flask = str(Path(python).with_name("flask"))
    files = dict(item.split("=", 1) for item in args.file)
    out = {"needs": args.needs, "runs": args.runs, "sizes": {}}
    for size in args.sizes:
        path = files.get(str(size))
        if path is None:
            path = str(Path(tempfile.gettempdir()) / f"scale-{size}x{args.needs}.jsonl")
            if not Path(path).exists():
                with open(path, "w", encoding="utf-8") as fh:
                    subprocess.run([python, args.make_scale, "--employees", str(size), "--needs", str(args.needs)],
                                   stdout=fh, check=True)
        cmds = {"ours": [flask, "--app", "empathy", "match", "rank", path], "anchor": [python, args.anchor, path]}
        runs: dict[str, list[dict]] = {"ours": [], "anchor": []}
        for r in range(args.runs):
            for name in (("ours", "anchor") if r % 2 == 0 else ("anchor", "ours")):
                runs[name].append(measure(cmds[name], env))
                print(size, name, runs[name][-1], flush=True)
        med = {name: {key: statistics.median(x[key] for x in rs) for key in ("seconds", "peak_mb")}
               for name, rs in runs.items()}
        ratio = {key: med["ours"][key] / med["anchor"][key] for key in ("seconds", "peak_mb")}
        out["sizes"][str(size)] = {"runs": runs, "median": med, "ratio": ratio}
        print(size, "median", med, "ratio ours/anchor", ratio, flush=True)
    return out


# ---- a log-log PNG without a plotting library: two panels (time, memory), a line per program.
COLORS = {"ours": (31, 119, 180), "anchor": (214, 39, 40)}


def _png(pixels: list[bytearray], width: int, height: int) -> bytes:
    raw = b"".join(b"\x00" + bytes(row) for row in pixels)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def plot(results: dict, path: str, width: int = 640, height: int = 300) -> None:
    """Left panel: wall seconds; right: peak MB; x = employees; both axes log10, grid at powers of 10."""
    import math
    pixels = [bytearray(b"\xff" * width * 3) for _ in range(height)]

    def put(x: int, y: int, color: tuple[int, int, int]) -> None:
        if 0 <= x < width and 0 <= y < height:
            pixels[y][3 * x : 3 * x + 3] = bytes(color)

    def line(x0: int, y0: int, x1: int, y1: int, color: tuple[int, int, int], thick: int = 1) -> None:
        n = max(abs(x1 - x0), abs(y1 - y0), 1)
        for i in range(n + 1):
            x, y = round(x0 + (x1 - x0) * i / n), round(y0 + (y1 - y0) * i / n)
            for dx in range(-(thick // 2), thick // 2 + 1):
                for dy in range(-(thick // 2), thick // 2 + 1):
                    put(x + dx, y + dy, color)
    sizes = sorted(int(s) for s in results["sizes"])
    xlo, xhi = math.floor(math.log10(min(sizes))), math.ceil(math.log10(max(sizes)) - 1e-9)
    xhi = max(xhi, xlo + 1)
    panel_w, margin = width // 2, 30
    for p, key in enumerate(("seconds", "peak_mb")):
        values = [results["sizes"][str(s)]["median"][n][key] for s in sizes for n in COLORS]
        ylo, yhi = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)) - 1e-9)
        yhi = max(yhi, ylo + 1)
        left, right, top, bottom = p * panel_w + margin, (p + 1) * panel_w - 10, 10, height - margin

        def xy(size: float, value: float, box=(left, right, top, bottom), ys=(ylo, yhi)) -> tuple[int, int]:
            fx = (math.log10(size) - xlo) / (xhi - xlo)
            fy = (math.log10(value) - ys[0]) / (ys[1] - ys[0])
            return round(box[0] + fx * (box[1] - box[0])), round(box[3] - fy * (box[3] - box[2]))
        for e in range(xlo, xhi + 1):
            x, _ = xy(10 ** e, 10 ** ylo)
            line(x, top, x, bottom, (220, 220, 220))
        for e in range(ylo, yhi + 1):
            _, y = xy(10 ** xlo, 10 ** e)
            line(left, y, right, y, (220, 220, 220))
        line(left, bottom, right, bottom, (0, 0, 0))
        line(left, top, left, bottom, (0, 0, 0))
        for name, color in COLORS.items():
            pts = [xy(s, results["sizes"][str(s)]["median"][name][key]) for s in sizes]
            for a, b in zip(pts, pts[1:]):
                line(*a, *b, color, thick=3)
            for x, y in pts:
                for dx in range(-3, 4):
                    for dy in range(-3, 4):
                        put(x + dx, y + dy, color)
    Path(path).write_bytes(_png(pixels, width, height))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--make-scale", default=str(ROOT.parent / "shared/bench/make_scale.py"))
    parser.add_argument("--anchor", default=str(ROOT.parent / "shared/bench/scale_anchor.py"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--needs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--file", action="append", default=[], help="SIZE=PATH: a pool file already written")
    parser.add_argument("--out", help="write the figures as JSON here")
    parser.add_argument("--plot", help="write a log-log PNG here")
    parser.add_argument("--replot", help="only plot a JSON written by --out")
    args = parser.parse_args()
    results = json.loads(Path(args.replot).read_text()) if args.replot else run(args)
    if args.out and not args.replot:
        Path(args.out).write_text(json.dumps(results, indent=2))
    if args.plot:
        plot(results, args.plot)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
