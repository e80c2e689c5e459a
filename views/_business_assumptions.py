"""The figures the source article cites, as a grid the user can change, one click down.

The grid sits in an expander built only while open (`views/_common.lazy_expander`). Streamlit
keeps a grid's edits only while the grid is drawn, so the values the user changed are kept apart
(EDITED: assumption id -> value in the grid's units) and used while the expander is closed. When
it opens, the grid starts from them, and that starting table stays as it is while the grid is
open (STARTED): a grid whose data changes is a new grid to Streamlit, which would drop the cell
being typed in.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from loyalty_model.assessment import business_case as bc
from loyalty_model.i18n import fmt_plain_number, parse_number, t
from loyalty_model.model import Assumption
from views._common import model

EDITED = "bc_assumptions_edited"
STARTED = "bc_assumptions_started"  # (language, EDITED as the open grid started from it)
PERCENT_UNITS = {"share"}  # shown as 60 (%), used as 0.6


def _in_grid_units(assumption: Assumption) -> float:
    return assumption.value * (100 if assumption.unit in PERCENT_UNITS else 1)


def assumption_values(box: DeltaGenerator | None, lang: str) -> dict[str, float]:
    """Every assumption's value, with what the user changed on top; the grid is drawn in `box`
    when that is open."""
    edited: dict[str, float] = st.session_state.get(EDITED, {})
    if box is None:
        st.session_state.pop(STARTED, None)
    else:
        with box:
            edited = _grid(edited, lang)
    units = {a.id: a.unit for a in model().assumptions}
    return bc.assumption_values(model(), {
        key: value / 100 if units[key] in PERCENT_UNITS else value
        for key, value in edited.items() if key in units})


def _grid(edited: dict[str, float], lang: str) -> dict[str, float]:
    """The grid, started from `edited`; what it holds changed now (also kept in EDITED)."""
    started_lang, start = st.session_state.get(STARTED, (None, {}))
    if started_lang != lang:  # newly opened, or the grid of another language
        start = dict(edited)
        st.session_state[STARTED] = (lang, start)
    st.caption(t("business.assumptions_help", lang))
    table = pd.DataFrame([
        {"id": a.id, "label": a.label(lang),
         "value": fmt_plain_number(start.get(a.id, _in_grid_units(a)), lang, 4),
         "unit": "%" if a.unit in PERCENT_UNITS else "×" if a.unit == "multiplier" else "",
         "range": "" if a.low is None or a.high is None
         else bc.range_text((a.low, a.high), a.unit, lang),
         "source": a.source(lang)}
        for a in model().assumptions
    ])
    shown = st.data_editor(
        table, hide_index=True, width="stretch", key=f"bc_assumptions_{lang}",
        disabled=["id", "label", "unit", "range", "source"],
        column_order=["label", "value", "unit", "range", "source"],
        column_config={
            "label": st.column_config.TextColumn(t("business.col_assumption", lang),
                                                 width="large"),
            "value": st.column_config.TextColumn(t("business.col_value", lang),
                                                 help=t("business.value_help", lang)),
            "unit": st.column_config.TextColumn("", width="small"),
            "range": st.column_config.TextColumn(t("business.col_range", lang), width="small"),
            "source": st.column_config.TextColumn(t("business.col_source", lang)),
        },
    )
    for caveat in bc.caveats(model(), lang):
        st.caption(caveat)
    changed: dict[str, float] = {}
    for row, assumption in zip(shown.to_dict("records"), model().assumptions, strict=True):
        text = "" if pd.isna(row["value"]) else str(row["value"]).strip()
        if not text or text == fmt_plain_number(_in_grid_units(assumption), lang, 4):
            continue  # empty or as the article has it: the article's figure
        try:
            changed[assumption.id] = parse_number(text, lang)
        except ValueError as error:  # said, and the article's figure used meanwhile
            st.error(f"{row['label']}: " + t("common.not_a_number", lang, value=text[:30],
                                            hint=str(error) or "–"))
    st.session_state[EDITED] = changed
    return changed
