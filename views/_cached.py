"""Charts and assessments computed once per data version, not on every run of a page.

Building an Altair chart (the encodings, the schema validation, the locale configuration) costs
0.1–0.3 s per chart on the results and facilitator pages, paid again on every rerun and every
live tick. What a chart shows depends only on stored data (fingerprinted by
`storage.workshop_data_version`, one query), the language and the page's settings, so the chart
is cached under those.

It is cached as an SVG drawn by vl-convert (loyalty_model.takeaways.chart_images), sent as one
HTML element. A Vega chart drawn in the browser took ~60 ms of every load of a page (loading
and running Vega); the SVG costs the browser what a picture does. Hovering a mark still shows
its values (as the SVG's titles); zoom and selection, which no chart here uses, are gone.

The caller names everything the chart depends on in `key`; the builder is not hashed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd
import streamlit as st

from loyalty_model.assessment.kpi_scoring import kpi_trend, layer_kpi_trend
from loyalty_model.assessment.scoring import Assessment, assess
from loyalty_model.model import ScoringSettings
from loyalty_model.takeaways.chart_images import chart_svg
from loyalty_model.takeaways.presenter_slides import Slide, slides_for
from loyalty_model.takeaways.report_data import ReportData, from_workshop
from loyalty_model.workshop import live, storage
from views._common import engine, model


def data_version(workshop_id: int) -> tuple[str, ...]:
    """The workshop's data version for this run (one query)."""
    return storage.workshop_data_version(engine(), workshop_id)


@st.cache_data(show_spinner=False, max_entries=512)
def _svg(key: tuple[Hashable, ...], _build: Callable[[], Any], width: int | None,
         height: int | None) -> str:
    spec = _build().to_dict(validate=False)
    if height:
        spec["height"] = height
    if width:  # the whole chart, its axes and legend included, is this wide
        spec.update(width=width, autosize={"type": "fit-x", "contains": "padding"})
    return chart_svg(spec)  # in the language of the spec's own locale (charts.localised)


def show_chart(key: tuple[Hashable, ...], build: Callable[[], Any], width: int | None = None,
               height: int | None = None) -> None:
    """The chart `build()` makes, built and drawn only when `key` is new. `width` (the whole
    chart's, in pixels) and `height` (the plot's) override the chart's own: give the width the
    chart has on the page at 1440 px, so its text is drawn at its size. The SVG shrinks to a
    narrower place (to three quarters, then scrolls sideways on a phone), never grows.

    Markdown, not st.html: st.html removes inline SVG."""
    st.markdown(f'<div class="skab-chart" role="img" style="overflow-x:auto">'
                f"{_svg(key, build, width, height)}</div>",
                unsafe_allow_html=True)


@st.cache_data(show_spinner=False, max_entries=64)
def assessed(key: tuple[Hashable, ...], _ratings: pd.DataFrame, _kpis: pd.DataFrame,
             _targets: dict[str, float], _settings: ScoringSettings) -> tuple[Assessment,
                                                                               pd.DataFrame]:
    """The assessment and the per-layer KPI trend, computed once per `key` (the workshop's data
    version and the settings): the inputs are not hashed, `key` stands for them."""
    assessment = assess(_ratings, _kpis, model(), _settings, _targets)
    trend = layer_kpi_trend(kpi_trend(_kpis, model(), _settings, _targets), model())
    return assessment, trend


def series_version(workshop: storage.Workshop) -> tuple:
    """The data version of every workshop in the workshop's series (the trend reads them all)."""
    return tuple((w.id, data_version(w.id))
                 for w in storage.series_workshops(engine(), workshop))


@st.cache_data(show_spinner=False, max_entries=64)
def team_trend(key: tuple[Hashable, ...], _workshop: storage.Workshop, lang: str
               ) -> pd.DataFrame:
    """`live.team_trend`, once per series version (`key`)."""
    return live.team_trend(engine(), _workshop, model(), lang)


@st.cache_resource(show_spinner=False, max_entries=32)
def presentation(key: tuple[Hashable, ...], _workshop: storage.Workshop, lang: str,
                 _matrix: dict[str, float] | None) -> tuple[ReportData, list[Slide]]:
    """The report data and its slides, once per series version, language and matrix (`key`).

    A resource, not data: the slides hold Altair charts, shared read-only between sessions
    rather than copied on every run."""
    data = from_workshop(engine(), _workshop, model(), lang, matrix_shares=_matrix)
    return data, slides_for(data)
