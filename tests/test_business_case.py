"""Business case arithmetic, its sourced assumptions, its charts and its page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest

from loyalty_model.assessment import business_case as bc
from loyalty_model.i18n import fmt_kpi_value, fmt_money, normalise_currency, t
from loyalty_model.intake import raw_intake
from loyalty_model.intake.readers import read_table
from loyalty_model.model import Model
from loyalty_model.takeaways import business_charts
from loyalty_model.workshop import sample, storage
from loyalty_model.workshop.settings import save_currency, workshop_currency
from tests.danish_numbers import html_tables, svg_charts

ROOT = Path(__file__).resolve().parent.parent
INPUTS = bc.Inputs(customers=2000, arpc=6000, churn=0.20, margin=0.30, improvement=0.02,
                   complaints=60)


def figure(figures: list[bc.Figure], label: str) -> float | None:
    return next(f.value for f in figures if f.label == f"business.{label}")


def test_lifetime_value_is_discounted_margin_over_the_horizon() -> None:
    assert bc.lifetime_years(0.2) == 5
    # 1,800 a year, at the end of each year the customer is still there (0.8^(year - 1)),
    # discounted at 10 % a year, over 5 years
    by_hand = sum(1800 * 0.8 ** (year - 1) / 1.1 ** year for year in range(1, 6))
    assert bc.cltv(6000, 0.30, 0.20, 0.10, 5) == pytest.approx(by_hand)
    assert bc.cltv(6000, 0.30, 0.20) == pytest.approx(by_hand)  # the stated defaults
    assert bc.cltv(6000, 0.30, 0.20, 0.0, 5) == pytest.approx(1800 * (1 - 0.8 ** 5) / 0.2)
    # undiscounted and without a horizon it is the old rule of thumb: margin ÷ churn
    assert bc.cltv(6000, 0.30, 0.20, 0.0, 200) == pytest.approx(9000)
    assert bc.cltv(6000, 0.30, 0.0, 0.0, 5) == pytest.approx(5 * 1800)  # no churn: still finite


def test_what_two_points_of_retention_are_worth(model: Model) -> None:
    figures = bc.retention_case(INPUTS, bc.assumption_values(model), "en")
    assert figure(figures, "kept") == pytest.approx(40)  # 2 % of 2,000 customers
    assert figure(figures, "margin_year") == pytest.approx(40 * 6000 * 0.30)
    # five years of margin at 18 % churn instead of 20 %, both discounted at 10 %
    gain = sum(1800 * (0.82 ** (y - 1) - 0.8 ** (y - 1)) / 1.1 ** y for y in range(1, 6))
    assert figure(figures, "base_value") == pytest.approx(2000 * gain)
    assert figure(figures, "cost_equivalent") == pytest.approx(0.10)  # Murphy & Murphy
    assert figure(figures, "service_churn") == pytest.approx(2000 * 0.2 * 0.68 * 6000 * 0.3)
    assert figure(figures, "sell_ratio") == pytest.approx(0.65 / 0.125)


def test_assumptions_are_editable(model: Model) -> None:
    edited = bc.assumption_values(model, {"churn_due_to_poor_service": 0.5})
    figures = bc.retention_case(INPUTS, edited)
    assert figure(figures, "service_churn") == pytest.approx(2000 * 0.2 * 0.5 * 6000 * 0.3)


def test_every_assumption_names_its_source(model: Model) -> None:
    sources = {a.id: a.source for a in model.assumptions}
    assert sources["silent_per_complaint"]("da") == "Lee Resource"
    assert sources["unhappy_customer_tells"]("en") == "White House Office of Consumer Affairs"
    assert sources["cost_to_serve_unsatisfied"]("da") == "TAK-programmet hos TDC"
    assert all(source.en and source.da for source in sources.values())


def test_the_complaints_iceberg(model: Model) -> None:
    values = bc.assumption_values(model)
    berg = bc.iceberg(60, values)
    assert berg.silent == pytest.approx(60 * 26)
    assert berg.told == pytest.approx((60 + 60 * 26) * 12)  # nothing resolved
    ranges = bc.assumption_ranges(model, values)
    half = bc.iceberg(60, values, 0.5, ranges)  # a resolved complaint is told to 4-6, not 9-15
    assert half.resolved == 30
    assert half.told == pytest.approx((30 + 60 * 26) * 12 + 30 * 5)
    assert (half.told_low, half.told_high) == pytest.approx(((30 + 1560) * 9 + 30 * 4,
                                                             (30 + 1560) * 15 + 30 * 6))
    edited = bc.assumption_values(model, {"unhappy_customer_tells": 20})  # outside 9-15
    assert "unhappy_customer_tells" not in bc.assumption_ranges(model, edited)


def test_the_sell_ratio_shows_the_range_it_spans(model: Model) -> None:
    values = bc.assumption_values(model)
    figures = bc.retention_case(INPUTS, values, "en", ranges=bc.assumption_ranges(model, values))
    ratio = next(f for f in figures if f.label == "business.sell_ratio")
    assert (ratio.value, ratio.low, ratio.high) == pytest.approx((0.65 / 0.125, 0.60 / 0.20,
                                                                  0.70 / 0.05))
    assert bc.figure_text(ratio, "da") == "5,2 × (3–14)"


@pytest.mark.parametrize(("changes", "bad"), [
    ({"churn": 0.0}, "churn"), ({"margin": 1.5}, "margin"), ({"improvement": 0.25}, "improvement"),
    ({"customers": -1}, "customers"),
])
def test_inputs_that_cannot_be_calculated_are_named(changes: dict, bad: str) -> None:
    values = {**INPUTS.__dict__, **changes}
    assert bad in bc.Inputs(**values).problems()
    assert INPUTS.problems() == []


def test_defaults_come_from_the_latest_kpis() -> None:
    kpis = pd.DataFrame({
        "kpi": ["arpc_monthly", "arpc_monthly", "churn_rate_customers",
                "complaints_per_1000_customers"],
        "value": [400.0, 500.0, 0.12, 30.0],
        "period": ["2026-Q1", "2026-Q2", "2026-Q2", "2026"],
    })
    defaults = bc.defaults_from_kpis(kpis)
    arpc, churn = defaults["arpc"], defaults["churn"]
    assert (arpc.value, arpc.kpi, arpc.period) == (6000.0, "arpc_monthly", "2026-Q2")
    assert arpc.detail == {"monthly": 500.0}  # shown on the page: 500 a month × 12
    assert (churn.value, churn.kpi, churn.period) == (0.12, "churn_rate_customers", "2026-Q2")
    assert defaults["complaints_per_1000"].value == 30.0  # a yearly period: used as it is
    assert bc.defaults_from_kpis(None) == {}


def test_charts_show_both_scenarios_and_the_waterline() -> None:
    survival = business_charts.survival_chart(INPUTS, "da").to_dict()
    frame = business_charts.survival_frame(INPUTS)
    assert set(frame["scenario"]) == {"today", "improved"}
    assert frame.query("year == 5 and scenario == 'today'")["customers"].iloc[0] == \
        pytest.approx(2000 * 0.8 ** 5)
    assert survival["encoding"]["x"]["field"] == "year"
    berg = business_charts.iceberg_chart(bc.iceberg(60, {"silent_per_complaint": 26,
                                                         "unhappy_customer_tells": 12}),
                                         "da").to_dict()
    assert berg["layer"][0]["encoding"]["y"]["scale"]["type"] == "symlog"
    assert any(layer["mark"]["type"] == "rule" for layer in berg["layer"])


@pytest.mark.parametrize("lang", ["en", "da"])
def test_the_page_renders_without_a_workshop(lang: str, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    monkeypatch.setenv("SKAB_DB_PATH", str(tmp_path / "app.db"))
    monkeypatch.delenv("SKAB_DATABASE_URL", raising=False)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/business_case.py").run()
    assert not at.exception, at.exception[0].value
    # one story open at a time, and the fields one click down: only the open story is built
    assert len(svg_charts(at)) == 1 and not at.text_input
    assert t("business.example_short", lang) in at.markdown[1].value  # examples say so
    at.button(key="bc_story_1").click().run()  # the other story
    assert at.button(key="bc_story_1").label == t("business.iceberg_heading", lang)
    assert len(svg_charts(at)) == 1
    assert table_rows(at, t("business.iceberg_told", lang))  # the iceberg's figures
    at.session_state["bc_figures_open"] = True
    at.run()
    at.text_input(key="bc_churn").set_value("1").run()  # below the 2-point improvement
    assert at.warning and not at.exception
    st.cache_resource.clear()


def table_rows(at: AppTest, first: str) -> dict[str, list[str]]:
    """The table whose first column holds `first`, as shown: first cell -> the rest."""
    for table in html_tables(at):
        rows = [[cell.replace("\xa0", " ") for cell in row] for row in table[1:]]
        if any(row[0] == first for row in rows):
            return {row[0]: row[1:] for row in rows}
    raise AssertionError(f"no table with {first!r}")


def test_changed_figures_hold_while_their_expander_is_closed(
        raw_workshop: tuple[storage.Workshop, str]) -> None:
    """The fields are built only while their expander is open: what they were set to must go
    on counting once it is closed, be shown in the line of figures, and be in the fields again
    when it is reopened."""
    at = business_page("en", raw_workshop)
    kept = t("business.kept", "en")
    assert table_rows(at, kept)[kept][0] == "40"  # 2,000 customers × 2 points
    at.session_state["bc_figures_open"] = True
    at.run()
    at.number_input(key="bc_customers").set_value(5000).run()
    at.text_input(key="bc_improvement").set_value("3").run()
    assert table_rows(at, kept)[kept][0] == "150"
    at.session_state["bc_figures_open"] = False
    at.run()
    assert not at.number_input and not at.text_input  # closed: the fields are not built
    assert table_rows(at, kept)[kept][0] == "150"
    line = at.markdown[1].value
    assert "Active customers: **5,000** ·" in line
    assert "Improvement to test: **3 percentage points** ·" in line  # typed: no "(example)"
    assert "Gross margin: **30%** *(example)*" in line
    at.session_state["bc_figures_open"] = True
    at.run()
    assert at.number_input(key="bc_customers").value == 5000
    assert at.text_input(key="bc_improvement").value == "3"
    assert not at.exception


# --- consistent money: yearly figures from the whole period, and a currency ----------------------


def sample_export_kpis() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The KPI rows the KPI page saves for Fjordcykler's raw exports, and the orders behind them."""
    tables = {}
    for kind, name in sample.EXPORT_FILES.items():
        table = read_table((sample.SAMPLE_DIR / "exports" / name).read_bytes(), name)
        tables[kind] = (table, raw_intake.propose(table, kind=kind).mapping)
    result = raw_intake.compute(tables)
    return result.kpis, result.loaded["orders"].frame


def revenue_per_customer_year(orders: pd.DataFrame) -> float:
    """PRODUCT.md's arpc_annual, worked out here by hand: amount / customers / years spanned."""
    days = (orders["ordered_at"].max() - orders["ordered_at"].min()) / pd.Timedelta(days=1)
    return orders["amount"].sum() / orders["customer_id"].nunique() / max(days / 365.25, 1 / 12)


def kpi_frame(rows: list[tuple[str, float, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kpi", "value", "period"])


def test_sample_exports_give_revenue_per_customer_over_the_whole_file(model: Model) -> None:
    kpis, orders = sample_export_kpis()
    whole = revenue_per_customer_year(orders)
    quarter = orders["ordered_at"].dt.to_period("Q")
    latest_quarter = revenue_per_customer_year(orders[quarter == quarter.max()])
    assert latest_quarter > 2 * whole  # the bug: one quarter's few, big buyers, annualised
    rows = kpis[kpis["kpi"] == "arpc_annual"]
    assert len(rows) == 1 and rows["value"].iloc[0] == pytest.approx(whole)
    start = bc.kpi_defaults(kpis)
    assert start.inputs.arpc == pytest.approx(whole)
    assert start.sources["arpc"].kpi == "arpc_annual"
    # the customer file says 437.91 a month: 2.5 times apart, so the page says which it uses
    note = bc.arpc_note(start.sources["arpc"], model, "en")
    note = note and note.replace("\xa0", " ")  # Babel keeps the code and the number together
    assert note is not None and "DKK 5,255" in note and f"DKK {whole:,.0f}" in note


def test_revenue_per_customer_prefers_a_whole_period_figure(model: Model) -> None:
    per_quarter = [("arpc_annual", v, p) for v, p in ((30000.0, "2026-Q2"), (38000.0, "2026-Q3"))]
    monthly = [("arpc_monthly", 500.0, "2026-Q3")]
    chosen = bc.defaults_from_kpis(kpi_frame(per_quarter + monthly))["arpc"]
    assert (chosen.kpi, chosen.value) == ("arpc_monthly", 6000.0)  # not 38,000 from one quarter
    assert chosen.other is not None and chosen.other.value == 38000.0
    assert "2026-Q3" in bc.arpc_note(chosen, model, "da")
    yearly = [("arpc_annual", 6600.0, "2025"), ("arpc_annual", 7000.0, "2026")]
    chosen = bc.defaults_from_kpis(kpi_frame(yearly + monthly))["arpc"]
    assert (chosen.kpi, chosen.value, chosen.other) == ("arpc_annual", 7000.0, None)  # close
    only_quarters = bc.defaults_from_kpis(kpi_frame(per_quarter))["arpc"]
    assert (only_quarters.value, only_quarters.how) == (38000.0, "one_period")


@pytest.mark.parametrize(("periods", "rate"), [
    (["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"], 10.0),
    ([f"2026-{m:02d}" for m in range(1, 13)], 2.5),
])
def test_equal_periods_add_up_to_a_year_of_complaints(periods: list[str], rate: float) -> None:
    kpis = kpi_frame([("complaints_per_1000_customers", rate, p) for p in periods])
    found = bc.defaults_from_kpis(kpis)["complaints_per_1000"]
    assert found.value == pytest.approx(rate * len(periods))  # 4 × a quarter, 12 × a month
    assert found.period == f"{periods[0]}–{periods[-1]}" and found.how.endswith("_sum")
    assert bc.complaints_from_kpis({"complaints_per_1000": found}, 2000) == \
        round(rate * len(periods) * 2)


def test_complaints_count_only_the_last_year_and_scale_a_part_of_one() -> None:
    five = kpi_frame([("complaints_per_1000_customers", v, p) for v, p in (
        (99.0, "2025-Q3"), (10.0, "2025-Q4"), (20.0, "2026-Q1"), (30.0, "2026-Q2"),
        (40.0, "2026-Q3"))])
    assert bc.defaults_from_kpis(five)["complaints_per_1000"].value == 100.0  # not 2025-Q3
    two = kpi_frame([("complaints_per_1000_customers", v, p) for v, p in (
        (10.0, "2026-Q2"), (20.0, "2026-Q3"))])
    found = bc.defaults_from_kpis(two)["complaints_per_1000"]
    assert (found.value, found.how, found.detail["n"]) == (60.0, "quarters_scaled", 2)
    one = bc.defaults_from_kpis(kpi_frame([("complaints_per_1000_customers", 8.0, "2026-Q3")]))
    assert one["complaints_per_1000"].value == 32.0


def test_money_is_written_with_its_currency() -> None:
    nbsp = "\u00a0"  # CLDR's no-break space: a value never wraps away from its currency
    assert fmt_money(12345.4, "da") == f"12.345{nbsp}kr."
    assert fmt_money(12345.4, "en") == f"DKK{nbsp}12,345"
    assert (fmt_money(12345, "da", "SEK"), fmt_money(12345, "en", "SEK")) == (
        f"12.345{nbsp}SEK", f"SEK{nbsp}12,345")
    assert fmt_kpi_value(437.9, "amount", "da") == f"438{nbsp}kr."
    assert fmt_kpi_value(0.5, "share", "en", "SEK") == "50.0%"
    assert [normalise_currency(c) for c in ("kr.", " sek ", "EUR", "$", "kroner", None)] == \
        ["DKK", "SEK", "EUR", None, None, None]
    cltv = bc.Figure("business.cltv", 9000.0, "amount", "business.cltv_how")
    assert bc.figure_text(cltv, "en", "NOK") == f"NOK{nbsp}9,000"


@pytest.fixture
def raw_workshop(app_db: Path) -> tuple[storage.Workshop, str]:
    """A workshop holding the KPIs computed from Fjordcykler's raw exports, as the KPI page saves
    them."""
    engine = storage.make_engine(f"sqlite:///{app_db}")
    workshop, key = storage.create_workshop(engine, "Fjordcykler", "Fjordcykler ApS", "da")
    storage.save_kpis(engine, workshop.id, sample_export_kpis()[0])
    return workshop, key


def business_page(lang: str, workshop: tuple[storage.Workshop, str],
                  figures_open: bool = False) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["lang"] = lang
    at.session_state["bc_figures_open"] = figures_open
    at.session_state["workshop_code"] = workshop[0].code
    at.session_state["facilitator_key"] = workshop[1]
    at.run()
    at.switch_page("views/business_case.py").run()
    assert not at.exception, at.exception[0].value
    return at


def figure_values(at: AppTest) -> dict[str, str]:
    """The retention table as shown: figure label -> value text."""
    cltv = t("business.cltv", at.session_state["lang"], years=5)
    return {label: cells[0] for label, cells in table_rows(at, cltv).items()}


def money_values(at: AppTest) -> list[str]:
    """The values of the figures that are amounts (lifetime value, margins, base value)."""
    lang = at.session_state["lang"]
    values = figure_values(at)
    return [values[t(f"business.{key}", lang, years=5)]
            for key in ("cltv", "margin_year", "base_value", "service_churn")]


def test_the_page_uses_whole_period_figures_and_shows_the_currency(
        raw_workshop: tuple[storage.Workshop, str], app_db: Path) -> None:
    kpis, orders = sample_export_kpis()
    at = business_page("da", raw_workshop, figures_open=True)
    arpc = at.number_input(key="bc_arpc")
    assert arpc.value == pytest.approx(revenue_per_customer_year(orders))
    assert arpc.label.endswith("(kr.)")
    quarters = kpis[kpis["kpi"] == "complaints_per_1000_customers"].sort_values("period")
    assert at.number_input(key="bc_complaints").value == \
        round(quarters["value"].tail(4).sum() * 2000 / 1000)  # a year of quarters, 2,000 customers
    assert any("4" in c.value and "kvartaler" in c.value for c in at.caption)  # says how
    info = at.info[0].value.replace("\xa0", " ") if at.info else ""
    assert "5.255 kr." in info  # which revenue figure, and why
    cltv = sum(revenue_per_customer_year(orders) * 0.30 * 0.89 ** (y - 1) / 1.1 ** y
               for y in range(1, 6))  # five years at 11 % churn, discounted at 10 %
    assert figure_values(at)[t("business.cltv", "da", years=5)] == \
        f"{cltv:,.0f}".replace(",", ".") + " kr."

    at.selectbox(key=f"bc_currency_{raw_workshop[0].id}").set_value("SEK").run()
    assert not at.exception
    assert money_values(at) and all(v.endswith(" SEK") for v in money_values(at))
    engine = storage.make_engine(f"sqlite:///{app_db}")
    assert workshop_currency(engine, raw_workshop[0].id) == "SEK"  # saved with the workshop
    again = business_page("en", raw_workshop, figures_open=True)  # a new session, in English
    assert again.number_input(key="bc_arpc").label.endswith("(SEK)")
    assert all(v.startswith("SEK ") for v in money_values(again))



def test_a_currency_that_is_no_code_is_not_saved(engine: Engine) -> None:
    """The page's field also takes typed codes; what is not a code never reaches the workshop.
    (AppTest cannot type a new option into a selectbox, so this is checked below the page.)"""
    workshop, _ = storage.create_workshop(engine, "W", "T", "da")
    assert workshop_currency(engine, workshop.id) == "DKK"
    with pytest.raises(ValueError, match="three-letter"):
        save_currency(engine, workshop.id, "kroner")
    assert save_currency(engine, workshop.id, "kr.") == "DKK"
    assert save_currency(engine, workshop.id, "nok") == "NOK"
    assert workshop_currency(engine, workshop.id) == "NOK"
    storage.save_evidence(engine, workshop.id, "settings", {"currency": "$$"})  # by hand
    assert workshop_currency(engine, workshop.id) == "DKK"  # unusable: the default, not a crash
