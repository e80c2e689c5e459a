"""Business case arithmetic, its sourced assumptions, its charts and its page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from loyalty_model.assessment import business_case as bc
from loyalty_model.model import Model
from loyalty_model.takeaways import business_charts

ROOT = Path(__file__).resolve().parent.parent
INPUTS = bc.Inputs(customers=2000, arpc=6000, churn=0.20, margin=0.30, improvement=0.02,
                   complaints=60)


def figure(figures: list[bc.Figure], label: str) -> float | None:
    return next(f.value for f in figures if f.label == f"business.{label}")


def test_lifetime_value_is_yearly_margin_times_lifetime() -> None:
    assert bc.lifetime_years(0.2) == 5
    assert bc.cltv(6000, 0.30, 0.20) == pytest.approx(9000)
    assert bc.cltv(6000, 0.30, 0.0) is None


def test_what_two_points_of_retention_are_worth(model: Model) -> None:
    figures = bc.retention_case(INPUTS, bc.assumption_values(model), "en")
    assert figure(figures, "kept") == pytest.approx(40)  # 2 % of 2,000 customers
    assert figure(figures, "margin_year") == pytest.approx(40 * 6000 * 0.30)
    # lifetime value rises from 9,000 (1/0.20 years) to 10,000 (1/0.18 years) per customer
    assert figure(figures, "base_value") == pytest.approx(2000 * (6000 * 0.3 / 0.18 - 9000))
    assert figure(figures, "cost_equivalent") == pytest.approx(0.10)  # Murphy & Murphy
    assert figure(figures, "service_churn") == pytest.approx(2000 * 0.2 * 0.68 * 6000 * 0.3)
    assert figure(figures, "sell_ratio") == pytest.approx(0.65 / 0.125)


def test_assumptions_are_editable(model: Model) -> None:
    edited = bc.assumption_values(model, {"churn_due_to_poor_service": 0.5})
    figures = bc.retention_case(INPUTS, edited)
    assert figure(figures, "service_churn") == pytest.approx(2000 * 0.2 * 0.5 * 6000 * 0.3)


def test_every_assumption_names_its_source(model: Model) -> None:
    sources = {a.id: a.source for a in model.assumptions}
    assert sources["silent_per_complaint"] == "Lee Resource"
    assert sources["unhappy_customer_tells"] == "White House Office of Consumer Affairs"
    assert all(sources.values())


def test_the_complaints_iceberg(model: Model) -> None:
    berg = bc.iceberg(60, bc.assumption_values(model))
    assert berg.silent == pytest.approx(60 * 26)
    assert berg.told == pytest.approx((60 + 60 * 26) * 12)


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
    assert defaults["arpc"] == (6000.0, "arpc_monthly", "2026-Q2")
    assert defaults["churn"] == (0.12, "churn_rate_customers", "2026-Q2")
    assert defaults["complaints_per_1000"][0] == 30.0
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
    assert len(at.get("vega_lite_chart")) == 2
    at.number_input(key="bc_churn").set_value(1.0).run()  # below the 2-point improvement
    assert at.warning and not at.exception
    st.cache_resource.clear()
