"""Sentences and figures the PDF, the deck and the KPI page print the same way.

One place for how a score, a signed gap, a KPI's scoring bands or a due date reads, so a number
never looks one way in the PDF and another on a slide. Kept out of report_data.py, which gathers
what a report says; this only says how a single value is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from loyalty_model.i18n import fmt_date, fmt_kpi_value, fmt_number, t
from loyalty_model.model import KpiSpec

if TYPE_CHECKING:
    from loyalty_model.takeaways.report_data import ReportData


def score_text(value: float | None, lang: str) -> str:
    return fmt_number(value, lang)


def gap_text(value: float | None, lang: str) -> str:
    """Signed, with a real minus sign: a gap's direction is the point of it."""
    if value is None:
        return "–"
    text = fmt_number(abs(value), lang)
    if text == "0":
        return text
    return ("+" if value > 0 else "−") + text


def kpi_scoring_text(spec: KpiSpec, target: float | None, lang: str) -> str:
    """How a KPI is scored, with the band limits in the reader's number format."""
    if spec.basis == "benchmark":
        key = "report.bands_higher" if spec.direction == "higher" else "report.bands_lower"
        return t(key, lang, good=fmt_kpi_value(spec.good, spec.unit, lang),
                 world_class=fmt_kpi_value(spec.world_class, spec.unit, lang))
    text = t("report.no_benchmark", lang)
    if target is not None:
        text += " " + t("report.target", lang, target=fmt_kpi_value(target, spec.unit, lang))
    return text


def kpi_source_text(spec: KpiSpec, lang: str) -> str:
    """The benchmark's source and year; a target-scored KPI says it has no public benchmark.

    The band limits are given separately (kpi_scoring_text), so the source is quoted without
    its parenthetical summary of them.
    """
    if spec.basis != "benchmark":
        return t("report.source_none", lang)
    source = spec.source(lang).split("(")[0].strip()
    return t("report.source", lang, source=source, year=spec.year or "")


def due_text(value: object, lang: str) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value) == "":
        return "–"
    return fmt_date(str(value), lang)


def layer_label(data: ReportData, layer_id: object) -> str:
    if not layer_id:
        return "–"
    try:
        return data.model.layer(str(layer_id)).name(data.lang)
    except KeyError:
        return str(layer_id)


def kpi_target(data: ReportData, kpi_id: str) -> float | None:
    return next((r.target for r in data.assessment.kpis if r.kpi == kpi_id), None)
