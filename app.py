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
# the language must survive it. A participant's phone has no sidebar worth opening: the switch
# sits on the page, top right, instead of behind the sidebar's unlabelled "»". One button per
# language, the one in use filled: one tap, and the cheapest element to draw on every page of
# the app (segments took ~15 ms more of each load, a dropdown ~80 ms of a first one).
language_place = (st.sidebar if not participant_visit else st).container(
    horizontal=True, horizontal_alignment="right" if participant_visit else "left",
    vertical_alignment="center", key="lang_choice")
with language_place:
    st.markdown(f":small[{t('app.language', lang)}]", width="content")
    for code, name in LANGUAGES.items():
        st.button(name, key=f"lang_{code}", type="secondary" if code == lang else "tertiary",
                  on_click=choose_language, args=(code,))

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
