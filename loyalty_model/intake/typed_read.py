"""The fast way through a large, clean export: pyarrow types the cells while it parses.

Reading every cell as a string and converting it afterwards is what lets us name a bad cell's
row and column, and it costs: a million rows of strings take more time and memory than the
typed columns they become. Most exports are clean, so a large file is first read with each
mapped column typed by pyarrow itself (ISO dates, numbers with the file's decimal mark, the
yes/no words the converters know), and every batch is held to the rules the converters apply:
required cells present, dates within 1900–2199, finite numbers, scores whole and 0–10, counts
not negative, no ticket resolved before it was opened. A batch that passes is exactly what the
converters would have made of it. At the first cell that is not plainly clean — a Danish date,
a thousands separator, a typo, a ragged row — the typed read gives up and the exact read
(strings, converters, messages) starts over, so a bad cell is reported as in a small file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loyalty_model.intake.columns import CATEGORICAL, COLUMN_TYPES, KPI_COLUMNS
from loyalty_model.intake.converters import FALSE_VALUES, TRUE_VALUES, to_category, to_text
from loyalty_model.intake.csv_stream import Progress, batches
from loyalty_model.intake.dates import HIGH_US, LOW_US
from loyalty_model.intake.loading import Loaded
from loyalty_model.intake.mapping import KINDS
from loyalty_model.intake.table import Table

ARROW_TYPES: dict[str, pa.DataType] = {
    "id": pa.string(),
    "text": pa.string(),
    "date": pa.timestamp("us"),
    "number": pa.float64(),
    "score": pa.float64(),
    "count": pa.float64(),
    "flag": pa.bool_(),
    "bool": pa.bool_(),
}


class NotClean(Exception):
    """A cell the typed read cannot vouch for: the exact read takes over."""


def read_typed(table: Table, kind: str, mapping: dict[str, str],
               progress: Progress | None = None) -> Loaded | None:
    """The table's `KPI_COLUMNS`, typed, if every mapped cell is clean; None if one is not."""
    source = table.source
    if source is None or table.dialect.format != "csv":
        return None
    spec = KINDS[kind]
    keep = KPI_COLUMNS.get(kind, spec.columns)
    positions = dict(zip(table.frame.columns, source.positions, strict=True))
    read: dict[int, str] = {}  # file position → canonical column
    for header, column in mapping.items():
        kind_of = COLUMN_TYPES.get(column, "text") if column else None
        # Free text that no KPI reads can never be a problem: it is not even parsed.
        if kind_of is None or (kind_of == "text" and column not in keep + spec.required):
            continue
        read[positions[header]] = column
    types = {pos: ARROW_TYPES[COLUMN_TYPES.get(column, "text")] for pos, column in read.items()}
    convert = {"true_values": TRUE_VALUES, "false_values": FALSE_VALUES,
               "decimal_point": table.dialect.decimal}
    kept = {column: Kept(column, source.rows_hint)
            for column in spec.columns if column in keep and column in read.values()}
    rows = 0
    try:
        for batch in batches(source, table.dialect.separator or ",", types, convert=convert,
                             progress=progress, file=table.file):
            columns = {read[int(name[1:])]: batch.column(i)
                       for i, name in enumerate(batch.schema.names)}
            check(columns, spec.required)
            for column, filler in kept.items():
                filler.add(columns[column])
            rows += batch.num_rows
    except (pa.ArrowInvalid, UnicodeDecodeError, NotClean):
        return None
    index = pd.RangeIndex(rows)
    frame = pd.DataFrame(index=index)
    for column in list(kept):
        frame[column] = kept.pop(column).series(index)
    return Loaded(kind=kind, file=table.file, frame=frame, rows_total=rows)


def check(columns: dict[str, pa.Array], required: tuple[str, ...]) -> None:
    """Raise NotClean unless every cell converts as the converters would, without a problem."""
    for column, values in columns.items():
        kind_of = COLUMN_TYPES.get(column, "text")
        if column in required and (values.null_count or (
                kind_of in ("id", "text") and pc.any(pc.utf8_is_space(values)).as_py())):
            raise NotClean(column)  # a blank required cell
        if kind_of == "date":
            bounds = pc.min_max(pc.cast(values, pa.int64()))
            low, high = bounds["min"].as_py(), bounds["max"].as_py()
            if low is not None and (low < LOW_US or high > HIGH_US):
                raise NotClean(column)
        elif kind_of in ("number", "score", "count"):
            _check_number(column, values, kind_of)
    opened, resolved = columns.get("opened_at"), columns.get("resolved_at")
    if opened is not None and resolved is not None and pc.any(pc.less(resolved, opened)).as_py():
        raise NotClean("resolved_at")


def _check_number(column: str, values: pa.Array, kind_of: str) -> None:
    if values.null_count == len(values):
        return
    if not pc.all(pc.is_finite(values)).as_py():
        raise NotClean(column)  # "nan", "inf": not amounts
    bounds = pc.min_max(values)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if kind_of == "count" and low < 0:
        raise NotClean(column)
    if kind_of == "score" and (low < 0 or high > 10
                               or not pc.all(pc.equal(pc.floor(values), values)).as_py()):
        raise NotClean(column)


class Kept:
    """One kept column, filled batch by batch.

    Numbers and dates go straight into one array sized from the file's estimated rows (room
    that is never written costs no memory, and the rest is handed back at the end), so a batch
    is copied once and never held twice. Strings (ids, touchpoints) wait as Arrow chunks until
    they are encoded once, at the end.
    """

    def __init__(self, column: str, capacity: int) -> None:
        self.column = column
        self.kind = COLUMN_TYPES.get(column, "text")
        self.text = column in CATEGORICAL or self.kind in ("id", "text")
        self.chunks: list[pa.Array] = []
        self.rows = 0
        flags = self.kind in ("flag", "bool")
        dtype = bool if flags else "datetime64[us]" if self.kind == "date" else np.float64
        self.values = None if self.text else np.empty(capacity, dtype)
        self.missing = np.empty(capacity, bool) if flags else None

    def add(self, values: pa.Array) -> None:
        if self.text:
            self.chunks.append(values)
            self.rows += len(values)
            return
        end = self.rows + len(values)
        if end > len(self.values):  # the estimate was short: grow in place where possible
            room = max(end, len(self.values) * 3 // 2)
            for array in (self.values, self.missing):
                if array is not None:
                    array.resize(room, refcheck=False)
        if self.missing is not None:
            self.values[self.rows : end] = pc.fill_null(values, False).to_numpy(
                zero_copy_only=False)
            self.missing[self.rows : end] = pc.is_null(values).to_numpy(zero_copy_only=False)
        else:
            self.values[self.rows : end] = values.to_numpy(zero_copy_only=False)
        self.rows = end

    def series(self, index: pd.Index) -> pd.Series:
        """The column as `load_frame` would have made it (same dtypes, same blanks)."""
        if self.text:
            text = pa.chunked_array(self.chunks, pa.string())
            self.chunks = []
            if self.column in CATEGORICAL:
                return to_category(text, index)
            return to_text(pd.Series(text.to_pandas().array, index=index))
        for array in (self.values, self.missing):
            if array is not None:
                array.resize(self.rows, refcheck=False)  # hand back the unused room
        if self.missing is not None:
            values = pd.arrays.BooleanArray(self.values, self.missing)
            return pd.Series(values, index=index, copy=False)
        return pd.Series(self.values, index=index, copy=False)
