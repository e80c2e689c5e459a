"""Periods as the KPI files write them (2026, 2026-07, 2026-Q3), normalised and put in time order.

Periods stay text so a file's own labels survive; only their order needs knowing.
"""

from __future__ import annotations

import re

import pandas as pd

_PERIOD_PATTERNS = (
    (re.compile(r"^(\d{4})$"), lambda m: m.group(1)),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), lambda m: f"{m.group(1)}-{int(m.group(2)):02d}"),
    (re.compile(r"^(\d{4})[- ]?Q([1-4])$", re.I), lambda m: f"{m.group(1)}-Q{m.group(2)}"),
    (re.compile(r"^Q([1-4])[- ]?(\d{4})$", re.I), lambda m: f"{m.group(2)}-Q{m.group(1)}"),
    (re.compile(r"^(\d{1,2})[-./](\d{4})$"), lambda m: f"{m.group(2)}-{int(m.group(1)):02d}"),
)


def normalise_period(text: str) -> str | None:
    """Return a period as 2026, 2026-07 or 2026-Q3, or None when it is not a period."""
    text = str(text).strip()
    for pattern, build in _PERIOD_PATTERNS:
        match = pattern.match(text)
        if match:
            period = build(match)
            if re.match(r"^\d{4}-(\d{2})$", period) and not 1 <= int(period[5:]) <= 12:
                return None
            return period
    return None


def period_sort_key(period: str) -> tuple[int, int, int]:
    """Order 2026 < 2026-Q1 < 2026-01 ... by the period's end (years last within a year)."""
    year = int(period[:4])
    if len(period) == 4:
        return (year, 12, 2)
    if "Q" in period:
        return (year, int(period[-1]) * 3, 1)
    return (year, int(period[5:7]), 0)


def sort_by_period(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows in time order (periods are text, so plain sorting would put 2026-Q1 after 2026-12)."""
    keys = [period_sort_key(str(period)) for period in frame["period"]]
    return frame.iloc[sorted(range(len(frame)), key=keys.__getitem__)]


PERIODS_PER_YEAR = {"year": 1, "quarter": 4, "month": 12}


def period_kind(period: str) -> str:
    """"year", "quarter" or "month" of a normalised period (2026, 2026-Q3, 2026-07)."""
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


def period_index(period: str) -> int:
    """A running number within the period's kind, so a year of quarters is four steps apart."""
    year = int(period[:4])
    kind = period_kind(period)
    if kind == "year":
        return year
    return year * PERIODS_PER_YEAR[kind] + int(period[-1] if kind == "quarter" else period[5:7]) - 1
