"""Read an Excel workbook into the same table of strings a CSV export of it would give.

Cells are written back out as text the way a CSV export writes them (whole numbers without
".0", dates as ISO), so a report saved either way goes through the same converters and loads
to the same numbers and dates. openpyxl is imported only when an Excel file arrives: those are
the rarer uploads.

A workbook is a zip of XML, and both can lie: a few kB that unpack to gigabytes, a sheet that
claims a million rows of 16,384 columns. So the zip's declared sizes are checked before anything
is unpacked, openpyxl reads only the small parts (workbook, styles, shared strings), and the
sheets are streamed by `xlsx_sheet` within the limits of `limits`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pandas as pd

from loyalty_model.intake import limits
from loyalty_model.intake.table import (
    Dialect,
    ReadError,
    Table,
    column_names,
    sniff_decimal,
    tidy,
)
from loyalty_model.messages import Message

_HEADER_SEARCH_ROWS = 10


def read_xlsx(data: bytes, file: str) -> Table:
    """Read the first non-empty worksheet; cell values become strings like a CSV would have."""
    try:
        reader = _open_workbook(data, file)
    except ReadError:
        raise
    except Exception as exc:  # zipfile, zlib, XML and openpyxl each raise their own errors
        raise ReadError(Message("read.xlsx_unopenable", file=file), file=file) from exc
    try:
        for path in _sheet_paths(reader):
            rows = _sheet_rows(reader, path, file)
            if rows is not None:
                header_row, header, body, labels = rows
                break
        else:
            raise ReadError(Message("read.empty", file=file), file=file)
    except ReadError:
        raise
    except Exception as exc:  # lxml, openpyxl and xlsx_sheet.Damaged: XML no sheet has
        raise ReadError(Message("read.xlsx_damaged", file=file), file=file) from exc
    finally:
        reader.archive.close()
    names = column_names(header)
    index = pd.Index(labels, dtype="int64")
    frame = (
        pd.DataFrame(body, columns=names, index=index, dtype="str")
        if body
        else pd.DataFrame(columns=names, dtype="str")
    )
    frame = tidy(frame)
    if frame.empty:
        raise ReadError(Message("read.header_only", file=file), file=file)
    decimal = sniff_decimal(frame, None)
    return Table(frame, Dialect("xlsx", None, decimal, None), file, header_row=header_row)


def _open_workbook(data: bytes, file: str) -> object:
    """openpyxl's reader with the workbook's small parts read, once the zip is known to fit.

    `load_workbook` would also open every sheet to measure it (parsing a sheet without a
    dimension twice), so the steps it takes are called here, sheets left out.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.xml.constants import SHARED_STRINGS

    from loyalty_model.intake.xlsx_sheet import Budget, Counted, read_strings

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
    if len(parts) > limits.MAX_XLSX_PARTS or \
            sum(part.file_size for part in parts) > limits.MAX_XLSX_UNPACKED:
        raise limits.xlsx_too_large(file)
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
    reader.budget = Budget()
    try:
        reader.read_manifest()
        strings = reader.package.find(SHARED_STRINGS)
        if strings is not None:  # what openpyxl's read_strings does, within the limits
            with reader.archive.open(strings.PartName[1:]) as raw:
                reader.shared_strings = read_strings(
                    Counted(raw, limits.MAX_XLSX_UNPACKED, file), file, reader.budget)
        reader.read_workbook()
        apply_stylesheet(reader.archive, reader.wb)
    except BaseException:
        reader.archive.close()
        raise
    return reader


def _sheet_paths(reader: object) -> list[str]:
    """The worksheets' parts in the workbook's order (chart sheets hold no cells)."""
    return [rel.target for _, rel in reader.parser.find_sheets()
            if rel.target in reader.valid_files and "chartsheet" not in rel.Type]


def _sheet_rows(reader: object, path: str, file: str
                ) -> tuple[int, list[str | None], list[list[str | None]], list[int]] | None:
    """(header row number, header cells, data rows, their frame labels) of a sheet, or None
    when it is empty.

    Reports often start with a title row or two; the header is the first of the opening rows
    with the most filled cells. A data row's label is its distance below the header, so
    `Table.first_row` plus the label is its spreadsheet row, gaps included.
    """
    from loyalty_model.intake.xlsx_sheet import Counted, read_sheet

    with reader.archive.open(path) as raw:
        source = Counted(raw, limits.MAX_XLSX_UNPACKED, file)
        rows = read_sheet(source, file, reader.budget, reader.wb, reader.shared_strings,
                          _cell_text)
    if not rows:
        return None
    opening = rows[:_HEADER_SEARCH_ROWS]
    widest = max(len(cells) for _, cells in opening)
    header_row, header_cells = next((n, c) for n, c in opening if len(c) == widest)
    width = max(header_cells)
    header = [header_cells.get(column) for column in range(1, width + 1)]
    body = [[cells.get(column) for column in range(1, width + 1)]
            for n, cells in rows if n > header_row]
    labels = [n - header_row - 1 for n, _ in rows if n > header_row]
    return header_row, header, body, labels


def _cell_text(value: object) -> str | None:
    """Write a cell the way a CSV export would, so both formats convert identically."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    text = str(value).strip()
    return text or None
