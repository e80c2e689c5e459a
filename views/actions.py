"""Action plan: the model's actions for the top priorities, owned and dated by the team."""

from datetime import date

import pandas as pd
import streamlit as st

from loyalty_model.assessment.actions import proposed_actions
from loyalty_model.assessment.scoring import assess
from loyalty_model.i18n import fmt_number, t, widget_date
from loyalty_model.takeaways.exports import actions_csv
from loyalty_model.workshop import storage
from views._common import current_lang, engine, model, require_workshop

lang = current_lang()
st.title(t("actions.title", lang))
workshop = require_workshop(lang)
st.write(t("actions.intro", lang))

stored = storage.actions_frame(engine(), workshop.id)
if stored.empty:
    ratings = storage.shown_ratings(engine(), workshop)
    kpis = storage.kpis_frame(engine(), workshop.id)
    if ratings.dropna(subset=["rating"]).empty and kpis.empty:
        st.info(t("actions.nothing_yet", lang))
    else:
        assessment = assess(ratings, kpis, model(), targets=storage.targets(engine(), workshop.id))
        stored = proposed_actions(assessment, model(), lang)
        storage.save_actions(engine(), workshop.id, stored)
        st.caption(t("actions.proposed", lang))

layer_names = {layer.id: layer.name(lang) for layer in model().layers}
to_id = {name: layer_id for layer_id, name in layer_names.items()}
shown = stored.assign(
    layer=stored["layer"].map(layer_names),
    due_date=pd.to_datetime(stored["due_date"], errors="coerce").dt.date,
)
edited = st.data_editor(
    shown, num_rows="dynamic", hide_index=True, key=f"actions_{workshop.id}_{lang}",
    width="stretch",
    column_config={
        "action": st.column_config.TextColumn(  # cut nowhere without saying so: max_chars
            t("actions.col_action", lang), width="large", required=True,
            max_chars=storage.ACTION_CHARS,
            help=t("common.max_chars", lang, n=fmt_number(storage.ACTION_CHARS, lang))),
        "layer": st.column_config.SelectboxColumn(t("actions.col_layer", lang),
                                                  options=list(layer_names.values())),
        "owner": st.column_config.TextColumn(
            t("actions.col_owner", lang), max_chars=storage.OWNER_CHARS,
            help=t("common.max_chars", lang, n=storage.OWNER_CHARS)),
        "due_date": st.column_config.DateColumn(t("actions.col_due", lang),
                                                min_value=date(2000, 1, 1),
                                                format=widget_date(lang)),  # as fmt_date
    },
)
plan = edited.assign(layer=edited["layer"].map(to_id),
                     due_date=edited["due_date"].map(lambda d: d.isoformat() if pd.notna(d)
                                                     and d else None))
if not plan.fillna("").astype(str).equals(stored.fillna("").astype(str)):
    storage.save_actions(engine(), workshop.id, plan)
    st.toast(t("actions.saved", lang))

st.download_button(t("actions.download", lang), actions_csv(plan, model(), lang),
                   file_name=f"action-plan-{workshop.code}.csv", mime="text/csv",
                   key="actions_download", type="primary")
