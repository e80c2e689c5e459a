"""The "Take it home" section of the results page: report, deck and data downloads.

The section is an expander built only while open (views/_common.lazy_expander): its nine
elements, six download buttons among them, were a sixth of what the page took to draw.

Files are built only when a button is clicked (Streamlit's deferred download data), because a
report renders charts and takes a second or two: nobody should wait for that on every rerun.
The callables run outside the script thread, so everything they need is resolved up front.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from loyalty_model.i18n import LANGUAGES, t
from loyalty_model.model import Model, ScoringSettings
from loyalty_model.takeaways.exports import comments_csv, results_csv, results_xlsx
from loyalty_model.takeaways.pptx_deck import (
    DEFAULT_ACCENT,
    DeckStyle,
    DeckStyleError,
    check_logo,
)
from loyalty_model.takeaways.report_data import from_workshop
from loyalty_model.takeaways.report_pdf import ReportFontError, font_paths, render_pdf
from loyalty_model.takeaways.report_pptx import render_pptx
from loyalty_model.workshop import storage
from loyalty_model.workshop.workshop_json import export_json
from views._common import keep_value, plain

PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LOGO = "takehome_logo_kept"  # (file name, bytes) of the deck's logo, while one is chosen
ACCENT = "takehome_accent_kept"  # the deck's accent colour, once changed


def render(engine: Engine, model: Model, workshop: storage.Workshop, settings: ScoringSettings,
           lang: str, matrix_shares: dict[str, float] | None = None) -> None:
    st.caption(t("takehome.intro", lang))
    languages = list(LANGUAGES)
    # two segments, as the app's own language switch: no dropdown code to load for this page
    file_lang = st.segmented_control(t("takehome.language", lang), languages, default=lang,
                                     format_func=LANGUAGES.get, required=True,
                                     key="takehome_lang")
    # a toggle, not an expander: this section is one already (expanders do not nest)
    if st.toggle(t("takehome.deck_options", lang), key="takehome_deck_open"):
        _deck_options(lang)
    logo = st.session_state.get(LOGO)
    style = DeckStyle(accent=st.session_state.get(ACCENT, f"#{DEFAULT_ACCENT}"),
                      logo=logo[1] if logo else None)
    try:
        style.accent_rgb()
        if style.logo:
            check_logo(style.logo)
    except DeckStyleError as error:
        st.warning(str(error))
        style = DeckStyle()

    def report_data():  # noqa: ANN202 (ReportData)
        return from_workshop(engine, workshop, model, file_lang, settings=settings,
                             matrix_shares=matrix_shares)

    stem = f"skab-promoters-{workshop.code}-{file_lang}"
    try:
        font_paths()
        pdf_ready = True
    except ReportFontError as error:
        st.warning(str(error))
        pdf_ready = False
    first, second, third = st.columns(3)
    with first:
        st.download_button(t("takehome.pdf", lang), lambda: render_pdf(report_data()),
                           file_name=f"{stem}.pdf", mime=PDF, key="takehome_pdf",
                           type="primary", disabled=not pdf_ready, on_click="ignore",
                           icon=":material/picture_as_pdf:")
        st.download_button(t("takehome.pptx", lang),
                           lambda: render_pptx(report_data(), style),
                           file_name=f"{stem}.pptx", mime=PPTX, key="takehome_pptx",
                           on_click="ignore", icon=":material/slideshow:")
    with second:
        st.download_button(t("takehome.xlsx", lang),
                           lambda: _xlsx(report_data()),
                           file_name=f"{stem}.xlsx", mime=XLSX, key="takehome_xlsx",
                           on_click="ignore", icon=":material/table:")
        st.download_button(t("takehome.csv", lang),
                           lambda: results_csv(report_data().assessment, model, file_lang),
                           file_name=f"{stem}-results.csv", mime="text/csv",
                           key="takehome_csv", on_click="ignore", icon=":material/csv:")
    with third:
        st.download_button(t("takehome.json", lang),
                           lambda: export_json(engine, workshop, model),
                           file_name=f"skab-promoters-{workshop.code}.json",
                           mime="application/json", key="takehome_json", on_click="ignore",
                           icon=":material/data_object:")
        st.caption(t("takehome.json_note", lang))
        st.download_button(t("comments.csv", lang),
                           lambda: comments_csv(report_data().comments, model, file_lang),
                           file_name=f"{stem}-comments.csv", mime="text/csv",
                           key="takehome_comments_csv", on_click="ignore",
                           icon=":material/forum:")


def _keep_logo() -> None:
    chosen = st.session_state.get("takehome_logo")
    if chosen is None:  # the user took the file out of the uploader
        st.session_state.pop(LOGO, None)
    else:
        st.session_state[LOGO] = (chosen.name, chosen.getvalue())


def _forget_logo() -> None:
    st.session_state.pop(LOGO, None)


def _deck_options(lang: str) -> None:
    """The deck's logo and accent colour. They are drawn only while their toggle is on, so the
    choices are kept in plain session state (LOGO, ACCENT), not only in the widgets,
    whose state ends when they are not drawn."""
    st.file_uploader(t("takehome.logo", lang), type=["png", "jpg", "jpeg"],
                     key="takehome_logo", on_change=_keep_logo)
    kept = st.session_state.get(LOGO)
    if kept and st.session_state.get("takehome_logo") is None:  # chosen before it was closed
        st.caption(t("takehome.logo_kept", lang, name=plain(kept[0])))
        st.button(t("takehome.logo_forget", lang), key="takehome_logo_forget",
                  on_click=_forget_logo)
    st.color_picker(t("takehome.accent", lang), st.session_state.get(ACCENT, f"#{DEFAULT_ACCENT}"),
                    key="takehome_accent", on_change=keep_value,
                    args=("takehome_accent", ACCENT))


def _xlsx(data) -> bytes:  # noqa: ANN001 (ReportData)
    return results_xlsx(data.assessment, data.model, data.lang, data.actions, data.currency,
                        data.comments)
