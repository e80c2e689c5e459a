"""A room of N phones rating at once on one app server: is every tap stored, and how fast?

Starts the real app (`streamlit run serve.py`, a SQLite file, or PostgreSQL with --postgres),
creates a workshop, opens the facilitator's projector (its live panel refreshes itself, as in a
real room) and N phones (390x844 browser contexts of one headless Chromium). Every phone joins
with the code and rates every statement layer by layer, one tap every --rhythm seconds (jittered),
then "Next". For every tap it records when it was made and when the database stored it
(`ratings.answered_at`), and at the end prints:

- stored: taps whose answer the database holds;
- refused: taps not stored, and the phone says so ("Not saved yet", an error);
- lost: taps the phone showed as answered, not stored, and nothing on screen said so;
- p50/p95/max tap-to-stored, time from opening the link to the rating buttons, and from "Next"
  to the next layer's buttons (the stalls people notice).

Example (the figures in docs/deployment.md):
    .venv/bin/python benchmarks/twenty_phones.py --phones 20
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.room_phones import RoomResult, cpu_seconds, percentile, run_room  # noqa: E402
from loyalty_model.workshop import storage  # noqa: E402


def summary(result: RoomResult) -> str:
    taps = result.taps
    delays = [(t.stored_at - t.at) * 1000 for t in result.stored()]
    ready = [p.buttons_after for p in result.phones if p.buttons_after is not None]
    nexts = [w for p in result.phones for w in p.next_waits]
    retaps = sum(1 for t in taps if t.tries > 1)
    per_tap = sum(p.socket_bytes for p in result.phones) / max(1, len(taps)) / 1000
    page_mb = statistics.fmean([p.http_bytes for p in result.phones] or [0]) / 1e6
    lines = [
        f"phones={len(result.phones)}  taps={len(taps)}  stored={len(result.stored())}  "
        f"lost={len(result.lost())}  refused={len(result.refused())}  "
        f"not-taken={len(result.not_taken())}  "
        f"retapped={retaps}  wall={result.seconds:.0f} s",
        f"tap-to-stored   p50={percentile(delays, .5):7.0f} ms  "
        f"p95={percentile(delays, .95):7.0f} ms  max={max(delays, default=float('nan')):7.0f} ms",
        f"link-to-buttons p50={percentile(ready, .5):7.1f} s   "
        f"p95={percentile(ready, .95):7.1f} s   max={max(ready, default=float('nan')):7.1f} s",
        f"next-to-layer   p50={percentile(nexts, .5):7.1f} s   "
        f"p95={percentile(nexts, .95):7.1f} s   max={max(nexts, default=float('nan')):7.1f} s",
        f"websocket {per_tap:.1f} kB received per tap (all runs while rating, incl. timed "
        f"refreshes); first load {page_mb:.1f} MB over HTTP per phone",
    ]
    lines += [f"  stuck: {f}" for f in result.failures()]
    lines += [f"  lost: phone {t.phone} {t.statement_id}={t.value} (shown={t.shown})"
              for t in result.lost()[:20]]
    return "\n".join(lines)


# --- the app server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(database_url: str, log: Path) -> Iterator[tuple[str, int]]:
    """`streamlit run serve.py` on a free port, on `database_url`; yields its address and pid."""
    port = free_port()
    env = {**os.environ, "SKAB_DATABASE_URL": database_url}
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "serve.py"),
             "--server.headless", "true", "--server.port", str(port), "--server.address",
             "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.runOnSave", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"the app did not start; see {log}") from None
                time.sleep(0.3)
        yield f"http://127.0.0.1:{port}", process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=20)
    parser.add_argument("--rhythm", type=float, default=0.8,
                        help="seconds between two taps of one phone (jittered ±40%%)")
    parser.add_argument("--postgres", action="store_true",
                        help="a PostgreSQL (SKAB_TEST_POSTGRES_URL or a throwaway server)")
    parser.add_argument("--no-projector", action="store_true",
                        help="without the facilitator's live panel open")
    parser.add_argument("--contexts", type=int, default=None,
                        help="share this many browser contexts between the phones (cache and "
                             "compiled JavaScript shared: less browser CPU on this machine; by "
                             "default one context per phone, as real phones)")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"{args.phones} phones, {os.cpu_count()} CPUs, load average {load[0]:.1f} "
          f"{load[1]:.1f} {load[2]:.1f}, a tap every {args.rhythm} s per phone, "
          f"{'PostgreSQL' if args.postgres else 'SQLite'}", flush=True)
    with tempfile.TemporaryDirectory(prefix="skab-phones.") as tmp, database(
            args.postgres, Path(tmp)) as url:
        engine = storage.make_engine(url)
        workshop, key = storage.create_workshop(engine, "Twenty phones", "Benchmark")
        with app_server(url, Path(tmp) / "streamlit.log") as (address, pid):
            idle = cpu_seconds(pid)
            result = run_room(address, engine, workshop.code, key, args.phones, args.rhythm,
                              projector=None if args.no_projector else address, server_pid=pid,
                              contexts=args.contexts)
            busy = cpu_seconds(pid) - idle
            browser = result.browser_cpu
            if os.environ.get("SKAB_BENCH_SHOTS"):
                shutil.copy(Path(tmp) / "streamlit.log", os.environ["SKAB_BENCH_SHOTS"])
        engine.dispose()
    print(summary(result))
    print(f"app server CPU: {busy:.0f} s in {result.seconds:.0f} s "
          f"({100 * busy / result.seconds:.0f}% of one core), "
          f"{1000 * busy / max(1, len(result.taps)):.0f} ms per tap; browser (all phones) CPU: "
          f"{browser:.0f} s")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


@contextmanager
def database(postgres: bool, tmp: Path) -> Iterator[str]:
    if not postgres:
        yield f"sqlite:///{tmp}/room.db"
        return
    from benchmarks.rating_latency import postgres_url

    with postgres_url() as url:
        yield url


if __name__ == "__main__":
    main()
