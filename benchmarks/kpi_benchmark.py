"""Time the project's KPI path against an independent DuckDB reference on a million rows per kind.

Each measurement runs in a fresh subprocess so peak memory (ru_maxrss) belongs to one side only,
and the two sides alternate which goes first so neither profits from a warm page cache. The
timed span is the work a user waits for: read the CSV bytes from disk, parse, convert, compute.

Usage:
    python -m benchmarks.kpi_benchmark [--rows 1000000] [--customers 200000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("surveys", "orders", "tickets", "customers")
TOLERANCE = 1e-9


def run_project(directory: Path) -> dict[str, float | None]:
    """The app's own path: bytes → read_table → load_kind → compute_kpis."""
    from loyalty_model.intake.raw_kpis import compute_kpis, load_kind
    from loyalty_model.intake.readers import read_table

    frames = {}
    for kind in KINDS:
        path = directory / f"{kind}.csv"
        table = read_table(path.read_bytes(), path.name, max_bytes=2**31)
        loaded = load_kind(table, kind)
        if loaded.problem_count:
            raise SystemExit(f"{path.name}: {loaded.problem_count} unexpected problems")
        frames[kind] = loaded.frame
    return compute_kpis(frames)


def run_duckdb(directory: Path) -> dict[str, float | None]:
    from benchmarks.duckdb_reference import reference_kpis

    return reference_kpis({kind: directory / f"{kind}.csv" for kind in KINDS})


def child(side: str, directory: Path) -> None:
    """Run one side once and print its figures as JSON (called in a subprocess)."""
    runner = run_project if side == "project" else run_duckdb
    # Import the side's libraries first: interpreter and import time are not what users wait on.
    if side == "project":
        import loyalty_model.intake.raw_kpis  # noqa: F401
    else:
        import benchmarks.duckdb_reference  # noqa: F401
    start = time.perf_counter()
    kpis = runner(directory)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "peak_mb": peak_kb / 1024, "kpis": kpis}))


def measure(side: str, directory: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.kpi_benchmark", "--side", side, "--dir", str(directory)],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def disagreements(ours: dict, reference: dict) -> list[str]:
    """KPI names whose values differ by more than TOLERANCE (relative), or where one is missing."""
    bad = []
    for name in sorted(set(ours) | set(reference)):
        a, b = ours.get(name), reference.get(name)
        if a is None or b is None:
            if a is not b:
                bad.append(f"{name}: project {a} vs duckdb {b}")
        elif not math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=1e-12):
            bad.append(f"{name}: project {a!r} vs duckdb {b!r}")
    return bad


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--side", choices=["project", "duckdb", "generate"], help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side == "generate":
        from benchmarks.generate import generate, write  # only here: keeps the parent small

        write(generate(args.rows, args.customers, args.seed), args.dir)
        return 0
    if args.side:
        child(args.side, args.dir)
        return 0

    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        directory = Path(tmp)
        start = time.perf_counter()
        # Generate in a subprocess: Linux carries a parent's peak RSS into its children's
        # ru_maxrss, so the parent must stay small for the per-side peaks to mean anything.
        subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.kpi_benchmark",
                "--side",
                "generate",
                "--dir",
                str(directory),
                "--rows",
                str(args.rows),
                "--customers",
                str(args.customers),
                "--seed",
                str(args.seed),
            ],
            cwd=ROOT,
            check=True,
        )
        size_mb = sum((directory / f"{kind}.csv").stat().st_size for kind in KINDS) / 2**20
        print(
            f"generated {args.rows:,} rows x 3 kinds + {args.customers:,} customers "
            f"({size_mb:.0f} MB of CSV) in {time.perf_counter() - start:.1f} s"
        )
        results: dict[str, list[dict]] = {"project": [], "duckdb": []}
        for round_no in range(args.rounds):
            order = ["project", "duckdb"] if round_no % 2 == 0 else ["duckdb", "project"]
            for side in order:
                results[side].append(measure(side, directory))
                print(f"  round {round_no + 1} {side:8s} {results[side][-1]['seconds']:.2f} s")

    bad = disagreements(results["project"][0]["kpis"], results["duckdb"][0]["kpis"])
    medians = {
        side: statistics.median(r["seconds"] for r in runs) for side, runs in results.items()
    }
    peaks = {side: max(r["peak_mb"] for r in runs) for side, runs in results.items()}
    print(f"project median {medians['project']:.2f} s, peak {peaks['project']:.0f} MB")
    print(f"duckdb  median {medians['duckdb']:.2f} s, peak {peaks['duckdb']:.0f} MB")
    print(f"ratio project/duckdb {medians['project'] / medians['duckdb']:.2f}x (goal <= 1.5x)")
    if bad:
        print("KPIs DISAGREE:\n  " + "\n  ".join(bad))
        return 1
    print(f"all {len(results['project'][0]['kpis'])} KPIs agree to {TOLERANCE:g} relative")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
