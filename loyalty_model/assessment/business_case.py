"""What loyalty is worth in money: lifetime value, a retention improvement, the complaints iceberg.

The user's own figures (customers, revenue per customer, churn, margin) meet the figures the seed
articles quote (data/model.toml [[assumptions]]). Both are always shown with where they come from
and both can be changed: a business case nobody can trace convinces nobody. Plain arithmetic,
deliberately: undiscounted lifetime value, rules of thumb labelled as such. The charts of these
figures are a take-away (takeaways/business_charts.py): the arithmetic needs no drawing library.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from loyalty_model.assessment.periods import sort_by_period
from loyalty_model.i18n import fmt_number, fmt_percent, t
from loyalty_model.model import Model

EXAMPLE_INPUTS = {"customers": 2000.0, "arpc": 6000.0, "churn": 0.20, "margin": 0.30,
                  "improvement": 0.02, "complaints": 60.0}


@dataclass(frozen=True)
class Inputs:
    customers: float
    arpc: float  # revenue per customer per year
    churn: float  # share of customers lost per year, 0-1
    margin: float  # gross margin, 0-1
    improvement: float = 0.02  # churn reduction to test, in share points (0.02 = 2 points)
    complaints: float = 0.0  # complaints per year

    def problems(self) -> list[str]:
        """Input names that cannot be calculated with (an empty list when all is well)."""
        bad = [name for name in ("customers", "arpc", "complaints", "improvement")
               if getattr(self, name) < 0]
        if not 0 < self.churn <= 1:
            bad.append("churn")
        if not 0 <= self.margin <= 1:
            bad.append("margin")
        if self.improvement >= self.churn:
            bad.append("improvement")
        return bad


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


def defaults_from_kpis(kpis: pd.DataFrame | None) -> dict[str, tuple[float, str, str]]:
    """Inputs the loaded KPIs can supply: name -> (value, kpi id, period) of the latest period."""
    if kpis is None or kpis.empty:
        return {}
    latest: dict[str, tuple[float, str]] = {}
    for kpi_id, rows in kpis.groupby("kpi", sort=False):
        last = sort_by_period(rows).iloc[-1]
        latest[str(kpi_id)] = (float(last["value"]), str(last["period"]))
    out: dict[str, tuple[float, str, str]] = {}
    if "arpc_annual" in latest:
        out["arpc"] = (latest["arpc_annual"][0], "arpc_annual", latest["arpc_annual"][1])
    elif "arpc_monthly" in latest:
        value, period = latest["arpc_monthly"]
        out["arpc"] = (value * 12, "arpc_monthly", period)
    for kpi_id in ("churn_rate_customers", "churn_rate_orders"):
        if kpi_id in latest:
            out["churn"] = (latest[kpi_id][0], kpi_id, latest[kpi_id][1])
            break
    if "complaints_per_1000_customers" in latest:
        value, period = latest["complaints_per_1000_customers"]
        out["complaints_per_1000"] = (value, "complaints_per_1000_customers", period)
    return out


def complaints_from_kpis(from_kpis: dict[str, tuple[float, str, str]], customers: float
                         ) -> float:
    """Complaints per year from the complaints-per-1,000 KPI and a customer count (0 if none)."""
    return float(round(from_kpis.get("complaints_per_1000", (0.0,))[0] * customers / 1000))


def default_values(from_kpis: dict[str, tuple[float, str, str]],
                   customers: float | None = None) -> dict[str, float]:
    """The inputs to start from: the KPIs' figures where they give one, else EXAMPLE_INPUTS.

    `customers` is the count the complaints rate is scaled by (the example when not given). Zero
    complaints from the KPIs make no iceberg, so the example stays then.
    """
    values = dict(EXAMPLE_INPUTS)
    for name in ("arpc", "churn"):
        if name in from_kpis:
            values[name] = from_kpis[name][0]
    customers = values["customers"] if customers is None else customers
    from_rate = complaints_from_kpis(from_kpis, customers)
    if from_rate > 0:
        values["complaints"] = from_rate
    return values


@dataclass(frozen=True)
class KpiDefaults:
    """Inputs derived from a workshop's KPIs as the business-case page starts them."""

    inputs: Inputs
    sources: dict[str, tuple[str, str] | None]  # name -> (kpi id, period), None for an example

    @property
    def complete(self) -> bool:
        """True when the KPIs give what lifetime value needs (revenue and churn) and it adds up."""
        return (self.sources["arpc"] is not None and self.sources["churn"] is not None
                and not self.inputs.problems())


def kpi_defaults(kpis: pd.DataFrame | None) -> KpiDefaults:
    """The page's starting inputs for these KPIs, each with where it comes from."""
    from_kpis = defaults_from_kpis(kpis)
    values = default_values(from_kpis)
    values["churn"] = round(values["churn"] * 100, 1) / 100  # the page's churn field: 0.1 %
    sources: dict[str, tuple[str, str] | None] = {name: None for name in EXAMPLE_INPUTS}
    for name in ("arpc", "churn"):
        if name in from_kpis:
            sources[name] = from_kpis[name][1:]
    if complaints_from_kpis(from_kpis, values["customers"]) > 0:
        sources["complaints"] = from_kpis["complaints_per_1000"][1:]
    return KpiDefaults(Inputs(**values), sources)


def figure_text(figure: Figure, lang: str) -> str:
    """A result's value the way the page and the reports print it."""
    if figure.value is None:
        return "–"
    if figure.unit == "share":
        return fmt_percent(figure.value, lang, 1)
    if figure.unit == "years":
        return t("business.lifetime_years", lang, years=fmt_number(figure.value, lang, 1))
    if figure.unit == "multiplier":
        return f"{fmt_number(figure.value, lang, 1)} ×"
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
