"""Time the `kpis` command against a DuckDB script doing the same job, as whole processes.

What a user waits for is the whole command: the interpreter, the imports, reading the files,
the KPIs and the loyalty matrix. So each side runs as its own process, exactly as a user would
start it, and the figures are the operating system's own for that process (wall time, CPU
time, peak resident memory from wait4). The two sides run in turn, A B B A A B ..., so a
machine that speeds up or slows down during the run treats both alike, and the ratio is taken
pair by pair; the median of those is the figure to quote. Every run's KPIs and matrix are
checked against the other side's to 1e-9 before any time is reported.

    python -m benchmarks.kpi_benchmark                      # 1M rows per kind, 200k customers
    python -m benchmarks.kpi_benchmark --rows 10000000 --customers 2000000 --rounds 1 \\
        --dir /tmp/kpi-10m --keep                           # 2.4 GB of CSV: past memory

Goals (from the issue): at 1M rows the command takes at most 1.0x the DuckDB script and peaks
under 1 GB; at 10M rows it finishes in under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("surveys", "orders", "tickets", "customers")
TOLERANCE = 1e-9
BYTES_PER_ROW = 260  # of the four files together, per row of one kind (measured: 250)


def commands(directory: Path) -> dict[str, list[str]]:
    """The two sides, as a user would type them."""
    files = [arg for kind in KINDS for arg in (f"--{kind}", str(directory / f"{kind}.csv"))]
    return {
        "kpis CLI": [sys.executable, "-m", "loyalty_model", "kpis", *files, "--json"],
        "DuckDB": [sys.executable, "-m", "benchmarks.duckdb_reference", *files],
    }


def run_once(command: list[str]) -> dict:
    """One whole process: wall seconds, CPU seconds, peak RSS (MB) and its JSON output."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        errors = process.stderr.read().decode(errors="replace")
        process.stderr.close()
        if process.returncode:
            raise SystemExit(f"{command[2:4]} failed ({process.returncode}):\n{errors}")
        out.seek(0)
        result = json.loads(out.read())
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "result": result}


def disagreements(ours: dict, reference: dict) -> list[str]:
    """KPIs (and matrix shares) that differ by more than TOLERANCE, or where one is missing."""
    bad = []
    flat_a = {**ours, **{f"matrix.{k}": v for k, v in ours.get("loyalty_matrix", {}).items()}}
    flat_b = {**reference,
              **{f"matrix.{k}": v for k, v in reference.get("loyalty_matrix", {}).items()}}
    for name in sorted(set(flat_a) | set(flat_b)):
        if name in ("loyalty_matrix", "touchpoint_layers"):
            continue
        a, b = flat_a.get(name), flat_b.get(name)
        if a is None or b is None:
            if a is not b:
                bad.append(f"{name}: {a} vs {b}")
        elif not math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-12):
            bad.append(f"{name}: {a!r} vs {b!r}")
    if ours.get("touchpoint_layers") != reference.get("touchpoint_layers"):
        bad.append("touchpoint_layers differ")
    return bad


def generate(directory: Path, rows: int, customers: int, seed: int) -> None:
    """Write the four files once (in a child process: the parent's own memory stays small,
    since Linux counts a parent's size into its children's peak)."""
    marker = directory / "generated.json"
    wanted = {"rows": rows, "customers": customers, "seed": seed}
    if marker.exists() and json.loads(marker.read_text()) == wanted:
        return
    need = rows * BYTES_PER_ROW * 1.2
    free = shutil.disk_usage(directory).free
    if free < need:
        raise SystemExit(f"{directory}: {free / 2**30:.1f} GB free, the files need "
                         f"{need / 2**30:.1f} GB; give --dir on a larger disk")
    code = ("import sys; from pathlib import Path; from benchmarks.generate import write_large; "
            "write_large(Path(sys.argv[1]), *map(int, sys.argv[2:5]))")
    subprocess.run([sys.executable, "-c", code, str(directory), str(rows), str(customers),
                    str(seed)], cwd=ROOT, check=True)
    marker.write_text(json.dumps(wanted))


def measure(directory: Path, rounds: int, warmup: bool) -> dict[str, list[dict]]:
    sides = commands(directory)
    names = list(sides)
    if warmup:  # both read the files once, so neither finds a colder page cache
        for name in names:
            run_once(sides[name])
    runs: dict[str, list[dict]] = {name: [] for name in names}
    for round_no in range(rounds):
        order = names if round_no % 2 == 0 else names[::-1]
        for name in order:
            runs[name].append(run_once(sides[name]))
        a, b = (runs[name][-1] for name in names)
        bad = disagreements(a["result"], b["result"])
        if bad:
            raise SystemExit("the two sides DISAGREE:\n  " + "\n  ".join(bad))
        print(f"  round {round_no + 1}: " + ", ".join(
            f"{name} {runs[name][-1]['wall']:.2f} s" for name in order), flush=True)
    return runs


def report(runs: dict[str, list[dict]], rows: int, size_mb: float) -> None:
    names = list(runs)
    print(f"\n{rows:,} rows per kind ({size_mb:,.0f} MB of CSV), {len(runs[names[0]])} rounds, "
          "whole processes, median [min-max]:")
    print(f"  {'':10s} {'wall s':>22s} {'cpu s':>8s} {'peak MB':>9s}")
    for name in names:
        walls = [r["wall"] for r in runs[name]]
        cpu = statistics.median(r["cpu"] for r in runs[name])
        peak = max(r["peak_mb"] for r in runs[name])
        print(f"  {name:10s} {statistics.median(walls):7.2f} [{min(walls):5.2f}-{max(walls):5.2f}]"
              f" {cpu:8.2f} {peak:9.0f}")
    pairs = [a["wall"] / b["wall"] for a, b in zip(runs[names[0]], runs[names[1]], strict=True)]
    cpu_pairs = [a["cpu"] / b["cpu"] for a, b in zip(runs[names[0]], runs[names[1]], strict=True)]
    print(f"  ratio {names[0]} / {names[1]}: wall {statistics.median(pairs):.2f}x "
          f"[{min(pairs):.2f}-{max(pairs):.2f}], cpu {statistics.median(cpu_pairs):.2f}x")
    peak = max(r["peak_mb"] for r in runs[names[0]])
    goal = "1.0x and 1 GB" if rows <= 1_000_000 else "2 GB"
    print(f"  goal: {goal}; {names[0]} peak {peak:,.0f} MB")
    print(f"  every round's KPIs and matrix agree to {TOLERANCE:g}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per kind")
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--dir", type=Path, help="where the files go (default: a temp folder)")
    parser.add_argument("--keep", action="store_true", help="keep the files for another run")
    parser.add_argument("--no-warmup", action="store_true", help="skip the uncounted first runs")
    args = parser.parse_args(argv)
    directory = args.dir or Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    try:
        start = time.perf_counter()
        generate(directory, args.rows, args.customers, args.seed)
        size_mb = sum((directory / f"{kind}.csv").stat().st_size for kind in KINDS) / 2**20
        print(f"{args.rows:,} rows x 3 kinds + {args.customers:,} customers: {size_mb:,.0f} MB "
              f"of CSV in {directory} ({time.perf_counter() - start:.0f} s)", flush=True)
        report(measure(directory, args.rounds, not args.no_warmup), args.rows, size_mb)
    finally:
        if not args.keep:
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
