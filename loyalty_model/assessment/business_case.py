"""What loyalty is worth in money: lifetime value, a retention improvement, the complaints iceberg.

The user's own figures (customers, revenue per customer, churn, margin; which KPIs supply them,
and how, is business_inputs.py's) meet the figures the seed articles quote (data/model.toml
[[assumptions]]). Both are always shown with where they come from and both can be changed: a
business case nobody can trace convinces nobody. Plain arithmetic, deliberately: undiscounted
lifetime value, rules of thumb labelled as such. The charts of these figures are a take-away
(takeaways/business_charts.py): the arithmetic needs no drawing library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from loyalty_model.assessment.business_inputs import (
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
    "EXAMPLE_INPUTS", "Figure", "FromKpi", "Iceberg", "Inputs", "KpiDefaults", "arpc_note",
    "assumption_text", "assumption_values", "cltv", "complaints_from_kpis", "default_values",
    "defaults_from_kpis", "figure_text", "iceberg", "iceberg_rows", "kpi_defaults",
    "lifetime_years", "retention_case", "source_text",
]


@dataclass(frozen=True)
class Figure:
    """One result line: a label key, the value, its unit and how it was calculated."""

    label: str  # i18n key
    value: float | None
    unit: str  # amount | count | share | years | multiplier
    how: str  # i18n key
    how_values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Iceberg:
    complaints: float
    silent: float
    told: float


def assumption_values(model: Model, overrides: dict[str, float] | None = None
                      ) -> dict[str, float]:
    """The model's sourced defaults, with the user's edits on top."""
    values = {a.id: a.value for a in model.assumptions}
    values.update(overrides or {})
    return values


def lifetime_years(churn: float) -> float | None:
    return 1.0 / churn if churn > 0 else None


def cltv(arpc: float, margin: float, churn: float) -> float | None:
    """Undiscounted customer lifetime value: yearly margin per customer × expected years."""
    years = lifetime_years(churn)
    return None if years is None else arpc * margin * years


def retention_case(inputs: Inputs, assumptions: dict[str, float], lang: str = "en"
                   ) -> list[Figure]:
    """Lifetime value today and what cutting churn by `inputs.improvement` is worth."""
    now = cltv(inputs.arpc, inputs.margin, inputs.churn)
    improved_churn = inputs.churn - inputs.improvement
    improved = cltv(inputs.arpc, inputs.margin, improved_churn) if improved_churn > 0 else None
    kept = inputs.customers * inputs.improvement
    service_share = assumptions.get("churn_due_to_poor_service", 0.0)
    cost_cut = assumptions.get("retention_2pct_cost_effect", 0.0)
    existing, new = assumptions.get("sell_existing", 0.0), assumptions.get("sell_new", 0.0)
    return [
        Figure("business.lifetime", lifetime_years(inputs.churn), "years",
               "business.lifetime_how"),
        Figure("business.cltv", now, "amount", "business.cltv_how"),
        Figure("business.kept", kept, "count", "business.kept_how"),
        Figure("business.margin_year", kept * inputs.arpc * inputs.margin, "amount",
               "business.margin_year_how"),
        Figure("business.base_value",
               None if now is None or improved is None else inputs.customers * (improved - now),
               "amount", "business.base_value_how"),
        Figure("business.cost_equivalent", inputs.improvement / 0.02 * cost_cut, "share",
               "business.cost_equivalent_how", {"share": _pct(cost_cut, lang)}),
        Figure("business.service_churn",
               inputs.customers * inputs.churn * service_share * inputs.arpc * inputs.margin,
               "amount", "business.service_churn_how", {"share": _pct(service_share, lang)}),
        Figure("business.sell_ratio", existing / new if new else None, "multiplier",
               "business.sell_ratio_how",
               {"existing": _pct(existing, lang), "new": _pct(new, lang)}),
    ]


def _pct(share: float, lang: str) -> str:
    """68 % but 12,5 %: no decimals the source did not give."""
    return fmt_percent(share, lang, 0 if float(share * 100).is_integer() else 1)


def iceberg(complaints: float, assumptions: dict[str, float]) -> Iceberg:
    """Complaints seen, unhappy customers who stay silent, and the people they all tell."""
    silent = complaints * assumptions.get("silent_per_complaint", 0.0)
    told = (complaints + silent) * assumptions.get("unhappy_customer_tells", 0.0)
    return Iceberg(complaints=complaints, silent=silent, told=told)


def figure_text(figure: Figure, lang: str, currency: str = DEFAULT_CURRENCY) -> str:
    """A result's value the way the page and the reports print it; amounts with the currency."""
    if figure.value is None:
        return "–"
    if figure.unit == "share":
        return fmt_percent(figure.value, lang, 1)
    if figure.unit == "years":
        return t("business.lifetime_years", lang, years=fmt_number(figure.value, lang, 1))
    if figure.unit == "multiplier":
        return f"{fmt_number(figure.value, lang, 1)} ×"
    if figure.unit == "amount":
        return fmt_money(figure.value, lang, currency)
    return fmt_number(figure.value, lang)


def assumption_text(value: float, unit: str, lang: str) -> str:
    """An assumption's value: shares as percentages, multipliers with ×, counts as numbers."""
    decimals = 0 if float(value).is_integer() else 1
    if unit == "share":
        return _pct(value, lang)
    if unit == "multiplier":
        return f"{fmt_number(value, lang, decimals)} ×"
    return fmt_number(value, lang, decimals)


def iceberg_rows(berg: Iceberg, assumptions: dict[str, float], lang: str
                 ) -> list[tuple[str, str, str]]:
    """(figure, value, how it is calculated) for the three parts of the iceberg."""
    return [
        (t("business.iceberg_complaints", lang), fmt_number(berg.complaints, lang),
         t("business.iceberg_complaints_how", lang)),
        (t("business.iceberg_silent", lang), fmt_number(berg.silent, lang),
         t("business.iceberg_silent_how", lang,
           n=fmt_number(assumptions["silent_per_complaint"], lang))),
        (t("business.iceberg_told", lang), fmt_number(berg.told, lang),
         t("business.iceberg_told_how", lang,
           n=fmt_number(assumptions["unhappy_customer_tells"], lang))),
    ]
