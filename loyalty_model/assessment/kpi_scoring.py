"""Score each KPI 0-100 on a basis that needs nothing typed, and say which basis it was.

A team that brings numbers without targets must still see its layers scored, so every KPI falls
through the same order: a public benchmark's bands; else the team's own target; else the
catalogue's starting target (labelled as not a benchmark); else its own trend. Only a KPI with
none of these is shown unscored — never counted as zero. See data/kpis.toml for the arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from loyalty_model.assessment.periods import sort_by_period
from loyalty_model.model import KpiSpec, Model, ScoringSettings

BASES = ("benchmark", "team_target", "default_target", "trend", "none")
AT_TARGET = 60.0  # holding the target (or, on a trend, the starting level) scores this
STEADY_WITHIN = 1.0  # a trend moving less than one point either way is steady


@dataclass(frozen=True)
class Trend:
    """How a KPI moved over its last periods, in its own units and in its favour."""

    first_period: str
    first_value: float
    latest_value: float
    periods: int  # periods from first to latest, both included
    moves: str  # rising | falling | flat: the number itself
    run: int  # consecutive moves in that direction up to the latest period
    advantage: float  # points in the KPI's favour (see `advantage`); negative = worse


@dataclass(frozen=True)
class KpiResult:
    kpi: str
    layer: str
    value: float
    period: str
    target: float | None  # what the value was scored against (team or starting target)
    score: float | None
    band: str | None  # low | good | world_class | below_target | on_target | improving | ...
    basis: str  # benchmark | team_target | default_target | trend | none
    trend: Trend | None = None
    history: tuple[float, ...] = ()  # values in period order, for sparklines


def advantage(spec: KpiSpec, value: float, reference: float) -> float:
    """How far `value` is ahead of `reference`, in the KPI's favour.

    Percentage points for shares (78 % against 95 % is −17) and for compare = "points" KPIs
    (NPS points); otherwise per cent of the reference (20 h against 24 h is +16.7).
    """
    sign = 1.0 if spec.direction == "higher" else -1.0
    if spec.unit == "share":
        return sign * (value - reference) * 100.0
    if spec.compare == "points":
        return sign * (value - reference)
    if reference == 0:
        return 0.0 if value == 0 else sign * math.copysign(100.0, value)
    return sign * (value - reference) / abs(reference) * 100.0


def score_against(spec: KpiSpec, value: float, reference: float,
                  settings: ScoringSettings) -> float:
    ahead = advantage(spec, value, reference)
    return float(min(100.0, max(0.0, AT_TARGET + ahead * settings.target_points_per_pct)))


def score_benchmark(spec: KpiSpec, value: float) -> tuple[float, str]:
    """Piecewise linear through the four anchors; the band the value falls in."""
    anchors = [spec.floor, spec.good, spec.world_class, spec.ceiling]
    points = [0.0, 60.0, 85.0, 100.0]
    xs, ys = (anchors, points) if spec.direction == "higher" else (anchors[::-1], points[::-1])
    score = float(np.interp(value, xs, ys))
    better = (lambda a, b: a >= b) if spec.direction == "higher" else (lambda a, b: a <= b)
    band = ("world_class" if better(value, spec.world_class)
            else "good" if better(value, spec.good) else "low")
    return score, band


def score_kpi_value(spec: KpiSpec, value: float, target: float | None,
                    settings: ScoringSettings) -> tuple[float | None, str | None, str]:
    """Score one value against the benchmark, or against an explicit target; (score, band, basis).

    The basis is "team_target" for any explicit target here; `score_kpi` decides between a team
    target, the starting target and the trend.
    """
    if spec.basis == "benchmark":
        return (*score_benchmark(spec, value), "benchmark")
    if target is None or (isinstance(target, float) and math.isnan(target)):
        return None, None, "none"
    score = score_against(spec, value, target, settings)
    band = "on_target" if advantage(spec, value, target) >= 0 else "below_target"
    return score, band, "team_target"


def describe_trend(spec: KpiSpec, rows: pd.DataFrame, settings: ScoringSettings
                   ) -> Trend | None:
    """The last `trend_periods` periods of a KPI (rows in time order); None with one period."""
    window = rows.tail(settings.trend_periods)
    values = [float(v) for v in window["value"]]
    if len(values) < 2:
        return None
    steps = np.sign(np.diff(values))
    last = steps[-1]
    run = 0
    for step in steps[::-1]:
        if step != last or step == 0:
            break
        run += 1
    moves = "rising" if last > 0 else "falling" if last < 0 else "flat"
    return Trend(first_period=str(window["period"].iloc[0]), first_value=values[0],
                 latest_value=values[-1], periods=len(values), moves=moves, run=run,
                 advantage=advantage(spec, values[-1], values[0]))


def _clean(value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def resolve_target(spec: KpiSpec, rows: pd.DataFrame, team_target: float | None
                   ) -> tuple[float | None, str]:
    """The target a KPI is held against: the team's (set here or in its file), else the start."""
    if _clean(team_target) is not None:
        return float(team_target), "team_target"
    in_file = rows["target"].dropna() if "target" in rows else pd.Series(dtype=float)
    if len(in_file):
        return float(in_file.iloc[-1]), "team_target"
    if spec.default_target is not None:
        return spec.default_target, "default_target"
    return None, "none"


def trend_band(trend: Trend) -> str:
    if trend.advantage >= STEADY_WITHIN:
        return "improving"
    if trend.advantage <= -STEADY_WITHIN:
        return "worsening"
    return "steady"


def score_kpi(spec: KpiSpec, rows: pd.DataFrame, team_target: float | None,
              settings: ScoringSettings) -> KpiResult:
    """Score a KPI on its latest period; `rows` are its kpi/value/period[/target] rows."""
    rows = sort_by_period(rows)
    latest = rows.iloc[-1]
    value = float(latest["value"])
    trend = describe_trend(spec, rows, settings)
    target: float | None = None
    if spec.basis == "benchmark":
        score, band = score_benchmark(spec, value)
        basis: str = "benchmark"
    else:
        target, basis = resolve_target(spec, rows, team_target)
        if target is not None:
            score = score_against(spec, value, target, settings)
            band = "on_target" if advantage(spec, value, target) >= 0 else "below_target"
        elif trend is not None and trend.periods >= settings.trend_min_periods:
            score = score_against(spec, value, trend.first_value, settings)
            band, basis = trend_band(trend), "trend"
        else:
            score, band = None, None
    return KpiResult(kpi=spec.id, layer=spec.layer, value=value, period=str(latest["period"]),
                     target=target, score=score, band=band, basis=basis, trend=trend,
                     history=tuple(float(v) for v in rows["value"]))


def score_kpis(kpis: pd.DataFrame | None, model: Model, settings: ScoringSettings,
               targets: Mapping[str, float] | None = None) -> tuple[KpiResult, ...]:
    """Score every known KPI in the frame; `targets` are the team's, by KPI id."""
    if kpis is None or kpis.empty:
        return ()
    targets = targets or {}
    results = [score_kpi(model.kpis[str(kpi_id)], rows, targets.get(str(kpi_id)), settings)
               for kpi_id, rows in kpis.groupby("kpi", sort=False)
               if str(kpi_id) in model.kpis]
    order = list(model.kpis)
    return tuple(sorted(results, key=lambda r: order.index(r.kpi)))


def kpi_trend(kpis: pd.DataFrame | None, model: Model, settings: ScoringSettings,
              targets: Mapping[str, float] | None = None) -> pd.DataFrame:
    """Every KPI value with its score per period, on the basis its latest period is scored on."""
    columns = ["kpi", "layer", "period", "value", "score"]
    if kpis is None or kpis.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for result in score_kpis(kpis, model, settings, targets):
        spec = model.kpis[result.kpi]
        set_here = _clean((targets or {}).get(result.kpi))
        file_target = None
        for _, row in sort_by_period(kpis[kpis["kpi"] == result.kpi]).iterrows():
            if "target" in row and _clean(row["target"]) is not None:
                file_target = float(row["target"])  # a target in the file carries forward
            value = float(row["value"])
            if result.basis == "benchmark":
                score: float | None = score_benchmark(spec, value)[0]
            elif result.basis == "trend":
                score = score_against(spec, value, result.trend.first_value, settings)
            elif result.basis == "none":
                score = None
            else:
                reference = result.target
                if result.basis == "team_target" and set_here is None and file_target is not None:
                    reference = file_target
                score = score_against(spec, value, reference, settings)
            rows.append({"kpi": spec.id, "layer": spec.layer, "period": row["period"],
                         "value": value, "score": score})
    return pd.DataFrame(rows, columns=columns)


def layer_kpi_trend(trend: pd.DataFrame, model: Model) -> pd.DataFrame:
    """Per period and layer, the KPI score weighted as in the layer score: what the chart draws."""
    scored = trend.dropna(subset=["score"])
    if scored.empty:
        return pd.DataFrame(columns=["period", "layer", "score", "kpis"])
    out = []
    for (period, layer), group in scored.groupby(["period", "layer"], sort=False):
        score = _weighted(list(zip(group["kpi"], group["score"], strict=True)), model)
        if score is not None:
            out.append({"period": period, "layer": layer, "score": score, "kpis": len(group)})
    return pd.DataFrame(out, columns=["period", "layer", "score", "kpis"])


def _weighted(scored: list[tuple[str, float]], model: Model) -> float | None:
    """Weighted mean where a family (one survey question) counts once, with its largest weight."""
    groups: dict[str, list[tuple[float, float]]] = {}
    for kpi_id, score in scored:
        spec = model.kpis[kpi_id]
        if spec.weight > 0:
            groups.setdefault(spec.family or spec.id, []).append((float(score), spec.weight))
    total = sum(max(w for _, w in members) for members in groups.values())
    if not total:
        return None
    return sum(np.mean([s for s, _ in members]) * max(w for _, w in members)
               for members in groups.values()) / total


def layer_kpi_scores(results: tuple[KpiResult, ...], model: Model) -> dict[str, float | None]:
    return {layer.id: _weighted([(r.kpi, r.score) for r in results
                                 if r.layer == layer.id and r.score is not None], model)
            for layer in model.layers}


def drivers(results: tuple[KpiResult, ...], layer_id: str, layer_score: float | None,
            model: Model) -> tuple[KpiResult, ...]:
    """The layer's scored KPIs, the one pulling its score down hardest first.

    Pull = weight × (KPI score − layer score): the most negative pulls down most; the positive
    end of the list is what holds the layer up.
    """
    scored = [r for r in results if r.layer == layer_id and r.score is not None]
    if layer_score is None:
        return tuple(scored)
    return tuple(sorted(scored, key=lambda r: model.kpis[r.kpi].weight
                        * (r.score - layer_score)))
