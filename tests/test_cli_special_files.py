"""The command line refuses anything but a regular file at once, instead of hanging.

Issue 16.6: a FIFO given as an input file made `python -m loyalty_model` wait for ever (opening
a named pipe for reading blocks until something writes to it). Every file option is checked
with stat before any work starts; a path that turns into a pipe later is opened without
blocking and refused too.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from loyalty_model.cli.inputs import InputError, read_bytes

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "orders.csv"
    os.mkfifo(path)
    return path


def run(*args: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "loyalty_model", *args], cwd=ROOT,
                            capture_output=True, text=True, timeout=30)
    return result, time.monotonic() - started


@pytest.mark.parametrize("command", [
    ["kpis", "--orders", "{fifo}", "--json"],
    ["score", "--ratings", "{fifo}"],
    ["score", "--ratings", str(SAMPLE / "ratings.csv"), "--kpis", "{fifo}"],
    ["report", "--ratings", str(SAMPLE / "ratings.csv"), "--format", "pdf", "--out", "x.pdf",
     "--logo", "{fifo}"],
], ids=["kpis", "score-ratings", "score-kpis", "report-logo"])
def test_a_fifo_is_refused_at_once(fifo: Path, command: list[str]) -> None:
    result, seconds = run(*[part.replace("{fifo}", str(fifo)) for part in command])
    assert result.returncode == 2 and seconds < 15
    assert result.stderr.strip() == (f"error: {fifo}: not a regular file (a pipe, device or "
                                     "folder cannot be read; give the path of a CSV or Excel "
                                     "file)")


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/null", "{tmp}"])
def test_devices_and_folders_are_refused_too(path: str, tmp_path: Path) -> None:
    result, _ = run("score", "--ratings", path.replace("{tmp}", str(tmp_path)))
    assert result.returncode == 2 and "not a regular file" in result.stderr


def test_reading_never_blocks_on_a_pipe(fifo: Path) -> None:
    """In a thread, so that a blocking open fails this test instead of hanging the run."""
    outcome: list[BaseException | bytes] = []

    def read() -> None:
        try:
            outcome.append(read_bytes(str(fifo)))
        except InputError as error:
            outcome.append(error)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(5)
    if reader.is_alive():  # unblock it: a writer opens the pipe
        with open(fifo, "wb"):
            pass
        reader.join(5)
        pytest.fail("reading a FIFO blocked")
    assert isinstance(outcome[0], InputError) and "not a regular file" in str(outcome[0])
