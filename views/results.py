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
from views._common import (
    current_lang,
    engine,
    keep_value,
    lazy_expander,
    model,
    require_workshop,
)

lang = current_lang()
st.title(t("results.title", lang))
workshop = require_workshop(lang)
version = data_version(workshop.id)  # before loading: a write after it makes a new version
ratings = storage.shown_ratings(engine(), workshop)  # held to its anonymity level
kpis = storage.kpis_frame(engine(), workshop.id)
targets = storage.targets(engine(), workshop.id)
currency = workshop_currency(engine(), workshop.id)

# The sliders sit at the bottom of the page, in an expander built only while open; what they
# are set to is kept apart from them (KEPT), so it holds while the expander is closed.
KEPT = "results_setting_"  # + the slider's key
defaults = model().scoring
settings = with_settings(
    model(), gap_threshold=float(st.session_state.get(f"{KEPT}set_gap", defaults.gap_threshold)),
    weak_layer_below=float(st.session_state.get(f"{KEPT}set_weak", defaults.weak_layer_below)),
    discussion_spread=float(st.session_state.get(f"{KEPT}set_spread",
                                                 defaults.discussion_spread)))

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
               lambda: charts.self_vs_kpi_chart(assessment, model(), lang), width=560)
    st.caption(t("results.self_vs_kpi_help", lang))
with verdict_column:
    # the heading, each layer with why and the note that WOW waits, in one element: the
    # browser spends ~5 ms on each element, and an info box's own code ~10 ms more
    waiting = after_basics(assessment, model(), lang)
    st.markdown("\n\n".join([f"### {t('results.priorities', lang)}", *(
        f"**{rank}. {model().layer(layer_id).name(lang)}** · "
        f"{t(f'status.{status_key(assessment, layer_id)}', lang)}"
        f"  \n:small[{brief_reading(assessment, layer_id, model(), lang, currency)}]"
        for rank, layer_id in enumerate(assessment.priorities[:3], start=1)), *(
        [f":blue[**{t('reading.after_basics', lang)}** — "
         f"{t('reading.after_basics_help', lang)}]"] if waiting else [])]))
    if st.button(t("results.to_actions", lang), type="primary", icon=":material/task_alt:",
                 key="results_to_actions", width="stretch"):
        st.switch_page("views/actions.py")

details.layer_expanders(assessment, model(), lang, currency,
                        storage.shown_comments(engine(), workshop, model()), chart_key)
matrix = storage.load_evidence(engine(), workshop.id, "loyalty_matrix")
details.more_views(assessment, model(), lang, trend, matrix, chart_key)

setting_box = lazy_expander(t("results.settings", lang), "results_settings_open")
if setting_box:
    with setting_box:
        st.caption(t("results.settings_help", lang))
        steps = [round(0.5 + i / 10, 1) for i in range(16)]  # 0,5 … 2,0, as the page writes
        # set as the sliders' state, not passed as their value: a value that changes between
        # runs makes Streamlit treat a slider as a new widget, which can drop the next move
        for key, value in (("set_gap", int(settings.gap_threshold)),
                           ("set_weak", int(settings.weak_layer_below)),
                           ("set_spread", min(steps,
                                              key=lambda v: abs(v - settings.discussion_spread)))):
            st.session_state.setdefault(key, value)
        st.slider(t("results.gap_threshold", lang), 5, 40, key="set_gap", on_change=keep_value,
                  args=("set_gap", f"{KEPT}set_gap"))
        st.slider(t("results.weak_below", lang), 30, 90, key="set_weak", on_change=keep_value,
                  args=("set_weak", f"{KEPT}set_weak"))
        st.select_slider(t("results.discussion_spread", lang), steps,
                         format_func=lambda v: fmt_number(v, lang, 1), key="set_spread",
                         on_change=keep_value, args=("set_spread", f"{KEPT}set_spread"))

take_home = lazy_expander(t("takehome.open", lang), "takehome_open")
if take_home:
    with take_home:
        _take_home.render(engine(), model(), workshop, settings, lang,
                          (matrix or {}).get("shares"))
