"""What loyalty is worth in money: lifetime value, a retention improvement, the complaints iceberg.

The user's own figures (customers, revenue per customer, churn, margin; which KPIs supply them,
and how, is business_inputs.py's) meet the figures the seed articles quote (data/model.toml
[[assumptions]]). Both are always shown with where they come from and both can be changed: a
business case nobody can trace convinces nobody. It has to survive a finance director too, so
money over time is discounted over a stated horizon (Inputs.discount_rate, Inputs.horizon, each
with its reason), the undiscounted figure stands beside it, and a figure the article gives as a
range keeps its range. The charts of these figures are a take-away
(takeaways/business_charts.py): the arithmetic needs no drawing library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loyalty_model.assessment.business_inputs import (
    DEFAULT_DISCOUNT_RATE,
    DEFAULT_HORIZON_YEARS,
    EXAMPLE_INPUTS,
    FromKpi,
    Inputs,
    KpiDefaults,
    arpc_note,
    complaints_from_kpis,
    default_values,
    defaults_from_kpis,
    kpi_defaults,
    source_text,
)
from loyalty_model.i18n import DEFAULT_CURRENCY, fmt_money, fmt_number, fmt_percent, t
from loyalty_model.model import Model

__all__ = [  # the inputs live in business_inputs.py; the page and the reports import them here
    "DEFAULT_DISCOUNT_RATE", "DEFAULT_HORIZON_YEARS", "EXAMPLE_INPUTS", "Figure", "FromKpi",
    "Iceberg", "Inputs", "KpiDefaults", "arpc_note", "assumption_ranges", "assumption_text",
    "assumption_values", "caveats", "cltv", "complaints_from_kpis", "default_values",
    "defaults_from_kpis", "figure_text", "iceberg", "iceberg_rows", "kpi_defaults",
    "lifetime_years", "range_text", "retention_case", "source_text",
]


@dataclass(frozen=True)
class Figure:
    """One result line: a label key, the value, its unit and how it was calculated."""

    label: str  # i18n key
    value: float | None
    unit: str  # amount | count | share | years | multiplier
    how: str  # i18n key
    how_values: dict[str, str] = field(default_factory=dict)
    label_values: dict[str, str] = field(default_factory=dict)
    low: float | None = None  # the range the article's figures span, where they give one
    high: float | None = None


@dataclass(frozen=True)
class Iceberg:
    complaints: float
    silent: float
    told: float
    resolved: float = 0.0  # complaints resolved to the customer's satisfaction
    told_low: float | None = None  # told, at both ends of the article's ranges
    told_high: float | None = None


def assumption_values(model: Model, overrides: dict[str, float] | None = None
                      ) -> dict[str, float]:
    """The model's sourced defaults, with the user's edits on top."""
    values = {a.id: a.value for a in model.assumptions}
    values.update(overrides or {})
    return values


def assumption_ranges(model: Model, values: dict[str, float] | None = None
                      ) -> dict[str, tuple[float, float]]:
    """The article's range per assumption that has one, while the value used lies inside it:
    a range says nothing about a figure the user has replaced with one of their own."""
    values = values or {}
    return {a.id: (a.low, a.high) for a in model.assumptions
            if a.low is not None and a.high is not None
            and a.low <= values.get(a.id, a.value) <= a.high}


def caveats(model: Model, lang: str) -> list[str]:
    """What a client should know before trusting the figures used (the 68 %'s sources)."""
    return [a.caveat(lang) for a in model.assumptions if a.caveat is not None]


def lifetime_years(churn: float) -> float | None:
    return 1.0 / churn if churn > 0 else None


def cltv(arpc: float, margin: float, churn: float, discount_rate: float = DEFAULT_DISCOUNT_RATE,
         years: int = DEFAULT_HORIZON_YEARS) -> float:
    """Lifetime value of one customer over `years`, in today's money.

    The yearly margin (revenue × margin) is earned at the end of each year the customer is
    still there: year t counts with the chance (1 − churn)^(t − 1) of still being a customer,
    discounted by (1 + rate)^t. With a rate of 0 it is the undiscounted figure.
    """
    margin_a_year, stays = arpc * margin, 1.0 - churn
    return sum(margin_a_year * stays ** (year - 1) / (1.0 + discount_rate) ** year
               for year in range(1, int(years) + 1))


def retention_case(inputs: Inputs, assumptions: dict[str, float], lang: str = "en",
                   currency: str = DEFAULT_CURRENCY,
                   ranges: dict[str, tuple[float, float]] | None = None) -> list[Figure]:
    """Lifetime value today and what cutting churn by `inputs.improvement` is worth, both
    discounted over the horizon, with the undiscounted figure in the explanation."""
    rate, years = inputs.discount_rate, int(inputs.horizon)
    improved_churn = inputs.churn - inputs.improvement

    def value(churn: float, discount: float) -> float:
        return cltv(inputs.arpc, inputs.margin, churn, discount, years)

    now, plain_now = value(inputs.churn, rate), value(inputs.churn, 0.0)
    base = inputs.customers * (value(improved_churn, rate) - now)
    plain_base = inputs.customers * (value(improved_churn, 0.0) - plain_now)
    kept = inputs.customers * inputs.improvement
    service_share = assumptions.get("churn_due_to_poor_service", 0.0)
    cost_cut = assumptions.get("retention_2pct_cost_effect", 0.0)
    existing, new = assumptions.get("sell_existing", 0.0), assumptions.get("sell_new", 0.0)
    ranges = ranges or {}
    span = {"years": fmt_number(years, lang), "rate": _pct(rate, lang)}
    sell_low = sell_high = None
    if "sell_existing" in ranges and "sell_new" in ranges and ranges["sell_new"][0] > 0:
        sell_low = ranges["sell_existing"][0] / ranges["sell_new"][1]
        sell_high = ranges["sell_existing"][1] / ranges["sell_new"][0]
    return [
        Figure("business.lifetime", lifetime_years(inputs.churn), "years",
               "business.lifetime_how"),
        Figure("business.cltv", now, "amount", "business.cltv_how",
               {**span, "margin": fmt_money(inputs.arpc * inputs.margin, lang, currency),
                "plain": fmt_money(plain_now, lang, currency)}, span),
        Figure("business.kept", kept, "count", "business.kept_how"),
        Figure("business.margin_year", kept * inputs.arpc * inputs.margin, "amount",
               "business.margin_year_how"),
        Figure("business.base_value", base, "amount", "business.base_value_how",
               {**span, "churn": _pct(improved_churn, lang),
                "plain": fmt_money(plain_base, lang, currency)}, span),
        Figure("business.cost_equivalent", inputs.improvement / 0.02 * cost_cut, "share",
               "business.cost_equivalent_how", {"share": _pct(cost_cut, lang)}),
        Figure("business.service_churn",
               inputs.customers * inputs.churn * service_share * inputs.arpc * inputs.margin,
               "amount", "business.service_churn_how", {"share": _pct(service_share, lang)}),
        Figure("business.sell_ratio", existing / new if new else None, "multiplier",
               "business.sell_ratio_how" if sell_low is None else "business.sell_ratio_range_how",
               {"existing": _pct(existing, lang), "new": _pct(new, lang),
                **({} if sell_low is None else {
                    "existing_range": range_text(ranges["sell_existing"], "share", lang),
                    "new_range": range_text(ranges["sell_new"], "share", lang)})},
               low=sell_low, high=sell_high),
    ]


def _pct(share: float, lang: str) -> str:
    """68 % but 12,5 %: no decimals the source did not give."""
    return fmt_percent(share, lang, 0 if float(share * 100).is_integer() else 1)


def iceberg(complaints: float, assumptions: dict[str, float], resolved_share: float = 0.0,
            ranges: dict[str, tuple[float, float]] | None = None) -> Iceberg:
    """Complaints seen, unhappy customers who stay silent, and the people they all tell.

    A customer whose complaint was resolved tells fewer people (4–6) than one who stays unhappy
    (9–15); the silent ones and the unresolved complaints tell the unhappy story.
    """
    silent = complaints * assumptions.get("silent_per_complaint", 0.0)
    resolved = complaints * resolved_share
    unhappy = silent + complaints - resolved

    def told(pick: int | None) -> float | None:
        tells = {}
        for key in ("unhappy_customer_tells", "resolved_customer_tells"):
            if pick is None:
                tells[key] = assumptions.get(key, 0.0)
            elif ranges and key in ranges:
                tells[key] = ranges[key][pick]
            else:
                return None
        return unhappy * tells["unhappy_customer_tells"] + \
            resolved * tells["resolved_customer_tells"]

    return Iceberg(complaints=complaints, silent=silent, told=told(None) or 0.0,
                   resolved=resolved, told_low=told(0), told_high=told(1))


def figure_text(figure: Figure, lang: str, currency: str = DEFAULT_CURRENCY) -> str:
    """A result's value the way the page and the reports print it; amounts with the currency,
    and the range the article's figures span after a midpoint ("5.2 × (3–14)")."""
    if figure.value is None:
        return "–"
    if figure.unit == "share":
        return fmt_percent(figure.value, lang, 1)
    if figure.unit == "years":
        return t("business.lifetime_years", lang, years=fmt_number(figure.value, lang, 1))
    if figure.unit == "multiplier":
        text = f"{fmt_number(figure.value, lang, 1)} ×"
        if figure.low is not None and figure.high is not None:
            text += f" ({fmt_number(figure.low, lang)}–{fmt_number(figure.high, lang)})"
        return text
    if figure.unit == "amount":
        return fmt_money(figure.value, lang, currency)
    return fmt_number(figure.value, lang)


def range_text(low_high: tuple[float, float], unit: str, lang: str) -> str:
    """60–70 % or 9–15: a range as the article writes it."""
    low, high = low_high
    if unit == "share":
        return f"{_number(low * 100, lang)}–{_pct(high, lang)}"
    return f"{_number(low, lang)}–{_number(high, lang)}"


def _number(value: float, lang: str) -> str:
    return fmt_number(value, lang, 0 if float(round(value, 6)).is_integer() else 1)


def assumption_text(value: float, unit: str, lang: str,
                    low_high: tuple[float, float] | None = None) -> str:
    """An assumption's value: shares as percentages, multipliers with ×, counts as numbers; the
    article's range after it when it gives one ("65 % (60–70 %)")."""
    if unit == "share":
        text = _pct(value, lang)
    elif unit == "multiplier":
        text = f"{_number(value, lang)} ×"
    else:
        text = _number(value, lang)
    return text if low_high is None else f"{text} ({range_text(low_high, unit, lang)})"


def iceberg_rows(berg: Iceberg, assumptions: dict[str, float], lang: str
                 ) -> list[tuple[str, str, str]]:
    """(figure, value, how it is calculated) for the parts of the iceberg."""
    told = fmt_number(berg.told, lang)
    if berg.told_low is not None and berg.told_high is not None:
        told += f" ({fmt_number(berg.told_low, lang)}–{fmt_number(berg.told_high, lang)})"
    share = berg.resolved / berg.complaints if berg.complaints else 0.0
    return [
        (t("business.iceberg_complaints", lang), fmt_number(berg.complaints, lang),
         t("business.iceberg_complaints_how", lang)),
        (t("business.iceberg_resolved", lang), fmt_number(berg.resolved, lang),
         t("business.iceberg_resolved_how", lang, share=_pct(share, lang))),
        (t("business.iceberg_silent", lang), fmt_number(berg.silent, lang),
         t("business.iceberg_silent_how", lang,
           n=fmt_number(assumptions["silent_per_complaint"], lang))),
        (t("business.iceberg_told", lang), told,
         t("business.iceberg_told_how", lang,
           n=_number(assumptions.get("unhappy_customer_tells", 0.0), lang),
           m=_number(assumptions.get("resolved_customer_tells", 0.0), lang))),
    ]
