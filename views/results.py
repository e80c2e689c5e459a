"""Results: the verdict on one screen — the five layers, the team against its numbers, where to
start and why — then each layer's detail one click down, then the other views."""

import streamlit as st

from loyalty_model.assessment.actions import after_basics
from loyalty_model.assessment.reading import brief_reading, status_key
from loyalty_model.assessment.scoring import with_settings
from loyalty_model.i18n import fmt_number, t
from loyalty_model.takeaways import charts
from loyalty_model.workshop import storage
from loyalty_model.workshop.settings import workshop_currency
from views import _results_layers as details
from views import _take_home
from views._cached import assessed, data_version, show_chart
from views._common import current_lang, engine, model, require_workshop

lang = current_lang()
st.title(t("results.title", lang))
workshop = require_workshop(lang)
version = data_version(workshop.id)  # before loading: a write after it makes a new version
ratings = storage.shown_ratings(engine(), workshop)  # held to its anonymity level
kpis = storage.kpis_frame(engine(), workshop.id)
targets = storage.targets(engine(), workshop.id)
currency = workshop_currency(engine(), workshop.id)

# The sliders sit at the bottom of the page; their values are read here, before scoring.
defaults = model().scoring
settings = with_settings(
    model(), gap_threshold=float(st.session_state.get("set_gap", defaults.gap_threshold)),
    weak_layer_below=float(st.session_state.get("set_weak", defaults.weak_layer_below)),
    discussion_spread=float(st.session_state.get("set_spread", defaults.discussion_spread)))

if ratings.dropna(subset=["rating"]).empty and kpis.empty:
    st.info(t("results.nothing_yet", lang))
    st.page_link("views/assess.py", label=t("results.go_assess", lang), icon=":material/edit_note:")
    st.stop()

# everything below shows only stored data (its version) and the settings above
data_key = (workshop.id, version, settings)
assessment, trend = assessed(data_key, ratings, kpis, targets, settings)
chart_key = (*data_key, lang)

chart_column, verdict_column = st.columns([3, 2], gap="large")
with chart_column:
    show_chart(("self_vs_kpi", *chart_key),
               lambda: charts.self_vs_kpi_chart(assessment, model(), lang), width="stretch")
    st.caption(t("results.self_vs_kpi_help", lang))
with verdict_column:
    st.subheader(t("results.priorities", lang))
    for rank, layer_id in enumerate(assessment.priorities[:3], start=1):
        name = model().layer(layer_id).name(lang)
        st.markdown(f"**{rank}. {name}** · {t(f'status.{status_key(assessment, layer_id)}', lang)}")
        st.caption(brief_reading(assessment, layer_id, model(), lang, currency))
    waiting = after_basics(assessment, model(), lang)
    if waiting:
        st.info(f"**{t('reading.after_basics', lang)}** — {t('reading.after_basics_help', lang)}")
    if st.button(t("results.to_actions", lang), type="primary", icon=":material/task_alt:",
                 key="results_to_actions", width="stretch"):
        st.switch_page("views/actions.py")

details.layer_expanders(assessment, model(), lang, currency,
                        storage.shown_comments(engine(), workshop, model()), chart_key)
matrix = storage.load_evidence(engine(), workshop.id, "loyalty_matrix")
details.more_views(assessment, model(), lang, trend, matrix, chart_key)

with st.expander(t("results.settings", lang)):
    st.caption(t("results.settings_help", lang))
    st.slider(t("results.gap_threshold", lang), 5, 40, int(defaults.gap_threshold),
              key="set_gap")
    st.slider(t("results.weak_below", lang), 30, 90, int(defaults.weak_layer_below),
              key="set_weak")
    steps = [round(0.5 + i / 10, 1) for i in range(16)]  # 0,5 … 2,0, written as the page writes
    st.select_slider(t("results.discussion_spread", lang), steps,
                     value=min(steps, key=lambda v: abs(v - defaults.discussion_spread)),
                     format_func=lambda v: fmt_number(v, lang, 1), key="set_spread")

_take_home.render(engine(), model(), workshop, settings, lang, (matrix or {}).get("shares"))
