"""The targets step: what each KPI is held against, edited in per cent, kept with the workshop."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import Engine

from loyalty_model.assessment.scoring import assess
from loyalty_model.assessment.targets import target_rows, targets_from_table
from loyalty_model.model import Model
from loyalty_model.workshop import storage


def history() -> pd.DataFrame:
    return pd.DataFrame([
        ("on_time_delivery_rate", 0.88, "2026-Q1"), ("on_time_delivery_rate", 0.84, "2026-Q2"),
        ("on_time_delivery_rate", 0.78, "2026-Q3"), ("nps", 10.0, "2026-Q3"),
        ("first_contact_resolution", 0.81, "2026-Q3")], columns=["kpi", "value", "period"])


def test_the_table_shows_value_trend_basis_and_starting_target(model: Model) -> None:
    table = target_rows(history(), model, model.scoring, {}, "en").set_index("kpi")
    on_time = table.loc["on_time_delivery_rate"]
    assert on_time["value"] == "78.0%"
    assert on_time["trend"] == [88.0, 84.0, 78.0]  # per cent, like the target is typed
    assert on_time["basis"] == "Starting target, not a benchmark"
    assert on_time["starting_target"] == "95.0%" and pd.isna(on_time["team_target"])
    assert on_time["score"] == round(60 - 17 * 2)
    assert table.loc["first_contact_resolution", "basis"].startswith("Benchmark: SQM Group")
    assert table.loc["nps", "basis"] == "Not scored: set a target"
    assert table.loc["nps", "trend"] is None  # one period draws no line
    danish = target_rows(history(), model, model.scoring, {}, "da").set_index("kpi")
    assert danish.loc["on_time_delivery_rate", "basis"] == "Startmål – ikke en benchmark"
    # a value says its unit: NPS in points, hours in hours, shares and money already do
    assert table.loc["nps", "value"] == "10.0 points" and danish.loc["nps", "value"] == "10,0 point"
    hours = pd.DataFrame([("email_response_hours", 20.0, "2026-Q3")],
                         columns=["kpi", "value", "period"])
    email = target_rows(hours, model, model.scoring, {}, "da").set_index("kpi").iloc[0]
    assert (email["value"], email["starting_target"]) == ("20,0 timer", "24,0 timer")


def test_an_edited_table_gives_targets_in_the_kpis_own_unit(model: Model) -> None:
    table = target_rows(history(), model, model.scoring, {}, "en")
    table.loc[table["kpi"] == "on_time_delivery_rate", "team_target"] = 90
    table.loc[table["kpi"] == "nps", "team_target"] = 30
    edits = targets_from_table(table, model)
    assert edits.problems == []
    assert edits.targets == {"on_time_delivery_rate": pytest.approx(0.90), "nps": 30.0}
    result = assess(pd.DataFrame(columns=["participant", "statement_id", "rating"]), history(),
                    model, targets=edits.targets)
    assert result.kpi("on_time_delivery_rate").basis == "team_target"
    assert result.kpi("nps").basis == "team_target"
    assert result.kpi("nps").score == pytest.approx(60 - 20 * 2)
    again = target_rows(history(), model, model.scoring, edits.targets, "en").set_index("kpi")
    assert again.loc["on_time_delivery_rate", "team_target"] == pytest.approx(90)


@pytest.mark.parametrize(("kpi", "typed"), [("on_time_delivery_rate", 150),
                                            ("on_time_delivery_rate", -5), ("nps", 101)])
def test_a_target_outside_the_range_is_refused_by_name(model: Model, kpi: str,
                                                       typed: float) -> None:
    table = target_rows(history(), model, model.scoring, {}, "en")
    table.loc[table["kpi"] == kpi, "team_target"] = typed
    edits = targets_from_table(table, model)
    assert kpi not in edits.targets
    (problem,) = edits.problems
    assert model.kpis[kpi].name("en") in problem
    assert model.kpis[kpi].name("da") in problem.localized("da")


def test_targets_are_kept_with_the_workshop_and_replaced_whole(engine: Engine) -> None:
    workshop, _ = storage.create_workshop(engine, "Q1", "Team")
    other, _ = storage.create_workshop(engine, "Q1", "Other team")
    storage.save_targets(engine, workshop.id, {"nps": 30.0, "on_time_delivery_rate": 0.9})
    storage.save_targets(engine, other.id, {"nps": 10.0})
    assert storage.targets(engine, workshop.id) == {"nps": 30.0, "on_time_delivery_rate": 0.9}
    storage.save_targets(engine, workshop.id, {"nps": 35.0})
    assert storage.targets(engine, workshop.id) == {"nps": 35.0}
    assert storage.targets(engine, other.id) == {"nps": 10.0}
    storage.save_targets(engine, workshop.id, {})
    assert storage.targets(engine, workshop.id) == {}


def test_a_team_target_on_a_benchmark_kpi_is_refused(model: Model) -> None:
    table = target_rows(history(), model, model.scoring, {}, "en")
    table.loc[table["kpi"] == "first_contact_resolution", "team_target"] = 75
    edits = targets_from_table(table, model)
    assert edits.targets == {}
    assert "public benchmark" in edits.problems[0]
