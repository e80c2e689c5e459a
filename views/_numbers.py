"""A number field that speaks the page's language: "12,5" in Danish, "12.5" in English.

st.number_input formats with sprintf and always writes a decimal point, so a Danish page showed
"20.00". Decimal inputs are therefore text fields written by i18n.fmt_number and read back by
i18n.parse_number (Babel), which refuses an ambiguous "12.5" on a Danish page with a suggestion
instead of silently reading 125. Whole-number inputs keep st.number_input (no decimal mark).
"""

from __future__ import annotations

import streamlit as st

from loyalty_model.i18n import fmt_number, parse_number, t


def number_field(label: str, value: float, lang: str, *, key: str, decimals: int = 1,
                 low: float | None = None, high: float | None = None,
                 help_text: str | None = None) -> float | None:
    """The typed number, `value` while the field shows it unchanged, None (with a message under
    the field) when the text is no number or lies outside low–high."""
    shown = fmt_number(value, lang, 0 if float(value).is_integer() else decimals)
    text = st.text_input(label, value=shown, key=key, help=help_text)
    if text.strip() == shown:
        return value
    try:
        number = parse_number(text, lang)
    except ValueError as error:
        st.error(t("common.not_a_number", lang, value=text.strip()[:30],
                   hint=str(error) or fmt_number(value, lang, decimals)))
        return None
    if (low is not None and number < low) or (high is not None and number > high):
        st.error(t("common.out_of_range", lang, low=fmt_number(low or 0, lang),
                   high=fmt_number(high, lang) if high is not None else "∞"))
        return None
    return number
