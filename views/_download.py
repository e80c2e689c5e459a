"""Downloads of small files as links that look like buttons.

st.download_button is one more kind of element for the browser to load, and the first element of
a kind is what a page pays for (~30 ms of every load of the action plan and the KPI page:
benchmarks/page_speed.py, docs/page_speed.md). A link whose address holds the file itself
(`data:`) with a `download` name is an element the pages draw anyway (markdown), and saves the
same file under the same name, with no round trip to the server. Kept to small files: the
address is sent with the page on every run, so reports and decks stay download buttons.
"""

from __future__ import annotations

import base64
import html

import streamlit as st

# Streamlit's own button, measured in its default theme: the same size, corners and colours
_STYLE = (
    "<style>.skab-download{display:flex;width:fit-content;align-items:center;min-height:2.5rem;"
    "margin-bottom:1rem;"
    "padding:0.25rem 0.75rem;border-radius:0.5rem;border:1px solid rgb(220,216,212);"
    "background:#fff;color:inherit !important;text-decoration:none !important;"
    "line-height:1.6;font-size:0.875rem}"
    ".skab-download:hover{border-color:rgb(197,57,72);color:rgb(197,57,72) !important}"
    ".skab-download.skab-primary{background:rgb(197,57,72);border-color:rgb(197,57,72);"
    "color:#fff !important}"
    ".skab-download.skab-primary:hover{background:rgb(138,40,50);color:#fff !important}</style>"
)
SMALL_FILE = 256 * 1024  # bytes: larger files belong in st.download_button


def download_link_html(label: str, data: bytes, file_name: str, mime: str,
                       primary: bool = False) -> str:
    """The link as HTML: `label` and `file_name` escaped, the file in the address."""
    kind = "skab-download skab-primary" if primary else "skab-download"
    address = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return (f'{_STYLE}<a class="{kind}" href="{address}" '
            f'download="{html.escape(file_name)}">{html.escape(label)}</a>')


def download(label: str, data: bytes, file_name: str, mime: str, key: str,
             primary: bool = False) -> None:
    """A download of `data` as `file_name`: a link while the file is small, else a
    st.download_button (`key` is its key)."""
    if len(data) > SMALL_FILE:
        st.download_button(label, data, file_name=file_name, mime=mime, key=key,
                           type="primary" if primary else "secondary")
    else:
        st.markdown(download_link_html(label, data, file_name, mime, primary),
                    unsafe_allow_html=True)
