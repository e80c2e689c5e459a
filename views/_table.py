"""Read-only tables drawn as one HTML element with fixed column widths.

A table is the dearest thing most pages draw. The browser lays out an ordinary table twice,
measuring every cell to size the columns: the KPI page's 14 targets as a markdown table took
~40 ms of each load, as st.dataframe more. Given its column widths up front (`table-layout:
fixed`), the same table took ~12 ms (benchmarks/page_speed.py). The look follows Streamlit's
markdown tables: the page's font and colour, thin lines, bold headings.

Every cell is text, escaped: user text (workshop, team and file names) is shown as typed, never
as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

import pandas as pd
import streamlit as st

_STYLE = (
    "<style>.skab-table-wrap{overflow-x:auto;margin:0 0 1rem}"
    ".skab-table{border-collapse:collapse;table-layout:fixed;width:100%}"
    ".skab-table th,.skab-table td{padding:6px 12px;text-align:left;vertical-align:middle;"
    "border:1px solid color-mix(in srgb,currentColor 12%,transparent)}"
    ".skab-table th{font-weight:700}.skab-table .skab-number{text-align:right}"
    ".skab-table td.skab-number{white-space:nowrap}"
    ".skab-table-note{font-size:0.875rem;opacity:0.65;margin:0.5rem 0 1rem}</style>"
)


def table_html(frame: pd.DataFrame, numbers: Iterable[str] = (),
               widths: Mapping[str, float] | None = None, min_width_rem: float = 0) -> str:
    """`frame` as an HTML table, at least `min_width_rem` wide. The columns named in `numbers`
    are right-aligned, their cells never broken across lines; `widths` gives columns their
    share of the width (1 where not given)."""
    numbers = set(numbers)
    shares = {column: float((widths or {}).get(column, 1)) for column in frame.columns}
    total = sum(shares.values()) or 1.0
    cols = "".join(f'<col style="width:{100 * shares[c] / total:.1f}%">' for c in frame.columns)

    def cell(tag: str, value: object, column: str) -> str:
        number = ' class="skab-number"' if column in numbers else ""
        return f"<{tag}{number}>{html.escape(str(value))}</{tag}>"

    head = "".join(cell("th", column, column) for column in frame.columns)
    body = "".join("<tr>" + "".join(cell("td", value, column) for value, column
                                    in zip(row, frame.columns, strict=True)) + "</tr>"
                   for row in frame.itertuples(index=False))
    # on a phone the table keeps a readable width and scrolls sideways
    return (f'<div class="skab-table-wrap"><table class="skab-table" style="min-width:'
            f'{min_width_rem}rem"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def show_table(frame: pd.DataFrame, numbers: Iterable[str] = (),
               widths: Mapping[str, float] | None = None, min_width_rem: float = 0,
               heading: str = "", note: str = "") -> None:
    """Draw `frame` (see table_html) with its style, a bold `heading` above it and a small
    `note` under it, as one element (each element more is drawing time too)."""
    above = f"<p><strong>{html.escape(heading)}</strong></p>" if heading else ""
    below = f'<p class="skab-table-note">{html.escape(note)}</p>' if note else ""
    st.html(_STYLE + above + table_html(frame, numbers, widths, min_width_rem) + below)
