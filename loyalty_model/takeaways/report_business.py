"""The business-case section of a report: the page's starting figures, written for print.

Apart from report_data.py so each stays one job; report_data re-exports both names.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from loyalty_model.assessment import business_case as bc
from loyalty_model.i18n import DEFAULT_CURRENCY, fmt_money, fmt_number, fmt_percent, t
from loyalty_model.model import Model
from loyalty_model.takeaways import business_charts
from loyalty_model.takeaways.report_parts import ReportChart, Row


@dataclass(frozen=True)
class BusinessCase:
    """The business-case page's figures for the workshop's KPIs, ready to lay out."""

    inputs: tuple[Row, ...]  # input, value, where it comes from
    figures: tuple[Row, ...]  # retention figure, value, how it is calculated
    iceberg: tuple[Row, ...]  # iceberg part, people, how it is calculated
    assumptions: tuple[Row, ...]  # assumption, value, source
    retention_chart: ReportChart
    iceberg_chart: ReportChart
    notes: tuple[str, ...] = ()  # e.g. which of two disagreeing revenue figures is used, and why
    caveats: tuple[str, ...] = ()  # what to know before trusting a cited figure (the 68 %)



def business_case(kpis: pd.DataFrame | None, model: Model, lang: str,
                  currency: str = DEFAULT_CURRENCY) -> BusinessCase | None:
    """The business case as the page starts it for these KPIs (views/business_case.py), or None
    when the KPIs do not give revenue per customer and churn: lifetime value needs both.

    Customers, margin and the improvement are the page's example values; the reports say so.
    """
    start = bc.kpi_defaults(kpis)
    if not start.complete:
        return None
    inputs, assumptions = start.inputs, bc.assumption_values(model)
    ranges = bc.assumption_ranges(model, assumptions)
    example = t("report.business_example", lang)
    reasons = {"discount_rate": t("business.discount_why", lang),
               "horizon": t("business.horizon_why", lang)}

    def source(name: str) -> str:
        if name in reasons:
            return reasons[name]
        found = start.sources.get(name)
        return example if found is None else bc.source_text(found, model, lang, currency)

    def share(value: float) -> str:
        return fmt_percent(value, lang, 0 if round(value * 100, 6).is_integer() else 1)

    shown = {"customers": fmt_number(inputs.customers, lang),
             "arpc": fmt_money(inputs.arpc, lang, currency),
             "churn": share(inputs.churn), "margin": share(inputs.margin),
             "improvement": fmt_number(inputs.improvement * 100, lang,
                                       0 if (inputs.improvement * 100).is_integer() else 1),
             "complaints": fmt_number(inputs.complaints, lang),
             "resolved": share(inputs.resolved),
             "discount_rate": share(inputs.discount_rate),
             "horizon": t("business.lifetime_years", lang, years=fmt_number(inputs.horizon, lang))}
    berg = bc.iceberg(inputs.complaints, assumptions, inputs.resolved, ranges)
    return BusinessCase(
        inputs=tuple((t(f"business.{name}", lang), value, source(name))
                     for name, value in shown.items()),
        figures=tuple((t(f.label, lang, **f.label_values), bc.figure_text(f, lang, currency),
                       t(f.how, lang, **f.how_values))
                      for f in bc.retention_case(inputs, assumptions, lang, currency, ranges)),
        iceberg=tuple(bc.iceberg_rows(berg, assumptions, lang)),
        assumptions=tuple((a.label(lang),
                           bc.assumption_text(a.value, a.unit, lang, ranges.get(a.id)),
                           a.source(lang))
                          for a in model.assumptions),
        retention_chart=ReportChart("business_retention", t("business.chart_base", lang),
                                    business_charts.survival_chart(inputs, lang),
                                    t("report.caption_business_retention", lang)),
        iceberg_chart=ReportChart("business_iceberg", t("business.chart_iceberg", lang),
                                  business_charts.iceberg_chart(berg, lang),
                                  t("report.caption_business_iceberg", lang)),
        notes=tuple(note for note in (bc.arpc_note(start.sources["arpc"], model, lang, currency),)
                    if note),
        caveats=tuple(bc.caveats(model, lang)),
    )
