"""Scoring: self-scores, KPI scores, gaps, statuses and the model's priority order."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from loyalty_model.assessment.kpi_scoring import score_kpi_value
from loyalty_model.assessment.periods import normalise_period
from loyalty_model.assessment.scoring import (
    ScoringInputError,
    assess,
    gap_status,
    rating_to_score,
    with_settings,
)
from loyalty_model.model import Model


def ratings_for(model: Model, per_layer: dict[str, list[float | None]]) -> pd.DataFrame:
    """Every participant i gives per_layer[layer][i] to each statement of that layer."""
    rows = []
    for layer_id, values in per_layer.items():
        for statement in model.layer(layer_id).statements:
            for i, value in enumerate(values):
                rows.append({"participant": f"p{i}", "statement_id": statement.id,
                             "rating": value})
    return pd.DataFrame(rows, columns=["participant", "statement_id", "rating"])


def kpis(*rows: tuple[str, float, str, float | None]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kpi", "value", "period", "target"])


def test_rating_scale_maps_to_0_100() -> None:
    assert [rating_to_score(r) for r in (1, 2, 3, 4, 5)] == [0, 25, 50, 75, 100]


def test_all_dont_know_gives_no_self_score_not_zero(model: Model) -> None:
    ratings = ratings_for(model, {layer.id: [None, None] for layer in model.layers})
    result = assess(ratings, None, model)
    for layer in result.layers:
        assert layer.self_score is None
        assert layer.status == "no_evidence"
    assert all(s.dont_know == 2 and s.mean is None for s in result.statements)
    assert result.discussion_points() == []


def test_one_participant_has_no_spread(model: Model) -> None:
    ratings = ratings_for(model, {"product": [4], "delivery": [2]})
    result = assess(ratings, None, model)
    assert result.layer("product").self_score == 75
    assert result.layer("delivery").self_score == 25
    assert result.layer("product").spread == 0
    assert result.layer("product").n_participants == 1
    assert not any(s.discussion for s in result.statements)


def test_spread_marks_discussion_points(model: Model) -> None:
    ratings = ratings_for(model, {"product": [1, 5, 3], "communication": [3, 3, 4]})
    result = assess(ratings, None, model)
    product = [s for s in result.statements if s.layer == "product"]
    communication = [s for s in result.statements if s.layer == "communication"]
    assert all(s.discussion and s.spread == pytest.approx(math.sqrt(8 / 3)) for s in product)
    assert not any(s.discussion for s in communication)


def test_dont_know_is_left_out_of_the_mean(model: Model) -> None:
    ratings = ratings_for(model, {"wow": [5, None, 3]})
    result = assess(ratings, None, model)
    assert result.layer("wow").self_score == 75
    assert all(s.n == 2 and s.dont_know == 1 for s in result.statements if s.layer == "wow")


def test_layers_missing_from_the_kpi_file_have_no_evidence(model: Model) -> None:
    ratings = ratings_for(model, {layer.id: [4, 4] for layer in model.layers})
    result = assess(ratings, kpis(("first_contact_resolution", 0.75, "2026-Q3", None)), model)
    assert result.layer("fault_correction").kpi_score is not None
    for layer_id in ("product", "communication", "delivery", "wow"):
        layer = result.layer(layer_id)
        assert layer.kpi_score is None and layer.gap is None
        assert layer.status == "no_evidence"


@pytest.mark.parametrize("bad", ["0", "6", "3.5", "abc", "-1"])
def test_ratings_out_of_range_are_refused_with_the_row(model: Model, bad: str) -> None:
    ratings = pd.DataFrame([
        {"participant": "a", "statement_id": "product.primary_need", "rating": "4"},
        {"participant": "a", "statement_id": "product.does_the_job", "rating": bad},
    ])
    with pytest.raises(ScoringInputError, match="row 3"):
        assess(ratings, None, model)


def test_unknown_statement_is_refused(model: Model) -> None:
    ratings = pd.DataFrame([{"participant": "a", "statement_id": "product.nope", "rating": 3}])
    with pytest.raises(ScoringInputError, match="unknown statement_id 'product.nope'"):
        assess(ratings, None, model)


def test_benchmark_kpi_uses_the_bands(model: Model) -> None:
    fcr = model.kpis["first_contact_resolution"]
    settings = model.scoring
    assert score_kpi_value(fcr, 0.70, None, settings)[:2] == (60.0, "good")
    assert score_kpi_value(fcr, 0.80, None, settings)[:2] == (85.0, "world_class")
    assert score_kpi_value(fcr, 0.65, None, settings)[1] == "low"
    assert score_kpi_value(fcr, 0.20, None, settings)[0] == 0.0
    assert score_kpi_value(fcr, 0.99, None, settings)[0] == 100.0


def test_target_kpi_scores_against_the_target_both_directions(model: Model) -> None:
    settings = model.scoring
    on_time = model.kpis["on_time_delivery_rate"]  # a share, higher is better: percentage points
    assert score_kpi_value(on_time, 0.95, 0.95, settings)[0] == pytest.approx(60)
    assert score_kpi_value(on_time, 0.855, 0.95, settings)[0] == pytest.approx(60 - 9.5 * 2)
    hours = model.kpis["median_resolution_hours"]  # lower is better: per cent of the target
    assert score_kpi_value(hours, 20, 24, settings)[0] == pytest.approx(60 + 4 / 24 * 100 * 2)
    assert score_kpi_value(hours, 30, 24, settings)[0] == pytest.approx(60 - 25 * 2)
    assert score_kpi_value(hours, 24, None, settings) == (None, None, "none")


def test_latest_period_counts_and_target_carries_forward(model: Model) -> None:
    frame = kpis(("on_time_delivery_rate", 0.50, "2026-Q1", 0.95),
                 ("on_time_delivery_rate", 0.95, "2026-Q3", None),
                 ("on_time_delivery_rate", 0.10, "2025-12", None))
    result = assess(ratings_for(model, {}), frame, model)
    (kpi,) = result.kpis
    assert kpi.period == "2026-Q3" and kpi.value == 0.95 and kpi.target == 0.95
    assert kpi.score == pytest.approx(60)


def test_gap_and_status(model: Model) -> None:
    assert gap_status(80, 40, 15) == "blind_spot"
    assert gap_status(40, 80, 15) == "hidden_strength"
    assert gap_status(50, 60, 15) == "aligned"
    assert gap_status(50, 65, 15) == "aligned"  # exactly at the threshold is not yet a gap
    assert gap_status(None, 60, 15) == "no_evidence"
    assert gap_status(60, None, 15) == "no_evidence"


def test_weak_basic_comes_before_a_weaker_wow(model: Model) -> None:
    ratings = ratings_for(model, {"product": [5], "communication": [5], "delivery": [3],
                                  "fault_correction": [5], "wow": [1]})
    result = assess(ratings, None, model)
    # delivery (50) is a weak basic: it precedes WOW (0) although WOW scores lower
    assert result.priorities[:2] == ("delivery", "wow")


def test_wow_is_first_when_every_basic_holds(model: Model) -> None:
    ratings = ratings_for(model, {"product": [4], "communication": [4], "delivery": [4],
                                  "fault_correction": [5], "wow": [2]})
    assert assess(ratings, None, model).priorities[0] == "wow"


def test_ties_keep_the_models_order(model: Model) -> None:
    ratings = ratings_for(model, {layer.id: [2, 2] for layer in model.layers})
    result = assess(ratings, None, model)
    assert result.priorities == ("product", "communication", "delivery", "fault_correction",
                                 "wow")


def test_layers_without_any_score_go_last(model: Model) -> None:
    ratings = ratings_for(model, {"wow": [4], "delivery": [4]})
    result = assess(ratings, None, model)
    assert result.priorities[:2] == ("delivery", "wow")
    assert set(result.priorities[2:]) == {"product", "communication", "fault_correction"}


def test_priorities_use_the_numbers_over_the_teams_view(model: Model) -> None:
    ratings = ratings_for(model, {layer.id: [5] for layer in model.layers})
    frame = kpis(("on_time_delivery_rate", 0.60, "2026-Q3", 0.95))
    result = assess(ratings, frame, model)
    assert result.layer("delivery").status == "blind_spot"
    assert result.priorities[0] == "delivery"


def test_settings_change_the_statuses(model: Model) -> None:
    ratings = ratings_for(model, {"delivery": [4]})
    frame = kpis(("on_time_delivery_rate", 0.95, "2026-Q3", 0.95))  # KPI 60, self 75
    assert assess(ratings, frame, model).layer("delivery").status == "aligned"
    strict = with_settings(model, gap_threshold=10.0)
    assert assess(ratings, frame, model, strict).layer("delivery").status == "blind_spot"


@pytest.mark.parametrize(("text", "period"), [
    ("2026", "2026"), ("2026-7", "2026-07"), ("2026-Q3", "2026-Q3"), ("Q3 2026", "2026-Q3"),
    ("2026q1", "2026-Q1"), ("07/2026", "2026-07"), ("2026-13", None), ("last year", None),
])
def test_periods_are_normalised(text: str, period: str | None) -> None:
    assert normalise_period(text) == period


def test_sample_company_tells_its_story(model: Model) -> None:
    ratings = pd.read_csv("data/sample/ratings.csv")
    frame = pd.read_csv("data/sample/kpis.csv", dtype={"period": str})
    result = assess(ratings, frame, model)
    statuses = {r.layer: r.status for r in result.layers}
    assert statuses["delivery"] == "blind_spot"
    assert statuses["fault_correction"] == "hidden_strength"
    assert result.priorities[0] == "delivery"
    assert result.priorities[-1] == "fault_correction"
    assert len(result.discussion_points()) >= 2


def test_rows_sort_by_the_end_of_their_period_keeping_ties_in_order() -> None:
    from loyalty_model.assessment.periods import sort_by_period

    frame = pd.DataFrame({"period": ["2026-Q1", "2025", "2026-01", "2025-12", "2026-Q1", "2026-03"],
                          "value": [1, 2, 3, 4, 5, 6]}, index=[10, 11, 12, 13, 14, 15])
    ordered = sort_by_period(frame)
    assert list(ordered["period"]) == ["2025-12", "2025", "2026-01", "2026-03", "2026-Q1",
                                       "2026-Q1"]
    assert list(ordered["value"]) == [4, 2, 3, 6, 1, 5]  # two 2026-Q1 rows keep their order
    assert list(ordered.index) == [13, 11, 12, 15, 10, 14]
