"""The loyalty matrix: attitude (would recommend) × behaviour (keeps buying / has not left).

Only customers who answered a survey *and* appear in the behavioural data can be placed, so the
matrix is built from the join on customer id and says how many customers that is.

The rules, chosen so each quadrant means what the model says it means:

- Attitude: each respondent's latest answer (by responded_at; the later row wins a tie).
  Promoter = score 9–10.
- Behaviour, from whatever is loaded:
  - a customer marked churned in the customers file is not loyal, whatever they bought before:
    leaving is the strongest behavioural signal there is;
  - otherwise a repeat buyer (≥ 2 orders) is loyal;
  - otherwise a customer in the customers file marked *not* churned is loyal: an active
    subscription or account is behaviour too, and exactly where passive loyalty hides;
  - anyone else is not loyal (one order, or churn status unknown).
- Joined = respondents whose id occurs in the orders file or in the customers file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

QUADRANTS = ("true_loyalty", "latent", "spurious", "none")
_LATEST = np.iinfo(np.int64).max  # a missing answer time sorts last, as pandas sorts NaT


@dataclass(frozen=True)
class Part:
    """What one file contributes to the matrix, per distinct customer id (not per row).

    Small enough to keep when the file's rows are gone: a command that streams ten million
    rows per file keeps these and drops each file's frame once its KPIs are computed.
    """

    ids: pa.Array
    """Distinct customer ids, as strings."""
    values: np.ndarray
    """surveys: promoter (latest answer 9–10); orders: number of orders; customers: churned
    (1), not churned (0) or unknown (-1), from the id's last row."""


def loyalty_matrix(frames: dict[str, Any]) -> dict[str, Any] | None:
    """Counts and shares per quadrant, or None when no respondent joins any behavioural data.

    Returns {"counts": {quadrant: int}, "shares": {quadrant: float}, "joined": int,
    "respondents": int, "behaviour": "orders" | "customers" | "orders+customers"}.
    """
    parts = {kind: matrix_part(kind, _frame(frames.get(kind)))
             for kind in ("surveys", "orders", "customers")}
    return combine(parts)


def matrix_part(kind: str, frame: pd.DataFrame | None) -> Part | None:
    """The file's contribution, or None when it has none (no rows, no is_churned column)."""
    if frame is None or frame.empty:
        return None
    if kind == "surveys":
        return _attitude(frame)
    if kind == "orders":
        codes, uniques = _keys(frame["customer_id"])
        per_id = np.bincount(codes[codes >= 0], minlength=len(uniques))
        used = per_id > 0  # a category whose rows were all dropped is not in the file
        return Part(_strings(uniques).filter(pa.array(used)), per_id[used])
    if kind == "customers" and "is_churned" in frame:
        codes, uniques = _keys(frame["customer_id"])
        last = _last_row(codes, len(uniques), codes >= 0)  # a repeated id: the last row says
        used = last >= 0
        status = frame["is_churned"].astype("boolean").array
        churned = np.where(status.isna(), -1, status.fillna(False).to_numpy(dtype=np.int8))
        return Part(_strings(uniques).filter(pa.array(used)), churned[last[used]].astype(np.int8))
    return None


def combine(parts: dict[str, Part | None]) -> dict[str, Any] | None:
    """The matrix from the files' parts: respondents joined on id with orders and customers.

    Each file's distinct ids are matched once (a hash join of a few hundred thousand strings),
    never its rows.
    """
    attitude = parts.get("surveys")
    behaviour = [kind for kind in ("orders", "customers") if parts.get(kind) is not None]
    if attitude is None or not behaviour:
        return None
    n = len(attitude.ids)
    found = np.zeros(n, dtype=bool)
    buys = churned = active = np.zeros(n, dtype=bool)
    if "orders" in behaviour:
        orders = _lookup(attitude.ids, parts["orders"], 0)
        found |= orders > 0
        buys = orders >= 2
    if "customers" in behaviour:
        status = _lookup(attitude.ids, parts["customers"], -2)  # -2: not in the file
        found |= status > -2
        churned, active = status == 1, status == 0
    if not found.any():
        return None
    promoter, behaves = attitude.values[found], (~churned & (buys | active))[found]
    counts = {
        "true_loyalty": int(np.sum(promoter & behaves)),
        "latent": int(np.sum(promoter & ~behaves)),
        "spurious": int(np.sum(~promoter & behaves)),
        "none": int(np.sum(~promoter & ~behaves)),
    }
    joined = int(found.sum())
    return {
        "counts": counts,
        "shares": {quadrant: counts[quadrant] / joined for quadrant in QUADRANTS},
        "joined": joined,
        "respondents": n,
        "behaviour": "+".join(behaviour),
    }


def _frame(value: Any) -> pd.DataFrame | None:
    return getattr(value, "frame", value)


def _keys(ids: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Per row the code of its customer id (-1: none), and the distinct ids the codes index."""
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return ids.cat.codes.to_numpy().astype(np.intp), ids.cat.categories
    codes, uniques = pd.factorize(ids)
    return codes.astype(np.intp), pd.Index(uniques)


def _strings(ids: pd.Index) -> pa.Array:
    return pa.array(ids.array if ids.dtype == "str" else ids.astype(str), type=pa.large_string())


def _last_row(codes: np.ndarray, n: int, rows: np.ndarray) -> np.ndarray:
    """Per code, the position of its last row among `rows`; -1 when it has none."""
    positions = np.flatnonzero(rows)
    last = np.full(n, -1, dtype=np.intp)
    np.maximum.at(last, codes[positions], positions)
    return last


def _attitude(surveys: pd.DataFrame) -> Part | None:
    """Each respondent's most recent answer (by responded_at; the later row wins a tie)."""
    codes, uniques = _keys(surveys["customer_id"])
    scores = surveys["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    answered = (codes >= 0) & ~np.isnan(scores)
    if "responded_at" in surveys:
        stamps = surveys["responded_at"].to_numpy("datetime64[us]")
        when = np.where(np.isnat(stamps), _LATEST, stamps.view(np.int64))
        newest = np.full(len(uniques), np.iinfo(np.int64).min, dtype=np.int64)
        np.maximum.at(newest, codes[answered], when[answered])
        answered &= when == newest[np.where(codes >= 0, codes, 0)]
    last = _last_row(codes, len(uniques), answered)
    known = last >= 0
    if not known.any():
        return None
    return Part(_strings(uniques).filter(pa.array(known)), scores[last[known]] >= 9)


def _lookup(ids: pa.Array, part: Part, missing: int) -> np.ndarray:
    """`part.values` for each id; `missing` where the id is not in the part's file."""
    where = pc.index_in(ids, value_set=part.ids).to_numpy(zero_copy_only=False)
    found = ~np.isnan(where)
    out = np.full(len(ids), missing, dtype=np.int64)
    out[found] = part.values[where[found].astype(np.intp)]
    return out
