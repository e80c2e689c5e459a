"""KPIs: the company's own numbers, uploaded as a kpis file, typed in, or from the sample."""

import pandas as pd
import streamlit as st

from loyalty_model.i18n import fmt_plain_number, parse_number, t
from loyalty_model.intake.kpi_file import ReadError, merge_kpis, parse_kpi_frame, read_kpi_file
from loyalty_model.model import DATA_DIR
from loyalty_model.takeaways.report_text import kpi_scoring_text, kpi_source_text
from loyalty_model.workshop import storage
from loyalty_model.workshop.settings import workshop_currency
from views import _raw_upload as raw_upload
from views import _targets as targets_step
from views._common import (
    current_lang,
    engine,
    lazy_expander,
    model,
    plain,
    require_workshop,
)

EDITOR_SHOWN = "kpi_editor_shown"
# (the stored KPIs it began from, the grid's table with what was typed, the language it is in)
DRAFT = "kpi_typed_draft"


def _shown(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Values and targets as the page writes numbers (0,779 in Danish), to read and to edit."""
    out = frame.copy()
    for column in ("value", "target"):
        if column in out:
            out[column] = out[column].map(
                lambda v: None if pd.isna(v) else fmt_plain_number(v, lang, 6)).astype(object)
    return out


def _numbers_as_file_text(edited: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str]]:
    """Values and targets typed in the page's format, rewritten as a kpis file writes them
    (0.779), plus a line for each cell that is no number in that format."""
    out, problems = edited.copy(), []
    for column in ("value", "target"):
        for index, raw in edited[column].items():
            if raw is None or pd.isna(raw) or not str(raw).strip():
                out.at[index, column] = None
                continue
            try:
                out.at[index, column] = repr(parse_number(str(raw), lang))
            except ValueError as error:
                problems.append(f"{t(f'kpis.col_{column}', lang)} · " + t(
                    "common.not_a_number", lang, value=str(raw).strip()[:30],
                    hint=str(error) or "–"))
    return out, problems


def _with_edits(frame: pd.DataFrame, edits: dict) -> pd.DataFrame:
    """`frame` as a data editor showed it, with the edits its widget state holds applied."""
    out = frame.reset_index(drop=True).copy()
    for row, changes in (edits.get("edited_rows") or {}).items():
        for column, value in changes.items():
            out.at[int(row), column] = value
    out = out.drop(index=[int(row) for row in edits.get("deleted_rows") or []])
    added = pd.DataFrame(edits.get("added_rows") or [], columns=out.columns, dtype=object)
    return pd.concat([out, added], ignore_index=True) if len(added) else out


def _keep_typed_rows() -> None:
    """The typed-in tab is built only while open (its grid, hidden, cost every load of this
    page time to draw), so what was typed there and not saved is kept as a draft once another
    tab is chosen, and shown again when the tab is. Called in the first run without the tab:
    the grid's edits are still in the session then, and gone after it. The same happens when
    the language changes: the grid of the other language is a new grid."""
    # (editor key, stored KPIs, the grid's start, its language)
    shown = st.session_state.pop(EDITOR_SHOWN, None)
    edits = st.session_state.get(shown[0]) if shown else None
    if edits and any(edits.get(part) for part in ("edited_rows", "added_rows", "deleted_rows")):
        st.session_state[DRAFT] = (shown[1], _with_edits(shown[2], edits), shown[3])


def _in_language(frame: pd.DataFrame, written_in: str, lang: str) -> pd.DataFrame:
    """A grid's values and targets typed in `written_in`, rewritten as `lang` writes numbers;
    a text that is no number stays as typed (the save says what is wrong with it)."""
    if written_in == lang:
        return frame
    out = frame.copy()
    for column in ("value", "target"):
        for index, raw in frame[column].items():
            if raw is None or pd.isna(raw) or not str(raw).strip():
                continue
            try:
                out.at[index, column] = fmt_plain_number(parse_number(str(raw), written_in),
                                                         lang, 6)
            except ValueError:
                continue
    return out


lang = current_lang()
st.title(t("kpis.title", lang))
workshop = require_workshop(lang)
st.write(t("kpis.intro", lang))
current = storage.kpis_frame(engine(), workshop.id)
if "kpi_flash" in st.session_state:
    st.success(st.session_state.pop("kpi_flash"))

# Tabs that remember the open one (on_change="rerun"): a save reruns the page, and stateless
# tabs would then jump back to the first, away from what the user just did. Remembered by
# position, so switching the language keeps the tab too.
labels = [t("kpis.upload_tab", lang), t("raw.tab", lang), t("kpis.manual_tab", lang)]
# The position is set as the new widget's state, not passed as its default: a default that
# changes makes Streamlit treat the tabs as a new widget, which dropped every other tab click.
shown_tab = min(st.session_state.get("kpi_tab_index", 0), len(labels) - 1)
st.session_state.setdefault(f"kpi_tab_{lang}", labels[shown_tab])
upload_tab, raw_tab, manual_tab = st.tabs(labels, key=f"kpi_tab_{lang}", on_change="rerun")
if not manual_tab.open:
    _keep_typed_rows()
if st.session_state.get(f"kpi_tab_{lang}") in labels:
    st.session_state["kpi_tab_index"] = labels.index(st.session_state[f"kpi_tab_{lang}"])

with upload_tab:
    st.download_button(t("kpis.template", lang), (DATA_DIR / "templates" / "kpis.csv").read_bytes(),
                       file_name="kpis_template.csv", mime="text/csv", key="kpi_template")
    upload_round = st.session_state.get("kpi_upload_round", 0)  # a new key empties the widget
    uploaded = st.file_uploader(t("kpis.upload", lang), type=["csv", "xlsx", "txt"],
                                key=f"kpi_upload_{upload_round}")
    if uploaded is not None:
        try:
            result = read_kpi_file(uploaded.getvalue(), uploaded.name, model())
        except ReadError as error:
            st.error(t("kpis.unreadable", lang,  # names the file: shown as typed, as text
                       message=plain(error.localized(lang).rstrip("."))))
        else:
            if result.problems:
                st.warning(t("kpis.problems", lang, bad=result.problem_count,
                             total=result.rows_total, file=plain(result.file)))
                for line in result.summary(lang=lang):
                    st.text(line)
            if result.rows_ok:
                st.dataframe(_shown(result.frame.head(20), lang), hide_index=True)
                label = (t("kpis.load_good_rows", lang, n=result.rows_ok) if result.problems
                         else t("kpis.load_rows", lang, n=result.rows_ok))
                if st.button(label, type="primary", key="kpi_load"):
                    storage.save_kpis(engine(), workshop.id, merge_kpis(current, result.frame))
                    st.session_state["kpi_flash"] = t("kpis.loaded", lang, n=result.rows_ok)
                    st.session_state["kpi_upload_round"] = upload_round + 1
                    st.rerun()
            else:
                st.error(t("kpis.nothing_usable", lang, file=plain(result.file)))

with raw_tab:
    raw_upload.render(workshop, current, lang)


def typed_rows_start(stored: pd.DataFrame, shown: pd.DataFrame) -> pd.DataFrame:
    """What the typed-in grid starts from: `shown` (the stored KPIs as the page writes them),
    or the draft kept while the tab was closed or the page in another language, if it began
    from what is stored now; if a file was loaded since, the draft is dropped and the page
    says so, rather than saving it over the new rows."""
    began_from, draft, written_in = st.session_state.get(DRAFT, (None, None, lang))
    if draft is None:
        return shown
    if began_from.equals(stored):
        return _in_language(draft, written_in, lang)
    st.session_state.pop(DRAFT)
    st.warning(t("kpis.draft_dropped", lang))
    return shown


def typed_in_tab() -> None:
    """The typed-in tab: a grid of the stored KPIs to edit, and a save button."""
    st.caption(t("kpis.manual_help", lang))
    names = {k: f"{spec.name(lang)} ({k})" for k, spec in model().kpis.items()}
    # a new key after each save: the editor starts from what is stored instead of replaying its
    # added rows and edits onto the saved table (see views/_targets.py)
    saves = st.session_state.get("kpi_manual_saves", 0)
    editor_key = f"kpi_editor_{lang}_{saves}"
    if st.session_state.get(EDITOR_SHOWN, (editor_key,))[0] != editor_key:
        _keep_typed_rows()  # the grid of the other language: what it held goes on here
    stored = current.astype({"kpi": object, "period": object})
    editable = typed_rows_start(stored, _shown(stored, lang))
    st.session_state[EDITOR_SHOWN] = (editor_key, stored, editable, lang)
    edited = st.data_editor(
        editable, num_rows="dynamic", hide_index=True, key=editor_key, placeholder="–",
        column_config={
            "kpi": st.column_config.SelectboxColumn(t("kpis.col_kpi", lang), options=list(names),
                                                    format_func=names.get, required=True),
            "value": st.column_config.TextColumn(t("kpis.col_value", lang), required=True),
            "period": st.column_config.TextColumn(t("kpis.col_period", lang), required=True),
            "target": st.column_config.TextColumn(t("kpis.col_target", lang)),
        },
    )
    if st.button(t("kpis.save_manual", lang), key="kpi_save_manual"):
        typed, unreadable = _numbers_as_file_text(edited, lang)
        as_text = typed.astype(object).where(typed.notna(), None).astype("string")
        result = parse_kpi_frame(as_text, model(), file=t("kpis.manual_file", lang))
        if unreadable:
            st.error(t("kpis.manual_problems", lang))
            for line in unreadable:
                st.text(line)
        elif result.problems:
            st.error(t("kpis.manual_problems", lang))
            for line in result.summary(lang=lang):
                st.text(line)
        else:
            storage.save_kpis(engine(), workshop.id, result.frame)
            st.session_state["kpi_flash"] = t("kpis.loaded", lang, n=result.rows_ok)
            st.session_state["kpi_manual_saves"] = saves + 1
            st.session_state.pop(DRAFT, None)
            st.session_state.pop(EDITOR_SHOWN, None)  # saved: nothing of it to carry over
            st.rerun()


if manual_tab.open:  # built only while open: see _keep_typed_rows
    with manual_tab:
        typed_in_tab()

if current.empty:
    st.subheader(t("kpis.current", lang))
    st.info(t("kpis.none_yet", lang))
else:
    targets_step.render(workshop, current, lang)
    currency = workshop_currency(engine(), workshop.id)
    definitions = lazy_expander(t("kpis.definitions", lang), "kpi_definitions_open")
    if definitions:  # built only when opened
        with definitions:
            for spec in model().kpis.values():
                st.markdown(f"**{spec.name(lang)}** (`{spec.id}`): {spec.definition(lang)}  \n"
                            f"_{kpi_scoring_text(spec, None, lang, currency)} "
                            f"{kpi_source_text(spec, lang)}_")
# a button, not a page link: the page draws buttons anyway, a link is one more kind to load
if st.button(t("kpis.to_results", lang), icon=":material/target:", key="kpis_to_results"):
    st.switch_page("views/results.py")
