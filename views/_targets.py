"""The targets step of the KPI page: each loaded KPI and what it is scored against, as a table;
"Change the team targets" turns it into a grid where the team types its own.

The table and the conversion of edited targets live in loyalty_model.assessment.targets; this file
only lays them out and saves what the team typed. The table is shown as markdown until the team
chooses to change it: an editable grid took ~67 ms of every load of the KPI page, a third of
what the page may take (benchmarks/page_speed.py), for a step most visits only read.

The grid's key carries the language (its numbers are written in it), so a language switch
starts a new grid. What was typed and not saved would be lost with the old one; instead, the
team targets the grid holds are kept as numbers on every run (TYPED), and a new grid starts from
them, written in its own language. While a grid lives, it is given the table it started from
(STARTED): a grid whose data changes is a new grid to Streamlit, which drops its edits.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from loyalty_model.assessment.targets import describe_targets, target_rows, targets_from_table
from loyalty_model.i18n import fmt_plain_number, parse_number, t
from loyalty_model.messages import localized
from loyalty_model.workshop import storage
from loyalty_model.workshop.settings import workshop_currency
from views._common import engine, lazy_expander, model
from views._table import show_table

ROW_HEIGHT = 68  # above 4 rem Streamlit lets a cell's text wrap
TYPED = "targets_typed"  # (workshop id, {kpi: team target in the grid's units, None: empty})
STARTED = "targets_started"  # (editor key, the TYPED it started from, or None: from saved)
EDITING = "targets_editing"  # plain session state: the grid stays open across a language switch
SPARKS = "▁▂▃▄▅▆▇█"


def _typed(edited: pd.DataFrame, lang: str) -> dict[str, float | None]:
    """The team targets a grid holds, as numbers in its units; a text that is no number in
    `lang` is left out (the save says what is wrong with it)."""
    typed: dict[str, float | None] = {}
    for kpi, raw in zip(edited["kpi"], edited["team_target"], strict=True):
        if raw is None or pd.isna(raw) or not str(raw).strip():
            typed[str(kpi)] = None
            continue
        try:
            typed[str(kpi)] = parse_number(str(raw), lang)
        except ValueError:
            continue
    return typed


def _start(key: str, workshop_id: int) -> dict[str, float | None] | None:
    """What the grid under `key` starts from: for a new grid, the targets typed in the one
    before it and not saved; then the same for as long as the grid lives."""
    started_key, start = st.session_state.get(STARTED, (None, None))
    if started_key != key:
        typed_for, typed = st.session_state.get(TYPED, (None, None))
        start = typed if typed_for == workshop_id and key not in st.session_state else None
        st.session_state[STARTED] = (key, start)
    return start


def sparkline(values: list[float] | None) -> str:
    """A trend as block characters (▂▄▆█), lowest to highest of its own values: the grid's line
    chart in a table cell."""
    if not values or len(values) < 2:
        return "–"
    low, high = min(values), max(values)
    steps = len(SPARKS) - 1
    return "".join(SPARKS[round((v - low) / (high - low) * steps) if high > low else steps // 2]
                   for v in values)


def _set_editing(editing: bool) -> None:
    st.session_state[EDITING] = editing
    if not editing:  # cancelled: what was typed goes, the table shows what is saved
        st.session_state.pop(TYPED, None)
        st.session_state["targets_saves"] = st.session_state.get("targets_saves", 0) + 1


def _static_table(table: pd.DataFrame, lang: str) -> None:
    shown = pd.DataFrame({
        t("targets.col_kpi", lang): table["name"],
        t("targets.col_layer", lang): table["layer"],
        t("targets.col_value", lang): table["value"],
        t("targets.col_trend", lang): table["trend"].map(sparkline),
        t("targets.col_basis", lang): table["basis"],
        t("targets.col_starting", lang): table["starting_target"].map(lambda v: v or "–"),
        t("targets.col_team", lang): table["team_target_shown"].map(lambda v: v or "–"),
        t("targets.col_score", lang): table["score"].map(
            lambda v: "–" if pd.isna(v) else fmt_plain_number(v, lang, 0)),
        t("targets.col_band", lang): table["band"],
    })
    numbers = [t(f"targets.col_{c}", lang)  # the trend too: right-aligned, never broken
               for c in ("value", "trend", "starting", "team", "score")]
    widths = dict(zip(shown.columns, (1.9, 1.5, 1.1, 1.4, 1.8, 1.1, 1.1, 0.7, 1.6), strict=True))
    show_table(shown, numbers=numbers, widths=widths, min_width_rem=52)


def render(workshop: storage.Workshop, kpis: pd.DataFrame, lang: str) -> None:
    # heading and note in one element: the browser spends ~5 ms drawing each
    st.markdown(f"### {t('targets.heading', lang)}\n\n:gray[:small[{t('targets.intro', lang)}]]")
    saved = storage.targets(engine(), workshop.id)
    currency = workshop_currency(engine(), workshop.id)
    table = target_rows(kpis, model(), model().scoring, saved, lang, currency)
    if st.session_state.get(EDITING):
        _grid(workshop, table, lang, currency)
    else:
        _static_table(table, lang)
        st.button(t("targets.edit", lang), key="targets_edit", icon=":material/edit:",
                  on_click=_set_editing, args=(True,))
    _why_starting(table, lang)


def _grid(workshop: storage.Workshop, table: pd.DataFrame, lang: str, currency: str) -> None:
    """The editable grid, its save and its cancel."""
    # a new key after each save: the editor starts from what is stored, instead of replaying its
    # edits onto the saved table (which cost an extra rerun that swallowed a click right after)
    saves = st.session_state.get("targets_saves", 0)
    key = f"targets_editor_{workshop.id}_{lang}_{saves}"
    start = _start(key, workshop.id)
    if start is not None:  # typed in the grid before this one (another language), not saved
        table["team_target"] = [start.get(kpi, value)
                                for kpi, value in zip(table["kpi"], table["team_target"],
                                                      strict=True)]
    # typed as text in the page's number format (92,5 in Danish), read back by targets_from_table
    table["team_target"] = table["team_target"].map(
        lambda v: None if pd.isna(v) else fmt_plain_number(v, lang, 4)).astype(object)
    edited = st.data_editor(
        table, hide_index=True, key=key,
        width="stretch",
        row_height=ROW_HEIGHT,  # two lines a row: a source and year wrap instead of being cut
        height=len(table) * ROW_HEIGHT + 40,  # every KPI in view: no scrolling in the table
        placeholder="–",
        column_order=["name", "layer", "value", "trend", "basis", "starting_target",
                      "team_target", "score", "band"],
        disabled=[c for c in table.columns if c != "team_target"],
        column_config={
            "name": st.column_config.TextColumn(t("targets.col_kpi", lang), width=180),
            "layer": st.column_config.TextColumn(t("targets.col_layer", lang), width=100),
            "value": st.column_config.TextColumn(t("targets.col_value", lang), width=80),
            "trend": st.column_config.LineChartColumn(t("targets.col_trend", lang), width=80),
            "basis": st.column_config.TextColumn(t("targets.col_basis", lang), width=190),
            "starting_target": st.column_config.TextColumn(t("targets.col_starting", lang),
                                                           width=75),
            "team_target": st.column_config.TextColumn(t("targets.col_team", lang),
                                                       help=t("targets.team_help", lang),
                                                       width=75),
            "score": st.column_config.ProgressColumn(t("targets.col_score", lang), width=80,
                                                     min_value=0, max_value=100, format="%d"),
            "band": st.column_config.TextColumn(t("targets.col_band", lang), width=120),
        },
    )
    st.session_state[TYPED] = (workshop.id, _typed(edited, lang))
    with st.container(horizontal=True):
        save = st.button(t("targets.save", lang), key="targets_save", type="primary")
        st.button(t("targets.cancel", lang), key="targets_cancel", type="tertiary",
                  on_click=_set_editing, args=(False,))
    if save:
        result = targets_from_table(edited, model(), lang)
        if result.problems:
            st.error(t("targets.problems", lang))
            for problem in result.problems:
                st.text(localized(problem, lang))
        else:
            storage.save_targets(engine(), workshop.id, result.targets)
            st.session_state["targets_saves"] = saves + 1
            st.session_state[EDITING] = False
            st.session_state.pop(TYPED, None)  # the next grid starts from what is saved
            st.session_state["kpi_flash"] = (
                t("targets.saved", lang,
                  targets=describe_targets(result.targets, model(), lang, currency))
                if result.targets else t("targets.cleared", lang))
            st.rerun()


def _why_starting(table: pd.DataFrame, lang: str) -> None:
    why = lazy_expander(t("targets.why_starting", lang), "targets_why_open")
    if why:  # built only while open; one element for all notes
        why.markdown("\n\n".join(
            f"**{spec.name(lang)}**: {spec.default_target_note(lang)}"
            for spec in model().kpis.values()
            if spec.default_target_note is not None and spec.id in set(table["kpi"])))
