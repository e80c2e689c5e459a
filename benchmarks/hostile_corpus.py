"""Run every hostile input (benchmarks/hostile_inputs.py) under a memory cap and print figures.

    python -m benchmarks.hostile_corpus [--jobs 2] [--limit-mb 500] [--match TEXT]

The files are built first, on disk, by this process. They are read in child processes whose
memory is capped with RLIMIT_DATA, set before anything is imported (RLIMIT_AS cannot be used:
mimalloc, glibc's arenas and thread stacks reserve over a gigabyte of address space they never
touch; the data limit counts what is actually mapped writable), several cases per child
(starting Python with pandas and pyarrow costs a second each time). For each case the child
resets its peak-memory mark (/proc/self/clear_refs), reads the file as the CLI and the upload
pages do, and reports: outcome, the one-line message, wall and CPU seconds, peak resident
memory (VmHWM). An outcome is "answered" (exit 0, or exit 2 with one clear
line), or a failure: "traceback" (an exception no one handled), "cpu" or "memory" (over the
limits). tests/test_hostile_corpus.py asserts there are no failures; this prints the figures.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_MB = 500
"""Data memory of a child: a case that needs more fails with MemoryError (or is killed)."""
LIMIT_CPU_S = 10.0
"""CPU seconds a case may take (wall time on a shared machine measures the neighbours too)."""
STOP_CPU_S = 2 * LIMIT_CPU_S
"""CPU seconds after which a case is stopped (SIGXCPU from RLIMIT_CPU): it has failed anyway."""
ALARM_S = 300
"""Wall seconds after which a case is stopped: only for a hang, since on a machine shared with
other jobs a case's wall time can be ten times its CPU time."""
MAX_LINE = 300


class Overtime(BaseException):  # not an Exception: the CLI must not swallow it
    """A case ran past STOP_CPU_S of CPU or ALARM_S of wall time."""


def _peak_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> None:
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # the kernel's "reset peak RSS" (Linux 4.0+)


def _cli(argv: list[str]) -> tuple[int, str]:
    from loyalty_model.cli.main import main

    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue()


def _page_message(error: Exception) -> str:
    """What a page shows for a ReadError, in Danish (the longer language)."""
    return error.localized("da") if hasattr(error, "localized") else str(error)


def _run_surface(surface: str, path: Path, data: bytes, tmp: Path) -> list[tuple[str, int, str]]:
    """(where, exit code, what the user reads) for each way this file is read."""
    from loyalty_model.intake.kpi_file import read_kpi_file
    from loyalty_model.intake.loading import format_problems, load_kind
    from loyalty_model.intake.readers import open_table, read_table
    from loyalty_model.intake.table import ReadError
    from loyalty_model.model import load_model

    results: list[tuple[str, int, str]] = []
    ratings = ROOT / "data" / "sample" / "ratings.csv"
    if surface.startswith("raw:"):
        kind = surface[4:]
        results.append(("cli", *_cli(["kpis", f"--{kind}", str(path)])))
        for opener in (read_table, open_table):  # a small upload, and a large one (streamed)
            try:
                loaded = load_kind(opener(data, path.name), kind)
                results.append((opener.__name__, 0, "\n".join(format_problems(loaded, lang="da"))))
            except ReadError as error:
                results.append((opener.__name__, 2, _page_message(error)))
    elif surface == "kpis":
        results.append(("cli", *_cli(["score", "--ratings", str(ratings), "--kpis", str(path)])))
        try:
            result = read_kpi_file(data, path.name, load_model())
            results.append(("page", 0, "\n".join(result.summary(lang="da"))))
        except ReadError as error:
            results.append(("page", 2, _page_message(error)))
    elif surface == "ratings":
        results.append(("cli", *_cli(["score", "--ratings", str(path)])))
    elif surface == "workshop":
        from loyalty_model.workshop import storage
        from loyalty_model.workshop.workshop_file import WorkshopFileError
        from loyalty_model.workshop.workshop_json import import_workshop

        engine = storage.make_engine(f"sqlite:///{tmp / 'import.db'}")
        try:
            import_workshop(engine, data, load_model())
            results.append(("import", 0, ""))
        except WorkshopFileError as error:
            results.append(("import", 2, str(error)))
        finally:
            engine.dispose()
    return results


def _judge(results: list[tuple[str, int, str]]) -> tuple[str, str]:
    """("answered", the message) when every surface answered clearly, else the failure."""
    shown = ""
    for where, code, text in results:
        if code not in (0, 2):
            return "traceback", f"{where}: exit {code}: {text.strip()[:200]}"
        if code == 2:
            lines = text.rstrip("\n").split("\n")
            if len(lines) != 1 or len(lines[0]) > MAX_LINE or "\x1b" in text \
                    or "Traceback" in text or not lines[0].strip():
                return "unclear", f"{where}: {text[:200]!r}"
            shown = shown or lines[0]
    return "answered", shown


def run_child(folder: Path, names: list[str], limit_mb: int) -> None:
    """Run the named cases (built in `folder`), each in a fork of this warmed-up process."""
    manifest = json.loads((folder / "manifest.json").read_text())
    _warm_up()
    for name in names:
        surface, relative = manifest[name]
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the case, in a process of its own
            os.close(read)
            with os.fdopen(write, "w") as out:
                out.write(json.dumps(_one_case(name, surface, folder / relative, limit_mb)))
            os._exit(0)
        os.close(write)
        with os.fdopen(read) as answer:
            text = answer.read()
        _, status = os.waitpid(pid, 0)
        if not text:  # killed before it could answer (the kernel's OOM killer, a crash)
            text = json.dumps({"name": name, "outcome": "died", "message": f"status {status}",
                               "cpu_s": 0, "wall_s": 0, "peak_mb": 0})
        print(text, flush=True)


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _one_case(name: str, surface: str, path: Path, limit_mb: int) -> dict:
    """Read one case's file under the caps; what happened, how long and how much memory.

    The data limit leaves the case what a 500 MB process has left once Python, pandas,
    pyarrow and openpyxl are loaded (their reserved, untouched address space is not charged).
    """
    room = (limit_mb << 10) - _status_kb("VmRSS")
    limit = (_status_kb("VmData") + room) << 10
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
    resource.setrlimit(resource.RLIMIT_CPU, (int(STOP_CPU_S) + 1, cpu_hard))

    def overtime(*_: object) -> None:
        signal.signal(signal.SIGXCPU, signal.SIG_IGN)  # the kernel repeats it every second
        raise Overtime

    signal.signal(signal.SIGALRM, overtime)
    signal.signal(signal.SIGXCPU, overtime)
    with tempfile.TemporaryDirectory() as tmp:
        _reset_peak()
        cpu0, wall0 = time.process_time(), time.monotonic()
        signal.alarm(ALARM_S)
        try:
            data = path.read_bytes()  # as the upload pages get it
            outcome, message = _judge(_run_surface(surface, path, data, Path(tmp)))
            del data
        except MemoryError:
            outcome, message = "memory", "MemoryError"
        except Overtime:
            outcome, message = "overtime", f"stopped after {STOP_CPU_S:g} s CPU or {ALARM_S} s"
        except BaseException as error:  # noqa: BLE001 - the failure being looked for
            outcome = "traceback"
            message = "".join(traceback.format_exception_only(error)).strip()[:300]
        finally:
            signal.alarm(0)
        cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    peak = _peak_kb() / 1024
    if outcome == "answered" and cpu > LIMIT_CPU_S:
        outcome = "cpu"
    if outcome == "answered" and peak > limit_mb:
        outcome = "memory"
    return {"name": name, "outcome": outcome, "message": message, "cpu_s": round(cpu, 2),
            "wall_s": round(wall, 2), "peak_mb": round(peak, 1),
            "file_mb": round(path.stat().st_size / (1 << 20), 1)}


def _warm_up() -> None:
    """Import what the cases use, so the first case is not charged with Python's start-up."""
    import openpyxl.reader.excel  # noqa: F401
    import pyarrow.csv  # noqa: F401

    import loyalty_model.cli.main
    import loyalty_model.intake.kpi_file
    import loyalty_model.intake.raw_kpis
    import loyalty_model.intake.streamed
    import loyalty_model.intake.xlsx_sheet
    import loyalty_model.workshop.workshop_json  # noqa: F401
    from loyalty_model.model import load_model

    load_model()
    with contextlib.suppress(Exception):
        loyalty_model.cli.main.build_parser()


def build(folder: Path, names: list[str]) -> None:
    """Write the named cases' files into `folder`, with a manifest the children read."""
    from benchmarks.hostile_inputs import cases

    manifest = {}
    for number, case in enumerate(c for c in cases() if c.name in set(names)):
        relative = f"{number}/{case.filename}"
        (folder / str(number)).mkdir()
        (folder / relative).write_bytes(case.build())
        manifest[case.name] = (case.surface, relative)
    (folder / "manifest.json").write_text(json.dumps(manifest))


def run_all(names: list[str], jobs: int = 2, limit_mb: int = LIMIT_MB) -> list[dict]:
    """Every named case, split over `jobs` capped children; a child that dies names its case."""
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder), names)
        groups = [group for group in (names[i::jobs] for i in range(jobs)) if group]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        children = [subprocess.Popen(
            [sys.executable, "-m", "benchmarks.hostile_corpus", "--child", folder,
             "--limit-mb", str(limit_mb), *group], cwd=ROOT, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True) for group in groups]
        results: list[dict] = []
        for child, group in zip(children, groups, strict=True):
            out, err = child.communicate(timeout=ALARM_S * len(group) + 120)
            done = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
            results.extend(done)
            missing = [name for name in group if name not in {r["name"] for r in done}]
            if missing:  # killed by the kernel, or the child crashed: the first is to blame
                results.append({"name": missing[0], "outcome": "died", "cpu_s": 0,
                                "wall_s": 0, "peak_mb": 0, "message": err.strip()[-300:]})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--child", metavar="FOLDER", help=argparse.SUPPRESS)
    parser.add_argument("--limit-mb", type=int, default=LIMIT_MB)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--match", default="", help="only cases whose name contains this")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    if args.child:
        run_child(Path(args.child), args.names, args.limit_mb)
        return 0
    from benchmarks.hostile_inputs import cases

    names = [case.name for case in cases() if args.match.lower() in case.name.lower()]
    started = time.monotonic()
    results = run_all(names, args.jobs, args.limit_mb)
    for result in sorted(results, key=lambda r: r["name"]):
        print(f"{result['outcome']:9} {result['cpu_s']:6.2f} s cpu {result['wall_s']:6.2f} s "
              f"wall {result['peak_mb']:6.0f} MB  {result['name']}: {result['message'][:110]}")
    failures = [r for r in results if r["outcome"] != "answered"]
    worst_cpu = max(results, key=lambda r: r["cpu_s"])
    worst_wall = max(results, key=lambda r: r["wall_s"])
    worst_mb = max(results, key=lambda r: r["peak_mb"])
    print(f"\ncases: {len(results)}, failures: {len(failures)} "
          f"(limits: {args.limit_mb} MB of data, {LIMIT_CPU_S:g} s CPU per case)")
    print(f"worst CPU time: {worst_cpu['cpu_s']:.2f} s ({worst_cpu['name']})")
    print(f"worst wall time: {worst_wall['wall_s']:.2f} s ({worst_wall['name']})")
    print(f"worst peak memory: {worst_mb['peak_mb']:.0f} MB ({worst_mb['name']})")
    print(f"whole corpus: {time.monotonic() - started:.0f} s wall with {args.jobs} children")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
