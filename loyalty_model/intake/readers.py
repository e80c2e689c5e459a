"""Read an uploaded export (bytes, as Streamlit's uploader hands them over) into a table of strings.

Every cell comes back as a string on purpose: whether "007" is an id or a number, or "03-04-2026"
a date, is decided per column by the caller with the converters, which can then name the exact
row and column of a bad cell. This module only has to get the *shape* right: which file format,
which separator, which encoding, which decimal mark — the things real Danish and English exports
disagree about.

Excel workbooks take the path in `xlsx.py`; both paths hand back the `Table` of `table.py`.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from pathlib import PurePath

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from loyalty_model.intake.table import (
    Dialect,
    ReadError,
    Table,
    column_names,
    sniff_decimal,
    tidy,
)
from loyalty_model.intake.xlsx import read_xlsx
from loyalty_model.messages import Message, Number

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted .xlsx
_SNIFF_BYTES = 64 * 1024
_SEPARATORS = [",", ";", "\t", "|"]
_COLUMN_SLACK = 64
_EXCEL_SEP_HINT = re.compile(r"^sep=([,;\t|])[ \t]*\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BLANK = b" \t\r\n\x00\xef\xbb\xbf"


def read_table(data: bytes, filename: str, *, max_bytes: int = 200 * 1024 * 1024) -> Table:
    """Read CSV or XLSX bytes into a `Table` of string columns, or raise `ReadError`."""
    file = PurePath(filename).name or filename or Message("read.the_file")
    if len(data) > max_bytes:
        too_large = Message("read.too_large", file=file, size=_mb(len(data)), limit=_mb(max_bytes))
        raise ReadError(too_large, file=file)
    if not data[:4096].strip(_BLANK) and not data.strip(_BLANK):
        raise ReadError(Message("read.empty", file=file), file=file)
    suffix = PurePath(filename).suffix.lower()
    if data.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise ReadError(Message("read.old_excel", file=file), file=file)
    if data.startswith(_ZIP_MAGIC) or suffix in {".xlsx", ".xlsm"}:
        return read_xlsx(data, file)
    return _read_csv(data, file)


def _mb(n: int) -> Number:
    return Number(n / (1024 * 1024), ".1f")


# --- CSV -------------------------------------------------------------------------------------


def _read_csv(data: bytes, file: str, encoding: str | None = None) -> Table:
    """Detect encoding and separator from a sample, then let pyarrow parse the whole file."""
    if encoding is None:
        data, encoding = _to_utf8(data, file)
    sample = _decode_sample(data)
    _reject_binary(sample, file)
    header_row = 1
    hint = _EXCEL_SEP_HINT.match(sample)
    if hint:
        # Excel's "sep=;" first line names the separator; the header is on the next line.
        separator, header_row = hint.group(1), 2
        data = data[data.index(b"\n") + 1 :]
        sample = sample[hint.end() :].lstrip("\n")
    else:
        separator = _sniff_separator(sample)
    header_fields = sample.split("\n", 1)[0].count(separator) + 1
    try:
        table = _pyarrow_csv(data, separator, header_fields + _COLUMN_SLACK)
    except pa.ArrowInvalid as exc:
        if encoding in ("utf-8", "utf-8-sig") and not _is_utf8(data):
            # The sample was valid UTF-8 but a later byte is not: a cp1252 file after all.
            return _read_csv(_from_cp1252(data, file), file, "cp1252")
        raise _csv_error(data, separator, header_fields, file, exc) from None
    frame = _frame_from_rows(table, file)
    decimal = sniff_decimal(frame, separator)
    return Table(frame, Dialect("csv", separator, decimal, encoding), file, header_row=header_row)


def _to_utf8(data: bytes, file: str) -> tuple[bytes, str]:
    """Return UTF-8 bytes without a BOM, and the encoding the file was actually in."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :], "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            raise _not_a_table(file) from None
    head = data[:_SNIFF_BYTES]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) == len(data))
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    return _from_cp1252(data, file), "cp1252"


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _from_cp1252(data: bytes, file: str) -> bytes:
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        # Bytes undefined in cp1252 never occur in real Windows text: this is not a text file.
        raise _not_a_table(file) from None


def _decode_sample(data: bytes) -> str:
    text = data[:_SNIFF_BYTES].decode("utf-8", errors="ignore")
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\n")


def _reject_binary(sample: str, file: str) -> None:
    """Refuse images, PDFs and the like before pyarrow turns them into one odd column."""
    control = len(_CONTROL.findall(sample))
    if "\x00" in sample or control > max(2, len(sample) // 200):
        raise _not_a_table(file)


def _not_a_table(file: str) -> ReadError:
    return ReadError(Message("read.not_a_table", file=file), file=file)


def _sniff_separator(sample: str) -> str:
    """Pick the candidate that splits the header and the following lines consistently."""
    lines = [re.sub(r'"[^"]*"', "", line) for line in sample.split("\n")[:50] if line.strip()]
    if len(lines) > 1 and not sample.endswith("\n"):
        lines = lines[:-1]  # the sample may have cut the last line short
    best, best_key = ",", (0.0, 0)
    for sep in _SEPARATORS:
        header = lines[0].count(sep) if lines else 0
        if header == 0:
            continue
        rest = lines[1:] or lines
        consistency = sum(line.count(sep) == header for line in rest) / len(rest)
        key = (round(consistency, 1), header)
        if key > best_key:
            best, best_key = sep, key
    return best


def _pyarrow_csv(data: bytes, separator: str, n_columns: int) -> pa.Table:
    """Parse with pyarrow, every column as string and the header as the first row.

    Reading the header as data (autogenerated names) lets us force *every* column to string
    without knowing the names first, so ids like "007" never pass through a number type.
    """
    return pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(autogenerate_column_names=True, block_size=8 << 20),
        # Line breaks inside values need quotes; without any quote the faster chunking is safe.
        parse_options=pacsv.ParseOptions(delimiter=separator, newlines_in_values=b'"' in data),
        convert_options=pacsv.ConvertOptions(
            # large_string is what pandas' str dtype stores, so to_pandas needs no copy.
            column_types={f"f{i}": pa.large_string() for i in range(n_columns)},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


def _csv_error(data: bytes, separator: str, n_columns: int, file: str, exc: Exception) -> ReadError:
    """Turn a pyarrow parse error into a sentence naming the offending row."""
    bad_rows: list[int] = []

    def remember(row: pacsv.InvalidRow) -> str:
        bad_rows.append(row.number if row.number is not None else -1)
        return "error"

    with contextlib.suppress(pa.ArrowInvalid):
        pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(autogenerate_column_names=True, use_threads=False),
            parse_options=pacsv.ParseOptions(
                delimiter=separator, newlines_in_values=True, invalid_row_handler=remember
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(n_columns + _COLUMN_SLACK)}
            ),
        )
    if bad_rows and bad_rows[0] > 0:
        row = Number(bad_rows[0], en_group="")
        message = Message("read.field_count", file=file, row=row, separator=_show(separator))
        return ReadError(message, file=file, row=bad_rows[0])
    # pyarrow's own wording is English in every language; it is a clue, not a sentence.
    return ReadError(Message("read.not_csv", file=file, reason=_first_line(exc)), file=file)


def _show(separator: str) -> str:
    return Message("read.tab") if separator == "\t" else separator


def _first_line(exc: Exception) -> str:
    return str(exc).strip().split("\n", 1)[0].rstrip(".")[:200]


def _frame_from_rows(table: pa.Table, file: str) -> pd.DataFrame:
    """Use the first parsed row as the header and the rest as string data."""
    if table.num_rows == 0:
        raise ReadError(Message("read.empty", file=file), file=file)
    header = [table.column(i)[0].as_py() for i in range(table.num_columns)]
    body = table.slice(1).rename_columns(column_names(header))
    frame = body.to_pandas(types_mapper=_as_str, self_destruct=True)
    frame = tidy(frame)
    if frame.empty:
        raise ReadError(Message("read.header_only", file=file), file=file)
    return frame


def _as_str(arrow_type: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=float("nan"))
    return None
