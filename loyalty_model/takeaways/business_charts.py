"""The business case drawn: customers kept over the years, and the complaints iceberg.

The figures are worked out in assessment/business_case.py; only the pictures live here, with the
take-aways, because a chart is something to show a room, not part of the arithmetic. The page,
the PDF and the deck all draw from these builders, so they show the same picture.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from loyalty_model.assessment.business_case import Iceberg, Inputs
from loyalty_model.i18n import fmt_number, t
from loyalty_model.takeaways.charts import localised

ICEBERG_COLOURS = {"complaints": "#cfe8ef", "silent": "#2e86ab", "told": "#1b4965"}


def survival_frame(inputs: Inputs, years: int | None = None) -> pd.DataFrame:
    """Customers left from today's base each year, with today's churn and with the improvement,
    over the business case's horizon unless `years` is given."""
    years = int(inputs.horizon) if years is None else years
    rows = []
    for scenario, churn in (("today", inputs.churn),
                            ("improved", max(0.0, inputs.churn - inputs.improvement))):
        for year in range(years + 1):
            rows.append({"year": year, "scenario": scenario,
                         "customers": inputs.customers * (1 - churn) ** year})
    return pd.DataFrame(rows)


def survival_chart(inputs: Inputs, lang: str = "en", years: int | None = None) -> alt.Chart:
    """The two survival curves; the y axis starts near the data so the gap between them shows."""
    frame = survival_frame(inputs, years)
    names = {"today": t("business.chart_today", lang),
             "improved": t("business.chart_improved", lang)}
    frame["scenario_name"] = frame["scenario"].map(names)
    return localised(
        alt.Chart(frame, title=t("business.chart_base", lang))
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("year:O", title=t("business.chart_year", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("customers:Q", title=t("business.chart_customers", lang),
                    scale=alt.Scale(zero=False),  # the gap between the lines is the point
                    axis=alt.Axis(format=",.0f")),
            color=alt.Color("scenario_name:N", title=None, sort=list(names.values()),
                            scale=alt.Scale(range=["#d1495b", "#00798c"]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["scenario_name:N", "year:O", alt.Tooltip("customers:Q", format=",.0f")],
        )
        .properties(width=520, height=260), lang)


def iceberg_frame(berg: Iceberg, lang: str) -> pd.DataFrame:
    """Above the waterline what is seen (positive), below it what is not (negative)."""
    frame = pd.DataFrame([
        {"part": "complaints", "label": t("business.iceberg_complaints", lang),
         "people": berg.complaints, "signed": berg.complaints},
        {"part": "silent", "label": t("business.iceberg_silent", lang),
         "people": berg.silent, "signed": -berg.silent},
        {"part": "told", "label": t("business.iceberg_told", lang),
         "people": berg.told, "signed": -berg.told},
    ])
    # formatted here, as every number in a table beside the chart is (i18n.fmt_number)
    frame["people_text"] = frame["people"].map(lambda v: fmt_number(v, lang))
    return frame


def iceberg_chart(berg: Iceberg, lang: str = "en") -> alt.LayerChart:
    """Bars on a symmetric-log scale: the tip stays visible next to the mass under water."""
    frame = iceberg_frame(berg, lang)
    order = list(frame["label"])
    x = alt.X("label:N", sort=order, title=None, axis=alt.Axis(labelAngle=0, labelLimit=200))
    y_scale = alt.Scale(type="symlog", constant=10)
    bars = alt.Chart(frame).mark_bar(cornerRadius=4).encode(
        x=x,
        y=alt.Y("signed:Q", scale=y_scale, title=t("business.waterline", lang),
                axis=alt.Axis(labels=False, ticks=False, grid=False)),
        color=alt.Color("part:N", legend=None,
                        scale=alt.Scale(domain=list(ICEBERG_COLOURS),
                                        range=list(ICEBERG_COLOURS.values()))),
        tooltip=["label:N", alt.Tooltip("people_text:N", title=t("business.col_value", lang))],
    )
    labels = alt.Chart(frame).mark_text(fontSize=16, fontWeight="bold", dy=-10).encode(
        x=x, y=alt.Y("signed:Q", scale=y_scale), text="people_text:N",
    ).transform_filter("datum.signed >= 0")
    deep = alt.Chart(frame).mark_text(fontSize=16, fontWeight="bold", dy=-14, color="white"
                                      ).encode(
        x=x, y=alt.Y("signed:Q", scale=y_scale), text="people_text:N",
    ).transform_filter("datum.signed < 0")
    water = alt.Chart(pd.DataFrame({"y": [0]}))
    line = water.mark_rule(color="#2e86ab", strokeDash=[6, 4], strokeWidth=2).encode(y="y:Q")
    return localised(alt.layer(bars, labels, deep, line, title=t("business.chart_iceberg", lang)
                               ).properties(width=520, height=320), lang)
