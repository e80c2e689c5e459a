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

from typing import Any

import numpy as np
import pandas as pd

QUADRANTS = ("true_loyalty", "latent", "spurious", "none")


def loyalty_matrix(frames: dict[str, Any]) -> dict[str, Any] | None:
    """Counts and shares per quadrant, or None when no respondent joins any behavioural data.

    Returns {"counts": {quadrant: int}, "shares": {quadrant: float}, "joined": int,
    "respondents": int, "behaviour": "orders" | "customers" | "orders+customers"}.
    """
    surveys = _frame(frames.get("surveys"))
    if surveys is None or surveys.empty:
        return None
    attitude = _latest_scores(surveys)
    evidence = _behaviour(_frame(frames.get("orders")), _frame(frames.get("customers")))
    if evidence is None:
        return None
    loyal, source = evidence
    joined = attitude.index.intersection(loyal.index)
    if joined.empty:
        return None
    promoter = (attitude.loc[joined] >= 9).to_numpy()
    behaves = loyal.loc[joined].to_numpy(dtype=bool)
    counts = {
        "true_loyalty": int(np.sum(promoter & behaves)),
        "latent": int(np.sum(promoter & ~behaves)),
        "spurious": int(np.sum(~promoter & behaves)),
        "none": int(np.sum(~promoter & ~behaves)),
    }
    return {
        "counts": counts,
        "shares": {quadrant: counts[quadrant] / len(joined) for quadrant in QUADRANTS},
        "joined": len(joined),
        "respondents": len(attitude),
        "behaviour": source,
    }


def _frame(value: Any) -> pd.DataFrame | None:
    return getattr(value, "frame", value)


def _latest_scores(surveys: pd.DataFrame) -> pd.Series:
    """Each respondent's most recent score, indexed by customer id."""
    answers = surveys.loc[surveys["customer_id"].notna() & surveys["score"].notna()]
    if "responded_at" in answers:
        answers = answers.sort_values("responded_at", kind="stable")
    latest = answers.drop_duplicates("customer_id", keep="last")
    return pd.Series(latest["score"].to_numpy(), index=pd.Index(latest["customer_id"]))


def _behaviour(
    orders: pd.DataFrame | None, customers: pd.DataFrame | None
) -> tuple[pd.Series, str] | None:
    """Loyal behaviour (bool) per customer id, and which data it came from."""
    parts: list[pd.Series] = []
    sources: list[str] = []
    repeat = None
    if orders is not None and not orders.empty:
        repeat = orders["customer_id"].dropna().value_counts() >= 2
        parts.append(repeat)
        sources.append("orders")
    status = None
    if customers is not None and not customers.empty and "is_churned" in customers:
        known = customers.loc[customers["customer_id"].notna()].drop_duplicates(
            "customer_id", keep="last"
        )
        status = pd.Series(
            known["is_churned"].astype("boolean").to_numpy(), index=pd.Index(known["customer_id"])
        ).astype("boolean")
        sources.append("customers")
    if not sources:
        return None
    ids = pd.Index([]).append([s.index for s in [repeat, status] if s is not None]).unique()
    buys = repeat.reindex(ids, fill_value=False) if repeat is not None else False
    if status is None:
        return pd.Series(np.asarray(buys, dtype=bool), index=ids), "+".join(sources)
    known_status = status.reindex(ids)  # NA where the customers file says nothing
    churned = known_status.fillna(False).to_numpy(dtype=bool)
    active = (~known_status).fillna(False).to_numpy(dtype=bool)
    loyal = ~churned & (np.asarray(buys, dtype=bool) | active)
    return pd.Series(loyal, index=ids), "+".join(sources)
