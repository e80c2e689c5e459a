"""Read an Excel workbook into the same table of strings a CSV export of it would give.

Cells are written back out as text the way a CSV export writes them (whole numbers without
".0", dates as ISO), so a report saved either way goes through the same converters and loads
to the same numbers and dates. openpyxl is imported only when an Excel file arrives: those are
the rarer uploads.
"""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

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
    import openpyxl  # imported late: only needed for the rarer Excel uploads

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, zlib, XML and openpyxl each raise their own errors
        raise ReadError(Message("read.xlsx_unopenable", file=file), file=file) from exc
    try:
        for sheet in workbook.worksheets:
            rows = _sheet_rows(sheet)
            if rows is not None:
                header_row, header, body = rows
                break
        else:
            raise ReadError(Message("read.empty", file=file), file=file)
    except ReadError:
        raise
    except Exception as exc:  # openpyxl raises many types on malformed sheet XML
        raise ReadError(Message("read.xlsx_damaged", file=file), file=file) from exc
    finally:
        workbook.close()
    names = column_names(header)
    frame = (
        pd.DataFrame(body, columns=names, dtype="str")
        if body
        else pd.DataFrame(columns=names, dtype="str")
    )
    frame = tidy(frame)
    if frame.empty:
        raise ReadError(Message("read.header_only", file=file), file=file)
    decimal = sniff_decimal(frame, None)
    return Table(frame, Dialect("xlsx", None, decimal, None), file, header_row=header_row)


def _sheet_rows(sheet: object) -> tuple[int, list[str | None], list[list[str | None]]] | None:
    """Return (header row number, header cells, data rows) of a sheet, or None when empty.

    Reports often start with a title row or two; the header is the first of the opening rows
    with the most filled cells.
    """
    rows: list[tuple[int, list[str | None]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):  # type: ignore[attr-defined]
        rows.append((number, [_cell_text(v) for v in values]))
    filled = [(n, cells) for n, cells in rows if any(c is not None for c in cells)]
    if not filled:
        return None
    opening = filled[:_HEADER_SEARCH_ROWS]
    widest = max(_count(cells) for _, cells in opening)
    header_row, header = next((n, c) for n, c in opening if _count(c) == widest)
    body = [cells for n, cells in rows if n > header_row]
    while body and all(c is None for c in body[-1]):
        body.pop()
    while header and header[-1] is None:
        header = header[:-1]
    width = len(header)
    body = [(row + [None] * width)[:width] for row in body]
    return header_row, header, body


def _count(cells: list[str | None]) -> int:
    return sum(c is not None for c in cells)


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
