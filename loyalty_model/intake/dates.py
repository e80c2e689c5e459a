"""Turn date and timestamp cells into datetime64 columns, reporting cells that are not dates.

Dates are always read day-first or ISO; a month-first reading is never attempted, because a
Danish "03-04-2026" is the 3rd of April and guessing otherwise silently corrupts the data.
Reading a date takes layout detection, several parsers and range checks, so it lives apart
from the other converters, whose column views and problem reporting it shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loyalty_model.intake.converters import CellProblems, cell_problems, raw_text, trimmed_text
from loyalty_model.messages import expected_text

# Day-first and ISO layouts only; each date part may have 1 or 2 digits.
_DATE_LAYOUTS: list[tuple[str, str]] = [
    (r"^\d{4}-\d{1,2}-\d{1,2}", "iso"),
    (r"^\d{1,2}-\d{1,2}-\d{4}", "%d-%m-%Y"),
    (r"^\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
    (r"^\d{1,2}/\d{1,2}/\d{4}", "%d/%m/%Y"),
    (r"^\d+([.,]\d+)?$", "serial"),
]
_TIME_SUFFIXES = ["", " %H:%M", " %H:%M:%S", "T%H:%M", "T%H:%M:%S"]
# ISO 8601 as exports write it: extended (2026-11-22 14:05:09.5) or basic (20261122T140509).
_ISO_DAY_TIME = r"(?:\d{4}-\d{1,2}-\d{1,2}|\d{8})(?:[T ]\d{1,2}(?::?\d{2}(?::?\d{2}(?:\.\d+)?)?)?)?"
_ISO_PLAIN = _ISO_DAY_TIME
_ISO_ZONED = _ISO_DAY_TIME + r"(?:Z|[+-]\d\d(?::?\d\d)?)"
_EXCEL_EPOCH = np.datetime64("1899-12-30", "us")
LOW_US = int(np.datetime64("1900-01-01", "us").astype(np.int64))
"""The first and last instant a date may have (1900–2199), as int64 microseconds."""
HIGH_US = int(np.datetime64("2200-01-01", "us").astype(np.int64)) - 1
_SERIAL_RANGE = (1.0, 109_574.0)  # 1900-01-01 .. 2199-12-31 as Excel day numbers


def to_datetime(
    series: pd.Series,
    *,
    file: str,
    column: str,
    first_row: int = 2,
) -> tuple[pd.Series, CellProblems]:
    """Convert dates and timestamps to datetime64[us], reading day-first, never month-first.

    The layout is detected once from a sample and then applied with an explicit format, which is
    an order of magnitude faster than per-cell guessing. Cells in a different accepted layout
    (a date without a time in a timestamp column, say) are retried with the other layouts.
    Time zones are converted to UTC and dropped, so every timestamp in a file is comparable.
    """
    text = raw_text(series)
    try:
        # Fast path: clean ISO cells, as most tools export them, in one strict cast.
        result = pc.cast(text, pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        text = trimmed_text(series)
        result = _parse_any_layout(text)
    result = _within_years(result)
    out = pd.Series(
        result.to_numpy(zero_copy_only=False), index=series.index, name=series.name
    ).astype("datetime64[us]")
    expected = expected_text("date")
    return out, cell_problems(text, result, series, file, column, expected, first_row)


def _parse_any_layout(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Parse with the layout that fits the sample best, then retry leftovers with the others."""
    layouts = _rank_layouts(text)
    pending = pc.is_valid(text)
    # Most cells fit the best layout: parse the column whole, no subset bookkeeping.
    result = _parse_layout(text, layouts[0])
    pending = pc.and_(pending, pc.is_null(result))
    for layout in layouts[1:]:
        idx = np.flatnonzero(pending.to_numpy())
        if not idx.size:
            break
        sub = _parse_layout(pc.take(text, pa.array(idx)), layout)
        parsed = _scatter(sub, idx, len(text))
        result = pc.coalesce(result, parsed)
        pending = pc.and_(pending, pc.is_null(parsed))
    return result


def _within_years(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Null out dates outside 1900–2199: "22-11-26" read as year 26 is a typo, not history."""
    micros = pc.cast(values, pa.int64())
    bounds = pc.min_max(micros)
    low, high = bounds["min"].as_py(), bounds["max"].as_py()
    if low is None or (low >= LOW_US and high <= HIGH_US):
        return values
    inside = pc.and_(pc.greater_equal(micros, LOW_US), pc.less_equal(micros, HIGH_US))
    return pc.if_else(inside, values, pa.scalar(None, pa.timestamp("us")))


def _rank_layouts(text: pa.Array) -> list[str]:
    """Order the accepted layouts by how many cells of a sample they fit, best first."""
    sample = pc.drop_null(text.slice(0, 20_000))[:2000]
    scores: list[tuple[int, int, str]] = []
    for i, (pattern, layout) in enumerate(_DATE_LAYOUTS):
        hits = pc.sum(pc.match_substring_regex(sample, pattern)).as_py() or 0
        scores.append((-hits, i, layout))
    scores.sort()
    return [layout for _, _, layout in scores]


def _parse_layout(text: pa.Array, layout: str) -> pa.Array:
    """Parse every cell with one layout; cells that do not fit come back null."""
    if layout == "iso":
        return _parse_iso(text)
    if layout == "serial":
        return _parse_serial(text)
    result = pa.nulls(len(text), pa.timestamp("us"))
    for suffix in _TIME_SUFFIXES:
        fmt = layout + suffix
        parsed = pc.strptime(text, format=fmt, unit="us", error_is_null=True)
        result = pc.coalesce(result, _reject_day_overflow(text, parsed))
        if not pc.any(pc.and_(pc.is_valid(text), pc.is_null(result))).as_py():
            break
    return result


def _reject_day_overflow(text: pa.Array, parsed: pa.Array) -> pa.Array:
    """Null out dates like 31-02-2026 that strptime silently rolls over into March."""
    head = pc.utf8_rtrim(pc.utf8_slice_codeunits(text, 0, 2), characters="-./")
    head = pc.if_else(pc.is_valid(parsed), head, "0")
    day = pc.cast(head, pa.int64())
    same = pc.equal(pc.cast(pc.day(parsed), pa.int64()), day)
    return pc.if_else(same, parsed, pa.scalar(None, pa.timestamp("us")))


def _parse_iso(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Parse ISO 8601 dates and timestamps, strictly (2026-02-31 is rejected)."""
    try:
        return pc.cast(text, pa.timestamp("us"))  # the fast path: one clean layout
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    cells = pd.Series(text.to_pandas(), dtype="str")
    parsed = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us]")
    # Each cell is judged on its own shape first, so one odd cell ("03-1:00" reads to pandas
    # as a time zone) cannot make pandas give up on the whole column.
    for grammar, utc in ((_ISO_PLAIN, False), (_ISO_ZONED, True)):
        subset = cells.str.fullmatch(grammar).fillna(False).to_numpy(dtype=bool)
        if subset.any():
            parsed[subset] = _pandas_iso(cells[subset], utc).to_numpy()
    return pa.chunked_array([pa.array(parsed, type=pa.timestamp("us"), from_pandas=True)])


def _pandas_iso(cells: pd.Series, utc: bool) -> pd.Series:
    """pandas' strict ISO parser on a subset, with zones converted to naive UTC."""
    try:
        parsed = pd.to_datetime(cells, format="ISO8601", errors="coerce", utc=utc)
    except (ValueError, TypeError, OverflowError):
        if len(cells) == 1:
            return pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us]")
        # Still something pandas reads as a mixture: then cell by cell, a bad one costs itself.
        return pd.concat([_pandas_iso(cells.iloc[i : i + 1], utc) for i in range(len(cells))])
    if utc:
        parsed = parsed.dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _parse_serial(text: pa.Array) -> pa.Array:
    """Read Excel day numbers (46348 is 2026-11-22), which appear when dates export raw."""
    is_num = pc.match_substring_regex(text, r"^\d+([.,]\d+)?$")
    cleaned = pc.if_else(is_num, pc.replace_substring(text, ",", "."), pa.scalar(None, pa.string()))
    days = pc.cast(cleaned, pa.float64())
    plausible = pc.and_(
        pc.greater_equal(days, _SERIAL_RANGE[0]), pc.less_equal(days, _SERIAL_RANGE[1])
    )
    days = pc.if_else(plausible, days, pa.scalar(None, pa.float64()))
    micros = pc.cast(pc.round(pc.multiply(days, 86_400_000_000.0)), pa.int64())
    epoch = int(_EXCEL_EPOCH.astype("int64"))
    return pc.cast(pc.add(micros, epoch), pa.timestamp("us"))


def _scatter(values: pa.Array, idx: np.ndarray, length: int) -> pa.Array:
    """Put a subset's results back at their original positions, null elsewhere."""
    out = np.full(length, np.datetime64("NaT"), dtype="datetime64[us]")
    out[idx] = values.to_numpy(zero_copy_only=False)
    return pa.array(out, type=pa.timestamp("us"), from_pandas=True)
