"""Skab promoters: the entry point frames every page with the language switch and navigation.

Run with `streamlit run app.py`. Which workshop is open lives in the URL (?w=CODE&k=KEY), so a
browser refresh or a shared link lands on the same workshop; answers themselves are in the
database.
"""

import streamlit as st

from loyalty_model.i18n import LANGUAGES, t
from pages._common import current_lang, keep_url_state, restore_url_state

st.set_page_config(page_title="Skab promoters", page_icon="⭐", layout="wide")

restore_url_state()
lang = current_lang()

with st.sidebar:
    st.selectbox(
        t("app.language", lang), options=list(LANGUAGES), key="lang",
        format_func=lambda code: LANGUAGES[code],
    )
lang = current_lang()

pages = [
    st.Page("pages/start.py", title=t("nav.start", lang), icon=":material/home:", default=True),
    st.Page("pages/assess.py", title=t("nav.assess", lang), icon=":material/edit_note:", url_path="assess"),
    st.Page("pages/kpis.py", title=t("nav.kpis", lang), icon=":material/monitoring:", url_path="kpis"),
    st.Page("pages/results.py", title=t("nav.results", lang), icon=":material/target:", url_path="results"),
    st.Page("pages/actions.py", title=t("nav.actions", lang), icon=":material/task_alt:", url_path="actions"),
]
page = st.navigation(pages)
keep_url_state()
page.run()
