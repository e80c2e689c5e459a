"""Charts drawn as SVG for the pages (loyalty_model.takeaways.chart_images.chart_svg): user text
in a chart stays text, marks keep their values for hover, numbers follow the language."""

from __future__ import annotations

import html
import re

import altair as alt
import pandas as pd

from loyalty_model.takeaways.chart_images import chart_svg, svg_text
from loyalty_model.takeaways.charts import localised

NASTY = '<img src=x onerror="window.hacked=1"> & "Team"'


def chart(name: str) -> alt.Chart:
    data = pd.DataFrame({"workshop": [name, "Q2"], "score": [1234.5, 60]})
    return alt.Chart(data).mark_bar().encode(
        x="workshop:N", y="score:Q", tooltip=["workshop:N", "score:Q"])


def test_a_name_in_a_chart_is_text_never_markup() -> None:
    svg = chart_svg(chart(NASTY))
    assert "<img" not in svg  # no tag: the name is escaped wherever it appears
    assert svg_text(svg)[0].startswith('<img src=x onerror="')  # the axis label, as typed
    titles = [html.unescape(t) for t in re.findall(r"<title>([^<]*)</title>", svg)]
    assert titles[0].startswith(f"workshop: {NASTY}; ")  # the hover title, whole


def test_each_mark_keeps_its_values_as_a_hover_title() -> None:
    svg = chart_svg(chart("Q1"))
    assert svg.count("<title>") == 2 and "workshop: Q1" in svg


def test_axis_numbers_are_written_in_the_charts_language() -> None:
    texts = svg_text(chart_svg(localised(chart("Q1"), "da")))
    assert "1.200" in texts and "1,200" not in texts
