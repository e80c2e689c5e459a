"""Business case: what loyalty is worth, from the team's own figures and sourced assumptions.

The page leads with the figures in use on one line and what they add up to, one story per tab.
The fields that set the figures and the grid of the article's assumptions are one click down,
each in an expander built only while open: they were most of what the page took to draw.
"""

import pandas as pd
import streamlit as st

from loyalty_model.assessment import business_case as bc
from loyalty_model.i18n import t
from loyalty_model.takeaways.business_charts import iceberg_chart, survival_chart
from loyalty_model.workshop import storage
from views._business_assumptions import assumption_values
from views._business_figures import KEPT, as_inputs, summary, your_figures
from views._cached import show_chart
from views._common import (
    current_lang,
    current_workshop,
    engine,
    lazy_expander,
    model,
    plain,
    table_markdown,
)

lang = current_lang()
st.title(t("business.title", lang))
st.write(t("business.intro", lang))

workshop = current_workshop()
if workshop is not None:
    st.caption(t("common.workshop_caption", lang, name=plain(workshop.name),
                 team=plain(workshop.team), code=workshop.code))
from_kpis = bc.defaults_from_kpis(storage.kpis_frame(engine(), workshop.id) if workshop else None)

st.subheader(t("business.inputs", lang))
in_use = st.empty()  # the figures' line, written once the fields (if open) have been read
figures, currency = your_figures(lazy_expander(t("business.change_figures", lang),
                                               "bc_figures_open"), from_kpis, workshop, lang)
assumptions = assumption_values(lazy_expander(t("business.assumptions", lang),
                                              "bc_assumptions_open"), lang)
if figures is None:
    st.stop()  # the field says what is wrong; nothing is computed from a misread number
in_use.markdown(summary(figures, from_kpis, lang, currency))
arpc_note = bc.arpc_note(from_kpis.get("arpc"), model(), lang, currency)
if arpc_note and f"{KEPT}arpc" not in st.session_state:  # a typed figure is the user's
    st.info(arpc_note, icon=":material/info:")
ranges = bc.assumption_ranges(model(), assumptions)
inputs = as_inputs(figures)
problems = inputs.problems()
if problems:
    for name in problems:  # every input's label key is business.<name>
        st.warning(t("business.invalid", lang, name=t(f"business.{name}", lang)))
    st.stop()

# One story per tab, only the open one built; the open tab is remembered by position, so a
# language switch keeps it (set as the tabs' state before they are drawn: see views/kpis.py).
labels = [t("business.retention_heading", lang), t("business.iceberg_heading", lang)]
st.session_state.setdefault(f"bc_tab_{lang}", labels[st.session_state.get("bc_tab_index", 0)])
retention_tab, iceberg_tab = st.tabs(labels, key=f"bc_tab_{lang}", on_change="rerun")
if st.session_state.get(f"bc_tab_{lang}") in labels:
    st.session_state["bc_tab_index"] = labels.index(st.session_state[f"bc_tab_{lang}"])

if retention_tab.open:
    with retention_tab:
        case = bc.retention_case(inputs, assumptions, lang, currency, ranges)
        show_chart(("survival", lang, inputs), lambda: survival_chart(inputs, lang),
                   width="stretch")
        st.markdown(table_markdown(pd.DataFrame([  # long explanations wrap, none is cut
            {t("business.col_figure", lang): t(f.label, lang, **f.label_values),
             t("business.col_value", lang): bc.figure_text(f, lang, currency),
             t("business.col_how", lang): t(f.how, lang, **f.how_values)}
            for f in case
        ]), numbers=[t("business.col_value", lang)]))
        for caveat in bc.caveats(model(), lang):  # beside the figure that uses the 68 %
            st.caption(caveat)

if iceberg_tab.open:
    with iceberg_tab:
        st.write(t("business.iceberg_intro", lang))
        berg = bc.iceberg(inputs.complaints, assumptions, inputs.resolved, ranges)
        show_chart(("iceberg", lang, berg), lambda: iceberg_chart(berg, lang), width="stretch")
        st.markdown(table_markdown(pd.DataFrame([
            {t("business.col_figure", lang): label, t("business.col_value", lang): value,
             t("business.col_how", lang): how}
            for label, value, how in bc.iceberg_rows(berg, assumptions, lang)
        ]), numbers=[t("business.col_value", lang)]))
