"""Business case: what loyalty is worth, from the team's own figures and sourced assumptions."""

import pandas as pd
import streamlit as st

from loyalty_model.assessment import business_case as bc
from loyalty_model.i18n import (
    COMMON_CURRENCIES,
    DEFAULT_CURRENCY,
    currency_symbol,
    fmt_plain_number,
    normalise_currency,
    parse_number,
    t,
)
from loyalty_model.takeaways.business_charts import iceberg_chart, survival_chart
from loyalty_model.workshop import storage
from loyalty_model.workshop.settings import save_currency, workshop_currency
from views._cached import show_chart
from views._common import current_lang, current_workshop, engine, model, plain
from views._numbers import number_field

lang = current_lang()
st.title(t("business.title", lang))
st.write(t("business.intro", lang))

workshop = current_workshop()
if workshop is not None:
    st.caption(t("common.workshop_caption", lang, name=plain(workshop.name),
                 team=plain(workshop.team), code=workshop.code))
from_kpis = bc.defaults_from_kpis(storage.kpis_frame(engine(), workshop.id) if workshop else None)


def currency_field() -> str:
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


def source_of(name: str, value: float, default: float) -> str:
    """Say where an input comes from: the KPIs (and how they became a yearly figure), the
    example, a stated default with its reason, or the user."""
    if value != default:
        return t("business.your_input", lang)
    if name in ("discount_rate", "horizon"):
        return t(f"business.{'discount' if name == 'discount_rate' else 'horizon'}_why", lang)
    if name in from_kpis:
        return bc.source_text(from_kpis[name], model(), lang, currency)
    return t("business.example", lang)


st.subheader(t("business.inputs", lang))
with st.columns([1, 3])[0]:  # a narrow field: a code is three letters
    currency = currency_field()
defaults = bc.default_values(from_kpis)
left, middle, right = st.columns(3)
with left:
    customers = st.number_input(t("business.customers", lang), min_value=0,
                                value=round(defaults["customers"]), step=100,
                                key="bc_customers")
    st.caption(source_of("customers", customers, defaults["customers"]))
    defaults = bc.default_values(from_kpis, customers)  # complaints scale with the customers
    from_rate = bc.complaints_from_kpis(from_kpis, customers)
    arpc = st.number_input(t("business.arpc_in", lang, currency=currency_symbol(currency, lang)),
                           min_value=0.0, value=float(defaults["arpc"]),
                           step=100.0, format="%.0f", key="bc_arpc")  # whole crowns: no mark
    st.caption(source_of("arpc", arpc, defaults["arpc"]))
with middle:
    churn = number_field(t("business.churn", lang), round(defaults["churn"] * 100, 1), lang,
                         key="bc_churn", low=0.1, high=100.0)
    st.caption(source_of("churn", churn, round(defaults["churn"] * 100, 1)))
    margin = number_field(t("business.margin", lang), defaults["margin"] * 100, lang,
                          key="bc_margin", low=0.0, high=100.0)
    st.caption(source_of("margin", margin, defaults["margin"] * 100))
with right:
    improvement = number_field(t("business.improvement", lang), defaults["improvement"] * 100,
                               lang, key="bc_improvement", low=0.0, high=50.0)
    st.caption(source_of("improvement", improvement, defaults["improvement"] * 100))
    complaints = st.number_input(t("business.complaints", lang), min_value=0,
                                 value=round(defaults["complaints"]), step=10,
                                 key="bc_complaints")
    complaints_source = ("complaints_per_1000" if complaints == round(defaults["complaints"])
                         and from_rate > 0 else "complaints")
    st.caption(source_of(complaints_source, complaints, round(defaults["complaints"])))
left, middle, right = st.columns(3)
with left:
    resolved = number_field(t("business.resolved", lang), defaults["resolved"] * 100, lang,
                            key="bc_resolved", low=0.0, high=100.0)
    st.caption(source_of("resolved", resolved, defaults["resolved"] * 100))
with middle:
    discount = number_field(t("business.discount_rate", lang), bc.DEFAULT_DISCOUNT_RATE * 100,
                            lang, key="bc_discount", low=0.0, high=50.0)
    st.caption(source_of("discount_rate", discount, bc.DEFAULT_DISCOUNT_RATE * 100))
with right:
    horizon = st.number_input(t("business.horizon", lang), min_value=1, max_value=30,
                              value=bc.DEFAULT_HORIZON_YEARS, step=1, key="bc_horizon")
    st.caption(source_of("horizon", horizon, bc.DEFAULT_HORIZON_YEARS))
if None in (churn, margin, improvement, resolved, discount):
    st.stop()  # the field says what is wrong; nothing is computed from a misread number
arpc_note = bc.arpc_note(from_kpis.get("arpc"), model(), lang, currency)
if arpc_note and arpc == defaults["arpc"]:  # once the user types a figure, it is theirs
    st.info(arpc_note, icon=":material/info:")

st.subheader(t("business.assumptions", lang))
st.caption(t("business.assumptions_help", lang))
percent_units = {"share"}
table = pd.DataFrame([
    {"id": a.id, "label": a.label(lang),
     "value": fmt_plain_number(a.value * 100 if a.unit in percent_units else a.value, lang, 4),
     "unit": "%" if a.unit in percent_units else "×" if a.unit == "multiplier" else "",
     "range": "" if a.low is None or a.high is None
     else bc.range_text((a.low, a.high), a.unit, lang),
     "source": a.source(lang)}
    for a in model().assumptions
])
edited = st.data_editor(
    table, hide_index=True, width="stretch", key=f"bc_assumptions_{lang}",
    disabled=["id", "label", "unit", "range", "source"],
    column_order=["label", "value", "unit", "range", "source"],
    column_config={
        "label": st.column_config.TextColumn(t("business.col_assumption", lang), width="large"),
        "value": st.column_config.TextColumn(t("business.col_value", lang),
                                             help=t("business.value_help", lang)),
        "unit": st.column_config.TextColumn("", width="small"),
        "range": st.column_config.TextColumn(t("business.col_range", lang), width="small"),
        "source": st.column_config.TextColumn(t("business.col_source", lang)),
    },
)
for caveat in bc.caveats(model(), lang):
    st.caption(caveat)
units = {a.id: a.unit for a in model().assumptions}
overrides = {}
for row in edited.to_dict("records"):
    if pd.isna(row["value"]) or not str(row["value"]).strip():
        continue
    try:
        typed = parse_number(str(row["value"]), lang)
    except ValueError as error:
        st.error(f"{row['label']}: " + t("common.not_a_number", lang, value=row["value"],
                                        hint=str(error) or "–"))
        continue
    overrides[row["id"]] = typed / 100 if units[row["id"]] in percent_units else typed
assumptions = bc.assumption_values(model(), overrides)
ranges = bc.assumption_ranges(model(), assumptions)

inputs = bc.Inputs(customers=customers, arpc=arpc, churn=churn / 100, margin=margin / 100,
                   improvement=improvement / 100, complaints=complaints,
                   resolved=resolved / 100, discount_rate=discount / 100, horizon=int(horizon))
problems = inputs.problems()
if problems:
    for name in problems:  # every input's label key is business.<name>
        st.warning(t("business.invalid", lang, name=t(f"business.{name}", lang)))
    st.stop()


st.subheader(t("business.retention_heading", lang))
figures = bc.retention_case(inputs, assumptions, lang, currency, ranges)
show_chart(("survival", lang, inputs), lambda: survival_chart(inputs, lang), width="stretch")
st.table(pd.DataFrame([  # a static table: long explanations wrap instead of being cut
    {t("business.col_figure", lang): t(f.label, lang, **f.label_values),
     t("business.col_value", lang): bc.figure_text(f, lang, currency),
     t("business.col_how", lang): t(f.how, lang, **f.how_values)}
    for f in figures
]), hide_index=True, border="horizontal")
for caveat in bc.caveats(model(), lang):  # beside the figure that uses the 68 %
    st.caption(caveat)

st.subheader(t("business.iceberg_heading", lang))
st.write(t("business.iceberg_intro", lang))
berg = bc.iceberg(complaints, assumptions, inputs.resolved, ranges)
show_chart(("iceberg", lang, berg), lambda: iceberg_chart(berg, lang), width="stretch")
st.table(pd.DataFrame([
    {t("business.col_figure", lang): label, t("business.col_value", lang): value,
     t("business.col_how", lang): how}
    for label, value, how in bc.iceberg_rows(berg, assumptions, lang)
]), hide_index=True, border="horizontal")
