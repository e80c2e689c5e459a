"""`python -m loyalty_model rollup`: exported workshops in, the client roll-up out; bad input
exits 2 with one line."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from loyalty_model.assessment.scoring import assess
from loyalty_model.cli import main
from loyalty_model.model import Model
from loyalty_model.workshop import storage
from loyalty_model.workshop.workshop_json import export_json
from tests.pdf_text import pdf_text
from tests.test_clients import rate, three_teams

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, model: Model) -> dict[str, Path]:
    """Four workshop files: three teams, Sales twice (spring, then autumn)."""
    folder = tmp_path_factory.mktemp("exports")
    engine = storage.make_engine(f"sqlite:///{folder / 'source.db'}")
    _, made = three_teams(engine, model)
    autumn, _ = storage.create_follow_up(engine, made["Sales"], "Sales autumn")
    rate(engine, autumn, model, 4, {"product": 4})
    files = {}
    for name, workshop in {**made, "Sales autumn": autumn}.items():
        path = folder / f"{name.replace(' ', '-')}.json"
        path.write_bytes(export_json(engine, workshop))
        files[name] = path
    engine.dispose()
    return files


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_rollup_holds_each_teams_own_scores(capsys: pytest.CaptureFixture[str],
                                                 exported: dict[str, Path],
                                                 model: Model) -> None:
    # given in any order: teams by name, each team's workshops by date
    files = [str(exported[name]) for name in ("Sales autumn", "Warehouse", "Sales", "Support")]
    code, out, err = run(capsys, "rollup", "--workshops", *files, "--client", "Acme")
    assert code == 0, err
    result = json.loads(out)
    assert result["client"] == "Acme"
    assert [team["team"] for team in result["teams"]] == ["Sales", "Support", "Warehouse"]
    sales = result["teams"][0]
    assert [w["name"].split(" · ")[-1] for w in sales["workshops"]] == ["Sales Q3",
                                                                       "Sales autumn"]
    content = json.loads(exported["Support"].read_text())
    ratings = [{"participant": r["participant"], "statement_id": r["statement_id"],
                "rating": r["rating"]} for r in content["ratings"]]
    kpis = pd.DataFrame(content["kpis"])
    own = assess(pd.DataFrame(ratings), kpis, model).to_dict()
    support = result["teams"][1]
    assert support["latest"] == [{k: layer[k] for k in ("layer", "self_score", "kpi_score",
                                                        "gap", "status")}
                                 for layer in own["layers"]]
    assert support["priorities"] == own["priorities"]
    assert set(result) >= {"layers", "priorities", "disagreements", "shared_priorities",
                           "action_plan"}
    assert {row["team"] for row in result["action_plan"]} == {"Sales", "Support", "Warehouse"}


def test_pdf_and_deck_in_danish(capsys: pytest.CaptureFixture[str], exported: dict[str, Path],
                                tmp_path: Path) -> None:
    files = [str(path) for path in exported.values()]
    pdf = tmp_path / "acme.pdf"
    code, out, err = run(capsys, "rollup", "--workshops", *files, "--lang", "da",
                         "--client", "Acme", "--out", str(pdf))
    assert code == 0, err
    assert "Klientrapporten er skrevet" in out
    text = pdf_text(pdf)
    assert "Klientoverblik" in text and "Samlet handlingsplan" in text
    assert "Team: Warehouse" in text
    deck = tmp_path / "acme.pptx"
    code, _, err = run(capsys, "rollup", "--workshops", *files, "--lang", "da",
                       "--format", "pptx", "--out", str(deck))
    assert code == 0, err
    slides = Presentation(io.BytesIO(deck.read_bytes())).slides
    assert any(slide.shapes.title is not None and
               slide.shapes.title.text_frame.text == "Team: Support" for slide in slides)


@pytest.mark.parametrize("case", ["not_json", "missing", "folder", "no_out", "bad_suffix",
                                  "not_an_export"])
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str],
                                         exported: dict[str, Path], tmp_path: Path,
                                         case: str) -> None:
    good = str(exported["Sales"])
    other = tmp_path / "notes.json"
    if case == "not_json":
        other.write_text("hello, not json")
        args = ["--workshops", good, str(other)]
    elif case == "not_an_export":
        other.write_text(json.dumps({"format": "something else"}))
        args = ["--workshops", good, str(other)]
    elif case == "missing":
        args = ["--workshops", good, str(tmp_path / "gone.json")]
    elif case == "folder":
        args = ["--workshops", good, str(tmp_path)]
    elif case == "no_out":
        args = ["--workshops", good, "--format", "pdf"]
    else:
        args = ["--workshops", good, "--out", str(tmp_path / "x.txt")]
    code, out, err = run(capsys, "rollup", *args)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("error")
    if case in ("not_json", "not_an_export"):
        assert "notes.json" in err
    assert not (tmp_path / "x.txt").exists()


def test_the_command_runs_as_a_module(exported: dict[str, Path]) -> None:
    result = subprocess.run([sys.executable, "-m", "loyalty_model", "rollup", "--workshops",
                             str(exported["Support"]), "--format", "json"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["teams"][0]["team"] == "Support"


def test_an_aggregates_only_workshop_rolls_up_from_its_counts(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, model: Model) -> None:
    from loyalty_model.assessment.rollup import heatmap_frame
    from loyalty_model.workshop.client_rollup import load_client_rollup

    engine = storage.make_engine(f"sqlite:///{tmp_path / 'quiet.db'}")
    client, client_key = storage.create_client(engine, "Acme")
    workshop, key = storage.create_workshop(engine, "Quiet", "Quiet team",
                                            anonymity="aggregates_only")
    rate(engine, workshop, model, 3, {"product": 5, "wow": 2})
    storage.attach_workshop(engine, workshop, key, client.id, client_key)
    path = tmp_path / "quiet.json"
    path.write_bytes(export_json(engine, workshop))
    in_app = heatmap_frame(load_client_rollup(engine, client, model))
    engine.dispose()
    assert '"ratings": [{' not in path.read_text()  # no per-person answers in the file
    code, out, err = run(capsys, "rollup", "--workshops", str(path))
    assert code == 0, err
    latest = json.loads(out)["teams"][0]["latest"]
    assert [layer["self_score"] for layer in latest] == [
        round(score, 1) for score in in_app["self_score"]]
