"""What every page shares: the engine, the language, the open workshop and the model.

Kept thin on purpose: anything that computes belongs in loyalty_model.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence

import streamlit as st
from sqlalchemy import Engine
from streamlit.delta_generator import DeltaGenerator

from loyalty_model.i18n import LANGUAGES, t
from loyalty_model.model import Model, load_model
from loyalty_model.workshop import links, storage
from loyalty_model.workshop.storage import Workshop
from views import _browser

URL_KEYS = {"w": "workshop_code", "k": "facilitator_key", "lang": "lang"}
# Every ASCII punctuation character can be backslash-escaped in (CommonMark) markdown; escaping
# all of them also defuses HTML (<, &), links ([, ], (, )), Streamlit's :colour[...] and
# :material/icon: directives, LaTeX ($) and bare URLs (: and .).
_MARKDOWN_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")
# Streamlit's markdown also turns bare web and e-mail addresses into links after parsing, so
# escapes do not stop it; an invisible word joiner inside "://", "www." and "@" does.
_AUTOLINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=www)(?=\.)|(?<=@)")
WORD_JOINER = "\u2060"
SHOWN_IN_URL = ("w", "lang")  # never "k": the address bar is on the projected screen


def configured_database_url() -> str | None:
    """A database URL from Streamlit secrets, unless SKAB_DATABASE_URL is set (it wins).

    Secrets: `database_url = "postgresql://..."` at the top level, or a `[connections.skab]`
    block with `url` (or dialect/host/...), as st.connection reads it. None = SQLite file.
    """
    if os.environ.get("SKAB_DATABASE_URL"):
        return None
    try:
        url = st.secrets.get("database_url")
        if not url:
            url = storage.url_from_settings(st.secrets.get("connections", {}).get("skab"))
    except FileNotFoundError:  # no secrets.toml: the usual case for a local run
        return None
    return str(url) if url else None


def engine() -> Engine:
    """One engine (and connection pool) per database and server process, shared by all sessions."""
    return _engine(storage.database_url(configured_database_url()))


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return storage.make_engine(url)


def plain(text: object) -> str:
    """User text (workshop, team, participant and file names) made safe for an element that
    renders markdown: shown exactly as typed, never as a link, HTML or formatting.

    A workshop named "[Log in again](https://evil.example)" was a clickable link in every
    facilitator page's caption. Line breaks become spaces: a name is one line. Addresses get
    an invisible word joiner, so they are not linked either (copied, they carry it along).
    """
    flat = _AUTOLINK.sub(WORD_JOINER, " ".join(str(text).split()))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def model() -> Model:
    return load_model()


def current_lang() -> str:
    lang = st.session_state.get("lang", "en")
    return lang if lang in LANGUAGES else "en"


def restore_url_state() -> None:
    """After a refresh Session State is empty: take the workshop and language from the URL.

    The facilitator key comes from the saved facilitator link (?w=CODE&k=KEY) or, after a
    refresh, from this browser's cookie (views._browser): the address bar never keeps it.
    """
    for param, key in URL_KEYS.items():
        if key not in st.session_state and param in st.query_params:
            st.session_state[key] = st.query_params[param]
    code = st.session_state.get("workshop_code")
    if code and not st.session_state.get("facilitator_key"):
        remembered = _browser.remembered_key(code)
        if remembered:
            st.session_state["facilitator_key"] = remembered


def keep_url_state() -> None:
    """Write the open workshop and language back to the URL (page changes clear it); take the
    facilitator key out of it, and let this browser remember the key instead."""
    for param in SHOWN_IN_URL:
        value = st.session_state.get(URL_KEYS[param])
        if value and st.query_params.get(param) != value:
            st.query_params[param] = value
    if "k" in st.query_params:
        del st.query_params["k"]
    code, key = st.session_state.get("workshop_code"), st.session_state.get("facilitator_key")
    if code and key:
        with st.sidebar:
            _browser.remember_key(code, key)


def open_workshop(workshop: Workshop, key: str) -> None:
    st.session_state["workshop_code"] = workshop.code
    st.session_state["facilitator_key"] = key
    st.session_state.pop("participant_token", None)
    st.session_state.pop("assess_nav", None)


def current_workshop() -> Workshop | None:
    """The open workshop, if this browser holds its facilitator key; else None."""
    code = st.session_state.get("workshop_code")
    if not code:
        return None
    workshop = storage.workshop_by_code(engine(), code)
    if workshop is None or not storage.is_facilitator(
            engine(), workshop, st.session_state.get("facilitator_key")):
        return None
    return workshop


def require_workshop(lang: str) -> Workshop:
    """Stop the page with a friendly pointer to the start page when no workshop is open."""
    workshop = current_workshop()
    if workshop is None:
        st.info(t("common.no_workshop", lang))
        st.page_link("views/start.py", label=t("common.go_start", lang), icon=":material/home:")
        st.stop()
    st.caption(t("common.workshop_caption", lang, name=plain(workshop.name),
                 team=plain(workshop.team), code=workshop.code))
    return workshop


def lazy_expander(label: str, key: str) -> DeltaGenerator | None:
    """An expander whose content is built only while it is open: the container if it is open,
    else None (`if box: with box: ...`).

    Every element a closed expander holds is still sent and drawn by the browser; on the
    results and facilitator pages that was a third to a half of the render time
    (benchmarks/page_speed.py). Opening one reruns the page. What is typed in a form inside is
    lost when it is closed unsent, like a dialog; nothing stored is.
    """
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None


def choice_buttons(labels: Sequence[str], chosen: int, key: str,
                   choose: Callable[[int], None]) -> None:
    """One button per choice in a row, the chosen one boxed; a click calls `choose(index)`
    before the page runs again. Buttons, not segments, tabs or a dropdown: the pages draw
    buttons anyway, and another kind of element costs each load ~30 ms to load and draw
    (docs/page_speed.md). The buttons' keys are `key` + index, the row's `key` + "row"."""
    with st.container(horizontal=True, key=f"{key}row"):
        for index, label in enumerate(labels):
            st.button(label, key=f"{key}{index}", type="secondary" if index == chosen
                      else "tertiary", on_click=choose, args=(index,))


def keep_value(widget_key: str, kept_key: str) -> None:
    """on_change callback for a widget inside a lazy container: copy its value to plain session
    state (`kept_key`), which lasts while the container is closed and the widget's own state,
    not drawn, is dropped. Read the kept value, not the widget's."""
    st.session_state[kept_key] = st.session_state[widget_key]


def app_base_url() -> str:
    """Where people reach this app (SKAB_PUBLIC_URL, else the address this browser used), for
    the links the app hands out: the participants' join link and a client's link."""
    try:
        headers = dict(st.context.headers or {})
    except Exception:  # noqa: BLE001 (no request, e.g. AppTest)
        headers = {}
    return links.public_base_url(headers, st.context.url, os.environ.get(links.PUBLIC_URL_ENV),
                                 str(st.get_option("server.baseUrlPath") or ""))
