"""What the app asks of the browser itself: keep the facilitator key off the screen, scroll up.

Streamlit has no API for either, so both are tiny scripts (st.html with JavaScript runs in the
page itself) inside a container hidden by CSS. The scripts are fixed text; the only values put
into them are a join code and a key the app generated itself, checked against SAFE first, so
nothing a person typed ever reaches them.

The facilitator key lives in a cookie (SameSite=Strict) instead of the address bar: the address
bar is on the projected screen, and a refresh must still open the facilitator view. The cookie
holds the key and the day it was set ("KEY.20261201"), so a page load only writes it again when
it is missing, another key, or a day old: the script is three elements the browser draws, about
10 ms of every facilitator page (benchmarks/page_speed.py), and a daily write keeps the 30 days
counting from the last use.
"""

from __future__ import annotations

import datetime as dt
import re

import streamlit as st

SAFE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")  # join codes and secrets.token_urlsafe keys
KEY_DAYS = 30
_HIDE = "<style>[class*='st-key-skab_js_'] { display: none !important; }</style>"
_COOKIE = ("(() => {{ const secure = location.protocol === 'https:' ? '; Secure' : ''; "
           "document.cookie = '{name}={value}; Max-Age={age}; Path=/; SameSite=Strict' + secure;"
           " }})();")
_SCROLL = ("/* step {step} */ (() => {{ const up = () => {{ "
           "const main = document.querySelector('[data-testid=\"stMain\"]'); "
           "if (main) main.scrollTo({{top: 0}}); window.scrollTo(0, 0); }}; "
           "up(); requestAnimationFrame(up); setTimeout(up, 120); setTimeout(up, 400); }})();")


def cookie_name(code: str) -> str:
    return f"skab_fk_{code}"


def _today() -> str:
    return dt.date.today().strftime("%Y%m%d")


def _cookie(name: str) -> tuple[str | None, str | None]:
    """(key, day set) from cookie `name`; a cookie from before the day was added has no day."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # noqa: BLE001 (no browser context, e.g. AppTest)
        return None, None
    if not isinstance(value, str):  # none, or a stand-in without a browser
        return None, None
    key, _, day = value.partition(".")
    return (key, day) if SAFE.match(key) else (None, None)


def _write_key(script: str, name: str, key: str) -> None:
    """Set cookie `name` to `key`, unless it already holds it, set today."""
    today = _today()  # once: the check and the value must agree, also at midnight
    if _cookie(name) != (key, today):
        _script(script, _COOKIE.format(name=name, value=f"{key}.{today}",
                                       age=KEY_DAYS * 24 * 3600))


def remembered_key(code: str | None) -> str | None:
    """The facilitator key this browser keeps for workshop `code`, if any."""
    if not code or not SAFE.match(code):
        return None
    return _cookie(cookie_name(code))[0]


def _script(name: str, body: str) -> None:
    st.html(_HIDE)  # style only: Streamlit puts it where it takes no space
    with st.container(key=f"skab_js_{name}"):
        st.html(f"<script>{body}</script>", unsafe_allow_javascript=True)


def remember_key(code: str, key: str) -> None:
    """Keep the facilitator key in this browser so a refresh keeps the facilitator view.

    Rendered on every run with the same text, so the script runs once per page load, not on
    every rerun.
    """
    if SAFE.match(code) and SAFE.match(key):
        _write_key("key", cookie_name(code), key)


def scroll_to_top(step: int) -> None:
    """Scroll to the top whenever `step` changes (the script reruns only when its text does).

    A page opens at the top, so nothing is drawn until the step first changes in this session
    (the script is three elements the browser draws on every load); from then on it stays.
    Call it at a place whose position on the page does not depend on anything else, so a rerun
    on the same step does not mount it again.
    """
    opened_at = st.session_state.setdefault("skab_scroll_opened_at", int(step))
    if opened_at == int(step) and not st.session_state.get("skab_scroll_on"):
        return
    st.session_state["skab_scroll_on"] = True
    _script("scroll", _SCROLL.format(step=int(step)))


def _client_cookie(client_id: str) -> str:
    return f"skab_ck_{client_id}"


def remembered_client_key(client_id: str | None) -> str | None:
    """The client key this browser keeps for client `client_id` (the client view's refresh)."""
    if not client_id or not str(client_id).isdigit():
        return None
    return _cookie(_client_cookie(str(client_id)))[0]


def remember_client_key(client_id: str, key: str) -> None:
    """Keep the client key in this browser, as `remember_key` keeps a facilitator key."""
    if str(client_id).isdigit() and SAFE.match(key):
        _write_key("client_key", _client_cookie(str(client_id)), key)
