"""Results: the team's view against its numbers per layer, what it means, what comes first."""

import streamlit as st

from loyalty_model.assessment.actions import after_basics
from loyalty_model.assessment.kpi_scoring import kpi_trend, layer_kpi_trend
from loyalty_model.assessment.reading import layer_reading, priority_reason, status_key
from loyalty_model.assessment.scoring import assess, with_settings
from loyalty_model.i18n import fmt_percent, t
from loyalty_model.takeaways import charts
from loyalty_model.workshop import storage
from loyalty_model.workshop.settings import workshop_currency
from views._common import current_lang, engine, model, require_workshop

lang = current_lang()
st.title(t("results.title", lang))
workshop = require_workshop(lang)
ratings = storage.ratings_frame(engine(), workshop.id)
kpis = storage.kpis_frame(engine(), workshop.id)
targets = storage.targets(engine(), workshop.id)
currency = workshop_currency(engine(), workshop.id)

defaults = model().scoring
with st.expander(t("results.settings", lang)):
    st.caption(t("results.settings_help", lang))
    gap = st.slider(t("results.gap_threshold", lang), 5, 40, int(defaults.gap_threshold),
                    key="set_gap")
    weak = st.slider(t("results.weak_below", lang), 30, 90, int(defaults.weak_layer_below),
                     key="set_weak")
    spread = st.slider(t("results.discussion_spread", lang), 0.5, 2.0,
                       float(defaults.discussion_spread), 0.1, key="set_spread")
settings = with_settings(model(), gap_threshold=float(gap), weak_layer_below=float(weak),
                         discussion_spread=float(spread))

if ratings.dropna(subset=["rating"]).empty and kpis.empty:
    st.info(t("results.nothing_yet", lang))
    st.page_link("views/assess.py", label=t("results.go_assess", lang), icon=":material/edit_note:")
    st.stop()

assessment = assess(ratings, kpis, model(), settings, targets)

st.subheader(t("results.priorities", lang))
for rank, layer_id in enumerate(assessment.priorities, start=1):
    result = assessment.layer(layer_id)
    name = model().layer(layer_id).name(lang)
    st.markdown(f"**{rank}. {name}** · {t(f'status.{status_key(assessment, layer_id)}', lang)} — "
                f"{priority_reason(result, model(), assessment, lang)}")
    st.caption(layer_reading(assessment, layer_id, model(), lang, currency))
waiting = after_basics(assessment, model(), lang)
if waiting:
    st.info(f"**{t('reading.after_basics', lang)}** — {t('reading.after_basics_help', lang)}  \n"
            + "  \n".join(f"- {action}" for action in waiting))

st.altair_chart(charts.self_vs_kpi_chart(assessment, model(), lang), width="stretch")
st.caption(t("results.self_vs_kpi_help", lang))
st.altair_chart(charts.gaps_chart(assessment, model(), lang), width="stretch")
st.caption(t("results.gaps_help", lang, threshold=int(settings.gap_threshold)))

st.subheader(t("results.discussion", lang))
points = assessment.discussion_points()
if points:
    for point in points[:5]:
        st.markdown(f"- {model().statement(point.statement_id).text(lang)} "
                    f"({t('results.spread_value', lang, spread=f'{point.spread:.1f}')})")
else:
    st.write(t("results.no_discussion", lang))
layer_filter = st.selectbox(
    t("results.spread_layer", lang), ["all", *[layer.id for layer in model().layers]],
    format_func=lambda k: t("results.all_layers", lang) if k == "all"
    else model().layer(k).name(lang), key="spread_layer")
st.altair_chart(charts.spread_chart(assessment, model(), lang,
                                    None if layer_filter == "all" else layer_filter),
                width="stretch")

trend = layer_kpi_trend(kpi_trend(kpis, model(), settings, targets), model())
if trend["period"].nunique() > 1:
    st.altair_chart(charts.kpi_trend_chart(trend, model(), lang), width="stretch", height=360)
    st.caption(t("results.trend_help", lang))

matrix = storage.load_evidence(engine(), workshop.id, "loyalty_matrix")
if matrix:
    st.subheader(t("results.matrix", lang))
    chart_column, text_column = st.columns([3, 2])
    with chart_column:
        st.altair_chart(charts.loyalty_matrix_chart(matrix["shares"], model(), lang),
                        width="stretch")
        st.caption(t("results.matrix_help", lang, n=matrix["joined"]))
    with text_column:
        for quadrant, texts in model().matrix.items():
            share = matrix["shares"].get(quadrant, 0.0)
            st.markdown(f"**{texts['name'](lang)}** · {fmt_percent(share, lang)}")
            st.caption(f"{texts['meaning'](lang)} {texts['action'](lang)}")

st.page_link("views/actions.py", label=t("results.to_actions", lang), icon=":material/task_alt:")

# --- Take it home: report, deck and data downloads ----------------------------------------------
from views import _take_home  # noqa: E402 (kept with its section, appended by the reports work)

_take_home.render(engine(), model(), workshop, settings, lang,
                  (matrix or {}).get("shares"))
