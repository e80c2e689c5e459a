"""Presenter mode: the results on a projector, in large type, one chart at a time.

The same charts as the report (report_data.report_charts), so what the room saw is what it takes
home. The sidebar is hidden with CSS because the page config is already set by app.py; the CSS
is a fixed string and never contains anything a user typed.
"""

import streamlit as st

from loyalty_model.assessment.reading import summary
from loyalty_model.assessment.scoring import ScoringInputError
from loyalty_model.i18n import t
from loyalty_model.takeaways.report_data import from_workshop
from views._common import current_lang, engine, model, require_workshop

PROJECTOR_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stSidebarNav"], [data-testid="stExpandSidebarButton"] { display: none !important; }
[data-testid="stMainBlockContainer"], .block-container { max-width: 100% !important;
  padding-left: 3rem !important; padding-right: 3rem !important; padding-top: 2rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li {
  font-size: 1.9rem !important; line-height: 1.35 !important; }
[data-testid="stCaptionContainer"] p { font-size: 1.4rem !important; }
h1 { font-size: 3.2rem !important; }
h2 { font-size: 2.6rem !important; }
[data-testid="stBaseButton-secondary"] p, [data-testid="stBaseButton-primary"] p {
  font-size: 1.6rem !important; }
</style>
"""
BIG = {"labelFontSize": 18, "titleFontSize": 20, "labelLimit": 400}

lang = current_lang()
st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)  # static CSS only, see the docstring
workshop = require_workshop(lang)
matrix = (st.session_state.get(f"matrix_{workshop.code}") or {}).get("shares")
try:
    data = from_workshop(engine(), workshop, model(), lang, matrix_shares=matrix)
except ScoringInputError:
    data = None
if data is None or (not data.assessment.kpis
                    and all(s.mean is None for s in data.assessment.statements)):
    st.info(t("presenter.nothing", lang))
    st.page_link("views/results.py", label=t("presenter.back", lang), icon=":material/target:")
    st.stop()

slides = ["priorities", *data.charts]
position = min(int(st.session_state.get("presenter_slide", 0)), len(slides) - 1)

current = slides[position]
if current == "priorities":
    st.title(t("presenter.priorities", lang))
    for line in summary(data.assessment, data.model, lang):
        st.markdown(line)  # the model's own sentences: no participant text in them
else:
    st.header(current.title)
    spec = current.chart.properties(title="").configure_axis(**BIG).configure_legend(**BIG)
    st.altair_chart(spec, width="stretch")
    st.caption(current.caption)

previous, where, following = st.columns([1, 2, 1], vertical_alignment="center")
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
st.page_link("views/results.py", label=t("presenter.back", lang), icon=":material/target:")
