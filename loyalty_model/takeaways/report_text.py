"""Sentences and figures the PDF, the deck and the KPI page print the same way.

One place for how a score, a signed gap, a KPI's scoring bands or a due date reads, so a number
never looks one way in the PDF and another on a slide. Kept out of report_data.py, which gathers
what a report says; this only says how a single value is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from loyalty_model.assessment.kpi_scoring import KpiResult
from loyalty_model.i18n import DEFAULT_CURRENCY, fmt_date, fmt_kpi_value, fmt_number, t
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


def kpi_scoring_text(spec: KpiSpec, result: KpiResult | None, lang: str,
                     currency: str = DEFAULT_CURRENCY) -> str:
    """How a KPI is scored, on the basis it really has in this workshop (`result`), or by
    default when it is not loaded; limits and targets in the reader's number format."""
    def value(number: float | None) -> str:
        return fmt_kpi_value(number, spec.unit, lang, currency)

    if spec.basis == "benchmark":
        key = "report.bands_higher" if spec.direction == "higher" else "report.bands_lower"
        return t(key, lang, good=value(spec.good), world_class=value(spec.world_class))
    note = spec.default_target_note(lang) + "." if spec.default_target_note else ""
    basis = result.basis if result is not None else (
        "default_target" if spec.default_target is not None else "none")
    if basis == "team_target" and result is not None:
        return t("report.scored_team_target", lang, target=value(result.target))
    if basis == "default_target":
        return t("report.scored_default_target", lang, target=value(spec.default_target),
                 note=note)
    if basis == "trend" and result is not None and result.trend is not None:
        return t("report.scored_trend", lang, n=result.trend.periods, note=note)
    return t("report.scored_none", lang, note=note)


def kpi_source_text(spec: KpiSpec, lang: str) -> str:
    """The benchmark's source and year, or why there is none.

    The band limits are given separately (kpi_scoring_text), so the source is quoted without
    its parenthetical summary of them.
    """
    if spec.basis != "benchmark":
        return t("report.source_none", lang, reason=spec.source(lang))
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
