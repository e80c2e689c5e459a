"""Turn string columns from an export into typed columns, collecting every bad cell on the way.

Readers deliver strings on purpose: only the caller knows that a column is an amount or a date,
so only the caller can say "row 1 203, column Beløb: 'abc' is not a number". The converters
below never raise on bad cells; they return the typed column (bad cells missing) plus a list of
`CellProblem`s, so a single typo costs one row, not the whole upload.

Everything is vectorised with pyarrow.compute: a million cells convert in well under a second.
Dates, with their layouts and day-first rule, are converted in `dates.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from loyalty_model.messages import Message, Number, expectation, expected_text

MAX_PROBLEMS_KEPT = 1000
"""Problems beyond this many are counted but not itemised; nobody reads the 1001st."""

_SPACES = "\u00a0\u202f\u2009 '"
_COMBINE_BYTES = 64 << 20
_TRUE = ["true", "yes", "y", "ja", "j", "sand", "1", "1.0", "x", "sandt"]
_FALSE = ["false", "no", "n", "nej", "falsk", "0", "0.0", "-"]
TRUE_VALUES = sorted({v for w in _TRUE for v in (w, w.upper(), w.capitalize())})
FALSE_VALUES = sorted({v for w in _FALSE for v in (w, w.upper(), w.capitalize())})
"""The yes/no spellings as written (any case is accepted too, at a cost: see `to_bool`)."""
_TRUE_SET = pa.array(TRUE_VALUES)
_FALSE_SET = pa.array(FALSE_VALUES)


@dataclass(frozen=True)
class CellProblem:
    """One cell that could not be read, located the way the user sees it in a spreadsheet."""

    row: int
    """1-based spreadsheet row: the header is row 1, the first data row is row 2."""
    column: str
    value: str
    expected: str
    file: str = ""

    def message(self, lang: str = "en") -> str:
        """Say what is wrong in one sentence a non-technical user can act on, in `lang`."""
        return self.as_message().localized(lang)

    def as_message(self) -> Message:
        """The message as key and parameters; `expected` is English, so its key is looked up."""
        row = Number(self.row, en_group=" ")
        where = (
            Message("cell.where", file=self.file, row=row, column=self.column)
            if self.file
            else Message("cell.where_no_file", row=row, column=self.column)
        )
        expected = expectation(self.expected)
        if self.value == "":
            return Message("cell.empty", where=where, expected=expected)
        shown = self.value if len(self.value) <= 40 else self.value[:37] + "..."
        return Message("cell.bad", where=where, value=shown, expected=expected)

    def __str__(self) -> str:
        return self.message()


class CellProblems(list[CellProblem]):
    """The first few thousand problems of a column, plus how many there were in total.

    Itemising a million bad cells would cost more than the rest of the load; nobody reads past
    the first handful, but the count must stay honest.
    """

    def __init__(
        self,
        items: list[CellProblem] | None = None,
        total: int | None = None,
        mask: np.ndarray | None = None,
    ) -> None:
        super().__init__(items or [])
        self.total = len(self) if total is None else total
        self.mask = mask
        """Boolean array by position, True where a cell could not be read; None when none."""


def to_number(
    series: pd.Series,
    *,
    decimal: str,
    file: str,
    column: str,
    first_row: int = 2,
) -> tuple[pd.Series, CellProblems]:
    """Convert amounts like "1234.5", "1.234,5" or "1 234,5" to float64.

    Thousands separators must be placed correctly ("1.23,4" is rejected), so a file whose
    decimal mark was detected wrongly produces problems instead of amounts off by 1000x.
    """
    fast = _number_fast_path(raw_text(series), decimal)
    text = trimmed_text(series) if fast is None else raw_text(series)
    if fast is not None:
        values = fast
    else:
        cleaned = pc.replace_substring_regex(text, f"[{_SPACES}]", "")
        cleaned = pc.replace_substring(cleaned, "\u2212", "-")
        thousands, point = (".", ",") if decimal == "," else (",", ".")
        t, p = re.escape(thousands), re.escape(point)
        # "5." is five, as the plain cast above reads it: a cell never depends on its neighbours.
        grammar = rf"^[+-]?(\d+|\d{{1,3}}({t}\d{{3}})+)?({p}\d*)?([eE][+-]?\d+)?$"
        ok = pc.and_(
            pc.match_substring_regex(cleaned, grammar), pc.match_substring_regex(cleaned, r"\d")
        )
        cleaned = pc.replace_substring(cleaned, thousands, "")
        if point != ".":
            cleaned = pc.replace_substring(cleaned, point, ".")
        cleaned = pc.if_else(ok, cleaned, pa.scalar(None, pa.string()))
        values = pc.cast(cleaned, pa.float64())
    values = pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64()))
    result = pd.Series(values.to_numpy(zero_copy_only=False), index=series.index, name=series.name)
    expected = expected_text("number")
    return result, cell_problems(text, values, series, file, column, expected, first_row)


def to_bool(
    series: pd.Series,
    *,
    file: str,
    column: str,
    first_row: int = 2,
) -> tuple[pd.Series, CellProblems]:
    """Convert yes/no style cells (English and Danish) to a nullable boolean column."""
    text = trimmed_text(series)
    truthy = pc.is_in(text, value_set=_TRUE_SET)
    falsy = pc.is_in(text, value_set=_FALSE_SET)
    if pc.any(pc.and_(pc.is_valid(text), pc.invert(pc.or_(truthy, falsy)))).as_py():
        lowered = pc.utf8_lower(text)  # rare odd casing ("tRUE"): pay for lowering only then
        truthy = pc.is_in(lowered, value_set=_TRUE_SET)
        falsy = pc.is_in(lowered, value_set=_FALSE_SET)
    values = pc.if_else(truthy, True, pc.if_else(falsy, False, pa.scalar(None, pa.bool_())))
    known = pc.is_valid(values).to_numpy()
    flags = pc.fill_null(values, False).to_numpy()
    out = pd.Series(pd.arrays.BooleanArray(flags, ~known), index=series.index, name=series.name)
    expected = expected_text("bool")
    return out, cell_problems(text, values, series, file, column, expected, first_row)


def to_text(series: pd.Series) -> pd.Series:
    """Trim identifiers and labels but keep them as strings, so "007" stays "007"."""
    text = trimmed_text(series).to_pandas().astype("str")
    # The array, not the Series: a Series would be aligned on its own 0..n-1 labels, which
    # shifts every id after a dropped blank row.
    return pd.Series(text.array, index=series.index, name=series.name, copy=False)


def to_category(values: pd.Series | pa.ChunkedArray, index: pd.Index | None = None
                ) -> pd.Series:
    """Like `to_text`, as a categorical: customer ids and touchpoints, hashed once at loading.

    The KPIs, the loyalty matrix and the touchpoint summary then work on integer codes, and
    only the distinct values (a few hundred thousand customers, not millions of rows) are
    ever trimmed or compared as strings. Categories keep the order of first appearance.
    """
    text = raw_text(values) if isinstance(values, pd.Series) else values
    if index is None:
        index = values.index if isinstance(values, pd.Series) else pd.RangeIndex(len(text))
    name = values.name if isinstance(values, pd.Series) else None
    codes, dictionary = _dictionary_encode(text)
    trimmed = pc.utf8_trim_whitespace(dictionary)
    if len(trimmed) and (pc.any(pc.equal(trimmed, "")).as_py()
                         or not pc.all(pc.equal(trimmed, dictionary)).as_py()):
        # " 007" and "007" are one customer: merge the values that trimming makes equal.
        trimmed = pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, trimmed.type), trimmed)
        distinct = pc.dictionary_encode(trimmed)
        # The last slot takes code -1 (a blank cell), so one take maps every row.
        remap = np.append(pc.fill_null(distinct.indices, -1).to_numpy(), -1).astype(np.int32)
        codes, trimmed = remap[codes], distinct.dictionary
    categories = pd.Index(trimmed.to_pandas(), dtype="str")
    category = pd.Categorical.from_codes(codes, dtype=categorical_dtype(categories), validate=False)
    return pd.Series(category, index=index, name=name, copy=False)


def _dictionary_encode(text: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Code per row (-1: blank) and the distinct values, in order of first appearance."""
    if text.num_chunks <= 1 or text.nbytes < _COMBINE_BYTES:
        # One chunk hashes faster than many, but combining copies every string first.
        flat = text.combine_chunks() if text.num_chunks != 1 else text.chunk(0)
        encoded = pc.dictionary_encode(flat)
        return pc.fill_null(encoded.indices, -1).to_numpy(), encoded.dictionary
    encoded = pc.dictionary_encode(text)  # the chunks share the final dictionary ...
    last = encoded.chunks[-1].dictionary
    if any(len(chunk.dictionary) != len(last) for chunk in encoded.chunks):
        encoded = encoded.unify_dictionaries()  # ... unless pyarrow changes its mind
        last = encoded.chunks[-1].dictionary
    codes = np.empty(len(text), dtype=np.int32)
    at = 0
    for chunk in encoded.chunks:
        codes[at : at + len(chunk)] = pc.fill_null(chunk.indices, -1).to_numpy()
        at += len(chunk)
    return codes, last


def categorical_dtype(categories: pd.Index) -> pd.CategoricalDtype:
    """The dtype for categories that are distinct and non-null by construction.

    pandas' public constructor checks that by hashing every category again, which costs a
    third of the encoding; its own fast path (used when pandas builds categories itself)
    skips the check. pandas is pinned, and the tests build categoricals this way.
    """
    fast = getattr(pd.CategoricalDtype, "_from_fastpath", None)
    return fast(categories, False) if fast is not None else pd.CategoricalDtype(categories)


def raw_text(series: pd.Series) -> pa.ChunkedArray:
    """Arrow view of a string column (zero-copy for pandas' pyarrow-backed str dtype)."""
    arr = pa.array(series, from_pandas=True)
    if isinstance(arr, pa.Array):
        arr = pa.chunked_array([arr])
    if not (pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type)):
        arr = pc.cast(arr, pa.large_string())
    return arr


def trimmed_text(series: pd.Series) -> pa.ChunkedArray:
    """Arrow view of the column with surrounding whitespace removed and blanks as missing."""
    arr = pc.utf8_trim_whitespace(raw_text(series))
    if pc.any(pc.equal(arr, "")).as_py():
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
    return arr


def _number_fast_path(text: pa.Array, decimal: str) -> pa.Array | None:
    """Cast the whole column in one go when it is plain digits, which real exports mostly are."""
    if decimal == ",":
        if pc.any(pc.match_substring(text, ".")).as_py():
            return None
        text = pc.replace_substring(text, ",", ".")
    elif pc.any(pc.match_substring(text, ",")).as_py():
        return None
    try:
        values = pc.cast(text, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    # pyarrow accepts "nan"/"inf"; those are not amounts, so let the slow path flag them.
    if pc.any(pc.invert(pc.is_finite(values))).as_py():
        return None
    return values


def cell_problems(
    text: pa.Array,
    converted: pa.Array,
    original: pd.Series,
    file: str,
    column: str,
    expected: str,
    first_row: int,
) -> CellProblems:
    """Report cells that had content but did not convert; empty cells are the caller's call."""
    bad = pc.and_(pc.is_valid(text), pc.is_null(converted))
    if not pc.any(bad).as_py():
        return CellProblems()
    positions = np.flatnonzero(bad.to_numpy())
    items = [
        CellProblem(
            row=_row_number(original, pos, first_row),
            column=column,
            value=str(text[pos].as_py()),
            expected=expected,
            file=file,
        )
        for pos in positions[:MAX_PROBLEMS_KEPT]
    ]
    return CellProblems(items, total=len(positions), mask=bad.to_numpy())


def _row_number(original: pd.Series, pos: int, first_row: int) -> int:
    """Spreadsheet row of a position, using the frame's index when it is a row position."""
    label = original.index[pos]
    offset = label if isinstance(label, (int, np.integer)) else pos
    return int(offset) + first_row
