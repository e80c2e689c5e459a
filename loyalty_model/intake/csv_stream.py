"""Read a CSV export in batches from where it lies: a file on disk, or the upload's bytes in place.

A ten-million-row export is 2–3 GB of text; held as one table of strings it would need several
times that in memory. pyarrow's streaming reader parses it block by block instead, and the
caller keeps only what each block converts to. Both ways of loading use this: the typed read
(pyarrow converts cells while it parses) and the exact read (strings, then our converters).

A ragged row or an undecodable byte surfaces as pyarrow's error in whichever block holds it;
`csv_error` turns it into the same one-sentence `ReadError` a small file gets.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from loyalty_model.intake import limits
from loyalty_model.intake.table import ReadError, Source
from loyalty_model.messages import Message, Number

COLUMN_SLACK = 64
"""Extra string columns declared beyond the header, so a longer row is read, not guessed at."""
BATCH_BYTES = 8 << 20
"""Bytes of CSV per batch: large enough that per-batch overhead vanishes, small enough that
a batch's strings are a few tens of MB."""
MAP_BYTES = 256 << 20
"""Files up to this size are memory-mapped rather than read (see `open_stream`)."""

Progress = Callable[[float], None]
"""Called with the share of the file read so far (0–1)."""


def open_stream(source: Source) -> pa.NativeFile:
    """The source's bytes as a pyarrow input stream, never copied whole.

    A file up to MAP_BYTES is mapped: pyarrow then parses the page cache in place, with no
    read buffers to fill (a tenth of the command's time at a million rows). A larger one is
    read block by block instead, because every mapped page it touched would count towards
    the process's memory until the end of the file.
    """
    if source.data is not None:
        stream = pa.BufferReader(source.data)
    elif source.size <= MAP_BYTES:
        stream = pa.memory_map(str(source.path), "r")
    else:
        stream = pa.OSFile(str(source.path), "rb")
    stream.seek(source.offset)
    return stream


def batches(
    source: Source,
    separator: str,
    column_types: dict[int, pa.DataType],
    *,
    header: bool = False,
    only: bool = True,
    block_size: int | None = None,
    convert: dict | None = None,
    progress: Progress | None = None,
    file: str = "",
) -> Iterator[pa.RecordBatch]:
    """Record batches of the columns in `column_types` (file positions), header row skipped.

    With `header=True` the header line comes back as the first row (for the preview); with
    `only=False` every column of the file is read, typed by `column_types` where it names them.
    Cells that are empty or "" are null. `convert` adds pyarrow ConvertOptions (true_values ...).

    :raise ReadError: naming `file`, at the first batch that takes the file past the limits on
        rows or cell length (see `limits`).
    """
    stream = open_stream(source)
    finished = False
    rows = 0
    try:
        reader = pacsv.open_csv(
            stream,
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True,
                skip_rows=source.skip_lines,
                skip_rows_after_names=0 if header else 1,
                block_size=block_size or BATCH_BYTES,
                encoding=source.encoding,
            ),
            # Quoted cells may hold line breaks anywhere in a large file: never assume otherwise.
            parse_options=pacsv.ParseOptions(delimiter=separator, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": kind for i, kind in column_types.items()},
                include_columns=[f"f{i}" for i in column_types] if only else [],
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                **(convert or {}),
            ),
        )
        for batch in reader:
            rows += batch.num_rows
            if rows > limits.MAX_ROWS:
                raise limits.too_many_rows(file)
            check_cells(batch, file)
            if progress is not None and source.size:
                progress(min(1.0, stream.tell() / source.size))
            yield batch
        finished = True
    finally:
        # Stopped early (a preview, a cell the typed read gives up on), pyarrow may still be
        # reading ahead in its own threads: closing now would unmap a mapped file under them
        # or free a descriptor another file could reuse. The last reference closes it instead.
        if finished:
            stream.close()


def check_cells(batch: pa.RecordBatch, file: str) -> None:
    """Refuse a batch with a text cell longer than `limits.MAX_CELL_CHARS` characters.

    Bytes are compared first (one subtraction of offsets per cell); only a column with a
    suspiciously long cell has its characters counted.
    """
    for column in batch.columns:
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            continue
        longest = pc.max(pc.binary_length(column)).as_py()
        if longest is not None and longest > limits.MAX_CELL_CHARS and \
                pc.max(pc.utf8_length(column)).as_py() > limits.MAX_CELL_CHARS:
            raise limits.cell_too_long(file)


def string_types(n_columns: int) -> dict[int, pa.DataType]:
    """Every column as a string, so ids like "007" never pass through a number type."""
    return dict.fromkeys(range(n_columns), pa.large_string())


def is_encoding_error(exc: Exception) -> bool:
    """pyarrow's complaint about bytes that are not UTF-8 (the file is cp1252 after all)."""
    return isinstance(exc, pa.ArrowInvalid) and "UTF8" in str(exc)


def csv_error(source: Source, separator: str, file: str, exc: Exception) -> ReadError:
    """Turn a pyarrow parse error into a sentence naming the offending row."""
    if isinstance(exc, UnicodeDecodeError):
        # Bytes undefined in cp1252 never occur in real Windows text: this is not a text file.
        return ReadError(Message("read.not_a_table", file=file), file=file)
    if "straddling object" in str(exc):  # a row longer than a whole block: no export row
        return limits.line_too_long(file)
    bad_rows: list[int] = []

    def remember(row: pacsv.InvalidRow) -> str:
        bad_rows.append(row.number if row.number is not None else -1)
        return "error"

    stream = open_stream(source)
    with contextlib.suppress(pa.ArrowInvalid, UnicodeDecodeError), stream:
        pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(
                autogenerate_column_names=True,
                use_threads=False,
                skip_rows=source.skip_lines,
                encoding=source.encoding,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=separator, newlines_in_values=True, invalid_row_handler=remember
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(source.n_fields + COLUMN_SLACK)}
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
