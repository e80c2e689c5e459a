"""Charts and assessments computed once per data version, not on every run of a page.

Building an Altair chart (the encodings, the schema validation, the locale configuration) costs
far more than drawing it: 0.1–0.3 s per chart on the results and facilitator pages, paid again
on every rerun and every live tick. What a chart shows depends only on stored data (fingerprinted
by `storage.workshop_data_version`, one query), the language and the page's settings, so its
Vega-Lite spec is cached under those and handed to the browser as is.

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
from loyalty_model.takeaways.presenter_slides import Slide, slides_for
from loyalty_model.takeaways.report_data import ReportData, from_workshop
from loyalty_model.workshop import live, storage
from views._common import engine, model

try:  # the exact conversion st.altair_chart does (data as Arrow, Streamlit's theme defaults)
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec as _to_spec
except ImportError:  # pragma: no cover (a Streamlit without it: Altair's own dict)
    _to_spec = None


def data_version(workshop_id: int) -> tuple[str, ...]:
    """The workshop's data version for this run (one query)."""
    return storage.workshop_data_version(engine(), workshop_id)


@st.cache_data(show_spinner=False, max_entries=512)
def _spec(key: tuple[Hashable, ...], _build: Callable[[], Any]) -> dict:
    chart = _build()
    return _to_spec(chart) if _to_spec is not None else chart.to_dict()


def show_chart(key: tuple[Hashable, ...], build: Callable[[], Any], **options: Any) -> None:
    """`st.altair_chart(build(), **options)`, with the chart built only when `key` is new."""
    st.vega_lite_chart(spec=_spec(key, build), **options)


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
