"""Read an uploaded export (bytes, as Streamlit's uploader hands them over) into a table of strings.

Every cell comes back as a string on purpose: whether "007" is an id or a number, or "03-04-2026"
a date, is decided per column by the caller with the converters, which can then name the exact
row and column of a bad cell. This module only has to get the *shape* right: which file format,
which separator, which encoding, which decimal mark — the things real Danish and English exports
disagree about.

`read_table` reads the whole file. `open_table` reads only what it takes to map the columns from
a large CSV (its first rows) and leaves the rest where it lies, for loading to stream in batches:
a ten-million-row export never exists as one table of strings. Excel workbooks take the path in
`xlsx.py`; every path hands back the `Table` of `table.py`.
"""

from __future__ import annotations

import codecs
import math
import os
import re
from dataclasses import replace
from pathlib import Path, PurePath

import pandas as pd
import pyarrow as pa

from loyalty_model.intake import limits
from loyalty_model.intake.csv_stream import (
    COLUMN_SLACK,
    batches,
    csv_error,
    is_encoding_error,
    string_types,
)
from loyalty_model.intake.table import (
    Dialect,
    ReadError,
    Source,
    Table,
    column_names,
    sniff_decimal,
    tidy,
)
from loyalty_model.intake.xlsx import read_xlsx
from loyalty_model.messages import Message, Number

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls, or an encrypted .xlsx
_SNIFF_BYTES = limits.MAX_HEADER_BYTES  # a header must fit in the bytes sniffed
_SEPARATORS = [",", ";", "\t", "|"]
_EXCEL_SEP_HINT = re.compile(r"^sep=([,;\t|])[ \t]*\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BLANK = b" \t\r\n\x00\xef\xbb\xbf"
PREVIEW_BYTES = 256 << 10
"""A CSV larger than this is opened as a preview of its first rows plus a `Source`."""
WHOLE_BLOCK_BYTES = 1 << 20
"""Bytes per batch when a file is read whole (see `_rows`)."""


def read_table(data: bytes, filename: str, *, max_bytes: int = 200 * 1024 * 1024) -> Table:
    """Read CSV or XLSX bytes into a `Table` of string columns, or raise `ReadError`."""
    return _open(data, None, filename, max_bytes, preview=False)


def open_table(
    source: bytes | memoryview | str | os.PathLike[str],
    filename: str | None = None,
    *,
    max_bytes: int | None = None,
) -> Table:
    """Like `read_table`, for bytes or a file path; a large CSV comes back as a preview.

    The preview's frame holds the first rows (the dialect is detected from them) and its
    `source` says where the rest is; `load_kind` then streams the file. Problems further into
    the file (a ragged row, bytes that are not text) are raised by loading, as the same
    `ReadError`. A small CSV or any workbook comes back whole, exactly as `read_table` gives it.

    :raise OSError: when a path cannot be read (the caller names it; it is not an upload).
    """
    if isinstance(source, bytes | memoryview):
        return _open(source, None, filename or "", max_bytes, preview=True)
    path = Path(source)
    return _open(None, path, filename or path.name, max_bytes, preview=True)


def _open(data: bytes | memoryview | None, path: Path | None, filename: str,
          max_bytes: int | None, preview: bool) -> Table:
    file = PurePath(filename).name or filename or Message("read.the_file")
    size = len(data) if data is not None else path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        too_large = Message("read.too_large", file=file, size=_mb(size, over=max_bytes),
                            limit=_mb(max_bytes))
        raise ReadError(too_large, file=file)
    head = bytes(data[:_SNIFF_BYTES]) if data is not None else _head(path)
    if not head[:4096].strip(_BLANK) and _all_blank(data, path):
        raise ReadError(Message("read.empty", file=file), file=file)
    suffix = PurePath(filename).suffix.lower()
    if head.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise ReadError(Message("read.old_excel", file=file), file=file)
    if head.startswith(_ZIP_MAGIC) or suffix in {".xlsx", ".xlsm"}:
        if size > limits.MAX_XLSX_UNPACKED:  # a zip never unpacks to less than it holds
            raise limits.xlsx_too_large(file)
        return read_xlsx(bytes(_whole(data, path)), file)
    source, encoding = _source(data, path, head, size, file)
    return _read_csv(source, encoding, file, preview=preview and size > PREVIEW_BYTES)


def _head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_SNIFF_BYTES)


def _whole(data: bytes | memoryview | None, path: Path | None) -> bytes | memoryview:
    return data if data is not None else path.read_bytes()


def _all_blank(data: bytes | memoryview | None, path: Path | None, chunk: int = 1 << 20
               ) -> bool:
    """Whether the file holds only blanks, read a megabyte at a time (it may be gigabytes)."""
    if data is not None:
        return all(not bytes(data[at : at + chunk]).strip(_BLANK)
                   for at in range(0, len(data), chunk))
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            if block.strip(_BLANK):
                return False
    return True


def _mb(n: int, over: int | None = None) -> Number:
    """Megabytes to one decimal; a size just past `over` rounds up, never to the limit itself
    ("10.1 MB; the limit is 10.0 MB", not "10.0 MB; the limit is 10.0 MB")."""
    mb = n / (1024 * 1024)
    if over is not None and n > over:
        mb = max(mb, math.floor(over / (1024 * 1024) * 10 + 1) / 10)
    return Number(mb, ".1f")


# --- CSV -------------------------------------------------------------------------------------


def _source(data: bytes | memoryview | None, path: Path | None, head: bytes, size: int,
            file: str) -> tuple[Source, str]:
    """Where pyarrow reads the file from and in which encoding, plus the encoding to report.

    UTF-8 (after its BOM, if any) and cp1252 (transcoded while reading) are read where they
    lie; UTF-16, which only some Windows tools write, is converted once in memory.
    """
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = bytes(_whole(data, path)).decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise _not_a_table(file) from None
        return Source(None, text, len(text)), "utf-16"
    if head.startswith(codecs.BOM_UTF8):
        return Source(path, data, size, offset=len(codecs.BOM_UTF8)), "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) == size)
        return Source(path, data, size), "utf-8"
    except UnicodeDecodeError:
        pass
    return Source(path, data, size, encoding="cp1252"), "cp1252"


def _read_csv(source: Source, encoding: str, file: str, *, preview: bool) -> Table:
    """Detect the separator from a sample, then let pyarrow parse the file (or its start)."""
    head = bytes(open_head(source))
    sample = _decode_sample(head, source.encoding, file)
    _reject_binary(sample, file)
    header_row = 1
    hint = _EXCEL_SEP_HINT.match(sample)
    if hint:
        # Excel's "sep=;" first line names the separator; the header is on the next line.
        separator, header_row = hint.group(1), 2
        sample = sample[hint.end() :].lstrip("\n")
    else:
        separator = _sniff_separator(sample)
    header_fields = _check_header(sample, separator, len(head) < source.size - source.offset,
                                  file)
    source = replace(source, skip_lines=header_row - 1, n_fields=header_fields)
    try:
        rows = _rows(source, separator, preview, file)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if source.encoding == "utf-8" and is_encoding_error(exc):
            # The sample was valid UTF-8 but a later byte is not: a cp1252 file after all.
            return _read_csv(replace(source, encoding="cp1252"), "cp1252", file, preview=preview)
        raise csv_error(source, separator, file, exc) from None
    frame, positions = _frame_from_rows(rows, file)
    decimal = sniff_decimal(frame, separator)
    dialect = Dialect("csv", separator, decimal, encoding)
    kept = replace(source, positions=positions, n_fields=rows.num_columns,
                   rows_hint=_rows_hint(source.size, rows.num_rows)) if preview else None
    return Table(frame, dialect, file, header_row=header_row, source=kept)


def _check_header(sample: str, separator: str, more: bool, file: str) -> int:
    """The header's number of fields, once it is known to be a header a person could write.

    Checked before pyarrow sees the file: a header of a million separators made it build a
    million columns (15 s and 7 GB for a 1 MB file).
    """
    line, newline, _ = sample.partition("\n")
    fields = re.sub(r'"[^"]*"', "", line).count(separator) + 1
    if fields > limits.MAX_COLUMNS:
        raise limits.too_many_columns(file)
    if not newline and more:  # the first line runs past the sniffed bytes
        raise limits.header_too_long(file)
    return line.count(separator) + 1


def _rows(source: Source, separator: str, preview: bool, file: str) -> pa.Table:
    """The header and the data rows as strings: all of them, or the first block's."""
    types = string_types(source.n_fields + COLUMN_SLACK)
    found = []
    # A whole read goes a megabyte at a time, so the cell count below stops it early: an 8 MB
    # block of empty rows was 13 million cells, 300 MB, before anything could be counted.
    block = PREVIEW_BYTES if preview else WHOLE_BLOCK_BYTES
    cells = 0
    for batch in batches(source, separator, types, header=True, only=False, block_size=block,
                         file=file):
        cells += batch.num_rows * batch.num_columns
        if cells > limits.MAX_TABLE_CELLS:  # held whole as strings: not without a bound
            raise limits.too_many_rows(file, limits.MAX_TABLE_CELLS // batch.num_columns)
        found.append(batch)
        if preview and batch.num_rows > 1:
            break
    if not found:
        return pa.table({})
    return pa.Table.from_batches(found)


def _rows_hint(size: int, preview_rows: int) -> int:
    """Rows the file may hold, judged by the preview's rows per byte, with room to spare."""
    return int(size / PREVIEW_BYTES * max(preview_rows, 1) * 1.25) + 1024


def open_head(source: Source) -> bytes | memoryview:
    """The first bytes of the source after its BOM, as the sniffers see them."""
    if source.data is not None:
        return source.data[source.offset : source.offset + _SNIFF_BYTES]
    return _head(source.path)[source.offset :]


def _not_a_table(file: str) -> ReadError:
    return ReadError(Message("read.not_a_table", file=file), file=file)


def _decode_sample(head: bytes, encoding: str, file: str) -> str:
    if encoding == "utf-8":
        text = head.decode("utf-8", errors="ignore")
    else:
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError:
            # Bytes undefined in cp1252 never occur in real Windows text: not a text file.
            raise _not_a_table(file) from None
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\n")


def _reject_binary(sample: str, file: str) -> None:
    """Refuse images, PDFs and the like before pyarrow turns them into one odd column."""
    control = len(_CONTROL.findall(sample))
    if "\x00" in sample or control > max(2, len(sample) // 200):
        raise _not_a_table(file)


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


def _frame_from_rows(table: pa.Table, file: str) -> tuple[pd.DataFrame, tuple[int, ...]]:
    """Use the first parsed row as the header and the rest as string data.

    Also returns each kept column's position in the file (tidying drops empty unnamed ones).
    """
    if table.num_rows == 0:
        raise ReadError(Message("read.empty", file=file), file=file)
    header = [table.column(i)[0].as_py() for i in range(table.num_columns)]
    names = column_names(header)
    frame = string_frame(table.slice(1), names)
    frame = tidy(frame)
    if frame.empty:
        raise ReadError(Message("read.header_only", file=file), file=file)
    kept = set(frame.columns)
    return frame, tuple(i for i, name in enumerate(names) if name in kept)


def string_frame(table: pa.Table | pa.RecordBatch, names: list[str]) -> pd.DataFrame:
    """pyarrow strings as pandas str columns (pyarrow-backed, so without a copy)."""
    return table.rename_columns(names).to_pandas(types_mapper=_as_str)


def _as_str(arrow_type: pa.DataType) -> pd.api.extensions.ExtensionDtype | None:
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow", na_value=float("nan"))
    return None
