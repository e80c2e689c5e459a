"""Start: what this is, and a way in: the sample company or a workshop of your own."""

import streamlit as st

from loyalty_model.assessment import anonymity
from loyalty_model.i18n import LANGUAGES, t
from loyalty_model.workshop import sample, storage
from views._common import (
    current_lang,
    current_workshop,
    engine,
    lazy_expander,
    model,
    open_workshop,
    plain,
)

lang = current_lang()
st.title(t("start.title", lang))
st.markdown(t("start.intro", lang))

model_box = lazy_expander(t("start.model_heading", lang), "start_model_open")
if model_box:  # closed expanders on this page build nothing (lazy_expander)
    with model_box:
        for layer in model().layers:
            st.markdown(f"**{layer.order}. {layer.name(lang)}** — {layer.tagline(lang)}")
        st.caption(t("start.model_note", lang))


def follow_ui_language() -> None:
    """The workshop's language (what the phones open in) starts as the language of this screen.

    A widget keeps its value once drawn, so switching the sidebar to Dansk used to leave it on
    English. It follows the sidebar until the facilitator picks another language for the
    workshop while the sidebar stays put.
    """
    if st.session_state.get("new_lang_follows") != lang or "new_lang" not in st.session_state:
        st.session_state["new_lang"] = lang
        st.session_state["new_lang_follows"] = lang


def anonymity_fields() -> tuple[str, int]:
    """The anonymity level (names hidden unless changed) and, for aggregates only, how many
    people must rate a statement before it is shown: that field appears only with that level,
    the only one it means anything for. Each level's meaning is in the help, as the
    participants will read it."""
    levels = "\n\n".join(t(f"anonymity.explain.{level}", lang, n=anonymity.DEFAULT_SMALLEST_GROUP)
                         for level in anonymity.LEVELS)
    level = st.segmented_control(t("anonymity.label", lang), anonymity.LEVELS,
                                 default=anonymity.DEFAULT_LEVEL, required=True,
                                 format_func=lambda v: t(f"anonymity.level.{v}", lang),
                                 key="new_anonymity",
                                 help=f"{t('anonymity.help', lang)}\n\n{levels}")
    if level != "aggregates_only":
        return level, anonymity.DEFAULT_SMALLEST_GROUP
    low, high = anonymity.SMALLEST_GROUP_RANGE
    smallest = st.number_input(t("anonymity.smallest_group", lang), low, high,
                               anonymity.DEFAULT_SMALLEST_GROUP, step=1, key="new_smallest",
                               help=t("anonymity.smallest_group_help", lang))
    return level, int(smallest)


open_now = current_workshop()
if open_now is not None:
    st.success(t("start.open_workshop", lang, name=plain(open_now.name), code=open_now.code))
    st.page_link("views/assess.py", label=t("start.continue", lang), icon=":material/edit_note:")

left, right = st.columns(2)
with left:
    st.subheader(t("start.sample_heading", lang))
    st.write(sample.company().description(lang))
    if st.button(t("start.sample_button", lang), type="primary", key="start_sample"):
        workshop, key = sample.create_sample_workshop(engine(), model(), lang)
        open_workshop(workshop, key)
        st.switch_page("views/assess.py")

with right:
    st.subheader(t("start.own_heading", lang))
    # A box of fields, not a form: a form cannot show a field only for the level it belongs to
    with st.container(border=True, key="new_workshop"):
        limit = storage.WORKSHOP_NAME_CHARS  # the field stops there, and its help says so
        name = st.text_input(t("start.workshop_name", lang), key="new_name", max_chars=limit,
                             placeholder=t("start.workshop_name_hint", lang),
                             help=t("common.max_chars", lang, n=limit))
        team = st.text_input(t("start.team_name", lang), key="new_team", max_chars=limit,
                             help=t("common.max_chars", lang, n=limit))
        follow_ui_language()
        # two segments, not a dropdown: one tap, and cheaper for the browser to draw
        workshop_lang = st.segmented_control(t("start.workshop_language", lang), list(LANGUAGES),
                                             format_func=LANGUAGES.get, key="new_lang",
                                             required=True)
        anonymity, smallest = anonymity_fields()
        submitted = st.button(t("start.create_button", lang), key="create_workshop")
    if submitted:
        if not name.strip() or not team.strip():
            st.error(t("start.need_name", lang))
        else:
            workshop, key = storage.create_workshop(engine(), name, team, workshop_lang,
                                                    anonymity=anonymity,
                                                    smallest_group=smallest)
            open_workshop(workshop, key)
            st.session_state["facilitator_key_new"] = True  # facilitate shows the key, once
            st.switch_page("views/facilitate.py")

# --- Import a workshop exported as JSON on another machine ---------------------------------------
def json_import() -> None:
    from loyalty_model.workshop.workshop_json import WorkshopFileError, import_workshop

    st.caption(t("json_import.intro", lang))
    upload = st.file_uploader(t("json_import.upload", lang), type=["json"], key="import_json")
    if st.button(t("json_import.button", lang), key="import_json_button", disabled=upload is None):
        try:
            imported, imported_key = import_workshop(engine(), upload.getvalue(), model())
        except WorkshopFileError as error:
            # the message can quote the file's content: escaped, so it renders as plain text
            st.error(t("json_import.failed", lang, message=plain(str(error))))
        else:
            open_workshop(imported, imported_key)
            st.session_state["facilitator_key_new"] = True  # facilitate shows the key, once
            st.switch_page("views/facilitate.py")


import_box = lazy_expander(t("json_import.heading", lang), "import_json_open")
if import_box:
    with import_box:
        json_import()
