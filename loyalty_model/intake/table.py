"""What reading a file produces, shared by the CSV and the XLSX path.

The two paths live in their own modules but must hand back the same thing, tidied by the same
rules, so that a report saved as CSV or as XLSX loads identically. Keeping the result types and
that tidying here lets both paths use them without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from loyalty_model.messages import localized


class ReadError(ValueError):
    """A file the user uploaded cannot be read; the message is shown to them as it is.

    `str(error)` is English, for logs and the English CLI; `localized(lang)` is for the user.
    """

    def __init__(
        self, message: str, *, file: str, row: int | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column

    def localized(self, lang: str = "en") -> str:
        """The message in `lang`; a plain-string message (not a `Message`) stays as it is."""
        return localized(self.message, lang)


@dataclass(frozen=True)
class Dialect:
    """How a file was written, so the UI can show it and converters can honour it."""

    format: str  # "csv" or "xlsx"
    separator: str | None
    decimal: str  # "." or ","
    encoding: str | None


@dataclass(frozen=True)
class Source:
    """Where a CSV file's bytes are, so its rows can be read again in batches.

    A large export is never held as one table of strings: `open_table` reads a preview, and
    loading streams the file from here. `data` is the upload as Streamlit hands it over (read in
    place, never copied); `path` a file on disk (see `csv_stream.open_stream` for how).
    """

    path: Path | None
    data: bytes | memoryview | None = field(default=None, repr=False, compare=False)
    size: int = 0
    encoding: str = "utf-8"
    """What pyarrow decodes: "utf-8" or "cp1252" (transcoded on the fly)."""
    offset: int = 0
    """Bytes to skip first: a UTF-8 BOM."""
    skip_lines: int = 0
    """Lines before the header: Excel's "sep=;" hint."""
    positions: tuple[int, ...] = ()
    """The file's column number of each column in the table, in order (tidying may drop some)."""
    n_fields: int = 0
    """Fields in the header line: more in a row is a ragged file."""
    rows_hint: int = 0
    """A generous estimate of the data rows, from the preview: loading sizes arrays by it."""


@dataclass(frozen=True)
class Table:
    """A file's cells as strings, plus what was detected about how it was written.

    With a `source`, `frame` holds only the first rows (enough to map columns and detect the
    dialect) and loading reads the whole file from the source in batches.
    """

    frame: pd.DataFrame
    dialect: Dialect
    file: str
    header_row: int = 1
    """Spreadsheet row of the header; data row i (0-based) is spreadsheet row header_row+1+i."""
    source: Source | None = None

    @property
    def first_row(self) -> int:
        """Spreadsheet row number of the first data row, for messages about cells."""
        return self.header_row + 1


# --- tidying both paths share ----------------------------------------------------------------


def column_names(header: list[str | None]) -> list[str]:
    """Stripped, unique, non-empty names; blanks become "column 3" so users can find them."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header):
        name = str(raw).replace("\ufeff", "").strip() if raw is not None else ""
        name = name or f"column {i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    return names


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop unnamed all-empty columns (trailing separators) and rows with no value at all."""
    unnamed_empty = [c for c in frame.columns if c.startswith("column ") and frame[c].isna().all()]
    if unnamed_empty:
        frame = frame.drop(columns=unnamed_empty)
    if frame.shape[1] == 0:
        return frame
    return drop_empty_rows(frame)


def drop_empty_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows with no value at all are spacing, not data; their labels stay with the others."""
    all_empty = frame.isna().all(axis=1)
    if all_empty.any():
        frame = frame.loc[~all_empty]
    return frame


_COMMA_DECIMAL = re.compile(r"^[+-]?\d{1,3}(\.\d{3})*,\d+$|^[+-]?\d+,(\d{1,2}|\d{4,})$")
_POINT_DECIMAL = re.compile(r"^[+-]?\d{1,3}(,\d{3})*\.\d+$|^[+-]?\d+\.(\d{1,2}|\d{4,})$")


def sniff_decimal(frame: pd.DataFrame, separator: str | None) -> str:
    """Count cells that can only be read one way; "1.234" and "1,234" are left out as ambiguous.

    Semicolon files with no evidence either way get a decimal comma: that is what Danish
    Excel writes when it uses a semicolon.
    """
    comma = point = 0
    for column in frame.columns:
        for value in frame[column].head(500).dropna():
            comma += bool(_COMMA_DECIMAL.match(value))
            point += bool(_POINT_DECIMAL.match(value))
    if comma > point:
        return ","
    if point > comma:
        return "."
    return "," if separator == ";" else "."
