"""Presenter mode: the results on a projector, one slide at a time, readable from the back row.

The same charts as the report (report_data.report_charts), so what the room saw is what it takes
home; the statements are split into one slide per layer so no label is dropped. Every slide is
sized for a 16:9 screen: navigation on top, the chart filling most of the height, no text under
24 px. The sidebar is hidden with CSS because the page config is already set by app.py; the CSS
is a fixed string and never contains anything a user typed.
"""

import json

import streamlit as st

from loyalty_model.assessment.reading import brief_reading, status_key
from loyalty_model.assessment.scoring import ScoringInputError
from loyalty_model.i18n import t
from loyalty_model.takeaways.presenter_slides import projector_chart
from views._cached import presentation, series_version, show_chart
from views._common import current_lang, plain, require_workshop

PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { max-width: 100% !important;
  padding: 1.2rem 2.5rem 0 2.5rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
  font-size: 1.9rem !important; line-height: 1.3 !important; }
[data-testid="stCaptionContainer"] p, [data-testid="stPageLink"] * {
  font-size: 1.5rem !important; line-height: 1.3 !important; }
h1, h2 { font-size: 2.4rem !important; padding: 0 !important; }
[data-testid="stMarkdownContainer"] blockquote, [data-testid="stMarkdownContainer"] blockquote p {
  font-size: 2.3rem !important; line-height: 1.35 !important; opacity: 1 !important; }
[data-testid="stBaseButton-secondary"] *, [data-testid="stBaseButton-primary"] * {
  font-size: 1.5rem !important; }
</style>
"""
CHART_HEIGHT = 500  # px of a 900 px projector view, the plot's: the chart is the slide
CHART_WIDTH = 1240  # px, labels included: the slide's width on a 1440 px projector

lang = current_lang()
st.html(PROJECTOR_CSS)  # style only: Streamlit puts it where it takes no space
workshop = require_workshop(lang)
matrix = (st.session_state.get(f"matrix_{workshop.code}") or {}).get("shares")
# built once per stored data (the whole series, for the trend), language and matrix
data_key = (workshop.id, series_version(workshop), lang, json.dumps(matrix, sort_keys=True))
try:
    data, slides = presentation(data_key, workshop, lang, matrix)
except ScoringInputError:
    data = None
if data is None or (not data.assessment.kpis
                    and all(s.mean is None for s in data.assessment.statements)):
    st.info(t("presenter.nothing", lang))
    st.page_link("views/results.py", label=t("presenter.back", lang), icon=":material/target:")
    st.stop()

position = min(int(st.session_state.get("presenter_slide", 0)), len(slides) - 1)
current = slides[position]

title, previous, where, following = st.columns([5, 2, 1, 2], vertical_alignment="center")
with title:
    if current.chart is None and not current.comments:
        st.title(current.title)
    else:
        st.header(current.title)
with previous:
    if st.button(t("presenter.previous", lang), key="presenter_prev", disabled=position == 0,
                 width="stretch", shortcut="PageUp"):  # what a presentation clicker sends
        st.session_state["presenter_slide"] = position - 1
        st.rerun()
with where:
    st.markdown(t("presenter.position", lang, n=position + 1, total=len(slides)),
                text_alignment="center")
with following:
    if st.button(t("presenter.next", lang), key="presenter_next", type="primary",
                 disabled=position == len(slides) - 1, width="stretch", shortcut="PageDown"):
        st.session_state["presenter_slide"] = position + 1
        st.rerun()

if current.comments:  # the room's own words, shown exactly as typed (plain)
    for comment in current.comments:
        st.markdown(f"> {plain(comment.text)}"
                    + (f"  \n> — *{plain(comment.author)}*" if comment.author else ""))
    st.caption(current.caption)
elif current.chart is None:  # the verdict: where to start, in the model's own sentences
    for rank, layer_id in enumerate(data.assessment.priorities[:3], start=1):
        name = data.model.layer(layer_id).name(lang)
        status = t(f"status.{status_key(data.assessment, layer_id)}", lang)
        st.markdown(f"**{rank}. {name}** · {status}")
        st.caption(brief_reading(data.assessment, layer_id, data.model, lang, data.currency))
else:
    show_chart(("slide", position, *data_key),
               lambda: projector_chart(current.chart, CHART_HEIGHT), width=CHART_WIDTH,
               height=CHART_HEIGHT)
    st.caption(current.caption)
st.page_link("views/results.py", label=t("presenter.back", lang), icon=":material/target:")
