"""Who may see a client, and the small "client" section of a team's facilitator page.

A client is opened by its own link (?client=ID&ck=KEY): the key is taken out of the address bar
at once and kept in this session and a cookie (views._browser), as the facilitator key is. A
facilitator key never opens a client, and a key opens only the client it belongs to. A client is
made from a team's facilitator page (whoever holds the team's key), and further teams join by
pasting the client link on their own facilitator page: both keys, every time.
"""

from __future__ import annotations

import streamlit as st

from loyalty_model.i18n import t
from loyalty_model.workshop import links, storage
from views import _browser
from views._common import app_base_url, engine, lazy_expander, plain

CLIENT_ID, CLIENT_KEY, CLIENT_NEW = "client_id", "client_key", "client_key_new"


def open_client(client: storage.Client, key: str, new: bool = False) -> None:
    st.session_state[CLIENT_ID] = str(client.id)
    st.session_state[CLIENT_KEY] = key
    if new:
        st.session_state[CLIENT_NEW] = True


def _take_link_from_url() -> None:
    """?client=ID&ck=KEY → this session; the key leaves the address bar."""
    client_id, key = st.query_params.get("client"), st.query_params.get("ck")
    if client_id and key:
        st.session_state[CLIENT_ID], st.session_state[CLIENT_KEY] = client_id, key
        st.session_state.pop(CLIENT_NEW, None)
    elif client_id and client_id != st.session_state.get(CLIENT_ID):
        st.session_state[CLIENT_ID] = client_id  # a refresh: the key is in the cookie
        st.session_state[CLIENT_KEY] = _browser.remembered_client_key(client_id)
    if "ck" in st.query_params:
        del st.query_params["ck"]


def current_client() -> tuple[storage.Client | None, str | None]:
    """The client this session holds the key of, and that key; (None, None) otherwise."""
    _take_link_from_url()
    client_id = st.session_state.get(CLIENT_ID)
    if not client_id:
        return None, None
    key = st.session_state.get(CLIENT_KEY) or _browser.remembered_client_key(client_id)
    client = storage.client_by_key(engine(), client_id, key)
    return (client, key) if client else (None, None)


def require_client(lang: str) -> tuple[storage.Client, str]:
    """Stop the page, showing nothing of any client, unless this session holds a client key."""
    client, key = current_client()
    if client is None:
        if st.session_state.get(CLIENT_ID):
            st.error(t("client.bad_link", lang))
        else:
            st.info(t("client.no_client", lang))
        submitted, parsed = _client_link_form("open_client", "open_client_link",
                                              "client.open_button", lang)
        if submitted:
            found = parsed and storage.client_by_key(engine(), *parsed)
            if found:
                open_client(found, parsed[1])
                st.rerun()
            st.error(t("client.bad_link", lang))
        st.stop()
    if st.query_params.get("client") != str(client.id):
        st.query_params["client"] = str(client.id)
    with st.sidebar:
        _browser.remember_client_key(str(client.id), key)
    return client, key


def key_once(client: storage.Client, key: str, lang: str) -> None:
    """Right after a client is made: its link, once, and nothing else until "I saved it"."""
    if not st.session_state.get(CLIENT_NEW):
        return
    with st.container(border=True, key="client_key_box"):
        st.subheader(t("client.key_heading", lang))
        st.write(t("client.key_once", lang))
        st.code(links.client_link(app_base_url(), client.id, key), language=None)
        saved = st.button(t("client.key_saved", lang), type="primary", key="client_key_saved")
        st.caption(t("client.key_then", lang))
    if saved:
        st.session_state.pop(CLIENT_NEW, None)
        st.rerun()
    st.stop()


def facilitate_section(workshop: storage.Workshop, lang: str) -> None:
    """On a team's facilitator page: which client the team belongs to, and how to add it.
    The rule above the section, its heading and its line are one element (each element is
    drawing time on every load of the page)."""
    belongs = storage.workshop_client(engine(), workshop)
    line = (t("client.part_of", lang, name=plain(belongs.name)) if belongs is not None
            else t("client.section_help", lang))
    st.markdown(f"---\n\n### {t('client.section_heading', lang)}\n\n:gray[:small[{line}]]")
    if st.session_state.pop("client_attached", False):
        st.success(t("client.attached", lang))
    left = st.session_state.pop("client_left", None)
    if left:
        st.success(t("client.left", lang, name=plain(left)))
    if belongs is not None:
        held, _ = current_client()
        if held is not None and held.id == belongs.id:
            st.page_link("views/client.py", label=t("client.open_view", lang),
                         icon=":material/groups:")
    facilitator_key = st.session_state.get("facilitator_key")
    moves = t("client.moves", lang, name=plain(belongs.name)) if belongs else ""
    box = lazy_expander(t("client.add_heading", lang), "client_add_open")
    if box:
        with box:
            _attach_form(workshop, facilitator_key, moves, lang)
    box = lazy_expander(t("client.new_heading", lang), "client_new_open")
    if box:
        with box:
            _new_client_form(workshop, facilitator_key, moves, lang)
    box = lazy_expander(t("client.leave_heading", lang), "client_leave_open") if belongs else None
    if box:
        with box:
            st.caption(t("client.leave_help", lang))
            if st.button(t("client.leave_button", lang, name=plain(belongs.name)),
                         key="client_leave"):
                # the key opened this page, so it fits: the team is out after this
                storage.detach_workshop(engine(), workshop, facilitator_key)
                st.session_state["client_left"] = belongs.name
                st.rerun()


def _client_link_form(form: str, field: str, button: str, lang: str
                      ) -> tuple[bool, tuple[str, str] | None]:
    """A form to paste a client link into: (sent, the link's client id and key, or None)."""
    with st.form(form):
        pasted = st.text_input(t("client.paste_link", lang), type="password", key=field)
        sent = st.form_submit_button(t(button, lang))
    return sent, (links.parse_client_link(pasted) if sent else None)


def _attach_form(workshop: storage.Workshop, facilitator_key: str | None, moves: str,
                 lang: str) -> None:
    st.caption(" ".join(filter(None, [t("client.add_help", lang), moves])))
    attach, parsed = _client_link_form("attach_client", "attach_client_link",
                                       "client.add_button", lang)
    if attach:
        client = parsed and storage.attach_workshop(engine(), workshop, facilitator_key,
                                                    parsed[0], parsed[1])
        if client:
            open_client(client, parsed[1])
            st.session_state["client_attached"] = True
            st.rerun()
        st.error(t("client.not_attached", lang))


def _new_client_form(workshop: storage.Workshop, facilitator_key: str | None, moves: str,
                     lang: str) -> None:
    if moves:
        st.caption(moves)
    with st.form("new_client"):
        name = st.text_input(t("client.new_name", lang), key="new_client_name",
                             max_chars=storage.CLIENT_NAME_CHARS,
                             help=t("common.max_chars", lang, n=storage.CLIENT_NAME_CHARS))
        create = st.form_submit_button(t("client.new_button", lang))
    if create:
        if not name.strip():
            st.error(t("client.need_name", lang))
        else:
            client, key = storage.create_client(engine(), name)
            storage.attach_workshop(engine(), workshop, facilitator_key, client.id, key)
            open_client(client, key, new=True)
            st.switch_page("views/client.py")
