"""Load a large CSV export in batches from its `Source`: typed where clean, exact where not.

Memory, not speed, is what breaks first on a ten-million-row export: its cells as strings take
several times the file's size. Streamed, only one batch of strings exists at a time, and only
the columns the KPIs read (`KPI_COLUMNS`) are kept, typed and with customer ids as codes.

The typed read (`typed_read.py`) handles clean files. Otherwise every batch goes through the
same `load_frame` a small file does, with its rows numbered as in the file, so a bad cell costs
its row and is named by file, row and column exactly as in a small upload.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pyarrow as pa

from loyalty_model.intake.columns import KPI_COLUMNS
from loyalty_model.intake.converters import MAX_PROBLEMS_KEPT, categorical_dtype, to_category
from loyalty_model.intake.csv_stream import Progress, batches, csv_error, is_encoding_error
from loyalty_model.intake.loading import Loaded, load_frame
from loyalty_model.intake.mapping import KINDS, apply_mapping
from loyalty_model.intake.readers import string_frame
from loyalty_model.intake.table import Table, drop_empty_rows
from loyalty_model.intake.typed_read import read_typed


def load_streamed(table: Table, kind: str, mapping: dict[str, str],
                  progress: Progress | None = None) -> Loaded:
    """`load_kind` for an opened table: the whole file, read from `table.source` in batches.

    :raise ReadError: when the mapping does not fit, or the file turns out unreadable further
        in (a ragged row, bytes that are not text).
    """
    apply_mapping(table, kind, mapping)  # a mapping that does not fit fails before any reading
    loaded = read_typed(table, kind, mapping, progress)
    if loaded is not None:
        return loaded
    try:
        return _exact(table, kind, mapping, progress)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        source = table.source
        if source.encoding == "utf-8" and is_encoding_error(exc):
            # Valid UTF-8 up to here, then not: a cp1252 file after all, as `read_table` says.
            cp1252 = replace(table, source=replace(source, encoding="cp1252"))
            try:
                return _exact(cp1252, kind, mapping, progress)
            except (pa.ArrowInvalid, UnicodeDecodeError) as again:
                exc, source = again, cp1252.source
        raise csv_error(source, table.dialect.separator or ",", table.file, exc) from None


def _exact(table: Table, kind: str, mapping: dict[str, str], progress: Progress | None
           ) -> Loaded:
    """Strings batch by batch, each loaded by `load_frame`; the kept columns joined up."""
    source = table.source
    names = list(table.frame.columns)
    mapped = set(mapping.values())
    keep = [column for column in KINDS[kind].columns
            if column in KPI_COLUMNS.get(kind, KINDS[kind].columns) and column in mapped]
    types = dict.fromkeys(source.positions, pa.large_string())
    columns: dict[str, list] = {column: [] for column in keep}
    labels: list[np.ndarray] = []
    problems: list = []
    count = total = offset = 0
    for batch in batches(source, table.dialect.separator or ",", types, progress=progress,
                         file=table.file):
        frame = string_frame(batch, names)
        frame.index = pd.RangeIndex(offset, offset + len(frame))  # data row numbers in the file
        offset += len(frame)
        frame = drop_empty_rows(frame)
        if frame.empty:
            continue
        part = load_frame(replace(table, frame=frame, source=None), kind, mapping)
        for column in keep:  # by column, so each can be joined and its pieces freed in turn
            columns[column].append(part.frame[column].array)
        labels.append(part.frame.index.to_numpy())
        total += part.rows_total
        count += part.problem_count
        problems.extend(part.problems[: max(0, MAX_PROBLEMS_KEPT - len(problems))])
    if not labels:
        empty = load_frame(replace(table, frame=table.frame.iloc[:0], source=None), kind, mapping)
        return replace(empty, rows_total=0)
    index = pd.Index(np.concatenate(labels))
    frame = pd.DataFrame(index=index)
    for column in keep:
        frame[column] = pd.Series(join(columns.pop(column)), index=index, copy=False)
    return Loaded(kind=kind, file=table.file, frame=frame, rows_total=total,
                  problems=problems, problem_count=count)


def join(pieces: list) -> object:
    """A column's batches end to end (the list is emptied as it goes)."""
    if len(pieces) == 1:
        return pieces.pop()
    if isinstance(pieces[0], pd.Categorical):
        return _join_categories(pieces)
    joined = type(pieces[0])._concat_same_type(pieces) if not isinstance(pieces[0], np.ndarray) \
        else np.concatenate(pieces)
    pieces.clear()
    return joined


def _join_categories(pieces: list[pd.Categorical]) -> pd.Categorical:
    """Categoricals whose categories differ by batch, united in order of first appearance.

    Each batch's categories are hashed once, together (pandas' union_categoricals would hash
    the growing union again for every batch).
    """
    categories = pa.chunked_array([pa.array(piece.categories.array, type=pa.large_string())
                                   for piece in pieces], type=pa.large_string())
    united = to_category(categories)
    where = united.cat.codes.to_numpy()  # each batch's categories, in turn → united code
    codes = np.empty(sum(len(piece) for piece in pieces), dtype=np.int32)
    at = start = 0
    while pieces:
        piece = pieces.pop(0)
        local = piece.codes
        mapping = np.append(where[start : start + len(piece.categories)], -1)
        codes[at : at + len(piece)] = mapping[local]
        at, start = at + len(piece), start + len(piece.categories)
    return pd.Categorical.from_codes(codes, dtype=categorical_dtype(united.cat.categories),
                                     validate=False)
