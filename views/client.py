"""Client: every team of one organisation side by side, for the consultant and its management.

Opened only by the client's own link (views/_clients.py). The roll-up is computed in the core
(loyalty_model.assessment.rollup, loaded by workshop.client_rollup) and cached under a
fingerprint of the client's data, so a page that reruns shows the same numbers at once and a new
answer anywhere in the client shows up on the next run.
"""

import pandas as pd
import streamlit as st

from loyalty_model.assessment.actions import after_basics
from loyalty_model.assessment.rollup import Rollup, combined_plan, proposed_teams
from loyalty_model.i18n import LANGUAGES, fmt_date, fmt_number, t
from loyalty_model.takeaways import rollup_data
from loyalty_model.takeaways.report_pdf import ReportFontError, font_paths
from loyalty_model.takeaways.rollup_pdf import render_rollup_pdf
from loyalty_model.takeaways.rollup_pptx import render_rollup_pptx
from loyalty_model.workshop import storage
from loyalty_model.workshop.client_rollup import load_client_rollup
from views import _clients
from views._common import current_lang, engine, lazy_expander, model, plain

PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

lang = current_lang()
st.title(t("client.title", lang))
client, client_key = _clients.require_client(lang)
_clients.key_once(client, client_key, lang)


@st.cache_resource(show_spinner=False, max_entries=32, ttl=3600)
def _rollup(url: str, client_id: int, client_name: str, version: tuple, lang: str) -> Rollup:
    """Cached per client, data version and language; nothing in a Rollup is changed later."""
    found = storage.Client(client_id, client_name, None)
    return load_client_rollup(engine(), found, model(), lang)


version = storage.client_data_version(engine(), client.id)
with st.spinner(t("client.computing", lang)):  # seconds only on a first load
    rollup = _rollup(str(engine().url), client.id, client.name, version, lang)
teams = rollup.teams
st.caption(t("client.caption", lang, name=plain(client.name), n=len(teams),
             workshops=sum(len(team.workshops) for team in teams)))
removed = st.session_state.pop("client_removed", None)  # shown once, beside the remove box
if not teams:
    if removed:
        st.success(t("client.removed", lang, team=plain(removed)))
    st.info(t("client.no_teams", lang))
    st.stop()

HEATMAP_CSS = "<style>.st-key-client_heatmap_box { overflow-x: auto; max-width: 100%; }</style>"

# --- the heatmap ---------------------------------------------------------------------------------
st.subheader(t("client.heatmap_heading", lang))
# One cell per team and layer keeps its width, so the labels stay readable: on a phone the map
# scrolls sideways inside its own box (HEATMAP_CSS, a fixed string) instead of pushing the
# whole page past the screen's edge.
st.html(HEATMAP_CSS)
with st.container(key="client_heatmap_box"):
    st.altair_chart(rollup_data.heatmap_chart(rollup, model(), lang), width="content",
                    key="client_heatmap")
st.caption(t("client.heatmap_help", lang))
with st.expander(t("client.table_heading", lang)):
    cells = rollup_data.heatmap_frame(rollup, model(), lang)
    table = (cells.assign(cell=cells["label"] + " · " + cells["status_label"])
             .pivot(index="team", columns="layer_name", values="cell")
             .reindex(index=[team.name for team in teams],
                      columns=[layer.name(lang) for layer in model().layers]))
    table.index = [plain(name) for name in table.index]  # st.table renders markdown
    st.table(table.rename_axis(index=t("client.col_team", lang), columns=None))

# --- where the teams differ, and what they share -------------------------------------------------
left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("client.splits_heading", lang))
    splits = rollup_data.split_lines(rollup, model(), lang)
    for line in splits:
        st.markdown(f"- {plain(line)}")
    if not splits:
        st.caption(t("client.no_splits", lang))
with right:
    st.subheader(t("client.shared_heading", lang))
    shared = rollup_data.shared_lines(rollup, model(), lang)
    for line in shared:
        st.markdown(f"- {plain(line)}")
    if not shared:
        st.caption(t("client.no_shared", lang))

# --- the client's priorities ---------------------------------------------------------------------
st.subheader(t("client.priorities_heading", lang))
st.caption(t("client.priorities_help", lang))
for headline, reason in rollup_data.priority_lines(rollup, model(), lang):
    st.markdown(f"**{plain(headline)}**")
    st.caption(plain(reason))
if after_basics(rollup.overall, model(), lang):
    st.info(f"**{t('reading.after_basics', lang)}** — {t('reading.after_basics_help', lang)}")

# --- each team over time -------------------------------------------------------------------------
st.subheader(t("client.trend_heading", lang))
overview = pd.DataFrame([{
    t("client.col_team", lang): team.name,
    t("client.col_latest", lang): team.latest.name,
    t("client.col_workshops", lang): fmt_number(len(team.workshops), lang),
    t("client.col_people", lang): fmt_number(team.latest.participants, lang),
} for team in teams])
st.dataframe(overview, hide_index=True, width="stretch", key="client_teams")
names = [team.name for team in teams]
with_trend = next((i for i, team in enumerate(teams) if len(team.workshops) >= 2), 0)
chosen = st.selectbox(t("client.trend_team", lang), names, index=with_trend,
                      key="client_trend_team")
chart = rollup_data.team_trend_chart(rollup, chosen, model(), lang)
if chart is None:
    st.caption(t("client.trend_one", lang))
else:
    st.altair_chart(chart, width="stretch", height=400)
    st.caption(t("trend.help", lang))

if removed:
    st.success(t("client.removed", lang, team=plain(removed)))
remove_box = lazy_expander(t("client.remove_heading", lang), "client_remove_open")
if remove_box:
    with remove_box:
        st.caption(t("client.remove_help", lang))
        leaving = st.selectbox(t("client.remove_team", lang), [team.name for team in teams],
                               key="client_remove_team")
        if st.button(t("client.remove_button", lang), key="client_remove"):
            # False only when another screen removed the team first: out either way
            storage.remove_team(engine(), client.id, client_key, leaving)
            st.session_state["client_removed"] = leaving
            st.rerun()

# --- the combined action plan --------------------------------------------------------------------
st.subheader(t("client.plan_heading", lang))
st.caption(t("client.plan_help", lang))
plan = combined_plan(rollup)
layer_names = {layer.id: layer.name(lang) for layer in model().layers}
st.dataframe(pd.DataFrame({
    t("client.col_team", lang): plan["team"],
    t("actions.col_action", lang): plan["action"],
    t("actions.col_layer", lang): plan["layer"].map(lambda k: layer_names.get(k, k or "–")),
    t("actions.col_owner", lang): plan["owner"].fillna("–"),
    t("actions.col_due", lang): plan["due_date"].map(
        lambda d: fmt_date(str(d), lang) if isinstance(d, str) and d else "–"),
}), hide_index=True, width="stretch", key="client_plan")
proposed = proposed_teams(rollup)
if proposed:
    st.caption(t("client.plan_proposed", lang,
                 teams=plain(rollup_data.team_names(proposed, lang))))

# --- take it home --------------------------------------------------------------------------------
st.subheader(t("client.files_heading", lang))
languages = list(LANGUAGES)
file_lang = st.columns(3)[0].selectbox(t("takehome.language", lang), languages,
                                      index=languages.index(lang), format_func=LANGUAGES.get,
                                      key="client_file_lang")
store, the_model = engine(), model()  # resolved here: the downloads run outside this script


def _report():  # noqa: ANN202 (RollupReport); runs when a download is clicked
    data = rollup if file_lang == lang else load_client_rollup(store, client, the_model,
                                                              file_lang)
    return rollup_data.build_rollup_report(data, the_model, file_lang)


try:
    font_paths()
    pdf_ready = True
except ReportFontError as error:
    st.warning(str(error))
    pdf_ready = False
stem = f"skab-promoters-client-{client.id}-{file_lang}"
first, second = st.columns(2)
first.download_button(t("client.pdf", lang), lambda: render_rollup_pdf(_report()),
                      file_name=f"{stem}.pdf", mime=PDF, key="client_pdf", type="primary",
                      disabled=not pdf_ready, on_click="ignore",
                      icon=":material/picture_as_pdf:", width="stretch")
second.download_button(t("client.pptx", lang), lambda: render_rollup_pptx(_report()),
                       file_name=f"{stem}.pptx", mime=PPTX, key="client_pptx",
                       on_click="ignore", icon=":material/slideshow:", width="stretch")
