"""Large exports stream in batches and give exactly what the in-memory path gives.

The files here are small (CI has two cores and minutes, not gigabytes); the preview and batch
sizes are shrunk instead, so a few thousand rows take the same path, batch boundaries and
all, that ten million rows take in the benchmark.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from benchmarks.duckdb_reference import reference
from benchmarks.generate import generate, to_csv_bytes, write
from loyalty_model.cli import main as cli_main
from loyalty_model.intake import converters, csv_stream, readers
from loyalty_model.intake.loading import KPI_COLUMNS, format_problems, load_kind
from loyalty_model.intake.matrix import loyalty_matrix
from loyalty_model.intake.raw_kpis import compute_kpis, compute_kpis_by_period
from loyalty_model.intake.readers import open_table, read_table
from loyalty_model.intake.table import ReadError

KINDS = ("surveys", "orders", "tickets", "customers")


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stream anything over 4 KB, in batches of about 16 KB."""
    monkeypatch.setattr(readers, "PREVIEW_BYTES", 4 << 10)
    monkeypatch.setattr(csv_stream, "BATCH_BYTES", 16 << 10)


def in_memory(data: bytes, kind: str):
    return load_kind(read_table(data, f"{kind}.csv"), kind)


def streamed(data: bytes, kind: str):
    table = open_table(data, f"{kind}.csv")
    assert table.source is not None, "the file should be large enough to stream"
    return load_kind(table, kind)


def assert_same_frame(ours: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The streamed frame holds the KPI columns, with the same values, dtypes and row labels."""
    assert list(ours.columns) == [c for c in expected.columns if c in ours.columns]
    pd.testing.assert_index_equal(ours.index, expected.index, exact=False)
    for column in ours.columns:
        a, b = ours[column], expected[column]
        assert a.dtype == b.dtype, column
        if isinstance(a.dtype, pd.CategoricalDtype):
            assert a.astype(object).tolist() == b.astype(object).tolist(), column
        else:
            pd.testing.assert_series_equal(a, b, check_names=False, check_index=False)


def assert_close(ours: dict, expected: dict) -> None:
    assert set(ours) == set(expected)
    for name, value in ours.items():
        other = expected[name]
        assert (value is None) == (other is None), name
        if value is not None:
            assert math.isclose(value, other, rel_tol=1e-9, abs_tol=1e-12), (name, value, other)


@pytest.mark.parametrize(("dialect", "encoding"),
                         [("en", "utf-8"), ("da", "cp1252"), ("da", "utf-8-sig")])
def test_streamed_equals_in_memory(small_batches: None, dialect: str, encoding: str) -> None:
    frames = generate(3_000, 600, 21)
    streamed_frames, memory_frames = {}, {}
    for kind, frame in frames.items():
        data = to_csv_bytes(frame, kind, dialect=dialect, encoding=encoding)
        ours, expected = streamed(data, kind), in_memory(data, kind)
        assert (ours.rows_total, ours.problem_count) == (expected.rows_total, 0)
        assert list(ours.frame.columns) == [c for c in KPI_COLUMNS[kind]
                                            if c in expected.frame.columns]
        assert_same_frame(ours.frame, expected.frame)
        streamed_frames[kind], memory_frames[kind] = ours.frame, expected.frame
    assert_close(compute_kpis(streamed_frames), compute_kpis(memory_frames))
    assert loyalty_matrix(streamed_frames) == loyalty_matrix(memory_frames)
    by_quarter = compute_kpis_by_period(streamed_frames, "quarter")
    assert by_quarter.keys() == compute_kpis_by_period(memory_frames, "quarter").keys()


def test_bad_cells_stream_with_the_same_messages(small_batches: None) -> None:
    frame = generate(2_000, 300, 22)["orders"]
    text = to_csv_bytes(frame, "orders").decode()
    lines = text.split("\n")
    lines[5] = lines[5].replace("2024", "20x4", 1)  # a bad date in the first batch
    lines[1500] = ",".join(["", *lines[1500].split(",")[1:]])  # a blank order id, later
    lines[1700] = lines[1700].replace(".", ",", 1)  # a decimal comma in an English file
    data = "\n".join(lines).encode()
    ours, expected = streamed(data, "orders"), in_memory(data, "orders")
    assert (ours.rows_total, ours.rows_ok, ours.problem_count) == \
        (expected.rows_total, expected.rows_ok, expected.problem_count)
    assert format_problems(ours, limit=10) == format_problems(expected, limit=10)
    assert_same_frame(ours.frame, expected.frame)
    assert_close(compute_kpis({"orders": ours.frame}), compute_kpis({"orders": expected.frame}))


def test_a_cp1252_byte_late_in_a_stream_is_still_read(small_batches: None) -> None:
    rows = "".join(f"{i},K{i % 50},2026-01-0{1 + i % 9},{i}.5\n" for i in range(3_000))
    data = ("order_id,customer_id,ordered_at,amount\n" + rows).encode() + \
        "9999,Søren,2026-02-01,1\n".encode("cp1252")
    ours, expected = streamed(data, "orders"), in_memory(data, "orders")
    assert ours.problem_count == expected.problem_count == 0
    assert ours.frame["customer_id"].iloc[-1] == expected.frame["customer_id"].iloc[-1] == "Søren"
    assert_same_frame(ours.frame, expected.frame)


def test_a_ragged_row_late_in_a_stream_names_its_row(small_batches: None) -> None:
    rows = "".join(f"{i},K{i},2026-01-01,1\n" for i in range(3_000))
    data = ("order_id,customer_id,ordered_at,amount\n" + rows + "x,y,2026-01-01,1,extra\n"
            ).encode()
    with pytest.raises(ReadError) as streamed_error:
        streamed(data, "orders")
    with pytest.raises(ReadError) as memory_error:
        in_memory(data, "orders")
    assert str(streamed_error.value) == str(memory_error.value)
    assert streamed_error.value.row == 3_002


def test_a_path_streams_like_its_bytes(small_batches: None, tmp_path: Path) -> None:
    path = tmp_path / "kunder.csv"
    path.write_bytes(b"\xef\xbb\xbf" + to_csv_bytes(generate(10, 2_000, 23)["customers"],
                                                     "customers", dialect="da"))
    from_path, from_bytes = open_table(path), open_table(path.read_bytes(), "kunder.csv")
    assert from_path.file == "kunder.csv" and from_path.dialect == from_bytes.dialect
    assert from_path.dialect.encoding == "utf-8-sig"
    assert_same_frame(load_kind(from_path, "customers").frame,
                      load_kind(from_bytes, "customers").frame)


def test_small_files_open_whole_as_read_table_reads_them() -> None:
    data = to_csv_bytes(generate(50, 10, 24)["surveys"], "surveys", dialect="da")
    opened, read = open_table(data, "s.csv"), read_table(data, "s.csv")
    assert opened.source is None
    pd.testing.assert_frame_equal(opened.frame, read.frame)
    assert opened.dialect == read.dialect


def test_ids_hashed_chunk_by_chunk_keep_first_appearance(monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    import pyarrow as pa

    monkeypatch.setattr(converters, "_COMBINE_BYTES", 0)  # as for ten million ids
    chunks = pa.chunked_array([pa.array(["b", " a", None]), pa.array(["a", "007", "b"])])
    ids = converters.to_category(chunks)
    assert ids.tolist()[:2] == ["b", "a"] and pd.isna(ids.iloc[2])
    assert ids.tolist()[3:] == ["a", "007", "b"]
    assert list(ids.cat.categories) == ["b", "a", "007"]


def test_text_keeps_its_row_after_a_dropped_blank_row() -> None:
    """Ids after an all-empty row stayed with their own rows (they used to shift up one)."""
    loaded = in_memory(b"order_id,customer_id,ordered_at,amount\n1,A,2026-01-01,1\n,,,\n"
                       b"2,B,2026-01-02,2\n3,C,2026-01-03,3\n", "orders")
    assert loaded.frame["order_id"].tolist() == ["1", "2", "3"]
    assert loaded.frame["customer_id"].tolist() == ["A", "B", "C"]


def test_one_odd_time_costs_its_own_row_only() -> None:
    """pandas read "03-1:00" as a time zone and then gave up on every date in the column."""
    from loyalty_model.intake.dates import to_datetime

    cells = pd.Series(["2025-04-14 06:23:00", "2025-02-08 03-1:00", "20260101",
                       "2026-07-02T10:10:00+02:00"])
    values, problems = to_datetime(cells, file="t.csv", column="opened_at")
    assert [p.value for p in problems] == ["2025-02-08 03-1:00"]
    assert values.tolist() == [pd.Timestamp("2025-04-14 06:23"), pd.NaT,
                               pd.Timestamp("2026-01-01"), pd.Timestamp("2026-07-02 08:10")]


def test_a_number_reads_the_same_whatever_its_neighbours() -> None:
    alone, _ = converters.to_number(pd.Series(["5."]), decimal=".", file="f", column="c")
    beside, problems = converters.to_number(pd.Series(["5.", "1,234.5"]), decimal=".",
                                            file="f", column="c")
    assert alone.tolist() == [5.0] and beside.tolist() == [5.0, 1234.5] and not problems


def test_cli_streams_and_equals_the_duckdb_reference(small_batches: None, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    paths = write(generate(4_000, 700, 25), tmp_path)
    args = [arg for kind in KINDS for arg in (f"--{kind}", str(paths[kind]))]
    assert cli_main(["kpis", *args, "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    expected = reference(paths)
    matrix = result.pop("loyalty_matrix")
    assert result.pop("touchpoint_layers") == expected["touchpoint_layers"]
    assert_close(result, expected["kpis"])
    assert matrix == pytest.approx(expected["matrix"]["shares"], rel=1e-12)
    assert cli_main(["kpis", *args, "--by", "quarter", "--json"]) == 0
    by_quarter = json.loads(capsys.readouterr().out)
    frames = {kind: in_memory(paths[kind].read_bytes(), kind).frame for kind in KINDS}
    expected_by = compute_kpis_by_period(frames, "quarter")
    assert list(by_quarter) == list(expected_by)
    for period, values in by_quarter.items():
        assert_close(values, expected_by[period])


def test_progress_is_reported_while_streaming(small_batches: None) -> None:
    data = to_csv_bytes(generate(2_000, 300, 26)["orders"], "orders")
    seen: list[float] = []
    load_kind(open_table(data, "orders.csv"), "orders", progress=seen.append)
    assert len(seen) > 3 and seen == sorted(seen) and seen[-1] == pytest.approx(1.0)
    assert np.all(np.asarray(seen) > 0)


# --- whatever the bytes, streaming agrees with reading whole ---------------------------------

_SEEDS = [to_csv_bytes(generate(400, 60, 27)[kind], kind, dialect=dialect, encoding=encoding)
          for kind in KINDS
          for dialect, encoding in (("en", "utf-8"), ("da", "cp1252"), ("da", "utf-8-sig"))]


def outcome(load) -> tuple:  # noqa: ANN001 (a callable giving a Loaded)
    """What a user would see: an error, or the row counts, the problems and the KPI columns.

    Which error is not compared: a file with two faults (a column missing for the mapping and
    a ragged row further in) is reported by its first fault, and streaming meets the mapping
    before it meets the row. Single faults are compared word for word above.
    """
    try:
        loaded = load()
    except ReadError:
        return ("error",)
    frame = loaded.frame
    cells = {column: frame[column].astype(object).where(frame[column].notna(), None).tolist()
             for column in frame.columns}
    return (loaded.rows_total, loaded.problem_count, format_problems(loaded, limit=20),
            list(frame.index), cells)


@st.composite
def mutated_export(draw: st.DrawFn) -> tuple[bytes, str]:
    index = draw(st.integers(0, len(_SEEDS) - 1))
    data = bytearray(_SEEDS[index])
    for _ in range(draw(st.integers(1, 5))):
        at = draw(st.integers(1, max(1, len(data) - 1)))
        token = draw(st.sampled_from([b'"', b";", b",", b"\n", b"\r\n", b"\xff", b"abc", b"",
                                      b"31-02-2026", b"1.2.3,4", b" ", b"-1", b"2026-1-1",
                                      b"46348", b"5.", b"ja", b"2"]))
        cut = draw(st.integers(0, 12))
        data[at : at + cut] = token
    return bytes(data), KINDS[index // 3]


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(mutated_export())
def test_mutated_exports_stream_as_they_read_whole(small_batches: None,
                                                  case: tuple[bytes, str]) -> None:
    data, kind = case
    with contextlib.suppress(ReadError):
        # A file valid UTF-8 at its start and not further in: read whole, it is re-read as
        # cp1252, headers and all; streamed, the headers the user mapped stay as they were read.
        whole_read, opened = read_table(data, "x.csv"), open_table(data, "x.csv")
        assume(whole_read.dialect.encoding == opened.dialect.encoding)

    def whole():  # noqa: ANN202
        return load_kind(read_table(data, f"{kind}.csv"), kind)

    def streaming():  # noqa: ANN202
        loaded = load_kind(open_table(data, f"{kind}.csv"), kind)
        keep = [c for c in KPI_COLUMNS[kind] if c in loaded.frame.columns]
        return replace(loaded, frame=loaded.frame[keep])

    expected = outcome(whole)
    if expected[0] != "error":
        keep = [c for c in KPI_COLUMNS[kind] if c in expected[4]]
        expected = (*expected[:4], {c: expected[4][c] for c in keep})
    assert outcome(streaming) == expected


def test_columns_grow_past_a_short_row_estimate(small_batches: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "_rows_hint", lambda size, preview_rows: 1)
    data = to_csv_bytes(generate(2_500, 300, 28)["tickets"], "tickets")
    ours, expected = streamed(data, "tickets"), in_memory(data, "tickets")
    assert ours.rows_total == 2_500
    assert_same_frame(ours.frame, expected.frame)
