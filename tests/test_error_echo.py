"""Errors quote the user's file without echoing it: cut, on one line, never driving a terminal.

Issue 16.5: a KPI file with a 10 MB cell printed a 10 MB "one-line" CLI error and the page never
answered; a quoted line break split the line; `\\x1b[2J` in a cell cleared the terminal. Every
message quotes cells, column and file names through messages.quoted (at most 80 characters,
control characters shown as escapes), in the CLI and on the pages alike.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from loyalty_model.intake.kpi_file import read_kpi_file
from loyalty_model.messages import QUOTE_CHARS, Message, one_line, quoted
from loyalty_model.model import Model
from loyalty_model.workshop import storage

ROOT = Path(__file__).resolve().parent.parent
RATINGS = ROOT / "data" / "sample" / "ratings.csv"
CLEAR = "\x1b[2J"


def score(tmp_path: Path, name: str, content: bytes) -> subprocess.CompletedProcess[bytes]:
    """The CLI on a KPI file, as a user runs it (bytes: stderr is judged byte by byte)."""
    path = tmp_path / name
    path.write_bytes(content)
    return subprocess.run(
        [sys.executable, "-m", "loyalty_model", "score", "--ratings", str(RATINGS),
         "--kpis", str(path)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, timeout=120)


def one_clear_line(done: subprocess.CompletedProcess[bytes]) -> str:
    assert done.returncode == 2, done.stderr[:500]
    text = done.stderr.decode()
    assert text.endswith("\n") and text.count("\n") == 1, text[:500]
    assert len(text) <= 300, text[:500]
    assert b"\x1b" not in done.stderr and "Traceback" not in text
    return text.strip()


def test_quoted_cuts_long_text_and_shows_control_characters() -> None:
    assert quoted("Fjordcykler") == "Fjordcykler"
    long = quoted("x" * 10_000_000)
    assert len(long) == QUOTE_CHARS and long.endswith("…")
    assert quoted(f"a{CLEAR}b\nc\rd\te") == "a\\x1b[2Jb\\nc\\rd\\te"
    assert quoted("\u202eevil") == "\\u202eevil"  # right-to-left override: shown, not obeyed
    escapes = quoted("\x1b" * 100)
    assert escapes.endswith("\\x1b…") and len(escapes) <= QUOTE_CHARS  # never half an escape
    assert one_line("a\nb" + "c" * 1000).startswith("a\\nbc") and len(one_line("c" * 1000)) == 300


def test_a_message_quotes_a_cell_cut_in_both_languages() -> None:
    message = Message("kpi.unknown", file=f"k{CLEAR}.csv", row=3, value="y" * 5_000 + "\nz")
    for text in (str(message), message.localized("da")):
        assert "\x1b" not in text and "\n" not in text and len(text) < 300
        assert "k\\x1b[2J.csv" in text and "y" * 79 + "…" in text


def test_cli_with_a_10_mb_cell_answers_in_one_short_line(tmp_path: Path) -> None:
    line = one_clear_line(score(tmp_path, "kpis.csv",
                                b"kpi,value,period\n" + b"x" * (10 << 20) + b",1,2026\n"))
    assert line.startswith("error: kpis.csv is 10.0 MB; the limit is 10.0 MB")  # refused unread
    line = one_clear_line(score(tmp_path, "kpis.csv",
                                b"kpi,value,period\n" + b"x" * (9 << 20) + b",1,2026\n"))
    assert "kpis.csv has a line far longer than any row of an export" in line
    line = one_clear_line(score(tmp_path, "kpis.csv",
                                b"kpi,value,period\n" + b"x" * 20_000 + b",1,2026\n"))
    assert "kpis.csv has a cell longer than 10,000 characters" in line


def test_cli_quotes_a_long_cell_cut_to_80_characters(tmp_path: Path) -> None:
    line = one_clear_line(score(tmp_path, "kpis.csv",
                                b"kpi,value,period\n" + b"x" * 9_000 + b",1,2026\n"))
    assert f"'{'x' * 79}…' is not a known KPI" in line


def test_cli_shows_a_quoted_line_break_as_an_escape(tmp_path: Path) -> None:
    line = one_clear_line(score(tmp_path, "kpis.csv", b'kpi,value,period\n"zz\nq",1,2026\n'))
    assert "'zz\\nq' is not a known KPI" in line


def test_cli_never_prints_an_escape_sequence_from_a_cell(tmp_path: Path) -> None:
    line = one_clear_line(score(tmp_path, "kpis.csv",
                                b"kpi,value,period\n\x1b[2Jnps,1,2026\n"))
    assert "'\\x1b[2Jnps' is not a known KPI" in line


def test_cli_never_prints_an_escape_sequence_from_a_file_name(tmp_path: Path) -> None:
    name = f"k{CLEAR}{'n' * 150}.csv"
    line = one_clear_line(score(tmp_path, name, b"kpi,value,period\nnpz,1,2026\n"))
    assert line.startswith("error: k\\x1b[2J" + "n" * 50) and "…" in line


# --- the page --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(app_db: Path) -> AppTest:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    workshop, key = storage.create_workshop(engine, "Echo", "Team")
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["workshop_code"] = workshop.code
    at.session_state["facilitator_key"] = key
    at.run()
    return at.switch_page("views/kpis.py").run()


def upload(at: AppTest, name: str, content: bytes) -> list[str]:
    """What the KPI page shows for an uploaded file (errors, warnings, text lines), as read:
    markdown's escapes taken out, the way the browser renders them."""
    at.file_uploader(key="kpi_upload_0").set_value((name, content, "text/csv")).run()
    assert not at.exception
    return [re.sub(r"\\(.)", r"\1", str(e.value)) if e in at.error or e in at.warning
            else str(e.value) for e in [*at.error, *at.warning, *at.text]]


def test_the_page_shows_a_long_cell_cut(page: AppTest) -> None:
    shown = upload(page, "kpis.csv", b"kpi,value,period\n" + b"x" * 9_000 + b",1,2026\n")
    line = next(text for text in shown if "is not a known KPI" in text)
    assert "x" * 79 + "…" in line and "x" * 81 not in line and len(line) < 300


def test_the_page_shows_escapes_and_line_breaks_as_text(page: AppTest) -> None:
    shown = upload(page, "kpis.csv", b'kpi,value,period\n"\x1b[2Jn\np",1,2026\n')
    line = next(text for text in shown if "is not a known KPI" in text)
    assert "\\x1b[2Jn\\np" in line and "\x1b" not in line and "\n" not in line


def test_the_page_refuses_a_9_mb_cell_in_one_sentence(page: AppTest) -> None:
    shown = upload(page, "kpis.csv", b"kpi,value,period\n" + b"x" * (9 << 20) + b",1,2026\n")
    assert any("kpis.csv has a line far longer than any row" in text for text in shown), shown
    assert all(len(text) < 400 for text in shown)
    shown = upload(page, "kpis.csv", b"kpi,value,period\n" + b"x" * 20_000 + b",1,2026\n")
    assert any("kpis.csv has a cell longer than 10,000 characters" in text for text in shown), shown


def test_read_kpi_file_messages_stay_short(model: Model) -> None:
    result = read_kpi_file(b"kpi,value,period\n" + b"q" * 9_999 + b",1,2026\n", "k.csv", model)
    assert all(len(line) < 300 for line in result.summary(lang="da"))
