"""Charts as data: tidy frames in, Altair charts out, the same specs on screen and in reports.

No Streamlit here: the app renders these with st.altair_chart, the reports turn the very same
specs into images with vl-convert, and the tests assert on `chart.to_dict()`. Every builder
returns its chart `localised`: the spec carries the language's number locale (config.locale,
from i18n.vega_locale), so Vega writes 1,5 and 40 % on a Danish axis whatever the browser's own
locale is, on screen as in the PDF and the deck.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from loyalty_model.assessment.scoring import Assessment
from loyalty_model.i18n import t, vega_locale
from loyalty_model.model import Model

STATUS_COLOURS = {
    "blind_spot": "#d1495b",
    "hidden_strength": "#2e86ab",
    "aligned": "#66a182",
    "unscored": "#8c8c8c",
    "not_rated": "#a0a0a0",
    "no_evidence": "#b8b8b8",
}
SELF_COLOUR = "#edae49"
KPI_COLOUR = "#00798c"
# Each colour means one thing everywhere (app, report, deck): orange is the team, teal the
# numbers, red/blue/green the gap statuses. Layers therefore get hues none of those use.
LAYER_COLOURS = ["#2e4057", "#8e6c8a", "#6a3d9a", "#8c564b", "#c0398f"]
DISCUSS_COLOUR = STATUS_COLOURS["blind_spot"]
AGREED_COLOUR = "#5c6b73"
WIDTH = 560
LABEL_LINE = 46  # characters per line of a wrapped statement label


def localised(chart: alt.TopLevelMixin, lang: str) -> alt.TopLevelMixin:
    """`chart` with the number format of `lang` for its axes, labels and tooltips."""
    return chart.configure(locale=vega_locale(lang))


def wrap(text: str, width: int = LABEL_LINE) -> str:
    """A statement on lines of about `width` characters, joined by newlines (axis labels split
    on them), so a label is never cut off."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def layer_scores_frame(assessment: Assessment, model: Model, lang: str) -> pd.DataFrame:
    """One row per layer and measure (the team's view, the numbers), in the model's order."""
    rows = []
    for result in assessment.layers:
        name = model.layer(result.layer).name(lang)
        rows.append({"layer": name, "order": model.layer(result.layer).order,
                     "measure": t("chart.self", lang), "score": result.self_score})
        rows.append({"layer": name, "order": model.layer(result.layer).order,
                     "measure": t("chart.kpi", lang), "score": result.kpi_score})
    return pd.DataFrame(rows)


def self_vs_kpi_chart(assessment: Assessment, model: Model, lang: str = "en") -> alt.Chart:
    frame = layer_scores_frame(assessment, model, lang)
    layer_order = [model.layer(r.layer).name(lang) for r in assessment.layers]
    return localised(
        alt.Chart(frame.dropna(subset=["score"]), title=t("chart.self_vs_kpi", lang))
        .mark_bar()
        .encode(
            y=alt.Y("layer:N", sort=layer_order, title=None),
            yOffset=alt.YOffset("measure:N"),
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title=t("chart.score", lang)),
            color=alt.Color("measure:N", title=None,
                            scale=alt.Scale(domain=[t("chart.self", lang), t("chart.kpi", lang)],
                                            range=[SELF_COLOUR, KPI_COLOUR]),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["layer:N", "measure:N", alt.Tooltip("score:Q", format=".0f")],
        )
        .properties(width=WIDTH, height=alt.Step(16)), lang)


def gaps_frame(assessment: Assessment, model: Model, lang: str) -> pd.DataFrame:
    return pd.DataFrame([
        {"layer": model.layer(r.layer).name(lang), "gap": r.gap if r.gap is not None else 0.0,
         "status": r.status, "status_label": t(f"status.{r.status}", lang),
         "has_gap": r.gap is not None}
        for r in assessment.layers
    ])


def gaps_chart(assessment: Assessment, model: Model, lang: str = "en") -> alt.LayerChart:
    frame = gaps_frame(assessment, model, lang)
    order = list(frame["layer"])
    present = set(frame["status"])
    statuses = [s for s in STATUS_COLOURS if s in present]  # the legend names only what is seen
    colour = alt.Color(
        "status_label:N", title=None,
        scale=alt.Scale(domain=[t(f"status.{s}", lang) for s in statuses],
                        range=[STATUS_COLOURS[s] for s in statuses]),
        legend=alt.Legend(orient="bottom"),
    )
    bars = alt.Chart(frame).mark_bar().encode(
        y=alt.Y("layer:N", sort=order, title=None),
        x=alt.X("gap:Q", scale=alt.Scale(domain=[-100, 100]), title=t("chart.gap_axis", lang)),
        color=colour,
        tooltip=["layer:N", "status_label:N", alt.Tooltip("gap:Q", format="+.0f")],
    )
    labels = alt.Chart(frame).mark_text(align="left", dx=4).encode(
        y=alt.Y("layer:N", sort=order), x=alt.value(WIDTH / 2 + 4),
        text="status_label:N",
    ).transform_filter("!datum.has_gap")
    zero = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color="#444").encode(x="x:Q")
    return localised(alt.layer(bars, labels, zero, title=t("chart.gaps", lang)).properties(
        width=WIDTH, height=alt.Step(28)), lang)


def spread_frame(assessment: Assessment, model: Model, lang: str,
                 label_width: int = LABEL_LINE) -> pd.DataFrame:
    rows = []
    for s in assessment.statements:
        if s.mean is None:
            continue
        text = model.statement(s.statement_id).text(lang)
        rows.append({
            "statement": wrap(text, label_width),
            "full_text": text,
            "layer": model.layer(s.layer).name(lang),
            "mean": s.mean, "low": max(1.0, s.mean - (s.spread or 0)),
            "high": min(5.0, s.mean + (s.spread or 0)), "spread": s.spread or 0.0,
            "discussion": t("chart.discuss", lang) if s.discussion else t("chart.agreed", lang),
        })
    return pd.DataFrame(rows)


def spread_chart(assessment: Assessment, model: Model, lang: str = "en",
                 layer: str | None = None, label_width: int = LABEL_LINE) -> alt.LayerChart:
    frame = spread_frame(assessment, model, lang, label_width)
    if layer is not None and not frame.empty:
        frame = frame[frame["layer"] == model.layer(layer).name(lang)]
    order = list(frame["statement"]) if not frame.empty else []
    lines = max((s.count("\n") + 1 for s in order), default=1)
    base = alt.Chart(frame).encode(y=alt.Y(
        "statement:N", sort=order, title=None,
        axis=alt.Axis(labelLimit=0, labelExpr="split(datum.label, '\\n')")))
    colour = alt.Color("discussion:N", title=None,
                       scale=alt.Scale(domain=[t("chart.discuss", lang), t("chart.agreed", lang)],
                                       range=[DISCUSS_COLOUR, AGREED_COLOUR]),
                       legend=alt.Legend(orient="bottom"))
    rule = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("low:Q", scale=alt.Scale(domain=[1, 5]), title=t("chart.rating_axis", lang),
                axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d")),
        x2="high:Q", color=colour)
    point = base.mark_point(filled=True, size=70).encode(
        x="mean:Q", color=colour,
        tooltip=["full_text:N", alt.Tooltip("mean:Q", format=".1f"),
                 alt.Tooltip("spread:Q", format=".1f", title=t("chart.disagreement", lang))])
    return localised(alt.layer(rule, point, title=t("chart.spread", lang)).properties(
        width=WIDTH - 160, height=alt.Step(12 + 14 * lines)), lang)


def kpi_trend_chart(layer_trend: pd.DataFrame, model: Model, lang: str = "en") -> alt.Chart:
    """The numbers per layer over time (columns period, layer, score, kpis), basics then WOW."""
    frame = layer_trend.dropna(subset=["score"]).copy()
    names = [layer.name(lang) for layer in model.layers]
    frame["layer_name"] = frame["layer"].map(lambda k: model.layer(k).name(lang))
    return localised(
        alt.Chart(frame, title=t("chart.kpi_trend", lang))
        .mark_line(point=True, strokeWidth=3)
        .encode(
            x=alt.X("period:O", title=t("chart.period", lang), axis=alt.Axis(labelAngle=0)),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title=t("chart.score", lang)),
            color=alt.Color("layer_name:N", title=None, sort=names,
                            scale=alt.Scale(domain=names, range=LAYER_COLOURS),
                            legend=alt.Legend(orient="bottom")),
            tooltip=["layer_name:N", "period:O", alt.Tooltip("score:Q", format=".0f"),
                     alt.Tooltip("kpis:Q", title=t("chart.kpi_count", lang))],
        )
        .properties(width=WIDTH, height=260), lang)


def matrix_frame(shares: dict[str, float], model: Model, lang: str) -> pd.DataFrame:
    """The four quadrants placed on attitude (promoter or not) × behaviour (loyal or not)."""
    place = {"true_loyalty": (1, 1), "latent": (1, 0), "spurious": (0, 1), "none": (0, 0)}
    rows = []
    for quadrant, (attitude, behaviour) in place.items():
        name = model.matrix[quadrant]["name"](lang) if quadrant in model.matrix else quadrant
        rows.append({
            "quadrant": name, "share": float(shares.get(quadrant, 0.0) or 0.0),
            "attitude": t("matrix.attitude_high" if attitude else "matrix.attitude_low", lang),
            "behaviour": t("matrix.behaviour_high" if behaviour else "matrix.behaviour_low", lang),
        })
    return pd.DataFrame(rows)


def loyalty_matrix_chart(shares: dict[str, float], model: Model, lang: str = "en",
                         font_size: int = 14) -> alt.LayerChart:
    frame = matrix_frame(shares, model, lang)
    x_order = [t("matrix.behaviour_low", lang), t("matrix.behaviour_high", lang)]
    y_order = [t("matrix.attitude_high", lang), t("matrix.attitude_low", lang)]
    base = alt.Chart(frame).encode(
        x=alt.X("behaviour:N", sort=x_order, title=t("matrix.behaviour", lang),
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("attitude:N", sort=y_order, title=t("matrix.attitude", lang)),
    )
    cells = base.mark_rect(stroke="white", strokeWidth=3).encode(
        color=alt.Color("share:Q", scale=alt.Scale(scheme="teals", domain=[0, 1]), legend=None),
        tooltip=["quadrant:N", alt.Tooltip("share:Q", format=".0%")])
    names = base.mark_text(dy=-font_size, fontSize=font_size, fontWeight="bold").encode(
        text="quadrant:N")
    shares_text = base.mark_text(dy=font_size, fontSize=font_size + 4).encode(
        text=alt.Text("share:Q", format=".0%"))
    return localised(alt.layer(cells, names, shares_text, title=t("chart.matrix", lang))
                     .properties(width=420, height=260), lang)


def layer_trend_chart(history: pd.DataFrame, model: Model, lang: str = "en") -> alt.Chart:
    """Layer scores across a team's workshops: columns workshop, date, layer, measure, score."""
    frame = history.dropna(subset=["score"]).copy()
    names = [layer.name(lang) for layer in model.layers]
    frame["layer_name"] = frame["layer"].map(lambda k: model.layer(k).name(lang))
    return localised(
        alt.Chart(frame, title=t("chart.layer_trend", lang))
        .mark_line(point=True)
        .encode(
            x=alt.X("workshop:O", sort=None, title=None),
            y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100]), title=t("chart.score", lang)),
            color=alt.Color("layer_name:N", title=None, sort=names,
                            scale=alt.Scale(domain=names, range=LAYER_COLOURS),
                            legend=alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash("measure:N", title=None),
            tooltip=["workshop:O", "layer_name:N", "measure:N",
                     alt.Tooltip("score:Q", format=".0f")],
        )
        .properties(width=WIDTH, height=260), lang)
