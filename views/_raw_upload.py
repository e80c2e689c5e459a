"""The "from your exports" tab of the KPI page: upload, confirm the mapping, compute, save.

All computing is in loyalty_model.intake.raw_intake; this file only collects choices and renders.
Parsed files are cached by content, so reruns (and the results page) never re-read them.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from loyalty_model.i18n import fmt_kpi_value, t
from loyalty_model.intake.kpi_file import merge_kpis
from loyalty_model.intake.mapping import mapping_signature
from loyalty_model.intake.raw_intake import RawKpis, compute, kind_columns, propose
from loyalty_model.intake.readers import read_table
from loyalty_model.intake.table import ReadError, Table
from loyalty_model.workshop import storage
from loyalty_model.workshop.sample import SAMPLE_DIR
from loyalty_model.workshop.settings import workshop_currency
from views import _touchpoints as touchpoints
from views._common import engine, model

RAW_KINDS = ("surveys", "orders", "tickets", "customers")
UNMAPPED = ""


@st.cache_data(show_spinner=False, max_entries=16)
def _read(data: bytes, name: str) -> Table:
    return read_table(data, name)


@st.cache_data(show_spinner=False, max_entries=8)
def _compute(keys: tuple, _tables: dict[str, tuple[Table, dict[str, str]]],
             choices: tuple[tuple[str, str], ...] = ()) -> RawKpis:
    """Cached on the files' content hashes, mappings (`keys`) and touchpoint choices only."""
    return compute(_tables, touchpoint_layers=dict(choices))


def _mapping_form(index: int, table: Table, lang: str) -> tuple[str, dict[str, str]] | None:
    headers = [str(c) for c in table.frame.columns]
    guessed = propose(table).kind
    kind = st.selectbox(t("raw.kind", lang), RAW_KINDS, key=f"raw_kind_{index}_{table.file}",
                        index=RAW_KINDS.index(guessed) if guessed in RAW_KINDS else 0,
                        format_func=lambda k: t(f"raw.kind_{k}", lang))
    signature = mapping_signature(kind, headers)
    stored = storage.load_mapping(engine(), signature)
    proposal = propose(table, {signature: stored} if stored else None, kind)
    st.caption(t("raw.remembered", lang) if proposal.remembered else t("raw.suggested", lang))
    by_column = {column: source for source, column in proposal.mapping.items()}
    required, optional = kind_columns(kind)
    chosen: dict[str, str] = {}
    columns = st.columns(3)
    for n, column in enumerate(required + optional):
        label = f"{column} *" if column in required else column
        options = [UNMAPPED, *headers]
        default = by_column.get(column, UNMAPPED)
        with columns[n % 3]:
            source = st.selectbox(label, options, index=options.index(default),
                                  key=f"raw_map_{index}_{table.file}_{kind}_{column}",
                                  format_func=lambda h: t("raw.not_in_file", lang) if h == ""
                                  else h)
        if source:
            chosen[source] = column
    st.dataframe(table.frame.head(5), hide_index=True)
    return kind, chosen


def _show_result(result: RawKpis, lang: str, currency: str) -> None:
    for kind, lines in result.problems(lang=lang).items():
        loaded = result.loaded[kind]
        st.warning(t("raw.problems", lang, file=loaded.file, bad=loaded.problem_count,
                     ok=loaded.rows_ok, total=loaded.rows_total))
        for line in lines:
            st.text(line)
    rows = []
    for kpi, value in result.overall.items():
        spec = model().kpis[kpi]
        rows.append({t("kpis.col_kpi", lang): spec.name(lang),
                     t("kpis.col_layer", lang): model().layer(spec.layer).name(lang),
                     t("kpis.col_value", lang): fmt_kpi_value(value, spec.unit, lang, currency)
                     if value is not None else t("raw.not_supported", lang)})
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    if result.matrix:
        st.caption(t("raw.matrix_ready", lang, n=result.matrix["joined"]))


def render(workshop: storage.Workshop, current: pd.DataFrame, lang: str) -> None:
    st.caption(t("raw.intro", lang))
    round_ = st.session_state.get("raw_upload_round", 0)
    uploads = st.file_uploader(t("raw.upload", lang), type=["csv", "xlsx", "txt"],
                               accept_multiple_files=True, key=f"raw_upload_{round_}")
    files = [(upload.name, upload.getvalue()) for upload in uploads or []]
    if not files:
        if st.button(t("raw.use_sample", lang), key="raw_use_sample"):
            st.session_state["raw_sample"] = True
        if not st.session_state.get("raw_sample"):
            return
        files = [(path.name, path.read_bytes())
                 for path in sorted((SAMPLE_DIR / "exports").iterdir())]
        st.caption(t("raw.using_sample", lang))
    confirmed: dict[str, tuple[Table, dict[str, str]]] = {}
    keys = []
    for index, (name, data) in enumerate(files):
        with st.expander(name, expanded=True):
            try:
                table = _read(data, name)
            except ReadError as error:
                st.error(t("kpis.unreadable", lang, message=error.localized(lang).rstrip(".")))
                continue
            kind, mapping = _mapping_form(index, table, lang)
        if kind in confirmed:
            st.error(t("raw.same_kind_twice", lang, kind=t(f"raw.kind_{kind}", lang)))
            return
        confirmed[kind] = (table, mapping)
        keys.append((kind, hashlib.sha256(data).hexdigest(), tuple(sorted(mapping.items()))))
    if not confirmed:
        return
    surveys = confirmed.get("surveys")
    survey_signature = None if surveys is None else mapping_signature(
        "surveys", [str(c) for c in surveys[0].frame.columns])
    if st.button(t("raw.compute", lang), type="primary", key="raw_compute"):
        choices = tuple(sorted(touchpoints.remembered(survey_signature).items()))
        try:
            result = _compute(tuple(keys), confirmed, choices)
        except ReadError as error:
            st.error(error.localized(lang))
            return
        for kind, (table, mapping) in confirmed.items():
            signature = mapping_signature(kind, [str(c) for c in table.frame.columns])
            storage.save_mapping(engine(), signature, kind, mapping)
        st.session_state["raw_result"] = result
        st.session_state["raw_result_keys"] = tuple(keys)
    result = st.session_state.get("raw_result")
    if result is None or st.session_state.get("raw_result_keys") != tuple(keys):
        return
    result = st.session_state["raw_result"] = touchpoints.apply_changes(result, survey_signature)
    _show_result(result, lang, workshop_currency(engine(), workshop.id))
    touchpoints.render(result, survey_signature, lang)
    if result.kpis.empty:
        st.error(t("raw.no_kpis", lang))
        return
    if st.button(t("raw.save", lang, n=len(result.kpis)), key="raw_save"):
        storage.save_kpis(engine(), workshop.id, merge_kpis(current, result.kpis))
        if result.matrix:
            storage.save_evidence(engine(), workshop.id, "loyalty_matrix", result.matrix)
        st.session_state["kpi_flash"] = t("kpis.loaded", lang, n=len(result.kpis))
        st.session_state["raw_upload_round"] = round_ + 1
        st.session_state.pop("raw_result", None)
        st.session_state.pop("raw_sample", None)
        st.rerun()

