"""Survey touchpoints as evidence: value → layer from the synonyms, user overrides, the KPIs."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from benchmarks.duckdb_reference import reference_kpis
from benchmarks.generate import generate, write
from loyalty_model.intake.loading import load_kind
from loyalty_model.intake.raw_intake import compute, kpi_rows, relayer
from loyalty_model.intake.raw_kpis import compute_kpis, compute_kpis_by_period
from loyalty_model.intake.readers import read_table
from loyalty_model.intake.touchpoints import (
    TOUCHPOINT_KPI,
    choices_signature,
    resolve_layer,
    suggest_layer,
    summarise_touchpoints,
)
from loyalty_model.model import Model

KPIS = tuple(TOUCHPOINT_KPI.values())


def surveys(text: str) -> pd.DataFrame:
    """Read survey CSV text through the real upload path."""
    loaded = load_kind(read_table(text.encode("utf-8"), "surveys.csv"), "surveys")
    assert loaded.problem_count == 0
    return loaded.frame


ANSWERS = surveys(
    "customer_id,responded_at,score,touchpoint\n"
    "A,2026-01-05,10,Levering\n"
    "B,2026-01-06,6,FRAGT\n"  # delivery: (10 + 6) / 2 = 8
    "C,2026-01-07,9,Værksted\n"
    "D,2026-04-07,3,kundeservice\n"  # fault correction: (9 + 3) / 2 = 6
    "E,2026-04-08,7,Nyhedsbrev\n"  # communication: 7
    "F,2026-04-09,0,Webshop\n"  # a channel: in NPS, in no layer
    "G,2026-04-10,2,\n"  # no touchpoint: in NPS, in no layer
)


@pytest.mark.parametrize(("value", "layer"), [
    ("Produkt", "product"), ("quality", "product"), ("Kvalitet", "product"),
    ("Communication", "communication"), ("nyhedsbrev", "communication"),
    ("Hjemmeside", "communication"), ("website", "communication"),
    ("Marketing", "communication"), ("Information", "communication"),
    ("Levering", "delivery"), ("leverance", "delivery"), ("Shipping", "delivery"),
    ("FRAGT", "delivery"), ("forsendelse", "delivery"),
    ("Fault correction", "fault_correction"), ("fault_correction", "fault_correction"),
    ("Fejlretning", "fault_correction"), ("Support", "fault_correction"),
    ("Complaint", "fault_correction"), ("klage", "fault_correction"),
    ("Reklamation", "fault_correction"), ("repair", "fault_correction"),
    ("Reparation", "fault_correction"), ("Værksted", "fault_correction"),
    ("VAERKSTED", "fault_correction"), ("Kundeservice", "fault_correction"),
    ("Customer Service", "fault_correction"), ("  kunde-service ", "fault_correction"),
])
def test_synonyms_in_english_and_danish_any_case_or_accent(value: str, layer: str) -> None:
    assert suggest_layer(value) == layer


@pytest.mark.parametrize("value", ["Webshop", "Butik", "shop", "Telefon", "email", "", "—",
                                   "Levering og retur", "Levering webshop"])
def test_channels_and_unknown_values_stay_unmapped(value: str) -> None:
    assert suggest_layer(value) is None


def test_every_layer_has_a_kpi_in_the_catalogue(model: Model) -> None:
    for layer, kpi in TOUCHPOINT_KPI.items():
        assert model.kpis[kpi].layer == layer and model.kpis[kpi].unit == "points"


def test_a_user_choice_wins_over_the_synonyms() -> None:
    choices = {"Webshop": "delivery", "værksted": "", "Butik": None}
    assert resolve_layer("Webshop", choices) == "delivery"  # unmapped → a layer
    assert resolve_layer("VÆRKSTED", choices) is None  # a synonym → left out
    assert resolve_layer("Butik", choices) is None
    assert resolve_layer("Kundeservice", choices) == "fault_correction"  # not named: synonyms
    with pytest.raises(ValueError, match="unknown touchpoint layer wow"):
        resolve_layer("Webshop", {"Webshop": "wow"})


def test_kpis_are_the_mean_score_per_layer() -> None:
    kpis = compute_kpis({"surveys": ANSWERS})
    assert kpis["delivery_survey_score"] == pytest.approx(8.0)
    assert kpis["fault_correction_survey_score"] == pytest.approx(6.0)
    assert kpis["communication_score"] == pytest.approx(7.0)
    assert kpis["product_survey_score"] is None  # no answer about the product: missing, not 0
    assert kpis["nps"] == pytest.approx(100 * (2 - 4) / 7)  # every answer still counts here


def test_overrides_reach_the_kpis() -> None:
    kpis = compute_kpis({"surveys": ANSWERS}, {"Webshop": "product", "kundeservice": ""})
    assert kpis["product_survey_score"] == pytest.approx(0.0)  # a real zero: one answer of 0
    assert kpis["fault_correction_survey_score"] == pytest.approx(9.0)
    assert kpis["delivery_survey_score"] == pytest.approx(8.0)


def test_without_a_touchpoint_column_the_kpis_are_missing() -> None:
    plain = surveys("customer_id,responded_at,score\nA,2026-01-05,10\nB,2026-01-06,6\n")
    kpis = compute_kpis({"surveys": plain})
    assert kpis["nps"] == 0.0
    assert all(kpis[kpi] is None for kpi in KPIS)
    only_channels = surveys("customer_id,responded_at,score,touchpoint\nA,2026-01-05,10,Web\n")
    assert all(compute_kpis({"surveys": only_channels})[kpi] is None for kpi in KPIS)


def test_per_period_each_quarter_has_its_own_mean() -> None:
    by_quarter = compute_kpis_by_period({"surveys": ANSWERS}, "quarter", {"Webshop": "delivery"})
    assert by_quarter["2026-Q1"]["delivery_survey_score"] == pytest.approx(8.0)
    assert by_quarter["2026-Q1"]["fault_correction_survey_score"] == pytest.approx(9.0)
    assert by_quarter["2026-Q2"]["delivery_survey_score"] == pytest.approx(0.0)
    assert by_quarter["2026-Q2"]["fault_correction_survey_score"] == pytest.approx(3.0)
    assert by_quarter["2026-Q1"]["communication_score"] is None
    rows = kpi_rows({"surveys": ANSWERS}, "quarter").set_index(["kpi", "period"])["value"]
    assert rows[("delivery_survey_score", "2026-Q1")] == pytest.approx(8.0)
    assert ("delivery_survey_score", "2026-Q2") not in rows.index  # no answer: no row


def test_summary_groups_spellings_and_shows_what_counts_and_what_is_left_out() -> None:
    frame = surveys("customer_id,responded_at,score,touchpoint\n"
                    "A,2026-01-05,10,Værksted\nB,2026-01-05,9,værksted\nC,2026-01-05,8,Værksted\n"
                    "D,2026-01-05,7,Webshop\nE,2026-01-05,7,Butik\nF,2026-01-05,7,\n")
    summary = summarise_touchpoints(frame, {"Butik": "product"})
    assert summary is not None
    assert [(v.label, v.answers, v.suggested, v.layer) for v in summary.values] == [
        ("Værksted", 3, "fault_correction", "fault_correction"),
        ("Butik", 1, None, "product"),
        ("Webshop", 1, None, None),
    ]
    assert [v.label for v in summary.left_out()] == ["Webshop"]
    assert [v.label for v in summary.counted("product")] == ["Butik"]
    assert summary.choices == {"vaerksted": "fault_correction", "butik": "product", "webshop": ""}
    assert summarise_touchpoints(surveys("customer_id,responded_at,score\nA,2026-01-05,1\n")) \
        is None


def test_summary_is_capped_and_says_how_much_is_hidden() -> None:
    rows = "".join(f"c{i},2026-01-05,5,Punkt {i % 40}\n" for i in range(400))
    summary = summarise_touchpoints(surveys("customer_id,responded_at,score,touchpoint\n" + rows),
                                    limit=30)
    assert summary is not None
    assert (len(summary.values), summary.hidden, summary.hidden_answers) == (30, 10, 100)
    assert len(summary.choices) == 40  # hidden values keep their (default) choice too


def test_relayer_recomputes_from_the_loaded_files_only() -> None:
    data = (b"customer_id,responded_at,score,touchpoint\n"
            b"A,2026-01-05,10,Levering\nB,2026-01-06,4,Webshop\n")
    first = compute({"surveys": (read_table(data, "s.csv"), _survey_mapping())})
    assert first.overall["delivery_survey_score"] == 10.0
    second = relayer(first, {"webshop": "delivery"})
    assert second.overall["delivery_survey_score"] == pytest.approx(7.0)
    assert second.loaded is first.loaded
    assert second.touchpoints is not None and second.touchpoints.choices["webshop"] == "delivery"
    assert set(second.kpis["kpi"]) >= {"delivery_survey_score", "nps"}


def _survey_mapping() -> dict[str, str]:
    return {name: name for name in ("customer_id", "responded_at", "score", "touchpoint")}


def test_choices_are_remembered_beside_the_column_mapping() -> None:
    assert choices_signature("surveys:0123456789abcdef") == "surveys:0123456789abcdef:touchpoints"
    assert len(choices_signature("surveys:0123456789abcdef")) <= 64  # fits the signature column


@pytest.mark.parametrize("seed", [5, 6])
def test_touchpoint_kpis_equal_the_duckdb_reference(seed: int, tmp_path: Path) -> None:
    frames = {"surveys": generate(20_000, 4_000, seed)["surveys"]}
    paths = write(frames, tmp_path)
    loaded = load_kind(read_table(paths["surveys"].read_bytes(), "surveys.csv"), "surveys")
    ours = compute_kpis({"surveys": loaded.frame})
    reference = reference_kpis(paths)
    for kpi in KPIS:
        assert ours[kpi] is not None and reference[kpi] is not None, kpi
        assert math.isclose(ours[kpi], reference[kpi], rel_tol=1e-9), kpi


def test_the_sample_company_has_survey_evidence_for_fault_correction_only() -> None:
    shipped = pd.read_csv(Path(__file__).resolve().parent.parent / "data" / "sample" / "kpis.csv",
                          dtype={"period": str})
    periods = shipped[shipped["kpi"] == "fault_correction_survey_score"]["period"].tolist()
    assert periods == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    # no delivery, product or communication touchpoints in its survey export: no computed rows
    assert not shipped["kpi"].isin(["delivery_survey_score", "product_survey_score"]).any()
