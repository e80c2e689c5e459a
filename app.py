"""Skab promoters: the entry point frames every page with the language switch and navigation.

Run with `streamlit run app.py`. Which workshop is open lives in the URL (?w=CODE&k=KEY), so a
browser refresh or a shared link lands on the same workshop; answers themselves are in the
database.

A participant's link (?join=CODE, then ?join=CODE&p=TOKEN) and any session that joined a
workshop get the participant page only: no navigation, no other page reachable by URL.
"""

import streamlit as st

from loyalty_model.i18n import LANGUAGES, t
from views import _participant as participant
from views._common import current_lang, keep_url_state, restore_url_state

participant_visit = participant.is_participant_visit()
st.set_page_config(page_title="Skab promoters", page_icon="⭐",
                   layout="centered" if participant_visit else "wide")

if participant_visit:
    participant.restore()
else:
    restore_url_state()
participant.apply_pending_language()
lang = current_lang()



def choose_language() -> None:
    st.session_state["lang"] = st.session_state["lang_choice"]
    st.session_state["lang_chosen"] = True


# "lang" is plain session state, not the widget's own key: a page switch can reset a widget's
# state, and the language must survive it. The widget is re-pointed at it on every run.
st.session_state["lang_choice"] = lang
with st.sidebar:
    st.selectbox(
        t("app.language", lang), options=list(LANGUAGES), key="lang_choice",
        format_func=lambda code: LANGUAGES[code], on_change=choose_language,
    )

pages = [
    st.Page("views/start.py", title=t("nav.start", lang), icon=":material/home:", default=True),
    st.Page("views/assess.py", title=t("nav.assess", lang), icon=":material/edit_note:",
            url_path="assess"),
    st.Page("views/kpis.py", title=t("nav.kpis", lang), icon=":material/monitoring:",
            url_path="kpis"),
    st.Page("views/results.py", title=t("nav.results", lang), icon=":material/target:",
            url_path="results"),
    st.Page("views/actions.py", title=t("nav.actions", lang), icon=":material/task_alt:",
            url_path="actions"),
    st.Page("views/business_case.py", title=t("business.nav", lang), icon=":material/savings:",
            url_path="business-case"),
    st.Page("views/presenter.py", title=t("presenter.nav", lang), icon=":material/slideshow:",
            url_path="present"),
    st.Page("views/facilitate.py", title=t("facilitate.nav", lang), icon=":material/co_present:",
            url_path="facilitate"),
    st.Page("views/join.py", title=t("join.nav", lang), icon=":material/how_to_reg:",
            url_path="join"),
]
if participant_visit:
    page = st.navigation([st.Page("views/join.py", title=t("join.nav", lang),
                                  icon=":material/how_to_reg:", default=True)],
                         position="hidden")
    participant.keep_url()
else:
    page = st.navigation(pages)
    keep_url_state()
page.run()
