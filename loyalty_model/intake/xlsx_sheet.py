"""Read a workbook's sheet and shared strings as a stream of XML events, within the limits.

openpyxl's read-only sheets trust the workbook: the dimension "A1:XFD1048576" made them pad
every row to 16,384 cells and yield a million empty rows, a sheet without a dimension was parsed
twice, a row was built whole before anyone could count its cells, and the shared strings were
read whole before anything was checked. Here lxml calls back for each tag and no tree is built
at all: every element is counted as it starts, a cell beyond column 500, a cell past the limit
or nesting no sheet has stops the read at once, and only filled rows are kept (with their row
numbers, so messages still name the spreadsheet's rows). Values are decoded as openpyxl would
(shared strings, numbers, dates by the cell's number format, booleans, inline text).
"""

from __future__ import annotations

import io
from typing import IO

from lxml import etree
from openpyxl.utils.cell import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHEET_MAIN_NS

from loyalty_model.intake import limits

_NS = f"{{{SHEET_MAIN_NS}}}"
_ROW, _CELL, _VALUE, _TEXT = f"{_NS}row", f"{_NS}c", f"{_NS}v", f"{_NS}t"
_STRING, _PHONETIC = f"{_NS}si", f"{_NS}rPh"
EXCEL_ROWS = 1_048_576
"""Rows an Excel sheet can have: a row number past it is a damaged or forged file."""
CHUNK = 1 << 16


class Damaged(Exception):
    """The XML is not what Excel writes (a row out of order, a cell reference that is none)."""


class Counted(io.RawIOBase):
    """A zip member's stream that refuses to give more than `limit` bytes in all.

    The zip's declared sizes are checked before reading, but a forged header can understate
    them; counting what is actually read holds whatever the header says.
    """

    def __init__(self, raw: IO[bytes], limit: int, file: str) -> None:
        super().__init__()
        self.raw, self.left, self.file = raw, limit, file

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(CHUNK if size is None or size < 0 else min(size, CHUNK))
        self.left -= len(data)
        if self.left < 0:
            raise limits.xlsx_too_large(self.file)
        return data


class Budget:
    """What is left for the whole workbook: cells (and shared strings), and XML elements."""

    def __init__(self) -> None:
        self.cells = limits.MAX_XLSX_CELLS
        self.elements = limits.MAX_XLSX_ELEMENTS


class _Events:
    """The parts of a target both parsers share: depth, the element budget, cell text."""

    def __init__(self, file: str, budget: Budget) -> None:
        self.file, self.budget = file, budget
        self.depth = 0
        self.phonetic = 0  # inside <rPh>: a reading aid, not the cell's text
        self.collect: list[str] | None = None  # the text of the cell (or string) being read
        self.taking = False  # inside its <v> or <t>: a formula's <f> is not its value
        self.size = 0

    def enter(self) -> None:
        self.depth += 1
        self.budget.elements -= 1
        if self.depth > limits.MAX_XML_DEPTH:
            raise Damaged("nesting")
        if self.budget.elements < 0:
            raise limits.xlsx_too_many_cells(self.file)

    def data(self, text: str) -> None:
        if self.taking and self.collect is not None and not self.phonetic:
            self.size += len(text)
            if self.size > limits.MAX_CELL_CHARS:
                raise limits.cell_too_long(self.file)
            self.collect.append(text)

    def close(self) -> None:
        return None


class _Strings(_Events):
    """sharedStrings.xml: the text of each <si>, in order."""

    def __init__(self, file: str, budget: Budget) -> None:
        super().__init__(file, budget)
        self.strings: list[str] = []

    def start(self, tag: str, attrib: dict) -> None:
        self.enter()
        if tag == _STRING:
            self.budget.cells -= 1
            if self.budget.cells < 0:
                raise limits.xlsx_too_many_cells(self.file)
            self.collect, self.size = [], 0
        elif tag == _TEXT:
            self.taking = True
        elif tag == _PHONETIC:
            self.phonetic += 1

    def end(self, tag: str) -> None:
        self.depth -= 1
        if tag == _STRING:
            self.strings.append("".join(self.collect or ()))
            self.collect = None
        elif tag == _TEXT:
            self.taking = False
        elif tag == _PHONETIC:
            self.phonetic -= 1


class _Sheet(_Events):
    """A worksheet: (row number, {column: cell text}) for each row with a filled cell."""

    def __init__(self, file: str, budget: Budget, workbook: object, strings: list[str],
                 text: object) -> None:
        super().__init__(file, budget)
        self.workbook, self.strings, self.text = workbook, strings, text
        self.rows: list[tuple[int, dict[int, str]]] = []
        self.cells: dict[int, str] = {}
        self.row = self.column = 0
        self.cell: tuple[str, str | None] = ("n", None)
        self.value: str | None = None

    def start(self, tag: str, attrib: dict) -> None:
        self.enter()
        if tag == _CELL:
            self.budget.cells -= 1
            if self.budget.cells < 0:
                raise limits.xlsx_too_many_cells(self.file)
            ref = attrib.get("r")
            self.column = _column(ref) if ref else self.column + 1
            if self.column > limits.MAX_COLUMNS:
                raise limits.too_many_columns(self.file)
            self.cell, self.value = (attrib.get("t", "n"), attrib.get("s")), None
            self.collect, self.size = [], 0
        elif tag == _ROW:
            self._end_row()
            self.row = _row_number(attrib.get("r"), self.row)
            self.column = 0
        elif tag in (_VALUE, _TEXT):
            self.taking = True
        elif tag == _PHONETIC:
            self.phonetic += 1

    def end(self, tag: str) -> None:
        self.depth -= 1
        if tag == _CELL:
            value = self.text(self._decode("".join(self.collect or ())))
            self.collect = None
            if value is not None:
                if len(value) > limits.MAX_CELL_CHARS:
                    raise limits.cell_too_long(self.file)
                self.cells[self.column] = value
        elif tag in (_VALUE, _TEXT):
            self.taking = False
        elif tag == _PHONETIC:
            self.phonetic -= 1

    def close(self) -> None:
        self._end_row()

    def _end_row(self) -> None:
        if self.cells:
            self.rows.append((self.row, self.cells))
            self.cells = {}

    def _decode(self, raw: str) -> object:
        """The cell's value as openpyxl's reader (data only) gives it."""
        kind, style = self.cell
        if kind == "inlineStr":
            return raw
        if raw == "":
            return None
        if kind == "s":
            return self.strings[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind == "d":
            return from_ISO8601(raw)
        if kind != "n":  # "str" (a formula's text), "e" (an error such as #N/A)
            return raw
        number = float(raw) if "." in raw or "e" in raw or "E" in raw else int(raw)
        style_id = int(style or 0)
        if style_id in self.workbook._date_formats:  # noqa: SLF001 - openpyxl is pinned
            try:
                return from_excel(number, self.workbook.epoch,
                                  timedelta=style_id in self.workbook._timedelta_formats)  # noqa: SLF001
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number


def _feed(target: _Events, source: IO[bytes]) -> None:
    parser = etree.XMLParser(target=target, resolve_entities=False, no_network=True,
                             load_dtd=False, huge_tree=False)
    while chunk := source.read(CHUNK):
        parser.feed(chunk)
    parser.close()


def read_strings(source: IO[bytes], file: str, budget: Budget) -> list[str]:
    """The workbook's shared strings, each counted against the cell budget."""
    target = _Strings(file, budget)
    _feed(target, source)
    return target.strings


def read_sheet(source: IO[bytes], file: str, budget: Budget, workbook: object,
               strings: list[str], text: object) -> list[tuple[int, dict[int, str]]]:
    """(row number, {column number: cell text}) for every row with a filled cell, in order.

    `text` turns a cell's value into the string a CSV export would hold (or None).

    :raise ReadError: past a limit. :raise Damaged: on XML no worksheet has.
    """
    target = _Sheet(file, budget, workbook, strings, text)
    _feed(target, source)
    return target.rows


def _column(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    if not letters or len(letters) > 3:
        raise Damaged("cell reference")
    return column_index_from_string(letters)


def _row_number(attribute: str | None, previous: int) -> int:
    if attribute is None:
        number = previous + 1
    else:
        try:
            number = int(float(attribute))
        except ValueError:
            raise Damaged("row number") from None
    if not previous < number <= EXCEL_ROWS:  # rows come in order, within the sheet
        raise Damaged("row number")
    return number
