"""Score each KPI 0-100 on the basis it has: a public benchmark's bands or the team's target.

The layer's KPI score is the weighted mean of its scored KPIs; a KPI that cannot be scored is
shown, not counted as zero.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loyalty_model.assessment.periods import sort_by_period
from loyalty_model.model import KpiSpec, Model, ScoringSettings


@dataclass(frozen=True)
class KpiResult:
    kpi: str
    layer: str
    value: float
    period: str
    target: float | None
    score: float | None
    band: str | None  # low | good | world_class | below_target | on_target
    basis: str  # benchmark | target | none


def score_kpi_value(spec: KpiSpec, value: float, target: float | None,
                    settings: ScoringSettings) -> tuple[float | None, str | None, str]:
    """Score one KPI value 0-100; returns (score, band, basis)."""
    if spec.basis == "benchmark":
        anchors = [spec.floor, spec.good, spec.world_class, spec.ceiling]
        points = [0.0, 60.0, 85.0, 100.0]
        xs, ys = (anchors, points) if spec.direction == "higher" else (anchors[::-1], points[::-1])
        score = float(np.interp(value, xs, ys))
        better = (lambda a, b: a >= b) if spec.direction == "higher" else (lambda a, b: a <= b)
        band = ("world_class" if better(value, spec.world_class)
                else "good" if better(value, spec.good) else "low")
        return score, band, "benchmark"
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return None, None, "none"
    if spec.direction == "higher":
        ratio = value / target if target else (1.0 if value >= 0 else 0.0)
    else:
        ratio = target / value if value else 2.0  # zero of a lower-is-better KPI beats any target
    score = 60.0 + (ratio - 1.0) * 100.0 * settings.target_points_per_pct
    score = float(min(100.0, max(0.0, score)))
    return score, ("on_target" if ratio >= 1.0 else "below_target"), "target"


def score_kpis(kpis: pd.DataFrame, model: Model, settings: ScoringSettings
               ) -> tuple[KpiResult, ...]:
    """Score each KPI on its latest period (a target carries forward from earlier periods)."""
    results = []
    if kpis is None or kpis.empty:
        return ()
    for kpi_id, rows in kpis.groupby("kpi", sort=False):
        spec = model.kpis.get(str(kpi_id))
        if spec is None:
            continue
        rows = sort_by_period(rows)
        latest = rows.iloc[-1]
        targets = rows["target"].dropna() if "target" in rows else pd.Series(dtype=float)
        target = float(targets.iloc[-1]) if len(targets) else None
        score, band, basis = score_kpi_value(spec, float(latest["value"]), target, settings)
        results.append(KpiResult(
            kpi=spec.id, layer=spec.layer, value=float(latest["value"]),
            period=str(latest["period"]), target=target, score=score, band=band, basis=basis,
        ))
    order = list(model.kpis)
    return tuple(sorted(results, key=lambda r: order.index(r.kpi)))


def kpi_trend(kpis: pd.DataFrame, model: Model, settings: ScoringSettings) -> pd.DataFrame:
    """Every KPI value with its score per period, for trend charts."""
    rows = []
    if kpis is None or kpis.empty:
        return pd.DataFrame(columns=["kpi", "layer", "period", "value", "score"])
    for kpi_id, group in kpis.groupby("kpi", sort=False):
        spec = model.kpis.get(str(kpi_id))
        if spec is None:
            continue
        target = None
        for _, row in sort_by_period(group).iterrows():
            if "target" in row and not pd.isna(row["target"]):
                target = float(row["target"])
            score, _, _ = score_kpi_value(spec, float(row["value"]), target, settings)
            rows.append({"kpi": spec.id, "layer": spec.layer, "period": row["period"],
                         "value": float(row["value"]), "score": score})
    return pd.DataFrame(rows)


def layer_kpi_trend(trend: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Per period and layer, the weighted KPI score: what the trend chart draws."""
    scored = trend.dropna(subset=["score"])
    if scored.empty:
        return pd.DataFrame(columns=["period", "layer", "score", "kpis"])
    weights = scored["kpi"].map(lambda k: model.kpis[k].weight)
    frame = scored.assign(weight=weights, weighted=scored["score"] * weights)
    frame = frame[frame["weight"] > 0]
    grouped = frame.groupby(["period", "layer"], as_index=False).agg(
        weighted=("weighted", "sum"), weight=("weight", "sum"), kpis=("kpi", "count"))
    grouped["score"] = grouped["weighted"] / grouped["weight"]
    return grouped[["period", "layer", "score", "kpis"]]


def layer_kpi_scores(results: tuple[KpiResult, ...], model: Model) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for layer in model.layers:
        scored = [(r.score, model.kpis[r.kpi].weight) for r in results
                  if r.layer == layer.id and r.score is not None and model.kpis[r.kpi].weight > 0]
        weight = sum(w for _, w in scored)
        out[layer.id] = sum(s * w for s, w in scored) / weight if weight else None
    return out
