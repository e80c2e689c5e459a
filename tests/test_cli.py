"""The command line: exact JSON shapes, and exit code 2 with one line on bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from loyalty_model.cli import main
from loyalty_model.model import Model

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_statements_json(capsys: pytest.CaptureFixture[str], model: Model) -> None:
    code, out, _ = run(capsys, "statements", "--json")
    rows = json.loads(out)
    assert code == 0
    assert len(rows) == len(model.statements)
    assert set(rows[0]) == {"id", "layer", "text", "kpis", "source"}
    assert set(rows[0]["text"]) == {"en", "da"}
    assert all(r["source"]["seed"] in model.seeds and r["source"]["idea"] for r in rows)
    assert [r["layer"] for r in rows][0] == "product" and rows[-1]["layer"] == "wow"


def test_score_json_on_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "--ratings", str(SAMPLE / "ratings.csv"),
                       "--kpis", str(SAMPLE / "kpis.csv"), "--json")
    result = json.loads(out)
    assert code == 0
    assert [layer["layer"] for layer in result["layers"]] == [
        "product", "communication", "delivery", "fault_correction", "wow"]
    assert set(result["layers"][0]) == {"layer", "self_score", "kpi_score", "gap", "status",
                                        "driving_kpis"}
    assert {k["basis"] for k in result["kpis"]} <= {
        "benchmark", "default_target", "team_target", "trend", "none"}
    delivery = result["layers"][2]
    assert delivery["status"] == "blind_spot"
    assert delivery["gap"] == pytest.approx(delivery["self_score"] - delivery["kpi_score"],
                                            abs=0.11)
    assert sorted(result["priorities"]) == sorted(layer["layer"] for layer in result["layers"])


def test_score_without_kpis_says_no_evidence(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "--ratings", str(SAMPLE / "ratings.csv"), "--json")
    result = json.loads(out)
    assert code == 0
    assert {layer["status"] for layer in result["layers"]} == {"no_evidence"}
    assert all(layer["kpi_score"] is None for layer in result["layers"])


def test_empty_rating_means_dont_know(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    ratings = tmp_path / "r.csv"
    ratings.write_text("participant,statement_id,rating\nA,wow.advise_beyond,\n"
                       "B,wow.advise_beyond,4\n")
    code, out, _ = run(capsys, "score", "--ratings", str(ratings), "--json")
    wow = json.loads(out)["layers"][4]
    assert code == 0 and wow["self_score"] == 75.0


@pytest.mark.parametrize(("ratings", "kpis", "expected"), [
    ("participant,statement_id,rating\nA,product.primary_need,9\n", None, "must be 1-5"),
    ("participant,statement_id,rating\nA,nope,3\n", None, "unknown statement_id"),
    ("who,what\nA,B\n", None, "missing column"),
    ("", None, "empty"),
    ("participant,statement_id,rating\nA,product.primary_need,3\n",
     "kpi,value,period\nnps,lots,2026\n", "row 2, column value"),
    ("participant,statement_id,rating\nA,product.primary_need,3\n", b"\x00\x01\xff" * 100,
     "does not look like"),
])
def test_bad_input_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         ratings: str, kpis: str | bytes | None, expected: str
                                         ) -> None:
    r = tmp_path / "ratings.csv"
    r.write_text(ratings)
    args = ["score", "--ratings", str(r), "--json"]
    if kpis is not None:
        k = tmp_path / "kpis.csv"
        k.write_bytes(kpis if isinstance(kpis, bytes) else kpis.encode())
        args += ["--kpis", str(k)]
    code, out, err = run(capsys, *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "--ratings", "/no/such/file.csv")
    assert code == 2 and "cannot be read" in err


def test_python_dash_m_entry_point() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "loyalty_model", "statements", "--json"],
                          capture_output=True, text=True, cwd=ROOT, env=env, check=False)
    assert done.returncode == 0 and json.loads(done.stdout)[0]["id"]


def test_a_50_mb_kpi_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kpis = tmp_path / "kpis.csv"
    line = b"nps,24,2026-Q3,30\n"
    kpis.write_bytes(b"kpi,value,period,target\n" + line * (50 * 1024 * 1024 // len(line) + 1))
    code, _, err = run(capsys, "score", "--ratings", str(SAMPLE / "ratings.csv"),
                       "--kpis", str(kpis))
    assert code == 2 and "kpis.csv is 50.0 MB" in err and len(err.splitlines()) == 1


def test_kpis_from_raw_exports(capsys: pytest.CaptureFixture[str]) -> None:
    exports = SAMPLE / "exports"
    code, out, _ = run(capsys, "kpis", "--orders", str(exports / "ordrer.csv"),
                       "--surveys", str(exports / "kundemaaling.csv"),
                       "--tickets", str(exports / "sager.xlsx"),
                       "--customers", str(exports / "customers.csv"), "--json")
    result = json.loads(out)
    assert code == 0
    assert set(result["loyalty_matrix"]) == {"true_loyalty", "latent", "spurious", "none"}
    assert sum(result["loyalty_matrix"].values()) == pytest.approx(1.0)
    assert -100 <= result["nps"] <= 100 and 0 <= result["on_time_delivery_rate"] <= 1


def test_kpis_by_quarter_and_manual_map(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text("Nr;Kunde;Dato;Pris\n1;007;01-07-2026;10,5\n2;007;02-10-2026;20\n"
                      "3;008;03-10-2026;30\n", encoding="utf-8")
    code, out, err = run(capsys, "kpis", "--orders", str(orders), "--map", "orders.Nr=order_id",
                         "--map", "orders.Kunde=customer_id", "--map", "orders.Dato=ordered_at",
                         "--map", "orders.Pris=amount", "--by", "quarter", "--json")
    result = json.loads(out)
    assert code == 0, err
    assert list(result) == ["2026-Q3", "2026-Q4"]
    assert result["2026-Q3"]["on_time_delivery_rate"] is None  # no promised dates: missing


def test_kpis_count_survey_touchpoints_for_their_layer(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    import pandas as pd

    surveys = SAMPLE / "exports" / "kundemaaling.csv"
    answers = pd.read_csv(surveys, sep=";", encoding="utf-8-sig")
    mean = answers.groupby("Kontaktpunkt")["Anbefalingsscore"].mean()
    service = answers[answers["Kontaktpunkt"].isin(["Værksted", "Kundeservice"])]
    code, out, _ = run(capsys, "kpis", "--surveys", str(surveys), "--json")
    result = json.loads(out)
    assert code == 0
    assert result["fault_correction_survey_score"] == pytest.approx(
        service["Anbefalingsscore"].mean())
    assert result["delivery_survey_score"] is None  # no delivery touchpoint: missing, not 0
    assert result["touchpoint_layers"] == {"Værksted": "fault_correction", "Butik": None,
                                           "Webshop": None, "Kundeservice": "fault_correction"}
    code, out, _ = run(capsys, "kpis", "--surveys", str(surveys), "--touchpoint",
                       "Webshop=delivery", "--touchpoint", "værksted=none", "--json")
    result = json.loads(out)
    assert result["delivery_survey_score"] == pytest.approx(mean["Webshop"])
    assert result["fault_correction_survey_score"] == pytest.approx(mean["Kundeservice"])
    assert result["touchpoint_layers"]["Værksted"] is None
    code, out, err = run(capsys, "kpis", "--surveys", str(surveys), "--by", "quarter",
                         "--touchpoint", "Butik=product", "--touchpoint", "Butikk=product",
                         "--json")
    by_quarter = json.loads(out)
    assert all(kpis["product_survey_score"] is not None for kpis in by_quarter.values())
    assert err == "warning: --touchpoint 'Butikk' is not a touchpoint in the survey file\n"


@pytest.mark.parametrize("args", [
    ["kpis", "--json"],
    ["kpis", "--surveys", str(SAMPLE / "exports" / "kundemaaling.csv"),
     "--touchpoint", "Webshop=wow"],
    ["kpis", "--surveys", str(SAMPLE / "exports" / "kundemaaling.csv"),
     "--touchpoint", "Webshop"],
    ["kpis", "--orders", str(SAMPLE / "exports" / "ordrer.csv"),
     "--touchpoint", "Webshop=delivery"],
    ["kpis", "--orders", "x.csv", "--map", "nonsense"],
    ["kpis", "--map", "orders.A=amount", "--surveys", str(SAMPLE / "exports" / "kundemaaling.csv")],
])
def test_kpis_bad_arguments_exit_2(capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
