"""The business case's own figures: fields with their sources while the expander holding them is
open, and what they were set to while it is closed.

The page leads with what the figures add up to; the nine fields and their sources are one click
down (`views/_common.lazy_expander`), because they were the heaviest part of the page to draw
(benchmarks/page_speed.py). A field's value lives in Streamlit only while the field is drawn, so
a figure the user changed is kept apart (KEPT + name) and read from there while the expander is
closed. A figure left as it came is not kept: it goes on following the KPIs it comes from.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from loyalty_model.assessment import business_case as bc
from loyalty_model.assessment.business_inputs import FromKpi
from loyalty_model.i18n import (
    COMMON_CURRENCIES,
    DEFAULT_CURRENCY,
    currency_symbol,
    fmt_money,
    fmt_number,
    fmt_percent,
    normalise_currency,
    t,
)
from loyalty_model.workshop.settings import save_currency, workshop_currency
from loyalty_model.workshop.storage import Workshop
from views._common import engine, model
from views._numbers import number_field

KEPT = "bc_kept_"  # + the figure's name: a value the user changed
# The fields in the order they are shown, three to a row; the percentages are whole-page units
# (11 for 11 %), which the page divides by 100.
ORDER = ("customers", "churn", "improvement", "arpc", "margin", "complaints", "resolved",
         "discount_rate", "horizon")
PERCENT = ("churn", "margin", "improvement", "resolved", "discount_rate")


def _kept(name: str, default: float) -> float:
    return st.session_state.get(KEPT + name, default)


def _keep(name: str, value: float | None, default: float) -> None:
    """Keep a changed figure; forget one set back to where it came from. None (the field said
    what is wrong with it) changes nothing."""
    if value is None:
        return
    if value == default:
        st.session_state.pop(KEPT + name, None)
    else:
        st.session_state[KEPT + name] = value


def page_defaults(from_kpis: dict[str, FromKpi], customers: float | None = None
                  ) -> dict[str, float]:
    """Each figure as the page starts it, in the page's units; `customers` scales the
    complaints (bc.default_values)."""
    values = {**bc.default_values(from_kpis, customers),
              "discount_rate": bc.DEFAULT_DISCOUNT_RATE, "horizon": bc.DEFAULT_HORIZON_YEARS}
    shown = {name: values[name] * 100 if name in PERCENT else values[name] for name in ORDER}
    return {**shown, "customers": round(values["customers"]), "arpc": float(values["arpc"]),
            "churn": round(values["churn"] * 100, 1),  # the field's precision: 0.1 %
            "complaints": round(values["complaints"])}


def as_inputs(figures: dict[str, float]) -> bc.Inputs:
    """The figures in the page's units as the business case computes with them."""
    return bc.Inputs(**{name: figures[name] / 100 if name in PERCENT else figures[name]
                        for name in ORDER if name != "horizon"},
                     horizon=int(figures["horizon"]))


def origin(name: str, value: float, default: float, from_kpis: dict[str, FromKpi],
           customers: float) -> str:
    """Where a figure comes from: "yours", "default" (a stated default with its reason), the
    key in `from_kpis` it was taken from, or "example"."""
    if value != default:
        return "yours"
    if name in ("discount_rate", "horizon"):
        return "default"
    if name == "complaints":
        name = ("complaints_per_1000" if bc.complaints_from_kpis(from_kpis, customers) > 0
                else name)
    return name if name in from_kpis else "example"


def currency_field(workshop: Workshop | None, lang: str) -> str:
    """The workshop's currency: chosen (or typed) here, saved with the workshop at once."""
    saved = workshop_currency(engine(), workshop.id) if workshop else DEFAULT_CURRENCY
    options = [*COMMON_CURRENCIES, *([] if saved in COMMON_CURRENCIES else [saved])]
    chosen = st.selectbox(t("business.currency", lang), options, index=options.index(saved),
                          accept_new_options=True, help=t("business.currency_help", lang),
                          key=f"bc_currency_{workshop.id if workshop else 0}")
    code = normalise_currency(chosen)
    if code is None:
        st.warning(t("business.bad_currency", lang, value=chosen, currency=saved))
        return saved
    if workshop is not None and code != saved:
        save_currency(engine(), workshop.id, code)
    return code


def source_of(name: str, value: float, default: float, from_kpis: dict[str, FromKpi],
              customers: float, lang: str, currency: str) -> str:
    """Where a figure comes from in words: the KPIs (and how they became a yearly figure), the
    example, a stated default with its reason, or the user."""
    found = origin(name, value, default, from_kpis, customers)
    if found == "yours":
        return t("business.your_input", lang)
    if found == "default":
        return t(f"business.{'discount' if name == 'discount_rate' else 'horizon'}_why", lang)
    if found == "example":
        return t("business.example", lang)
    return bc.source_text(from_kpis[found], model(), lang, currency)


def label(name: str, lang: str, currency: str) -> str:
    if name == "arpc":
        return t("business.arpc_in", lang, currency=currency_symbol(currency, lang))
    return t(f"business.{name}", lang)


def _field(name: str, default: float, lang: str, currency: str) -> float | None:
    """One figure's field, starting from what it was set to; None when what is typed is wrong."""
    value = _kept(name, default)
    text = label(name, lang, currency)
    if name == "customers":
        return st.number_input(text, min_value=0, value=int(value), step=100, key="bc_customers")
    if name == "arpc":  # whole crowns: no decimal mark to get wrong
        return st.number_input(text, min_value=0.0, value=float(value), step=100.0,
                               format="%.0f", key="bc_arpc")
    if name == "complaints":
        return st.number_input(text, min_value=0, value=int(value), step=10, key="bc_complaints")
    if name == "horizon":
        return st.number_input(text, min_value=1, max_value=30, value=int(value), step=1,
                               key="bc_horizon")
    high = {"churn": 100.0, "improvement": 50.0, "discount_rate": 50.0}.get(name, 100.0)
    return number_field(text, value, lang, key=f"bc_{name}", low=0.1 if name == "churn" else 0.0,
                        high=high)


def your_figures(box: DeltaGenerator | None, from_kpis: dict[str, FromKpi],
                 workshop: Workshop | None, lang: str) -> tuple[dict[str, float] | None, str]:
    """The figures in the page's units and the currency: drawn as fields in `box` when it is
    open, else as they were set. None for the figures while a field holds something wrong (the
    field says what)."""
    if box is None:
        currency = workshop_currency(engine(), workshop.id) if workshop else DEFAULT_CURRENCY
        customers = _kept("customers", page_defaults(from_kpis)["customers"])
        defaults = page_defaults(from_kpis, customers)  # the complaints scale with them
        return {name: _kept(name, defaults[name]) for name in ORDER}, currency
    with box:
        with st.columns([1, 3])[0]:  # a narrow field: a code is three letters
            currency = currency_field(workshop, lang)
        figures: dict[str, float | None] = {}
        defaults = page_defaults(from_kpis)
        for row in (ORDER[:3], ORDER[3:6], ORDER[6:]):
            for name, column in zip(row, st.columns(3), strict=True):
                with column:
                    figures[name] = value = _field(name, defaults[name], lang, currency)
                    _keep(name, value, defaults[name])
                    if value is not None:
                        st.caption(source_of(name, value, defaults[name], from_kpis,
                                             figures["customers"], lang, currency))
                if name == "customers":  # the complaints' default scales with the customers
                    defaults = page_defaults(from_kpis, figures["customers"])
    if None in figures.values():
        return None, currency
    return {name: float(value) for name, value in figures.items()}, currency


def _in_words(name: str, value: float, lang: str, currency: str) -> str:
    decimals = 0 if float(value).is_integer() else 1
    if name == "arpc":
        return fmt_money(value, lang, currency)
    if name == "improvement":
        return t("business.points", lang, n=fmt_number(value, lang, decimals))
    if name == "horizon":
        return t("business.lifetime_years", lang, years=int(value))
    if name in PERCENT:
        return fmt_percent(value / 100, lang, decimals)
    return fmt_number(value, lang, decimals)


def summary(figures: dict[str, float], from_kpis: dict[str, FromKpi], lang: str,
            currency: str) -> str:
    """The figures in use on one line of markdown, an example marked as one."""
    defaults = page_defaults(from_kpis, figures["customers"])
    parts = []
    for name in ORDER:
        value = figures[name]
        example = origin(name, value, defaults[name], from_kpis,
                         figures["customers"]) == "example"
        parts.append(f"{t(f'business.short_{name}', lang)}: "
                     f"**{_in_words(name, value, lang, currency)}**"
                     + (f" *({t('business.example_short', lang)})*" if example else ""))
    return " · ".join(parts)
