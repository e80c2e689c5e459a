"""read_table and the cell converters: dialects real exports use, and the messages for bad files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from loyalty_model.intake.converters import CellProblem, to_bool, to_number, to_text
from loyalty_model.intake.dates import to_datetime
from loyalty_model.intake.readers import read_table
from loyalty_model.intake.table import ReadError

FILES = Path(__file__).parent / "files"


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- dialects --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "separator", "decimal"),
    [
        ("id,amount\n001,1234.5\n002,7.25\n", ",", "."),
        ("id;amount\n001;1234,5\n002;7,25\n", ";", ","),
        ("id;amount\n001;1.234,50\n002;7\n", ";", ","),
        ("id\tamount\n001\t1234.5\n", "\t", "."),
        ("id|amount\n001|12.5\n", "|", "."),
        ('id,comment\n001,"a; b; c"\n002,"x;y"\n', ",", "."),
        ("id;amount\n001;12\n", ";", ","),  # no evidence: semicolon means Danish Excel
    ],
)
def test_separator_and_decimal_are_detected(text: str, separator: str, decimal: str) -> None:
    table = read_table(text.encode(), "f.csv")
    assert table.dialect.format == "csv"
    assert table.dialect.separator == separator
    assert table.dialect.decimal == decimal
    assert list(table.frame.columns)[0] == "id"
    assert table.frame["id"].iloc[0] == "001"


@pytest.mark.parametrize(
    ("encoding", "prefix", "detected"),
    [
        ("utf-8", b"", "utf-8"),
        ("utf-8", b"\xef\xbb\xbf", "utf-8-sig"),
        ("cp1252", b"", "cp1252"),
        ("utf-16", b"", "utf-16"),
    ],
)
def test_encodings(encoding: str, prefix: bytes, detected: str) -> None:
    text = "Kunde-ID;Beløb;Bemærkning\n004711;1.249,50;Ærø – “god”\n"
    table = read_table(prefix + text.encode(encoding), "ordrer.csv")
    assert table.dialect.encoding == detected
    assert list(table.frame.columns) == ["Kunde-ID", "Beløb", "Bemærkning"]
    assert table.frame.iloc[0].tolist() == ["004711", "1.249,50", "Ærø – “god”"]


def test_cp1252_detected_after_the_sample() -> None:
    """A file that is plain ASCII for 64 KB and then has one cp1252 byte is still read."""
    body = "".join(f"{i:06d};Jensen\n" for i in range(12_000))
    data = ("id;name\n" + body).encode("ascii") + "999999;Søren\n".encode("cp1252")
    table = read_table(data, "big.csv")
    assert table.dialect.encoding == "cp1252"
    assert table.frame["name"].iloc[-1] == "Søren"


def test_cells_are_strings_headers_stripped_blanks_missing() -> None:
    data = b'\xef\xbb\xbf  Customer ID , Amount ,Note\r\n007, 12 ,\r\n,,\r\n008,"",x\r\n'
    table = read_table(data, "c.csv")
    frame = table.frame
    assert list(frame.columns) == ["Customer ID", "Amount", "Note"]
    assert all(str(dtype) == "str" for dtype in frame.dtypes)
    assert len(frame) == 2  # the all-empty row is gone
    assert frame["Customer ID"].tolist() == ["007", "008"]
    assert pd.isna(frame["Note"].iloc[0])
    assert pd.isna(frame["Amount"].iloc[1])
    assert frame.index.tolist() == [0, 2]  # labels keep the spreadsheet row


def test_excel_sep_hint_line() -> None:
    table = read_table(b"sep=;\r\nKunde-ID;Bel\xf8b\r\n007;12,5\r\n", "hint.csv")
    assert table.dialect.separator == ";"
    assert table.dialect.encoding == "cp1252"
    assert list(table.frame.columns) == ["Kunde-ID", "Beløb"]
    assert table.first_row == 3


def test_duplicate_and_blank_headers_get_names() -> None:
    table = read_table(b"a,a,,b\n1,2,3,4\n", "d.csv")
    assert list(table.frame.columns) == ["a", "a (2)", "column 3", "b"]


def test_trailing_separator_column_is_dropped() -> None:
    table = read_table(b"a;b;\n1;2;\n3;4;\n", "t.csv")
    assert list(table.frame.columns) == ["a", "b"]


def test_quoted_line_breaks_survive() -> None:
    table = read_table(b'id,comment\n1,"two\nlines"\n2,plain\n', "q.csv")
    assert table.frame["comment"].tolist() == ["two\nlines", "plain"]


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_by_content_and_cell_types() -> None:
    data = xlsx_bytes(
        [
            ["Kunde-ID", "Dato", "Tid", "Beløb", "Aktiv", "Antal"],
            ["007", dt.date(2026, 11, 22), dt.datetime(2026, 11, 22, 14, 5), 1249.5, True, 3],
            ["008", None, None, None, False, 4.0],
        ]
    )
    table = read_table(data, "upload.bin")  # extension says nothing; the zip magic does
    assert table.dialect == table.dialect.__class__("xlsx", None, ".", None)
    assert table.frame.iloc[0].tolist() == [
        "007",
        "2026-11-22",
        "2026-11-22 14:05:00",
        "1249.5",
        "true",
        "3",
    ]
    assert table.frame["Antal"].iloc[1] == "4"
    assert pd.isna(table.frame["Dato"].iloc[1])


def test_xlsx_title_rows_are_skipped_and_rows_numbered_as_in_excel() -> None:
    data = xlsx_bytes([["Report July"], [], ["id", "amount"], ["1", "abc"]])
    table = read_table(data, "r.xlsx")
    assert table.header_row == 3
    assert table.first_row == 4
    _, problems = to_number(
        table.frame["amount"], decimal=".", file="r.xlsx", column="amount", first_row=4
    )
    assert problems[0].row == 4


def test_committed_xlsx_reads() -> None:
    table = read_table((FILES / "orders_excel.xlsx").read_bytes(), "orders_excel.xlsx")
    assert table.frame["Kunde-ID"].tolist() == ["004711", "004711", "000456"]


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "is empty"),
        (b"  \r\n\n", "is empty"),
        (b"\xef\xbb\xbf", "is empty"),
        (b"id,amount\n", "no data rows"),
        (b"id,amount\n,\n", "no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "does not look like a CSV or Excel file"),
        (bytes(range(256)) * 8, "does not look like a CSV or Excel file"),
        (b"PK\x03\x04garbage that is not a zip", "could not be opened as an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old-style or password-protected"),
        (b"a,b\n1,2\n3,4,5\n", "row 3 has a different number of fields"),
    ],
)
def test_bad_files_raise_one_clear_sentence(data: bytes, fragment: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_table(data, "upload/orders.csv")
    message = str(caught.value)
    assert fragment in message
    assert message.startswith("orders.csv")
    assert caught.value.file == "orders.csv"
    assert "\n" not in message


def test_too_large_names_size_and_limit() -> None:
    data = b"a,b\n" + b"1,2\n" * (50 * 1024 * 1024 // 4)
    with pytest.raises(ReadError, match=r"orders.csv is 50.0 MB; the limit is 20.0 MB"):
        read_table(data, "orders.csv", max_bytes=20 * 1024 * 1024)


def test_ragged_row_error_carries_row() -> None:
    with pytest.raises(ReadError) as caught:
        read_table(b"a;b\n1;2\n3;4\n5;6;7\n", "x.csv")
    assert caught.value.row == 4


# --- converters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("decimal", "text", "expected"),
    [
        (".", "1234.5", 1234.5),
        (".", "1,234.5", 1234.5),
        (".", "-12", -12.0),
        (".", " 7 ", 7.0),
        (".", "1e3", 1000.0),
        (",", "1.234,5", 1234.5),
        (",", "1 234,5", 1234.5),
        (",", "1\u00a0234,50", 1234.5),
        (",", "12,5", 12.5),
        (",", "1.234.567", 1234567.0),
        (",", "\u2212125,00", -125.0),
        (",", "7", 7.0),
    ],
)
def test_to_number_accepts(decimal: str, text: str, expected: float) -> None:
    values, problems = to_number(pd.Series([text]), decimal=decimal, file="f.csv", column="x")
    assert problems == []
    assert values.iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize(
    ("decimal", "text"),
    [
        (".", "abc"),
        (".", "12%"),
        (".", "1,23.4"),
        (".", "nan"),
        (".", "inf"),
        (",", "1.23,4"),
        (",", "1,2,3"),
        (",", "kr. 100"),
        (".", "-"),
    ],
)
def test_to_number_rejects(decimal: str, text: str) -> None:
    values, problems = to_number(
        pd.Series(["1", text]), decimal=decimal, file="orders.csv", column="Beløb"
    )
    assert np.isnan(values.iloc[1])
    assert [(p.row, p.column, p.value) for p in problems] == [(3, "Beløb", text)]


def test_problem_message_format() -> None:
    problem = CellProblem(row=1203, column="Beløb", value="abc", expected="a number", file="o.csv")
    assert problem.message() == "o.csv row 1 203, column Beløb: 'abc' is not a number"
    empty = CellProblem(row=2, column="Kunde-ID", value="", expected="an id", file="o.csv")
    assert empty.message() == "o.csv row 2, column Kunde-ID: the cell is empty; expected an id"


def test_problem_rows_follow_index_labels() -> None:
    series = pd.Series(["1", "x", "2", "y"], index=[0, 1, 5, 9])
    _, problems = to_number(series, decimal=".", file="f", column="c")
    assert [p.row for p in problems] == [3, 11]
    assert problems.total == 2
    assert problems.mask.tolist() == [False, True, False, True]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-22", "2026-11-22 00:00"),
        ("2026-11-22 14:05", "2026-11-22 14:05"),
        ("2026-11-22 14:05:30", "2026-11-22 14:05:30"),
        ("2026-11-22T14:05:00", "2026-11-22 14:05"),
        ("22-11-2026", "2026-11-22"),
        ("22.11.2026", "2026-11-22"),
        ("22/11/2026", "2026-11-22"),
        ("03-04-2026", "2026-04-03"),  # day first: the 3rd of April, never March 4th
        ("03/04/2026", "2026-04-03"),
        ("3-4-2026", "2026-04-03"),
        ("22-11-2026 14:05", "2026-11-22 14:05"),
        ("22.11.2026 14:05:09", "2026-11-22 14:05:09"),
        ("46348", "2026-11-22"),  # Excel serial day number
        ("46348.5", "2026-11-22 12:00"),
    ],
)
def test_to_datetime_layouts(text: str, expected: str) -> None:
    values, problems = to_datetime(pd.Series([text, text]), file="f.csv", column="d")
    assert problems == []
    assert values.iloc[0] == pd.Timestamp(expected)
    assert str(values.dtype) == "datetime64[us]"


def test_to_datetime_mixed_layouts_in_one_column() -> None:
    series = pd.Series(["22-11-2026", "22-11-2026 14:05", "2026-11-23", None, "  "])
    values, problems = to_datetime(series, file="f.csv", column="d")
    assert problems == []
    assert values.tolist()[:3] == [
        pd.Timestamp("2026-11-22"),
        pd.Timestamp("2026-11-22 14:05"),
        pd.Timestamp("2026-11-23"),
    ]
    assert values.isna().tolist() == [False, False, False, True, True]


def test_to_datetime_time_zones_become_utc() -> None:
    series = pd.Series(["2026-07-02T08:10:00Z", "2026-07-02T10:10:00+02:00"])
    values, problems = to_datetime(series, file="f.csv", column="d")
    assert problems == []
    assert values.tolist() == [pd.Timestamp("2026-07-02 08:10")] * 2


@pytest.mark.parametrize(
    "bad",
    ["31-02-2026", "2026-02-31", "29-02-2025", "32-01-2026", "22-13-2026", "soon", "22-11-26"],
)
def test_to_datetime_rejects_impossible_dates(bad: str) -> None:
    series = pd.Series(["22-11-2026", bad, "23-11-2026"])
    values, problems = to_datetime(series, file="tickets.csv", column="Oprettet")
    assert values.isna().tolist() == [False, True, False]
    assert [(p.row, p.value) for p in problems] == [(3, bad)]
    assert "is not a date" in problems[0].message()


def test_to_datetime_month_first_looking_dates_stay_day_first() -> None:
    series = pd.Series(["01-02-2026", "12-01-2026", "13-01-2026"])
    values, problems = to_datetime(series, file="f", column="d")
    assert problems == []
    assert [v.strftime("%Y-%m-%d") for v in values] == ["2026-02-01", "2026-01-12", "2026-01-13"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("FALSE", False),
        ("Yes", True),
        ("no", False),
        ("ja", True),
        ("Nej", False),
        ("1", True),
        ("0", False),
        ("sand", True),
        ("falsk", False),
        ("tRuE", True),
    ],
)
def test_to_bool(text: str, expected: bool) -> None:
    values, problems = to_bool(pd.Series([text, None]), file="f", column="c")
    assert problems == []
    assert values.iloc[0] is np.bool_(expected) or values.iloc[0] == expected
    assert pd.isna(values.iloc[1])


def test_to_bool_rejects_maybe() -> None:
    _, problems = to_bool(pd.Series(["ja", "måske"]), file="c.csv", column="Opsagt")
    assert (
        problems[0].message()
        == "c.csv row 3, column Opsagt: 'måske' is not yes/no (or ja/nej, 1/0)"
    )


def test_to_text_keeps_leading_zeros_and_trims() -> None:
    assert to_text(pd.Series([" 007 ", "", None])).tolist()[0] == "007"
    assert to_text(pd.Series([" 007 ", "", None])).isna().tolist() == [False, True, True]


def test_many_problems_are_counted_not_all_itemised() -> None:
    series = pd.Series(["x"] * 5000)
    _, problems = to_number(series, decimal=".", file="f", column="c")
    assert problems.total == 5000
    assert len(problems) == 1000


# --- every committed export ------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(FILES.iterdir()), ids=lambda p: p.name)
def test_every_committed_file_reads(path: Path) -> None:
    table = read_table(path.read_bytes(), path.name)
    assert table.file == path.name
    assert len(table.frame) >= 2
    assert all(str(dtype) == "str" for dtype in table.frame.dtypes)
