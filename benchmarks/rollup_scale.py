"""Time the client roll-up at scale: 40 teams × 4 workshops × 15 participants on PostgreSQL.

Goals (issue 12): the client view renders in under 1 s server-side after the first load, and
the client PDF in under 10 s. Figures printed:
- seed: writing the client (not a goal, for context);
- core: load_client_rollup (read in four queries, assess 160 workshops) — the first load;
- version: the data-version query the page runs on every load to find its cached roll-up;
- view first / view again: the whole client page (views/client.py via Streamlit's AppTest, in
  a process whose caches start empty), its first run and the median of later runs;
- pdf / pptx: rendering the client PDF and deck from the roll-up the view holds (cold chart
  cache), as the view's download button does, and from scratch (roll-up included), as the CLI.

Every figure is given as wall time and as CPU time of this process: on a shared machine the
wall time also counts waiting for the CPU, the CPU time does not (the load average is printed).

Usage:
    python -m benchmarks.rollup_scale [--url postgresql://...] [--teams 40] [--workshops 4]
                                      [--people 15] [--runs 5]
Without --url a throwaway PostgreSQL is started with scripts/start_postgres.sh and stopped after.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "start_postgres.sh"
KPI_SET = {"product_survey_score": (7.0, 8.0), "communication_score": (6.5, 8.0),
           "on_time_delivery_rate": (0.85, 0.95), "first_contact_resolution": (0.7, None),
           "nps": (20.0, 30.0)}


def seed(url: str, teams: int, workshops: int, people: int) -> tuple[int, str]:
    """A client with `teams` teams of `workshops` workshops each; returns (client id, key)."""
    from sqlalchemy import insert

    from loyalty_model.model import load_model
    from loyalty_model.workshop import storage

    model = load_model()
    engine = storage.make_engine(url)
    client, client_key = storage.create_client(engine, "Benchmark A/S")
    rng = random.Random(12)
    start = datetime(2025, 1, 6, tzinfo=UTC)
    for team in range(teams):
        bias = {layer.id: rng.randint(-1, 1) for layer in model.layers}
        earlier = None
        for number in range(workshops):
            when = start + timedelta(days=91 * number + team)
            name = f"Team {team + 1:02d} Q{number + 1}"
            with storage.writing(engine) as conn:
                workshop_id, key = storage.insert_workshop(
                    conn, name, f"Team {team + 1:02d}", created_at=when,
                    series=earlier)
                ids = [storage.insert_participant(conn, workshop_id, None).id
                       for _ in range(people)]
                conn.execute(insert(storage.ratings), [
                    {"workshop_id": workshop_id, "participant_id": pid,
                     "statement_id": s.id, "answered_at": when,
                     "rating": None if rng.random() < 0.05 else
                     max(1, min(5, rng.randint(2, 4) + bias[s.layer]))}
                    for pid in ids for s in model.statements])
                conn.execute(insert(storage.kpi_values), [
                    {"workshop_id": workshop_id, "kpi": kpi, "period": f"2025-Q{number + 1}",
                     "value": value * rng.uniform(0.85, 1.1), "target": target}
                    for kpi, (value, target) in KPI_SET.items()])
            workshop = storage.get_workshop(engine, workshop_id)
            earlier = earlier or workshop.series
            if number == 0:
                storage.attach_workshop(engine, workshop, key, client.id, client_key)
    engine.dispose()
    return client.id, client_key


def view_child(url: str, client_id: int, client_key: str, runs: int) -> None:
    """In a fresh process: the client page's first run, then `runs` more (printed)."""
    os.environ["SKAB_DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["lang"] = "en"
    at.session_state["client_id"] = str(client_id)
    at.session_state["client_key"] = client_key
    at.run()
    start, cpu = time.perf_counter(), time.process_time()
    at.switch_page("views/client.py").run()
    first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    if at.exception:
        raise SystemExit(f"the client page failed: {at.exception[0].value}")
    again, again_cpu = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        at.run()
        again.append(time.perf_counter() - start)
        again_cpu.append(time.process_time() - cpu)
    # someone in one team answers: the page scores that workshop again, not all of them
    from loyalty_model.workshop import storage

    engine = storage.make_engine(url)
    team = storage.client_workshops(engine, client_id)[0]
    person = storage.add_participant(engine, team[-1].id)
    from loyalty_model.model import load_model

    storage.save_rating(engine, person, load_model().statements[0].id, 5)
    start, cpu = time.perf_counter(), time.process_time()
    at.run()
    answered, answered_cpu = time.perf_counter() - start, time.process_time() - cpu
    print(f"{first:.3f} {first_cpu:.3f} {statistics.median(again):.3f} "
          f"{statistics.median(again_cpu):.3f} {max(again):.3f} {answered:.3f} "
          f"{answered_cpu:.3f}")


def measure(url: str, client_id: int, client_key: str, runs: int) -> None:
    from loyalty_model.model import load_model
    from loyalty_model.takeaways.chart_images import clear_cache
    from loyalty_model.takeaways.rollup_data import build_rollup_report
    from loyalty_model.takeaways.rollup_pdf import render_rollup_pdf
    from loyalty_model.takeaways.rollup_pptx import render_rollup_pptx
    from loyalty_model.workshop import storage
    from loyalty_model.workshop.client_rollup import clear_cache as clear_scored
    from loyalty_model.workshop.client_rollup import load_client_rollup

    model = load_model()
    engine = storage.make_engine(url)
    client = storage.client_by_key(engine, client_id, client_key)
    cores, versions = [], []
    for _ in range(runs):
        clear_scored()  # a cold first load each time
        figure, rollup = timed(load_client_rollup, engine, client, model, "en")
        cores.append(figure)
        versions.append(timed(storage.client_data_version, engine, client.id)[0])
    print(f"teams {len(rollup.teams)}, workshops {sum(len(t.workshops) for t in rollup.teams)}")
    print(f"core roll-up (first load of the page): {median(cores)}")
    print(f"data version query (every load):       {median(versions)}")

    result = subprocess.run([sys.executable, "-m", "benchmarks.rollup_scale", "--view-child",
                             "--url", url, "--client", str(client_id), f"--key={client_key}",
                             "--runs", str(runs)], cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(result.stderr.strip().splitlines()[-1])
    first, first_cpu, again, again_cpu, worst, answered, answered_cpu = (
        float(x) for x in result.stdout.split()[-7:])
    print(f"client view, first load (AppTest):     wall {first:.3f} s, cpu {first_cpu:.3f} s")
    print(f"client view, after the first load:     median wall {again:.3f} s, cpu "
          f"{again_cpu:.3f} s, max wall {worst:.3f} s (goal < 1 s)")
    print(f"client view, after one new answer:     wall {answered:.3f} s, cpu "
          f"{answered_cpu:.3f} s (one workshop scored again)")

    for fmt, render in (("pdf", render_rollup_pdf), ("pptx", render_rollup_pptx)):
        for lang in ("en", "da"):
            clear_scored()
            core, held = timed(load_client_rollup, engine, client, model, lang)
            clear_cache()
            view, content = timed(lambda data, r=render, lg=lang: r(build_rollup_report(
                data, model, lg)), held)
            scratch = (view[0] + core[0], view[1] + core[1])
            goal = " (goal < 10 s)" if fmt == "pdf" else ""
            print(f"client {fmt} {lang}, {len(content) / 1e6:.1f} MB: from the view's roll-up "
                  f"{show(view)}{goal}; with the roll-up computed first {show(scratch)}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    engine.dispose()


def timed(work, *args: object) -> tuple[tuple[float, float], object]:  # noqa: ANN001
    """((wall, cpu) seconds, result) of `work(*args)`."""
    start, cpu = time.perf_counter(), time.process_time()
    result = work(*args)
    return (time.perf_counter() - start, time.process_time() - cpu), result


def show(figure: tuple[float, float]) -> str:
    return f"wall {figure[0]:.2f} s, cpu {figure[1]:.2f} s"


def median(figures: list[tuple[float, float]]) -> str:
    return "median " + show((statistics.median(f[0] for f in figures),
                             statistics.median(f[1] for f in figures)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--workshops", type=int, default=4)
    parser.add_argument("--people", type=int, default=15)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--view-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--client", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--key", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.view_child:
        view_child(args.url, args.client, args.key, args.runs)
        return
    workdir = None
    url = args.url
    if not url:
        workdir = tempfile.mkdtemp(prefix="skab-pg-bench.")
        started = subprocess.run([str(SCRIPT), workdir], capture_output=True, text=True,
                                 env={**os.environ, "PYTHON": sys.executable}, timeout=120)
        if started.returncode:
            raise SystemExit(f"could not start PostgreSQL: {started.stderr.strip()}")
        url = started.stdout.strip().splitlines()[-1]
    try:
        from loyalty_model.workshop import storage

        url = storage.database_url(url)
        start = time.perf_counter()
        client_id, client_key = seed(url, args.teams, args.workshops, args.people)
        print(f"seed: {args.teams} teams × {args.workshops} workshops × {args.people} people "
              f"in {time.perf_counter() - start:.1f} s")
        measure(url, client_id, client_key, args.runs)
    finally:
        if workdir:
            subprocess.run([str(SCRIPT), "stop", workdir], capture_output=True, check=False)


if __name__ == "__main__":
    main()
