"""How long one participant waits for an answer to be saved while the whole room is rating.

30 writers (threads, one per participant, as the Streamlit server runs one thread per session)
start together and each saves every statement, timing each `storage.save_rating` call. Prints
p50/p95/p99/max per database. Goal: p95 under 100 ms on SQLite on a 2-core machine.

PostgreSQL comes from SKAB_TEST_POSTGRES_URL, else a throwaway server from
scripts/start_postgres.sh.

Example:
    .venv/bin/python benchmarks/rating_latency.py --writers 30 --rounds 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loyalty_model.model import load_model  # noqa: E402
from loyalty_model.workshop import storage  # noqa: E402


@contextmanager
def postgres_url() -> Iterator[str]:
    """The configured test server, or a throwaway one for the length of the run."""
    if os.environ.get("SKAB_TEST_POSTGRES_URL"):
        yield os.environ["SKAB_TEST_POSTGRES_URL"]
        return
    workdir = tempfile.mkdtemp(prefix="skab-pg-bench.")
    script = ROOT / "scripts" / "start_postgres.sh"
    env = {**os.environ, "PYTHON": sys.executable}
    url = (
        subprocess.run([str(script), workdir], check=True, capture_output=True, text=True, env=env)
        .stdout.strip()
        .splitlines()[-1]
    )
    try:
        yield url
    finally:
        subprocess.run([str(script), "stop", workdir], check=False, env=env)


def run(url: str, writers: int, rounds: int) -> list[float]:
    """Seconds per save_rating call, for every call of every writer."""
    engine = storage.make_engine(url)
    statements = [s.id for s in load_model().statements]
    workshop, _ = storage.create_workshop(engine, "Benchmark", "Bench team")
    people = [storage.add_participant(engine, workshop.id, f"P{i}") for i in range(writers)]
    start = threading.Barrier(writers)
    timings: list[list[float]] = [[] for _ in range(writers)]

    def participant(index: int) -> None:
        me = people[index]
        storage.participant_answers(engine, me.id)  # a warm connection, as a live session has
        start.wait()
        for round_ in range(rounds):
            for number, statement_id in enumerate(statements):
                began = time.perf_counter()
                storage.save_rating(engine, me, statement_id, 1 + (index + number + round_) % 5)
                timings[index].append(time.perf_counter() - began)

    threads = [threading.Thread(target=participant, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stored = storage.count_ratings(engine, workshop.id)
    expected = writers * len(statements)
    if stored != expected:
        raise SystemExit(f"{stored} ratings stored, expected {expected}: answers were lost")
    engine.dispose()
    return [t for per_writer in timings for t in per_writer]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(name: str, timings: list[float], wall: float) -> str:
    ms = [t * 1000 for t in timings]
    return (
        f"{name:<11} saves={len(ms):>5}  p50={percentile(ms, 0.50):6.1f} ms  "
        f"p95={percentile(ms, 0.95):6.1f} ms  p99={percentile(ms, 0.99):6.1f} ms  "
        f"max={max(ms):6.1f} ms  mean={statistics.fmean(ms):6.1f} ms  "
        f"throughput={len(ms) / wall:6.0f}/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=30)
    parser.add_argument(
        "--rounds", type=int, default=2, help="how many times each writer answers every statement"
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args()
    print(
        f"{args.writers} concurrent writers, {os.cpu_count()} CPUs, "
        f"{args.rounds} x {len(load_model().statements)} saves each"
    )
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            began = time.perf_counter()
            timings = run(f"sqlite:///{tmp}/bench.db", args.writers, args.rounds)
            print(report("SQLite", timings, time.perf_counter() - began))
    if args.backend in ("postgresql", "both"):
        with postgres_url() as url:
            began = time.perf_counter()
            timings = run(url, args.writers, args.rounds)
            print(report("PostgreSQL", timings, time.perf_counter() - began))


if __name__ == "__main__":
    main()
