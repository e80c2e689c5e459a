"""Whatever bytes a user uploads, the app gets a Table or a ReadError naming the file: no crash."""

from __future__ import annotations

import csv
import io
import os

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.generate import generate, to_csv_bytes
from loyalty_model.intake.mapping import KINDS
from loyalty_model.intake.raw_kpis import compute_kpis, format_problems, load_kind
from loyalty_model.intake.readers import read_table
from loyalty_model.intake.table import ReadError

FILE = "upload.csv"
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_SAMPLE = generate(12, 6, 11)
SEEDS = [
    to_csv_bytes(_SAMPLE[kind], kind, dialect=dialect, encoding=encoding)
    for kind in ("surveys", "orders", "tickets", "customers")
    for dialect, encoding in (("en", "utf-8"), ("da", "cp1252"), ("da", "utf-8-sig"))
]


def survives(data: bytes, name: str = FILE) -> None:
    """read_table and load_kind for every kind end in a result or a ReadError about `name`."""
    try:
        table = read_table(data, name)
    except ReadError as error:
        check_error(error, name)
        return
    assert table.file == name
    for kind in KINDS:
        try:
            loaded = load_kind(table, kind)
        except ReadError as error:
            check_error(error, name)
            continue
        assert loaded.rows_ok + (loaded.problem_count > 0) <= loaded.rows_total + 1
        for line in format_problems(loaded):
            assert name in line
        if kind != "kpis":
            compute_kpis({kind: loaded.frame})


def check_error(error: ReadError, name: str) -> None:
    message = str(error)
    assert message.strip()
    assert name in message
    assert error.file == name


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    survives(data)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["x.xlsx", "x.csv", "x.xls", "x", "x.tsv"]))
def test_random_bytes_with_any_extension(data: bytes, name: str) -> None:
    survives(b"PK\x03\x04" + data if name.endswith("xlsx") else data, name)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            token = draw(
                st.sampled_from(
                    [
                        b'"',
                        b";",
                        b",",
                        b"\n",
                        b"\r",
                        b"\t",
                        b"\x00",
                        b"\xff",
                        b"abc",
                        b"31-02-2026",
                        b"1.2.3,4",
                        b"\xef\xbb\xbf",
                    ]
                )
            )
            data[at:at] = token
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 20))]
        elif action == "truncate":
            del data[at:]
        elif action == "duplicate":
            data[at:at] = data[: draw(st.integers(0, 200))]
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_real_exports(data: bytes) -> None:
    survives(data, "orders.csv")


@st.composite
def text_tables(draw: st.DrawFn) -> bytes:
    """Well-formed CSV with canonical headers and arbitrary cell text, in either dialect."""
    kind = draw(st.sampled_from(sorted(KINDS)))
    columns = list(KINDS[kind].columns)
    cell = st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            [
                "",
                "0",
                "007",
                "1.234,5",
                "12,5",
                "22-11-2026",
                "2026-11-22 14:05",
                "ja",
                "nej",
                "46348",
                "-1",
                "1e400",
                "NaN",
                "99999999999999999999",
            ]
        ),
    )
    rows = draw(
        st.lists(
            st.lists(cell, min_size=len(columns), max_size=len(columns)), min_size=1, max_size=8
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return buffer.getvalue().encode(encoding, errors="replace")


@FUZZ
@given(text_tables())
def test_arbitrary_cell_text(data: bytes) -> None:
    survives(data, "kunder.csv")


def _xlsx_seed() -> bytes:
    workbook = openpyxl.Workbook()
    for row in [["Kunde-ID", "Ordredato", "Beløb"], ["007", "22-11-2026", 12.5], ["008", None, 3]]:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


XLSX = _xlsx_seed()


@FUZZ
@given(
    st.lists(st.tuples(st.integers(0, len(XLSX) - 1), st.integers(0, 255)), max_size=8),
    st.integers(100, len(XLSX)),
)
def test_damaged_xlsx(flips: list[tuple[int, int]], keep: int) -> None:
    data = bytearray(XLSX[:keep])
    for at, value in flips:
        if at < len(data):
            data[at] = value
    survives(bytes(data), "ordrer.xlsx")
