"""The read-only HTML tables (views/_table.py): text shown as typed, widths and numbers."""

from __future__ import annotations

import pandas as pd

from tests.danish_numbers import _Tables
from views._table import table_html


def test_cells_are_text_never_markup() -> None:
    frame = pd.DataFrame({"Team <b>": ["<script>alert(1)</script>", "A & B"], "Score": [1, 2]})
    html = table_html(frame, numbers=["Score"])
    assert "<script>" not in html and "<b>" not in html
    parser = _Tables()
    parser.feed(html)
    assert parser.tables == [[["Team <b>", "Score"], ["<script>alert(1)</script>", "1"],
                              ["A & B", "2"]]]


def test_widths_are_shares_and_numbers_are_right_aligned() -> None:
    frame = pd.DataFrame({"Name": ["x"], "Value": ["1,5"]})
    html = table_html(frame, numbers=["Value"], widths={"Name": 3}, min_width_rem=40)
    assert '<col style="width:75.0%"><col style="width:25.0%">' in html
    assert '<td class="skab-number">1,5</td>' in html and "<td>x</td>" in html
    assert "min-width:40rem" in html
