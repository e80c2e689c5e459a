"""Which survey touchpoints count for which layer: shown after computing, changeable per value.

The suggestion comes from the synonyms (loyalty_model.intake.touchpoints); the team knows its own
vocabulary better, so each distinct value gets a selectbox. A change recomputes from the files
already loaded (raw_intake.relayer) and is remembered beside the survey layout's column mapping
(only the choices that differ from the synonyms), so the next upload of that export uses it.
"""

from __future__ import annotations

import streamlit as st

from loyalty_model.i18n import fmt_number, t
from loyalty_model.intake.raw_intake import RawKpis, relayer
from loyalty_model.intake.touchpoints import (
    NOT_COUNTED,
    TOUCHPOINT_LAYERS,
    TouchpointValue,
    choices_signature,
    overrides,
)
from loyalty_model.workshop import storage
from views._common import engine, model, plain

OPTIONS = (*TOUCHPOINT_LAYERS, NOT_COUNTED)


def remembered(survey_signature: str | None) -> dict[str, str]:
    """The choices remembered for this survey layout (empty when none or no surveys)."""
    if survey_signature is None:
        return {}
    stored = storage.load_mapping(engine(), choices_signature(survey_signature)) or {}
    return {value: layer for value, layer in stored.items() if layer in OPTIONS}


def remember(result: RawKpis, survey_signature: str | None) -> None:
    """Store the result's choices that differ from the synonyms, for this survey layout."""
    if survey_signature is None or result.touchpoints is None:
        return
    signature = choices_signature(survey_signature)
    changed = overrides(result.touchpoints.choices)
    if changed or storage.load_mapping(engine(), signature) is not None:
        storage.save_mapping(engine(), signature, "surveys", changed)


def _widget_key(survey_signature: str, value: TouchpointValue) -> str:
    return f"raw_tp_{survey_signature}_{value.key}"


def apply_changes(result: RawKpis, survey_signature: str | None) -> RawKpis:
    """The result recomputed with the selectboxes' current choices, if any changed (and saved)."""
    summary = result.touchpoints
    if survey_signature is None or summary is None:
        return result
    choices = dict(summary.choices)
    for value in summary.values:
        chosen = st.session_state.get(_widget_key(survey_signature, value))
        if chosen is not None:
            choices[value.key] = chosen
    if choices == summary.choices:
        return result
    result = relayer(result, choices)
    remember(result, survey_signature)
    return result


def render(result: RawKpis, survey_signature: str | None, lang: str) -> None:
    """The touchpoint table: what counts for which layer, what is left out, and a choice each."""
    if "surveys" not in result.loaded or survey_signature is None:
        return
    st.markdown(f"**{t('raw.tp_heading', lang)}**")
    summary = result.touchpoints
    if summary is None:
        st.caption(t("raw.tp_no_column", lang))
        return
    st.caption(t("raw.tp_intro", lang))

    def named(values: list[TouchpointValue]) -> str:
        # touchpoint values come from the client's file: shown as text, never as markdown
        return ", ".join(f"{plain(v.label)} ({fmt_number(v.answers, lang)})" for v in values)

    lines = [t("raw.tp_counted", lang, layer=model().layer(layer).name(lang),
               values=named(summary.counted(layer)))
             for layer in TOUCHPOINT_LAYERS if summary.counted(layer)]
    if not lines:
        lines.append(t("raw.tp_none_counted", lang))
    if summary.left_out():
        lines.append(t("raw.tp_left_out", lang, values=named(summary.left_out())))
    st.markdown("\n".join(f"- {line}" for line in lines))
    columns = st.columns(3)
    for n, value in enumerate(summary.values):
        with columns[n % 3]:
            st.selectbox(
                t("raw.tp_value", lang, value=plain(value.label),
                  n=fmt_number(value.answers, lang)),
                OPTIONS, index=OPTIONS.index(value.layer or NOT_COUNTED),
                key=_widget_key(survey_signature, value),
                format_func=lambda layer: model().layer(layer).name(lang) if layer
                else t("raw.tp_option_none", lang))
    if summary.hidden:
        st.info(t("raw.tp_more", lang, n=fmt_number(summary.hidden, lang),
                  answers=fmt_number(summary.hidden_answers, lang)))
    st.caption(t("raw.tp_remembered", lang))
