"""A participant's session: the workshop they joined and their token, mirrored in their link.

The link (?join=CODE&p=TOKEN) is a participant's only way back after a refresh, a lost
connection or a closed tab. A session that joined never keeps a facilitator key, so a
participant link opens the participant page and nothing else.
"""

from __future__ import annotations

import streamlit as st

from loyalty_model.i18n import LANGUAGES

JOIN, TOKEN, LANG = "join", "p", "lang"
NAV = "join_nav"  # which layer the participant is on (views/join.py)
STATE_KEYS = ("join_code", "participant_token", "joined_workshop_id", NAV)


def is_participant_visit() -> bool:
    return JOIN in st.query_params or bool(st.session_state.get("participant_mode"))


def clean_code(raw: str | None) -> str | None:
    code = "".join((raw or "").split()).upper()[:16]
    return code or None


def restore() -> None:
    """On a session's first run take code, token and language from the link; drop facilitator
    state either way, so a participant session can never act as a facilitator."""
    state = st.session_state
    if not state.get("participant_mode"):
        state["participant_mode"] = True
        state["join_code"] = clean_code(st.query_params.get(JOIN))
        state["participant_token"] = (st.query_params.get(TOKEN) or "")[:64] or None
        if st.query_params.get(LANG) in LANGUAGES and LANG not in state:
            state[LANG] = st.query_params[LANG]
            state["lang_chosen"] = True
    state.pop("workshop_code", None)
    state.pop("facilitator_key", None)


def enter(code: str, token: str, workshop_id: int) -> None:
    """This session is now the participant holding `token` in workshop `code`."""
    st.session_state.update(participant_mode=True, join_code=code, participant_token=token,
                            joined_workshop_id=workshop_id)
    st.session_state.pop("workshop_code", None)
    st.session_state.pop("facilitator_key", None)
    keep_url()


def forget() -> None:
    """Back to the join form (a wrong code, or a link that is not valid)."""
    for key in STATE_KEYS:
        st.session_state[key] = None
    keep_url()


def keep_url() -> None:
    """Write the participant's own link into the address bar, and nothing facilitator-related."""
    state = st.session_state
    wanted = {JOIN: state.get("join_code"), TOKEN: state.get("participant_token"),
              LANG: state.get(LANG)}
    for param in ("w", "k"):
        if param in st.query_params:
            del st.query_params[param]
    for param, value in wanted.items():
        if value and st.query_params.get(param) != value:
            st.query_params[param] = value
        elif not value and param in st.query_params:
            del st.query_params[param]


def default_language(lang: str) -> bool:
    """Switch to the workshop's language once, unless the link or the person chose one.

    Returns True when the page must rerun for the language switch (an entry-point widget) to
    pick it up.
    """
    state = st.session_state
    if state.get("lang_chosen") or state.get(LANG) == lang or lang not in LANGUAGES:
        state["lang_chosen"] = True
        return False
    state["lang_chosen"] = True
    state["lang_pending"] = lang
    return True


def apply_pending_language() -> None:
    """Called in the entry point before the language widget exists (it cannot change after)."""
    pending = st.session_state.pop("lang_pending", None)
    if pending in LANGUAGES:
        st.session_state[LANG] = pending
