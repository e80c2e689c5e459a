"""The targets step: every loaded KPI with what it is scored against, ready to edit in one table.

Raw exports never carry targets, so the team sees for each KPI whether a benchmark, a starting
target or the trend is doing the work, and can put its own target in its place. Targets are edited
the way people say them (95 % rather than 0.95); this module converts both ways and refuses a
target outside the KPI's range with a message, so nothing half-valid is stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from loyalty_model.assessment.kpi_scoring import KpiResult, score_kpis
from loyalty_model.i18n import DEFAULT_CURRENCY, fmt_kpi_value, fmt_number, parse_number, t
from loyalty_model.messages import Message, Number
from loyalty_model.model import KpiSpec, Model, ScoringSettings

TABLE_COLUMNS = ["kpi", "name", "layer", "value", "trend", "basis", "starting_target",
                 "team_target", "team_target_shown", "unit", "score", "band"]


def scale(spec: KpiSpec) -> float:
    """Shares are edited in per cent; everything else in its own unit."""
    return 100.0 if spec.unit == "share" else 1.0


def unit_label(spec: KpiSpec, lang: str) -> str:
    return t(f"targets.unit_{spec.unit}", lang)


def _with_unit(text: str, spec: KpiSpec, lang: str) -> str:
    """Hours and points carry their unit ("20,0 timer"); shares and amounts already show theirs
    (%, kr.), and a count is just a number."""
    return f"{text} {unit_label(spec, lang)}" if spec.unit in ("hours", "points") else text


def basis_label(result: KpiResult, spec: KpiSpec, lang: str) -> str:
    """What the score rests on, said plainly: the benchmark's source, or why it is a target."""
    if result.basis == "benchmark":
        return t("basis.benchmark", lang, source=spec.source(lang).split("(")[0].strip(),
                 year=spec.year or "")
    if result.basis == "trend" and result.trend is not None:
        return t("basis.trend", lang, n=result.trend.periods)
    return t(f"basis.{result.basis}", lang)


def target_rows(kpis: pd.DataFrame | None, model: Model, settings: ScoringSettings,
                targets: Mapping[str, float] | None, lang: str,
                currency: str = DEFAULT_CURRENCY) -> pd.DataFrame:
    """One row per loaded KPI, layer by layer in the model's order, for the targets table."""
    rows = []
    layer_order = {layer.id: layer.order for layer in model.layers}
    results = sorted(score_kpis(kpis, model, settings, targets),
                     key=lambda r: layer_order[r.layer])  # stable: catalogue order within
    for result in results:
        spec = model.kpis[result.kpi]
        factor = scale(spec)
        team = (targets or {}).get(result.kpi)
        if team is None and result.basis == "team_target":
            team = result.target  # from the file's target column
        rows.append({
            "kpi": result.kpi,
            "name": spec.name(lang),
            "layer": model.layer(spec.layer).name(lang),
            "value": _with_unit(fmt_kpi_value(result.value, spec.unit, lang, currency), spec,
                                lang),
            "trend": [round(v * factor, 4) for v in result.history]
            if len(result.history) > 1 else None,
            "basis": basis_label(result, spec, lang),
            "starting_target": "" if spec.default_target is None
            else _with_unit(fmt_kpi_value(spec.default_target, spec.unit, lang, currency),
                            spec, lang),
            "team_target": None if team is None else round(team * factor, 6),
            # as the starting target is written, for a table that is read, not typed in
            "team_target_shown": "" if team is None
            else _with_unit(fmt_kpi_value(team, spec.unit, lang, currency), spec, lang),
            "unit": unit_label(spec, lang),
            "score": None if result.score is None else round(result.score),
            "band": t(f"band.{result.band}", lang) if result.band else t("band.unscored", lang),
        })
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def in_range(spec: KpiSpec, value: float) -> bool:
    """A target the KPI can reach: finite and within the catalogue's min and max."""
    return math.isfinite(value) and (spec.min is None or value >= spec.min) and (
        spec.max is None or value <= spec.max)


@dataclass(frozen=True)
class TargetEdits:
    targets: dict[str, float]  # in the KPI's own unit (0.95, not 95)
    problems: list[Message]


def targets_from_table(edited: pd.DataFrame, model: Model, lang: str = "en") -> TargetEdits:
    """Read the edited table back: empty cells mean "no team target" for that KPI. A target
    typed as text is read in `lang`'s number format (92,5 on a Danish page)."""
    targets: dict[str, float] = {}
    problems: list[Message] = []
    for row in edited.to_dict("records"):
        spec = model.kpis.get(str(row.get("kpi")))
        raw = row.get("team_target")
        if isinstance(raw, str) and not raw.strip():
            raw = None
        if spec is None or raw is None or (isinstance(raw, float) and math.isnan(raw)):
            continue
        if spec.basis == "benchmark":  # the public bands win; a typed target would be ignored
            problems.append(Message("targets.benchmark_kpi", kpi=spec.name))
            continue
        try:
            shown = parse_number(raw, lang) if isinstance(raw, str) else float(raw)
        except (TypeError, ValueError):
            problems.append(Message("targets.not_a_number", kpi=spec.name, value=str(raw)[:40]))
            continue
        value = shown / scale(spec)
        low, high = spec.min, spec.max
        if not in_range(spec, value):
            problems.append(Message(
                "targets.out_of_range", kpi=spec.name, value=Number(shown, ",.4g"),
                low=Number((low if low is not None else 0) * scale(spec), ",.4g"),
                high="∞" if high is None else Number(high * scale(spec), ",.4g")))
            continue
        targets[spec.id] = value
    return TargetEdits(targets, problems)


def describe_targets(targets: Mapping[str, float], model: Model, lang: str,
                     currency: str = DEFAULT_CURRENCY) -> str:
    """"On-time delivery 90.0 %, Median resolution time 12.0" for a confirmation line."""
    return ", ".join(f"{model.kpis[k].name(lang)} "
                     f"{fmt_kpi_value(v, model.kpis[k].unit, lang, currency)}"
                     for k, v in targets.items() if k in model.kpis) or fmt_number(None, lang)
