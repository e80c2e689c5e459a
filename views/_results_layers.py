"""The results page's parts below the verdict: one expander per layer, then the other views.

The verdict (views/results.py) answers "where do we start, and why" on one projected screen; the
detail a room asks for next sits one click down, once per layer, so no reading is repeated.

The layer expanders are lazy (Streamlit's stateful containers, on_change="rerun") and of the
other views only the chosen one is built: closed, they used to cost the page eight hidden Vega
charts and some forty elements that the browser drew anyway, about half of the page's render
time (benchmarks/page_speed.py); opening one costs a rerun, which the cached assessment and
chart specs keep short. The other views are chosen with a button each, not tabs: the page
draws buttons anyway, and the tabs' own code took ~15 ms of every load.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from loyalty_model.assessment.actions import after_basics
from loyalty_model.assessment.reading import layer_reading, priority_reason, status_key
from loyalty_model.assessment.scoring import Assessment
from loyalty_model.assessment.targets import basis_label
from loyalty_model.i18n import fmt_kpi_value, fmt_number, fmt_percent, t
from loyalty_model.model import Model
from loyalty_model.takeaways import charts
from loyalty_model.workshop import storage
from views._cached import show_chart
from views._common import choice_buttons, lazy_expander, plain

# Session-state keys of the lazy containers; tests open them by setting these.
LAYER_KEY = "results_layer_"  # + layer id: True while that layer's expander is open
TABS_KEY = "results_more_tab"  # the label of the open view among the other views


def _chart(chart_key: tuple, name: str, build: Callable[[], Any], **options: Any) -> None:
    """Show a chart; with a `chart_key` (everything the page's charts depend on) its spec is
    built once per key (views/_cached.py) instead of on every run."""
    if chart_key:
        show_chart((name, *chart_key), build, **options)
    else:
        st.altair_chart(build(), **options)


def layer_expanders(assessment: Assessment, model: Model, lang: str, currency: str,
                    comments: Sequence[storage.Comment] = (), chart_key: tuple = ()) -> None:
    """One expander per layer, most urgent first; `comments` as storage.shown_comments gives
    them (held to the workshop's anonymity level); `chart_key` see `_chart`."""
    st.subheader(t("results.layer_details", lang))
    for rank, layer_id in enumerate(assessment.priorities, start=1):
        result = assessment.layer(layer_id)
        label = t("results.layer_label", lang, rank=rank, name=model.layer(layer_id).name(lang),
                  status=t(f"status.{status_key(assessment, layer_id)}", lang),
                  self=fmt_number(result.self_score, lang), kpi=fmt_number(result.kpi_score, lang))
        details = lazy_expander(label, f"{LAYER_KEY}{layer_id}")
        if details is None:  # closed: nothing built or drawn (see the module docstring)
            continue
        with details:
            st.markdown(layer_reading(assessment, layer_id, model, lang, currency))
            st.caption(t("results.why_here", lang, rank=rank,
                         reason=priority_reason(result, model, assessment, lang)))
            _kpi_table(assessment, layer_id, model, lang, currency)
            _statements(assessment, layer_id, model, lang, chart_key)
            _comments(comments, layer_id, lang)
            waiting = after_basics(assessment, model, lang) if layer_id == "wow" else []
            if waiting:
                st.info(f"**{t('reading.after_basics', lang)}**  \n"
                        + "  \n".join(f"- {action}" for action in waiting))


def _kpi_table(assessment: Assessment, layer_id: str, model: Model, lang: str,
               currency: str) -> None:
    rows = [{
        t("targets.col_kpi", lang): model.kpis[r.kpi].name(lang),
        t("targets.col_value", lang): fmt_kpi_value(r.value, model.kpis[r.kpi].unit, lang,
                                                     currency),
        t("kpis.col_period", lang): r.period,
        t("targets.col_basis", lang): basis_label(r, model.kpis[r.kpi], lang),
        t("targets.col_score", lang): "–" if r.score is None else fmt_number(r.score, lang),
        t("targets.col_band", lang): t(f"band.{r.band}", lang) if r.band
        else t("band.unscored", lang),
    } for r in assessment.kpis if r.layer == layer_id]
    if rows:  # a static table: the basis (a source and year) wraps instead of being cut
        st.table(pd.DataFrame(rows), hide_index=True, border="horizontal")
    else:
        st.caption(t("results.no_kpis_layer", lang))


def _statements(assessment: Assessment, layer_id: str, model: Model, lang: str,
                chart_key: tuple = ()) -> None:
    rated = [s for s in assessment.statements if s.layer == layer_id and s.mean is not None]
    if not rated:
        st.caption(t("results.not_rated_layer", lang))
        return
    _chart(chart_key, f"spread_{layer_id}",
           lambda: charts.spread_chart(assessment, model, lang, layer_id).properties(title=""))
    for point in (s for s in assessment.discussion_points() if s.layer == layer_id):
        st.markdown(t("results.discussion_line", lang,
                      statement=model.statement(point.statement_id).text(lang).rstrip("."),
                      spread=fmt_number(point.spread, lang, 1)))


def _comments(comments: Sequence[storage.Comment], layer_id: str, lang: str) -> None:
    """The team's words on the layer, marked for discussion first; as text, never markdown."""
    found = sorted((c for c in comments if c.layer == layer_id), key=lambda c: not c.marked)
    if not found:
        return
    st.markdown(f"**{t('comments.report_heading', lang)}**")
    for comment in found:
        meta = [t("comments.marked", lang)] if comment.marked else []
        meta += [plain(comment.author)] if comment.author else []
        st.markdown(f"- {plain(comment.text)}" + (f"  \n  *{' · '.join(meta)}*" if meta else ""))


def more_views(assessment: Assessment, model: Model, lang: str, trend: pd.DataFrame,
               matrix: dict | None, chart_key: tuple = ()) -> None:
    """Disagreement, gaps, the trend and the loyalty matrix, each one button away; `chart_key`
    see `_chart`."""
    st.subheader(t("results.more", lang))
    names = [t("results.tab_discussion", lang), t("results.tab_gaps", lang)]
    has_trend = trend["period"].nunique() > 1
    names += [t("results.tab_trend", lang)] if has_trend else []
    names += [t("results.tab_matrix", lang)] if matrix else []
    shown = names.index(st.session_state[TABS_KEY]) if st.session_state.get(
        TABS_KEY) in names else 0  # another language's label: the first view
    choice_buttons(names, shown, "results_view_",
                   lambda index: st.session_state.update({TABS_KEY: names[index]}))
    view = names[shown]
    if view == t("results.tab_discussion", lang):
        _discussion(assessment, model, lang)
    elif view == t("results.tab_gaps", lang):
        _chart(chart_key, "gaps", lambda: charts.gaps_chart(assessment, model, lang), width=960)
        st.caption(t("results.gaps_help", lang,
                     threshold=int(assessment.settings.gap_threshold)))
    elif view == t("results.tab_trend", lang):
        _chart(chart_key, "kpi_trend", lambda: charts.kpi_trend_chart(trend, model, lang),
               width=960, height=360)
        st.caption(t("results.trend_help", lang))
    else:
        _matrix(matrix, model, lang, chart_key)


def _discussion(assessment: Assessment, model: Model, lang: str) -> None:
    points = assessment.discussion_points()
    if not points:
        st.write(t("results.no_discussion", lang))
        return
    st.markdown("\n".join(  # one list, one element: each element costs the browser ~5 ms
        f"- {model.layer(point.layer).name(lang)}: " + t(
            "results.discussion_line", lang,
            statement=model.statement(point.statement_id).text(lang).rstrip("."),
            spread=fmt_number(point.spread, lang, 1))
        for point in points[:8]))


def _matrix(matrix: dict, model: Model, lang: str, chart_key: tuple) -> None:
    chart_column, text_column = st.columns([3, 2])
    with chart_column:
        _chart(chart_key, "matrix",
               lambda: charts.loyalty_matrix_chart(matrix["shares"], model, lang), width=560)
        st.caption(t("results.matrix_help", lang, n=matrix["joined"]))
    with text_column:
        for quadrant, texts in model.matrix.items():
            share = matrix["shares"].get(quadrant, 0.0)
            st.markdown(f"**{texts['name'](lang)}** · {fmt_percent(share, lang)}")
            st.caption(f"{texts['meaning'](lang)} {texts['action'](lang)}")
