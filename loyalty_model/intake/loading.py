"""Turn a mapped upload into typed canonical columns, keeping the good rows and naming the bad.

One typo in a million-row export must not cost the whole upload, and silently guessing would
corrupt the KPIs; so a row with any unreadable cell is left out, and every left-out row is
reported with the file, spreadsheet row, the user's own column name and what was expected.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from loyalty_model.intake.columns import CATEGORICAL, COLUMN_TYPES, EXPECTED, KPI_COLUMNS
from loyalty_model.intake.converters import (
    MAX_PROBLEMS_KEPT,
    CellProblem,
    CellProblems,
    to_bool,
    to_category,
    to_number,
    to_text,
)
from loyalty_model.intake.dates import to_datetime
from loyalty_model.intake.mapping import KINDS, apply_mapping, suggest_mapping
from loyalty_model.intake.table import Table
from loyalty_model.messages import Message, Number, expected_text

__all__ = ["COLUMN_TYPES", "EXPECTED", "KPI_COLUMNS", "Loaded", "format_problems", "load_frame",
           "load_kind"]

Progress = Callable[[float], None]
"""Called with the share of a streamed file read so far (0–1)."""


@dataclass
class Loaded:
    """The usable rows of one upload, typed, plus an honest account of what was left out."""

    kind: str
    file: str
    frame: pd.DataFrame
    rows_total: int
    problems: list[CellProblem] = field(default_factory=list)
    problem_count: int = 0

    @property
    def rows_ok(self) -> int:
        return len(self.frame)


def load_kind(table: Table, kind: str, mapping: dict[str, str] | None = None, *,
              progress: Progress | None = None) -> Loaded:
    """Map, convert and validate a table as `kind`; raise ReadError only if it is unusable.

    A table opened with a `source` (a large CSV, see `readers.open_table`) is streamed from it
    in batches, keeping the `KPI_COLUMNS`; `progress` then hears how much of it was read.
    """
    if mapping is None:
        mapping = suggest_mapping(kind, list(table.frame.columns))
    if table.source is not None:
        from loyalty_model.intake.streamed import load_streamed  # it loads batches through here

        return load_streamed(table, kind, mapping, progress)
    return load_frame(table, kind, mapping)


def load_frame(table: Table, kind: str, mapping: dict[str, str]) -> Loaded:
    """`load_kind` for a table whose frame holds every row (or one batch of them)."""
    raw = apply_mapping(table, kind, mapping)
    source = {column: header for header, column in mapping.items() if column}
    required = set(KINDS[kind].required)
    columns: dict[str, pd.Series] = {}
    found: list[CellProblems] = []
    bad = np.zeros(len(raw), dtype=bool)

    def convert(column: str) -> tuple[pd.Series, CellProblems]:
        header = source.get(column, column)
        values, problems = _convert(raw[column], column, table, header)
        if column in required:
            problems = _with_empty(values, problems, column, table, header)
        return values, problems

    # pyarrow's kernels release the GIL, so columns convert in parallel on a multi-core box.
    workers = max(1, min(len(raw.columns), os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        converted = list(pool.map(convert, raw.columns))
    for column, (values, problems) in zip(raw.columns, converted, strict=True):
        columns[column] = values
        if problems.total:
            found.append(problems)
            bad |= problems.mask
    if "resolved_at" in columns:
        problems = _resolved_before_opened(columns, table, source.get("resolved_at", ""))
        if problems.total:
            found.append(problems)
            bad |= problems.mask
    frame = pd.DataFrame(columns, index=raw.index, copy=False)
    if bad.any():
        frame = frame.loc[~bad]
    order = {column: i for i, column in enumerate(raw.columns)}
    items = sorted(
        (p for problems in found for p in problems),
        key=lambda p: (p.row, order.get(_canonical(p.column, source), 0)),
    )
    return Loaded(
        kind=kind,
        file=table.file,
        frame=frame,
        rows_total=len(raw),
        problems=items,
        problem_count=sum(problems.total for problems in found),
    )


def format_problems(loaded: Loaded, limit: int = 5, lang: str = "en") -> list[str]:
    """At most `limit` example messages plus a count of the rest, ready to show to the user."""
    lines = [problem.message(lang) for problem in loaded.problems[:limit]]
    rest = loaded.problem_count - len(lines)
    if rest > 0:
        key = "problems.more_one" if rest == 1 else "problems.more_many"
        more = Message(key, n=Number(rest, en_group=" "), file=loaded.file)
        lines.append(more.localized(lang))
    return lines


def _convert(
    series: pd.Series, column: str, table: Table, header: str
) -> tuple[pd.Series, CellProblems]:
    kind = COLUMN_TYPES.get(column, "text")
    where = {"file": table.file, "column": header, "first_row": table.first_row}
    if column in CATEGORICAL:
        return to_category(series), CellProblems()
    if kind in ("id", "text"):
        return to_text(series), CellProblems()
    if kind == "date":
        return to_datetime(series, **where)
    if kind == "bool":
        return to_bool(series, **where)
    if kind == "flag":
        return _flag(series, table.dialect.decimal, where)
    values, problems = to_number(series, decimal=table.dialect.decimal, **where)
    if kind == "score":
        invalid = values.notna() & ((values < 0) | (values > 10) | (values % 1 != 0))
    elif kind == "count":
        invalid = values < 0
    else:
        return values, problems
    return _reject(values, series, invalid.to_numpy(), problems, EXPECTED[kind], where)


def _flag(series: pd.Series, decimal: str, where: dict) -> tuple[pd.Series, CellProblems]:
    """Yes/no, or a count where above zero means yes (ticket tools export reopen counts)."""
    flags, problems = to_bool(series, **where)
    if not problems.total:
        return flags, problems
    counts, count_problems = to_number(series, decimal=decimal, **where)
    usable = problems.mask & counts.notna().to_numpy() & (counts >= 0).to_numpy()
    flags = flags.copy()
    flags[usable] = counts[usable] > 0
    still_bad = problems.mask & ~usable
    return flags, _subset(problems, still_bad, series, where, EXPECTED["flag"])


def _reject(
    values: pd.Series,
    original: pd.Series,
    invalid: np.ndarray,
    problems: CellProblems,
    expected: str,
    where: dict,
) -> tuple[pd.Series, CellProblems]:
    """Add range violations to the problems of a column and blank those cells."""
    if not invalid.any():
        return values, problems
    values = values.mask(invalid)
    mask = invalid if problems.mask is None else (invalid | problems.mask)
    return values, _subset(problems, mask, original, where, expected)


def _subset(
    problems: CellProblems, mask: np.ndarray, original: pd.Series, where: dict, expected: str
) -> CellProblems:
    """Rebuild the problem list for exactly the cells in `mask`, with one wording."""
    positions = np.flatnonzero(mask)
    items = [
        CellProblem(
            row=_row(original, pos, where["first_row"]),
            column=where["column"],
            value=_shown(original.iloc[pos]),
            expected=expected,
            file=where["file"],
        )
        for pos in positions[:MAX_PROBLEMS_KEPT]
    ]
    return CellProblems(items, total=len(positions), mask=mask if len(positions) else None)


def _with_empty(
    values: pd.Series, problems: CellProblems, column: str, table: Table, header: str
) -> CellProblems:
    """Required cells that are blank are problems too: a row without a customer id is unusable."""
    empty = values.isna().to_numpy()
    if problems.mask is not None:
        empty = empty & ~problems.mask
    if not empty.any():
        return problems
    positions = np.flatnonzero(empty)
    expected = EXPECTED[COLUMN_TYPES.get(column, "text")]
    items = [
        CellProblem(
            row=_row(values, pos, table.first_row),
            column=header,
            value="",
            expected=expected,
            file=table.file,
        )
        for pos in positions[:MAX_PROBLEMS_KEPT]
    ]
    mask = empty if problems.mask is None else (empty | problems.mask)
    merged = sorted([*problems, *items], key=lambda p: p.row)[:MAX_PROBLEMS_KEPT]
    return CellProblems(merged, total=problems.total + len(positions), mask=mask)


def _resolved_before_opened(
    columns: dict[str, pd.Series], table: Table, header: str
) -> CellProblems:
    """A ticket closed before it was opened is a data error that would poison resolution time."""
    opened, resolved = columns.get("opened_at"), columns["resolved_at"]
    if opened is None:
        return CellProblems()
    invalid = (resolved < opened).to_numpy()
    if not invalid.any():
        return CellProblems()
    where = {"file": table.file, "column": header, "first_row": table.first_row}
    shown = resolved.dt.strftime("%Y-%m-%d %H:%M")
    return _subset(CellProblems(), invalid, shown, where, expected_text("after_opened"))


def _row(series: pd.Series, pos: int, first_row: int) -> int:
    label = series.index[pos]
    return int(label if isinstance(label, int | np.integer) else pos) + first_row


def _shown(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _canonical(header: str, source: dict[str, str]) -> str:
    for column, name in source.items():
        if name == header:
            return column
    return header
