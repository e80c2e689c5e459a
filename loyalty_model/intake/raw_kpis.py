"""KPIs computed from raw exports (surveys, orders, tickets, customers), as PRODUCT.md defines them.

A KPI the data cannot support is None, never 0: a missing "promised date" column says nothing
about delivery, and scoring it as zero would invent a problem the team does not have.

Definitions beyond the PRODUCT.md table (documented here because the tests hold us to them):

- Dates are compared as exported; time zones were already normalised to UTC by the reader.
- arpc_annual: years = (latest − earliest ordered_at) in fractional days / 365.25, at least 1/12.
- on_time_delivery_rate: promises are made in days, so delivered_at and promised_at are compared
  as calendar dates (delivered at 14:05 on the promised day is on time).
- first_contact_resolution: over tickets with a contacts value; a blank or absent reopened cell
  means not reopened. avg_transfers/multi_transfer_share: over tickets with a transfers value.
- complaints_per_1000_customers: blank is_complaint cells are not complaints; None when the
  column is absent. churn_rate_customers and arpc_monthly: over customers with a value.
- product_survey_score, communication_score, delivery_survey_score,
  fault_correction_survey_score: mean score of the answers whose touchpoint maps to that layer
  (intake/touchpoints.py: the synonyms in data/synonyms.toml, or the user's own choice per value);
  None without a touchpoint column or when no answer maps to the layer.
- Per period, each kind is bucketed by its own date (surveys responded_at, orders ordered_at,
  tickets opened_at); customers carry no date and churn_rate_orders needs a year of history, so
  both are None per period.
"""

from __future__ import annotations

import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import numpy as np
import pandas as pd

from loyalty_model.intake.loading import Loaded, format_problems, load_kind
from loyalty_model.intake.touchpoints import TOUCHPOINT_KPI, Choices, layer_codes, layer_means

__all__ = [
    "DATE_COLUMN",
    "KPI_KIND",
    "KPI_NAMES",
    "Loaded",
    "compute_kpis",
    "compute_kpis_by_period",
    "format_problems",
    "load_kind",
]

KPI_KIND: dict[str, str] = {
    "nps": "surveys",
    "promoter_share": "surveys",
    "detractor_share": "surveys",
    **dict.fromkeys(TOUCHPOINT_KPI.values(), "surveys"),
    "repeat_purchase_rate": "orders",
    "arpc_annual": "orders",
    "churn_rate_orders": "orders",
    "on_time_delivery_rate": "orders",
    "median_resolution_hours": "tickets",
    "first_contact_resolution": "tickets",
    "avg_transfers": "tickets",
    "multi_transfer_share": "tickets",
    "complaints_per_1000_customers": "tickets",
    "churn_rate_customers": "customers",
    "arpc_monthly": "customers",
}
KPI_NAMES: tuple[str, ...] = tuple(KPI_KIND)
DATE_COLUMN: dict[str, str] = {
    "surveys": "responded_at",
    "orders": "ordered_at",
    "tickets": "opened_at",
}

_US_PER_DAY = 86_400_000_000
_US_PER_HOUR = 3_600_000_000
_PARALLEL_ROWS = 200_000
_NOT_PER_PERIOD = ("churn_rate_orders", "churn_rate_customers", "arpc_monthly")

Frames = dict[str, Any]
"""kind → typed DataFrame (as `Loaded.frame`), or the `Loaded` itself."""


def compute_kpis(frames: Frames, touchpoint_layers: Choices | None = None
                 ) -> dict[str, float | None]:
    """Every raw KPI by name; None where the kind, the column or the rows are missing.

    `touchpoint_layers` is the user's {touchpoint value: layer, or "" to leave it out}; values
    it does not name follow the synonyms.
    """
    result: dict[str, float | None] = dict.fromkeys(KPI_NAMES)
    calculators = {**_CALCULATORS,
                   "surveys": partial(_survey_kpis, touchpoint_layers=touchpoint_layers)}
    jobs = [
        (calculate, frame)
        for kind, calculate in calculators.items()
        if (frame := _frame(frames.get(kind))) is not None and len(frame)
    ]
    if len(jobs) > 1 and sum(len(frame) for _, frame in jobs) > _PARALLEL_ROWS:
        # The kinds are independent and the heavy steps release the GIL: use the cores.
        with ThreadPoolExecutor(max_workers=min(len(jobs), os.cpu_count() or 1)) as pool:
            parts = list(pool.map(lambda job: job[0](job[1]), jobs))
    else:
        parts = [calculate(frame) for calculate, frame in jobs]
    for part in parts:
        result.update(part)
    return result


def compute_kpis_by_period(frames: Frames, by: str = "month",
                           touchpoint_layers: Choices | None = None
                           ) -> dict[str, dict[str, float | None]]:
    """KPIs per calendar month ("2026-07") or quarter ("2026-Q3"), oldest period first.

    Only the row numbers are bucketed up front; each period's rows are taken, computed and
    dropped in turn, so a ten-million-row file is never held twice.
    """
    if by not in ("month", "quarter"):
        raise ValueError(f"by must be 'month' or 'quarter', not {by!r}")
    buckets: dict[int, dict[str, np.ndarray]] = defaultdict(dict)
    tables: dict[str, pd.DataFrame] = {}
    for kind, column in DATE_COLUMN.items():
        frame = _frame(frames.get(kind))
        if frame is None or not len(frame) or column not in frame:
            continue
        months = frame[column].to_numpy("datetime64[us]").astype("datetime64[M]").astype(np.int64)
        codes = months // 3 if by == "quarter" else months
        order = np.argsort(codes, kind="stable")
        keys, starts = np.unique(codes[order], return_index=True)
        for key, rows in zip(keys, np.split(order, starts[1:]), strict=True):
            buckets[int(key)][kind] = rows
        tables[kind] = frame
    result: dict[str, dict[str, float | None]] = {}
    for key in sorted(buckets):
        period = {kind: tables[kind].take(rows) for kind, rows in buckets[key].items()}
        kpis = compute_kpis(period, touchpoint_layers)
        kpis.update(dict.fromkeys(_NOT_PER_PERIOD))
        result[_period_label(key, by)] = kpis
    return result


def _frame(value: Any) -> pd.DataFrame | None:
    return value.frame if isinstance(value, Loaded) else value


def _period_label(code: int, by: str) -> str:
    if by == "quarter":
        return f"{1970 + code // 4}-Q{code % 4 + 1}"
    return f"{1970 + code // 12}-{code % 12 + 1:02d}"


def _share(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if mask.size else None


def _floats(frame: pd.DataFrame, column: str) -> np.ndarray | None:
    """The column's non-missing values as float64, or None when the column is absent."""
    if column not in frame:
        return None
    values = frame[column].to_numpy(dtype=np.float64, na_value=np.nan)
    return values[~np.isnan(values)]


def _flags(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A yes/no column as plain bools, blank meaning no."""
    return frame[column].fillna(False).to_numpy(dtype=bool)


def _micros(series: pd.Series) -> np.ndarray:
    """Timestamps as int64 microseconds; NaT becomes the int64 minimum (checked by callers)."""
    return series.to_numpy("datetime64[us]").view(np.int64)


def _customer_codes(ids: pd.Series) -> tuple[np.ndarray, int]:
    """Number the distinct customer ids present 0..n-1, returning (code per row, n).

    Ids are strings, so "007" and "7" are different customers. Loaded frames carry them as
    categoricals (hashed once, at loading), so numbering is a count over integer codes; a
    category no row uses any more (its rows were dropped as bad) is not a customer. Plain
    string ids, as tests and callers may pass, are hashed here.
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):
        codes = ids.cat.codes.to_numpy().astype(np.intp)
        used = np.bincount(codes[codes >= 0], minlength=len(ids.cat.categories)) > 0
        if used.all():
            return codes, len(used)
        dense = np.cumsum(used) - 1
        return np.where(codes >= 0, dense[codes], -1), int(used.sum())
    codes, uniques = pd.factorize(ids)  # a missing id (-1) is nobody: not counted
    return codes, len(uniques)


def _survey_kpis(frame: pd.DataFrame, touchpoint_layers: Choices | None = None
                 ) -> dict[str, float | None]:
    if "score" not in frame:
        return {}
    scores = frame["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    answered = ~np.isnan(scores)
    if not answered.any():
        return {}
    codes = layer_codes(frame["touchpoint"], touchpoint_layers) if "touchpoint" in frame else None
    if not answered.all():
        scores = scores[answered]
        codes = None if codes is None else codes[answered]
    promoters, detractors = float(np.mean(scores >= 9)), float(np.mean(scores <= 6))
    result: dict[str, float | None] = {
        "nps": 100.0 * (promoters - detractors),
        "promoter_share": promoters,
        "detractor_share": detractors,
    }
    if codes is not None:
        result.update(layer_means(scores, codes))
    return result


def _order_kpis(frame: pd.DataFrame) -> dict[str, float | None]:
    codes, n_customers = _customer_codes(frame["customer_id"])
    if (codes < 0).any():  # rows without a customer id cannot say anything about customers
        frame, codes = frame.loc[codes >= 0], codes[codes >= 0]
    if not n_customers:
        return {}
    ordered = _micros(frame["ordered_at"])
    earliest, latest = int(ordered.min()), int(ordered.max())
    years = max((latest - earliest) / _US_PER_DAY / 365.25, 1 / 12)
    last = np.full(n_customers, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(last, codes, ordered)
    result: dict[str, float | None] = {
        "repeat_purchase_rate": _share(np.bincount(codes, minlength=n_customers) >= 2),
        "arpc_annual": float(frame["amount"].sum()) / n_customers / years,
        "churn_rate_orders": _share((latest - last) > 365 * _US_PER_DAY),
    }
    if "promised_at" in frame and "delivered_at" in frame:
        both = (frame["promised_at"].notna() & frame["delivered_at"].notna()).to_numpy()
        promised = _micros(frame["promised_at"])[both] // _US_PER_DAY
        delivered = _micros(frame["delivered_at"])[both] // _US_PER_DAY
        result["on_time_delivery_rate"] = _share(delivered <= promised)
    return result


def _ticket_kpis(frame: pd.DataFrame) -> dict[str, float | None]:
    result: dict[str, float | None] = {}
    if "resolved_at" in frame:
        resolved = frame["resolved_at"].notna().to_numpy()
        if resolved.any():
            hours = (
                _micros(frame["resolved_at"])[resolved] - _micros(frame["opened_at"])[resolved]
            ) / _US_PER_HOUR
            result["median_resolution_hours"] = float(np.median(hours))
    if "contacts" in frame:
        known = frame["contacts"].notna().to_numpy()
        first_time = frame["contacts"].to_numpy(dtype=np.float64, na_value=np.nan)[known] == 1
        if "reopened" in frame:
            first_time &= ~_flags(frame, "reopened")[known]
        result["first_contact_resolution"] = _share(first_time)
    transfers = _floats(frame, "transfers")
    if transfers is not None and transfers.size:
        result["avg_transfers"] = float(transfers.mean())
        result["multi_transfer_share"] = _share(transfers >= 3)
    if "is_complaint" in frame:
        customers = _customer_codes(frame["customer_id"])[1]
        if customers:
            complaints = int(_flags(frame, "is_complaint").sum())
            result["complaints_per_1000_customers"] = 1000.0 * complaints / customers
    return result


def _customer_kpis(frame: pd.DataFrame) -> dict[str, float | None]:
    result: dict[str, float | None] = {}
    if "is_churned" in frame:
        churned = frame["is_churned"].dropna().to_numpy(dtype=bool)
        result["churn_rate_customers"] = _share(churned)
    revenue = _floats(frame, "monthly_revenue")
    if revenue is not None and revenue.size:
        result["arpc_monthly"] = float(revenue.mean())
    return result


_CALCULATORS = {
    "surveys": _survey_kpis,
    "orders": _order_kpis,
    "tickets": _ticket_kpis,
    "customers": _customer_kpis,
}
