"""The "from your exports" tab of the KPI page: upload, confirm the mapping, compute, save.

All computing is in loyalty_model.intake.raw_intake; this file only collects choices and renders.
Parsed files are cached by content, so reruns (and the results page) never re-read them.

Large uploads (up to `server.maxUploadSize`, .streamlit/config.toml) are never hashed, pickled
into a cache or parsed whole: they are opened as a preview (enough to map the columns), kept
for the session by upload id, and streamed in batches when the KPIs are computed, with a
progress bar per file.
"""

from __future__ import annotations

import hashlib
import os

import pandas as pd
import streamlit as st

from loyalty_model.i18n import fmt_kpi_value, fmt_number, strings, t
from loyalty_model.intake.kpi_file import merge_kpis
from loyalty_model.intake.mapping import field_help, field_label, mapping_signature
from loyalty_model.intake.raw_intake import RawKpis, compute, kind_columns, propose
from loyalty_model.intake.readers import open_table, read_table
from loyalty_model.intake.table import ReadError, Table
from loyalty_model.workshop import storage
from loyalty_model.workshop.sample import SAMPLE_DIR
from loyalty_model.workshop.settings import workshop_currency
from views import _touchpoints as touchpoints
from views._common import engine, model, plain

RAW_KINDS = ("surveys", "orders", "tickets", "customers")
UNMAPPED = ""
LARGE_BYTES = int(float(os.environ.get("SKAB_STREAM_UPLOADS_MB", "32")) * (1 << 20))
"""Uploads above this are streamed (see the module docstring); smaller ones are cached whole.
SKAB_STREAM_UPLOADS_MB moves the line (the browser test streams small files with it)."""


@st.cache_data(show_spinner=False, max_entries=16)
def _read(data: bytes, name: str) -> Table:
    return read_table(data, name)


def _upload_limit_mb() -> int:
    return int(st.get_option("server.maxUploadSize"))


def _open_large(key: str, data: bytes, name: str) -> Table:
    """A large upload opened once per session and upload; the Table reads `data` in place."""
    opened: dict[str, Table] = st.session_state.setdefault("raw_large_tables", {})
    if key not in opened:
        opened[key] = open_table(data, name, max_bytes=_upload_limit_mb() << 20)
    return opened[key]


def _forget_large(keep: set[str]) -> None:
    """Drop the session's large tables whose upload is gone (they hold its bytes)."""
    opened: dict[str, Table] = st.session_state.get("raw_large_tables", {})
    for key in [key for key in opened if key not in keep]:
        del opened[key]


def _size_text(megabytes: float, lang: str) -> str:
    if megabytes >= 1024:
        return f"{fmt_number(megabytes / 1024, lang, 1).rstrip('0').rstrip(',.')} GB"
    return f"{fmt_number(megabytes, lang)} MB"


def _compute_with_progress(tables: dict[str, tuple[Table, dict[str, str]]],
                           choices: tuple[tuple[str, str], ...], lang: str) -> RawKpis:
    """Compute without caching (the result would be pickled whole), showing how far each
    large file has been read."""
    bar = st.progress(0.0)

    def show(file: str, share: float) -> None:
        bar.progress(min(share, 1.0),
                     text=t("uploads.reading", lang, file=file, percent=int(share * 100)))

    try:
        return compute(tables, touchpoint_layers=dict(choices), progress=show)
    finally:
        bar.empty()


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
        options = [UNMAPPED, *headers]
        default = by_column.get(column, UNMAPPED)
        with columns[n % 3]:
            source = st.selectbox(field_label(kind, column, lang), options,
                                  index=options.index(default), help=field_help(column, lang),
                                  key=f"raw_map_{index}_{table.file}_{kind}_{column}",
                                  format_func=lambda h: t("raw.not_in_file", lang) if h == ""
                                  else h)
        if source:
            chosen[source] = column
    # an empty cell is empty, not "None" (the preview is the file as the user knows it)
    st.dataframe(table.frame.head(5).astype(object).fillna(""), hide_index=True)
    return kind, chosen


def _value_text(value: float, kpi: str, unit: str, lang: str, currency: str) -> str:
    """A KPI value with its unit ("27.1 h", "77.9 %", "1.3 per ticket"): a bare 27.1 says
    nothing. A count's unit is the KPI's own ("per ticket"), so it is looked up by id."""
    if unit in ("share", "amount"):
        return fmt_kpi_value(value, unit, lang, currency)
    number = fmt_number(value, lang, 1)
    for key in (f"value_unit.{kpi}", f"value_unit.{unit}"):
        if key in strings(lang):
            return t(key, lang, value=number)
    return number


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
                     t("kpis.col_value", lang):
                     _value_text(value, kpi, spec.unit, lang, currency)
                     if value is not None and not pd.isna(value)
                     else t("raw.not_supported", lang)})
    with st.container(key="raw_kpi_table"):
        st.dataframe(pd.DataFrame(rows), hide_index=True, height="content")  # every KPI shown
    if result.matrix:
        st.caption(t("raw.matrix_ready", lang, n=result.matrix["joined"]))


def render(workshop: storage.Workshop, current: pd.DataFrame, lang: str) -> None:
    st.caption(t("raw.intro", lang))
    round_ = st.session_state.get("raw_upload_round", 0)
    limit = _size_text(_upload_limit_mb(), lang)
    uploads = st.file_uploader(t("raw.upload", lang), type=["csv", "xlsx", "txt"],
                               accept_multiple_files=True, key=f"raw_upload_{round_}")
    st.caption(t("uploads.limit", lang, size=limit))
    # (name, bytes, key): small files are keyed by content, large ones by their upload id
    files = [(upload.name, upload.getvalue(),
              upload.file_id if upload.size > LARGE_BYTES else None) for upload in uploads or []]
    _forget_large({key for _, _, key in files if key})
    if not files:
        if st.button(t("raw.use_sample", lang), key="raw_use_sample"):
            st.session_state["raw_sample"] = True
        if not st.session_state.get("raw_sample"):
            return
        files = [(path.name, path.read_bytes(), None)
                 for path in sorted((SAMPLE_DIR / "exports").iterdir())]
        st.caption(t("raw.using_sample", lang))
    confirmed: dict[str, tuple[Table, dict[str, str]]] = {}
    keys = []
    for index, (name, data, large) in enumerate(files):
        with st.expander(plain(name), expanded=True):
            try:
                table = _open_large(large, data, name) if large else _read(data, name)
            except ReadError as error:
                st.error(t("kpis.unreadable", lang,  # quotes the file: shown as text
                           message=plain(error.localized(lang).rstrip("."))))
                continue
            kind, mapping = _mapping_form(index, table, lang)
        if kind in confirmed:
            st.error(t("raw.same_kind_twice", lang, kind=t(f"raw.kind_{kind}", lang)))
            return
        confirmed[kind] = (table, mapping)
        content = large or hashlib.sha256(data).hexdigest()
        keys.append((kind, content, tuple(sorted(mapping.items()))))
    if not confirmed:
        return
    surveys = confirmed.get("surveys")
    survey_signature = None if surveys is None else mapping_signature(
        "surveys", [str(c) for c in surveys[0].frame.columns])
    if st.button(t("raw.compute", lang), type="primary", key="raw_compute"):
        choices = tuple(sorted(touchpoints.remembered(survey_signature).items()))
        try:
            if any(large for _, _, large in files):
                result = _compute_with_progress(confirmed, choices, lang)
            else:
                result = _compute(tuple(keys), confirmed, choices)
        except ReadError as error:
            st.error(plain(error.localized(lang)))
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
    # What was saved stays on screen with the confirmation where the Save button was, so the
    # user stays where they are; any change to files, mapping or touchpoints brings Save back.
    saved = (tuple(keys), result.kpis.to_csv(index=False))
    if st.session_state.get("raw_saved") == saved:
        st.success(t("kpis.loaded", lang, n=len(result.kpis)))
        return
    if st.button(t("raw.save", lang, n=len(result.kpis)), key="raw_save"):
        storage.save_kpis(engine(), workshop.id, merge_kpis(current, result.kpis))
        if result.matrix:
            storage.save_evidence(engine(), workshop.id, "loyalty_matrix", result.matrix)
        st.session_state["raw_saved"] = saved
        st.rerun()  # the targets and definitions below show the saved values

