"""Skab promoters: the entry point frames every page with the language switch and navigation.

Run with `streamlit run serve.py`, which serves this script (see serve.py for why). Which
workshop is open lives in the URL (?w=CODE&k=KEY), so a browser refresh or a shared link lands
on the same workshop; answers themselves are in the database.

A participant's link (?join=CODE, then ?join=CODE&p=TOKEN) and any session that joined a
workshop get the participant page only: no navigation, no other page reachable by URL.

Every page runs inside one guard: when the database cannot be reached the page ends with a
message in the user's language and retries by itself (views/_outage.py), never a traceback.
"""

import streamlit as st

from loyalty_model.i18n import LANGUAGES, t
from loyalty_model.workshop import storage
from views import _comments, _outage, _rating
from views import _participant as participant
from views._common import current_lang, keep_url_state, restore_url_state
from views._navigation import PAGES

participant_visit = participant.is_participant_visit()
st.set_page_config(page_title="Skab promoters", page_icon="⭐",
                   layout="centered" if participant_visit else "wide")

if participant_visit:
    participant.restore()
else:
    restore_url_state()
participant.apply_pending_language()
lang = current_lang()
_outage.start_run()
_rating.sync()  # first: a tap whose run was cut short is saved now (see views/_rating.py)
_comments.sync()  # and a comment typed before "Next" (see views/_comments.py)


def choose_language(code: str) -> None:
    st.session_state["lang"] = code
    st.session_state["lang_chosen"] = True


# "lang" is plain session state, not a widget's: a page switch can reset a widget's state, and
# the language must survive it. With two languages the switch is one button naming the other
# one ("Dansk" on an English page): one tap, and the cheapest element to draw on every page of
# the app. The label, a text and a button for each language took ~15 ms of each load, segments
# ~15 ms more, a dropdown ~80 ms of a first one (benchmarks/page_speed.py, element_costs.py).
# A participant's phone has no sidebar worth opening: there the button sits on the page, top
# right, instead of behind the sidebar's unlabelled "»".
other = next(code for code in LANGUAGES if code != lang)
switch = dict(label=LANGUAGES[other], key="lang_switch", icon=":material/translate:",
              help=t("app.switch_language", lang), type="tertiary", on_click=choose_language,
              args=(other,))
if participant_visit:
    with st.container(horizontal=True, horizontal_alignment="right", key="lang_choice"):
        st.button(**switch)
else:
    st.sidebar.button(**switch)

pages = [st.Page(path, title=t(title, lang), icon=icon, url_path=url, default=url is None)
         for path, title, icon, url in PAGES]
if participant_visit:
    page = st.navigation([st.Page("views/join.py", title=t("join.nav", lang),
                                  icon=":material/how_to_reg:", default=True)],
                         position="hidden")
    participant.keep_url()
else:
    page = st.navigation(pages)
    keep_url_state()
try:
    page.run()
except storage.STORAGE_ERRORS as error:
    _outage.page_failed(error, lang)
finally:  # also after st.stop(): what is not saved is named, and retried
    _outage.after_page(lang)
