"""What the app asks of the browser itself: keep the facilitator key off the screen, scroll up.

Streamlit has no API for either, so both are tiny scripts (st.html with JavaScript runs in the
page itself) inside a container hidden by CSS. The scripts are fixed text; the only values put
into them are a join code and a key the app generated itself, checked against SAFE first, so
nothing a person typed ever reaches them.

The facilitator key lives in a cookie (SameSite=Strict) instead of the address bar: the address
bar is on the projected screen, and a refresh must still open the facilitator view.
"""

from __future__ import annotations

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


def remembered_key(code: str | None) -> str | None:
    """The facilitator key this browser keeps for workshop `code`, if any."""
    if not code or not SAFE.match(code):
        return None
    try:
        value = st.context.cookies.get(cookie_name(code))
    except Exception:  # noqa: BLE001 (no browser context, e.g. AppTest)
        return None
    return value if value and SAFE.match(value) else None


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
        _script("key", _COOKIE.format(name=cookie_name(code), value=key,
                                      age=KEY_DAYS * 24 * 3600))


def scroll_to_top(step: int) -> None:
    """Scroll to the top whenever `step` changes (the script reruns only when its text does).

    Call it at a place whose position on the page does not depend on anything else, so a rerun
    on the same step does not mount it again.
    """
    _script("scroll", _SCROLL.format(step=int(step)))


def _client_cookie(client_id: str) -> str:
    return f"skab_ck_{client_id}"


def remembered_client_key(client_id: str | None) -> str | None:
    """The client key this browser keeps for client `client_id` (the client view's refresh)."""
    if not client_id or not str(client_id).isdigit():
        return None
    try:
        value = st.context.cookies.get(_client_cookie(str(client_id)))
    except Exception:  # noqa: BLE001 (no browser context, e.g. AppTest)
        return None
    return value if value and SAFE.match(value) else None


def remember_client_key(client_id: str, key: str) -> None:
    """Keep the client key in this browser, as `remember_key` keeps a facilitator key."""
    if str(client_id).isdigit() and SAFE.match(key):
        _script("client_key", _COOKIE.format(name=_client_cookie(str(client_id)), value=key,
                                             age=KEY_DAYS * 24 * 3600))
