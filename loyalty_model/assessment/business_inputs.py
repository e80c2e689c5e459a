"""The business case's inputs: which of the team's KPIs supply them, and how they were turned
into yearly figures.

A business case is yearly arithmetic, but KPIs come per quarter, per month or for the whole
file. Getting that wrong is easy and costly: one quarter's revenue per customer, annualised,
came out seven times the monthly figure of the same customers, and one quarter's complaints
stood in for a year's. So each input taken from the KPIs says what it is (FromKpi), and the
page and the reports print that next to the number. The arithmetic on the inputs is
business_case.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from loyalty_model.assessment.periods import (
    PERIODS_PER_YEAR,
    period_index,
    period_kind,
    sort_by_period,
)
from loyalty_model.i18n import DEFAULT_CURRENCY, fmt_money, fmt_number, t
from loyalty_model.model import Model

EXAMPLE_INPUTS = {"customers": 2000.0, "arpc": 6000.0, "churn": 0.20, "margin": 0.30,
                  "improvement": 0.02, "complaints": 60.0, "resolved": 0.5}
# Not examples but stated defaults, each with its reason on the page and in the reports
# (business.discount_why, business.horizon_why): 10 % is deliberately cautious, since a higher
# rate can only make the case smaller; five years is as far as a budget usually plans.
DEFAULT_DISCOUNT_RATE = 0.10
DEFAULT_HORIZON_YEARS = 5
# Two revenue figures further apart than this factor are not rounding: the page says which one
# it uses and why (the sample company's orders and customer file are 2.5 times apart).
DISAGREE_FACTOR = 1.5


@dataclass(frozen=True)
class Inputs:
    customers: float
    arpc: float  # revenue per customer per year
    churn: float  # share of customers lost per year, 0-1
    margin: float  # gross margin, 0-1
    improvement: float = 0.02  # churn reduction to test, in share points (0.02 = 2 points)
    complaints: float = 0.0  # complaints per year
    resolved: float = 0.5  # share of complaints resolved to the customer's satisfaction, 0-1
    discount_rate: float = DEFAULT_DISCOUNT_RATE  # a year, 0-1: money later is worth less
    horizon: int = DEFAULT_HORIZON_YEARS  # years the lifetime value counts

    def problems(self) -> list[str]:
        """Input names that cannot be calculated with (an empty list when all is well)."""
        bad = [name for name in ("customers", "arpc", "complaints", "improvement")
               if getattr(self, name) < 0]
        if not 0 < self.churn <= 1:
            bad.append("churn")
        bad += [name for name in ("margin", "resolved") if not 0 <= getattr(self, name) <= 1]
        if self.improvement >= self.churn:
            bad.append("improvement")
        if not 0 <= self.discount_rate <= 0.5:
            bad.append("discount_rate")
        if not 1 <= self.horizon <= 30 or int(self.horizon) != self.horizon:
            bad.append("horizon")
        return bad


@dataclass(frozen=True)
class FromKpi:
    """A yearly input taken from a KPI: its value, the KPI, the period(s) and how it was made.

    `how` names the derivation (the i18n key business.how_<how>); `detail` holds its raw
    numbers, formatted only when printed. `other` is the competing figure when two KPIs give
    the same input and disagree by DISAGREE_FACTOR or more.
    """

    value: float
    kpi: str
    period: str
    how: str = "as_is"
    detail: dict[str, float | int | str] = field(default_factory=dict)
    other: FromKpi | None = None


def _latest(rows: pd.DataFrame, kpi: str, how: str = "as_is") -> FromKpi:
    """The KPI's latest value as an input, in its latest period."""
    last = rows.iloc[-1]
    return FromKpi(float(last["value"]), kpi, str(last["period"]), how)


def _arpc(by_kpi: dict[str, pd.DataFrame]) -> FromKpi | None:
    """Revenue per customer per year, a whole-period figure first.

    arpc_annual computed from raw exports is one value over the whole orders file (a single
    row); a yearly period is whole too. Several shorter periods of arpc_annual are each one
    period annualised: a quarter's buyers are few and buy big, so that overstates a year, and
    the customer file's monthly revenue × 12 is preferred over it.
    """
    candidates: list[FromKpi] = []
    annual = by_kpi.get("arpc_annual")
    yearly = annual is not None and period_kind(str(annual["period"].iloc[-1])) == "year"
    annual_whole = annual is not None and (yearly or len(annual) == 1)
    if annual is not None and annual_whole:  # one row dated to a quarter: whole file, say so
        candidates.append(_latest(annual, "arpc_annual", "as_is" if yearly else "whole"))
    if "arpc_monthly" in by_kpi:
        monthly = _latest(by_kpi["arpc_monthly"], "arpc_monthly", "monthly")
        candidates.append(replace(monthly, value=monthly.value * 12,
                                  detail={"monthly": monthly.value}))
    if annual is not None and not annual_whole:
        candidates.append(_latest(annual, "arpc_annual", "one_period"))
    if not candidates:
        return None
    chosen = candidates[0]
    if len(candidates) > 1 and _disagree(chosen.value, candidates[1].value):
        chosen = replace(chosen, other=candidates[1])
    return chosen


def _disagree(a: float, b: float) -> bool:
    low, high = sorted((abs(a), abs(b)))
    return high > 0 and (low == 0 or high / low >= DISAGREE_FACTOR)


def _complaints(rows: pd.DataFrame) -> FromKpi:
    """Complaints per 1,000 customers per year from a per-period rate.

    A yearly period is used as it is. Quarters and months are added up over the last year
    (four quarters, twelve months, ending with the latest); with fewer periods in that year,
    their mean is scaled to a year. Only periods of the latest one's kind count.
    """
    latest = str(rows["period"].iloc[-1])
    kind = period_kind(latest)
    value = float(rows["value"].iloc[-1])
    if kind == "year":
        return FromKpi(value, "complaints_per_1000_customers", latest, "year")
    per_year, end = PERIODS_PER_YEAR[kind], period_index(latest)
    periods = rows["period"].astype(str)
    same = rows[periods.map(period_kind) == kind]
    same = same.drop_duplicates("period", keep="last")
    window = same[same["period"].astype(str).map(lambda p: end - per_year < period_index(p))]
    n = len(window)
    full = n == per_year
    rate = float(window["value"].sum()) if full else float(window["value"].mean()) * per_year
    first = str(window["period"].iloc[0])
    span = latest if n == 1 else f"{first}–{latest}"
    return FromKpi(rate, "complaints_per_1000_customers", span,
                   f"{kind}s_{'sum' if full else 'scaled'}", {"n": n, "rate": rate})


def defaults_from_kpis(kpis: pd.DataFrame | None) -> dict[str, FromKpi]:
    """Inputs the loaded KPIs can supply: arpc and churn (yearly), and complaints_per_1000 (per
    1,000 customers per year)."""
    if kpis is None or kpis.empty:
        return {}
    by_kpi = {str(kpi_id): sort_by_period(rows)
              for kpi_id, rows in kpis.dropna(subset=["value"]).groupby("kpi", sort=False)}
    out: dict[str, FromKpi] = {}
    arpc = _arpc(by_kpi)
    if arpc is not None:
        out["arpc"] = arpc
    for kpi_id in ("churn_rate_customers", "churn_rate_orders"):
        if kpi_id in by_kpi:
            out["churn"] = _latest(by_kpi[kpi_id], kpi_id)
            break
    if "complaints_per_1000_customers" in by_kpi:
        out["complaints_per_1000"] = _complaints(by_kpi["complaints_per_1000_customers"])
    return out


def complaints_from_kpis(from_kpis: dict[str, FromKpi], customers: float) -> float:
    """Complaints per year from the yearly complaints-per-1,000 rate and a customer count (0 if
    none)."""
    found = from_kpis.get("complaints_per_1000")
    return float(round(found.value * customers / 1000)) if found else 0.0


def default_values(from_kpis: dict[str, FromKpi], customers: float | None = None
                   ) -> dict[str, float]:
    """The inputs to start from: the KPIs' figures where they give one, else EXAMPLE_INPUTS.

    `customers` is the count the complaints rate is scaled by (the example when not given). Zero
    complaints from the KPIs make no iceberg, so the example stays then.
    """
    values = dict(EXAMPLE_INPUTS)
    for name in ("arpc", "churn"):
        if name in from_kpis:
            values[name] = from_kpis[name].value
    customers = values["customers"] if customers is None else customers
    from_rate = complaints_from_kpis(from_kpis, customers)
    if from_rate > 0:
        values["complaints"] = from_rate
    return values


@dataclass(frozen=True)
class KpiDefaults:
    """Inputs derived from a workshop's KPIs as the business-case page starts them."""

    inputs: Inputs
    sources: dict[str, FromKpi | None]  # input name -> where it comes from, None for an example

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
    sources: dict[str, FromKpi | None] = {name: None for name in EXAMPLE_INPUTS}
    for name in ("arpc", "churn"):
        sources[name] = from_kpis.get(name)
    if complaints_from_kpis(from_kpis, values["customers"]) > 0:
        sources["complaints"] = from_kpis["complaints_per_1000"]
    return KpiDefaults(Inputs(**values), sources)


def source_text(found: FromKpi, model: Model, lang: str,
                currency: str = DEFAULT_CURRENCY) -> str:
    """Where an input comes from and how it became a yearly figure, in `lang`."""
    values: dict[str, object] = {"kpi": model.kpis[found.kpi].name(lang),
                                 "period": found.period}
    if "monthly" in found.detail:
        values["monthly"] = fmt_money(float(found.detail["monthly"]), lang, currency)
    if "rate" in found.detail:
        values["rate"] = fmt_number(float(found.detail["rate"]), lang, 1)
        values["n"] = found.detail["n"]
    return t(f"business.how_{found.how}", lang, **values)


def arpc_note(found: FromKpi | None, model: Model, lang: str,
              currency: str = DEFAULT_CURRENCY) -> str | None:
    """Which revenue figure is used and why, when the KPIs give two that disagree; else None."""
    if found is None or found.other is None:
        return None
    used, other = found, found.other
    return t(f"business.arpc_note_{used.kpi}", lang,
             used=fmt_money(used.value, lang, currency),
             other=fmt_money(other.value, lang, currency),
             used_kpi=model.kpis[used.kpi].name(lang), other_kpi=model.kpis[other.kpi].name(lang),
             period=other.period)
