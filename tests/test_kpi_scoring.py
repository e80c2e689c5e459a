"""Numbers without typed targets still speak: every KPI gets a basis, and readings name it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from loyalty_model.assessment.actions import after_basics, proposed_actions
from loyalty_model.assessment.kpi_scoring import layer_kpi_scores, score_kpis
from loyalty_model.assessment.reading import layer_reading
from loyalty_model.assessment.scoring import assess
from loyalty_model.model import Model

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def kpis(*rows: tuple[str, float, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["kpi", "value", "period"])


def sample_ratings() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "ratings.csv")


def sample_kpis_without_targets() -> pd.DataFrame:
    return pd.read_csv(SAMPLE / "kpis.csv", dtype={"period": str}).drop(columns=["target"])


def test_every_kpi_with_a_starting_target_or_benchmark_is_scored_without_targets(
        model: Model) -> None:
    frame = kpis(*[(kpi_id, 0.5 if spec.unit == "share" else 5.0, "2026-Q3")
                   for kpi_id, spec in model.kpis.items()])
    results = {r.kpi: r for r in score_kpis(frame, model, model.scoring)}
    assert set(results) == set(model.kpis)
    for kpi_id, spec in model.kpis.items():
        if spec.basis == "benchmark":
            assert results[kpi_id].basis == "benchmark" and results[kpi_id].score is not None
        elif spec.default_target is not None:
            assert results[kpi_id].basis == "default_target", kpi_id
            assert results[kpi_id].target == spec.default_target
            assert results[kpi_id].score is not None
        else:  # one period, no target: nothing to score against yet
            assert results[kpi_id].basis == "none" and results[kpi_id].score is None
    scored = sum(r.score is not None for r in results.values())
    assert scored >= 9  # the catalogue really has starting targets for most layers


def test_a_layer_with_loaded_kpis_is_never_no_evidence(model: Model) -> None:
    ratings = pd.DataFrame([{"participant": "a", "statement_id": s.id, "rating": 4}
                            for s in model.statements])
    # one period of KPIs that have neither benchmark nor starting target
    frame = kpis(("repeat_purchase_rate", 0.4, "2026-Q3"), ("arpc_monthly", 300, "2026-Q3"))
    result = assess(ratings, frame, model)
    assert result.layer("product").status == "unscored"
    assert result.layer("wow").status == "unscored"
    assert result.layer("product").kpis_loaded == 1
    assert result.layer("delivery").status == "no_evidence"  # nothing loaded there
    reading = layer_reading(result, "product", model, "en")
    assert "Repeat purchase rate" in reading and "target" in reading
    plan = proposed_actions(result, model, "en")
    assert plan["action"].str.contains("Agree a target for Repeat purchase rate").any()


def test_kpis_without_ratings_are_not_rated_rather_than_no_evidence(model: Model) -> None:
    result = assess(pd.DataFrame(columns=["participant", "statement_id", "rating"]),
                    kpis(("on_time_delivery_rate", 0.8, "2026-Q3")), model)
    assert result.layer("delivery").status == "not_rated"
    assert result.layer("delivery").kpi_score is not None


def test_three_falling_periods_without_a_target_score_as_a_falling_trend(model: Model) -> None:
    frame = kpis(("repeat_purchase_rate", 0.50, "2026-Q1"),
                 ("repeat_purchase_rate", 0.46, "2026-Q2"),
                 ("repeat_purchase_rate", 0.42, "2026-Q3"))
    (result,) = score_kpis(frame, model, model.scoring)
    assert result.basis == "trend"
    assert result.band == "worsening"
    assert result.trend.moves == "falling" and result.trend.run == 2
    assert result.score == pytest.approx(60 - 8 * 2)  # 8 percentage points down, 2 per point
    rising = kpis(*[(k, -v, p) for k, v, p in frame.itertuples(index=False)])
    rising["value"] = [0.42, 0.46, 0.50]
    (better,) = score_kpis(rising, model, model.scoring)
    assert better.band == "improving" and better.score == pytest.approx(60 + 8 * 2)


def test_two_periods_are_not_yet_a_trend(model: Model) -> None:
    frame = kpis(("repeat_purchase_rate", 0.50, "2026-Q2"),
                 ("repeat_purchase_rate", 0.42, "2026-Q3"))
    (result,) = score_kpis(frame, model, model.scoring)
    assert result.basis == "none" and result.score is None
    assert result.trend is not None and result.trend.moves == "falling"


def test_shares_score_in_percentage_points_and_hours_do_not_saturate(model: Model) -> None:
    frame = kpis(("on_time_delivery_rate", 0.78, "2026-Q3"),
                 ("median_resolution_hours", 20.0, "2026-Q3"))
    results = {r.kpi: r for r in score_kpis(frame, model, model.scoring)}
    on_time, hours = results["on_time_delivery_rate"], results["median_resolution_hours"]
    assert on_time.basis == hours.basis == "default_target"
    assert on_time.score == pytest.approx(60 - 17 * 2)  # 78 % against 95 %: 17 points short
    assert 60 < hours.score < 100  # 20 h against 24 h is better, not perfect
    assert hours.score == pytest.approx(60 + (24 - 20) / 24 * 100 * 2)


def test_a_team_target_overrides_the_starting_target(model: Model) -> None:
    frame = kpis(("on_time_delivery_rate", 0.90, "2026-Q3"))
    (default,) = score_kpis(frame, model, model.scoring)
    (team,) = score_kpis(frame, model, model.scoring, {"on_time_delivery_rate": 0.85})
    assert default.basis == "default_target" and default.score < 60
    assert team.basis == "team_target" and team.target == 0.85 and team.score > 60


def test_nps_and_its_shares_count_once_in_the_layer(model: Model) -> None:
    history = [("2026-Q1", 10.0, 0.40, 0.30), ("2026-Q2", 20.0, 0.45, 0.25),
               ("2026-Q3", 30.0, 0.50, 0.20)]
    frame = kpis(*[row for period, nps, promoters, detractors in history
                   for row in (("nps", nps, period), ("promoter_share", promoters, period),
                               ("detractor_share", detractors, period))],
                 ("referral_share", 0.10, "2026-Q1"), ("referral_share", 0.10, "2026-Q2"),
                 ("referral_share", 0.10, "2026-Q3"))
    results = score_kpis(frame, model, model.scoring)
    by_id = {r.kpi: r for r in results}
    assert by_id["referral_share"].score == pytest.approx(60)  # flat
    survey = [by_id[k].score for k in ("nps", "promoter_share", "detractor_share")]
    weight = max(model.kpis[k].weight for k in ("nps", "promoter_share", "detractor_share"))
    once = (sum(survey) / 3 * weight + 60 * model.kpis["referral_share"].weight) / (
        weight + model.kpis["referral_share"].weight)
    assert layer_kpi_scores(results, model)["wow"] == pytest.approx(once)
    # three times would weigh the one survey question 4 against referrals' 1
    assert layer_kpi_scores(results, model)["wow"] != pytest.approx(
        sum(by_id[k].score * model.kpis[k].weight for k in by_id) /
        sum(model.kpis[k].weight for k in by_id))


def test_the_sample_story_survives_dropping_its_targets(model: Model) -> None:
    result = assess(sample_ratings(), sample_kpis_without_targets(), model)
    assert result.priorities[0] == "delivery"
    assert result.layer("delivery").status == "blind_spot"
    assert result.layer("fault_correction").status == "hidden_strength"
    assert all(r.status != "no_evidence" for r in result.layers)
    assert result.layer("delivery").drivers[0] == "on_time_delivery_rate"


def test_readings_name_the_driving_kpi_its_trend_and_the_rated_statement(model: Model) -> None:
    result = assess(sample_ratings(), sample_kpis_without_targets(), model)
    delivery = layer_reading(result, "delivery", model, "en")
    assert "On-time delivery fell from 87.7% to 77.9% over 4 quarters" in delivery
    assert "starting target 95.0%" in delivery
    assert "“Orders reach the customer by the date we promised” 4.6 of 5" in delivery
    danish = layer_reading(result, "delivery", model, "da").replace("\xa0", " ")
    assert "Levering til tiden faldt fra 87,7 % til 77,9 % over 4 kvartaler" in danish
    strength = layer_reading(result, "fault_correction", model, "en")
    weakest = min((s for s in result.statements if s.layer == "fault_correction"),
                  key=lambda s: s.mean)
    assert model.statement(weakest.statement_id).text("en").rstrip(".") in strength


def test_actions_differ_for_a_blind_spot_and_a_hidden_strength(model: Model) -> None:
    result = assess(sample_ratings(), sample_kpis_without_targets(), model)
    plan = proposed_actions(result, model, "en")
    delivery = plan[plan["layer"] == "delivery"]["action"].tolist()
    strength = plan[plan["layer"] == "fault_correction"]["action"].tolist()
    assert delivery[0].startswith("Go through On-time delivery with the people")
    assert strength and strength[0].startswith("Write down what makes Fault correction work")
    assert not set(delivery) & set(strength)


def test_wow_actions_wait_while_a_basic_is_weak(model: Model) -> None:
    weak = assess(sample_ratings(), sample_kpis_without_targets(), model)
    assert "wow" not in set(proposed_actions(weak, model, "en")["layer"])
    assert after_basics(weak, model, "en")
    fours = pd.DataFrame([{"participant": "a", "statement_id": s.id, "rating": 4}
                          for s in model.statements])
    strong = assess(fours, kpis(("on_time_delivery_rate", 0.99, "2026-Q3"),
                                ("first_contact_resolution", 0.85, "2026-Q3")), model)
    assert not any(strong.is_weak(layer.id) for layer in model.layers if layer.basic)
    assert after_basics(strong, model, "en") == []


def test_readings_never_call_a_weak_layer_the_same_picture(model: Model) -> None:
    ratings = pd.DataFrame([{"participant": "a", "statement_id": s.id, "rating": 2}
                            for s in model.layer("delivery").statements])
    result = assess(ratings, kpis(("on_time_delivery_rate", 0.80, "2026-Q3")), model)
    assert result.layer("delivery").status == "aligned" and result.is_weak("delivery")
    reading = layer_reading(result, "delivery", model, "en")
    assert "Same picture" not in reading and "weak" in reading


def test_score_json_gives_each_kpis_basis_and_each_layers_drivers(tmp_path: Path) -> None:
    kpi_file = tmp_path / "kpis.csv"
    sample_kpis_without_targets().to_csv(kpi_file, index=False)
    done = subprocess.run([sys.executable, "-m", "loyalty_model", "score", "--ratings",
                           str(SAMPLE / "ratings.csv"), "--kpis", str(kpi_file), "--json"],
                          capture_output=True, text=True, cwd=ROOT, check=True)
    result = json.loads(done.stdout)
    bases = {k["kpi"]: k["basis"] for k in result["kpis"]}
    assert bases["first_contact_resolution"] == "benchmark"
    assert bases["on_time_delivery_rate"] == "default_target"
    assert bases["nps"] == "trend"
    delivery = next(layer for layer in result["layers"] if layer["layer"] == "delivery")
    assert delivery["driving_kpis"][0]["kpi"] == "on_time_delivery_rate"
    assert result["priorities"][0] == "delivery"
