"""How big an upload may be in each direction, checked before the work that size would cost.

A header of a million separators, an XLSX "zip bomb" or a workbook claiming to span A1:XFD1048576
each took more than 30 s and 4 GB before these limits; on a hosted server one such file stalls
every workshop. Real exports are long (ten million rows stream fine, see `csv_stream`), but
never wide, and no CRM field is a book: so columns and cells are capped tightly, rows loosely,
and a workbook by what it unpacks to, since its cells are read one Python object at a time.
README "Limits" states them for users; each refusal is one sentence saying what to do.
"""

from __future__ import annotations

from loyalty_model.intake.table import ReadError
from loyalty_model.messages import Message, Number

MAX_COLUMNS = 500
"""Columns in a file; real exports have tens."""
MAX_CELL_CHARS = 10_000
"""Characters in one cell; a longer one is an unclosed quote or not a CRM export."""
MAX_HEADER_BYTES = 64 << 10
"""Bytes of a CSV's first line (the header): 500 columns of 130 characters each."""
MAX_ROWS = 20_000_000
"""Data rows of a streamed CSV: twice the largest export the KPI engine is measured on."""
MAX_TABLE_CELLS = 10_000_000
"""Cells of a file read whole, as strings (uploads below the streaming size, KPI and ratings
files): 5 million empty rows in a 20 MB file took 400 MB as strings. A real export that small
has a tenth of that; larger ones are streamed, see `readers.open_table`."""
MAX_XLSX_UNPACKED = 100 << 20
"""Bytes a workbook may unpack to, as declared by the zip and as counted while reading."""
MAX_XLSX_PARTS = 1_000
"""Files inside a workbook; Excel writes about ten."""
MAX_XLSX_CELLS = 500_000
"""Cells (<c> elements, and shared strings) in a workbook: about 35,000 rows of 15 columns,
read in about 2 s. A workbook's cells are decoded one by one in Python; CSV has no such cost."""
MAX_XLSX_ELEMENTS = 5_000_000
"""XML elements in the sheets read (cells, rows, their values, anything else)."""
MAX_XML_DEPTH = 16
"""Nesting of a worksheet's XML; a real sheet has six levels."""
MAX_KPI_ROWS = 100_000
"""Rows of a summary KPI file; a year of monthly KPIs is a few hundred."""


def too_many_columns(file: str) -> ReadError:
    return ReadError(Message("read.too_many_columns", file=file, limit=Number(MAX_COLUMNS)),
                     file=file)


def header_too_long(file: str) -> ReadError:
    limit = Number(MAX_HEADER_BYTES >> 10)
    return ReadError(Message("read.header_too_long", file=file, limit=limit), file=file)


def cell_too_long(file: str) -> ReadError:
    limit = Number(MAX_CELL_CHARS)
    return ReadError(Message("read.cell_too_long", file=file, limit=limit), file=file)


def line_too_long(file: str) -> ReadError:
    """A row longer than the block pyarrow reads at a time (256 KB to 8 MB, by path)."""
    return ReadError(Message("read.line_too_long", file=file), file=file)


def too_many_rows(file: str, limit: int = MAX_ROWS) -> ReadError:
    return ReadError(Message("read.too_many_rows", file=file, limit=Number(limit)), file=file)


def xlsx_too_large(file: str) -> ReadError:
    limit = Number(MAX_XLSX_UNPACKED >> 20)
    return ReadError(Message("read.xlsx_too_large", file=file, limit=limit), file=file)


def xlsx_too_many_cells(file: str) -> ReadError:
    limit = Number(MAX_XLSX_CELLS)
    return ReadError(Message("read.xlsx_too_many_cells", file=file, limit=limit), file=file)
