"""`python -m loyalty_model report`: the files it writes, its language, and exit 2 on bad input."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from loyalty_model.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "sample"
SAMPLE_ARGS = ["report", "--ratings", str(SAMPLE / "ratings.csv"), "--kpis",
               str(SAMPLE / "kpis.csv"), "--date", "2026-11-22", "--team", "Fjordcykler ApS"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def actions(tmp_path: Path) -> Path:
    path = tmp_path / "handlinger.csv"
    path.write_text("action;layer;owner;due_date\n"
                    "Ring til fem kunder;Leverance;Jonas;15-12-2026\n"
                    "=HYPERLINK(\"http://x\");wow;;2027-01-31\n", encoding="utf-8")
    return path


def test_pdf_in_danish_with_the_action_plan(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                            actions: Path) -> None:
    out = tmp_path / "rapport.pdf"
    code, stdout, err = run(capsys, *SAMPLE_ARGS, "--actions", str(actions), "--format", "pdf",
                            "--lang", "da", "--out", str(out))
    assert (code, err) == (0, "")
    assert stdout.strip() == f"PDF-rapporten er gemt i {out}"
    assert out.read_bytes().startswith(b"%PDF")


def test_deck_with_logo_and_accent(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (200, 80), "navy").save(logo)
    out = tmp_path / "deck.pptx"
    code, stdout, _ = run(capsys, *SAMPLE_ARGS, "--lang", "en", "--out", str(out),
                          "--logo", str(logo), "--accent", "#c0392b")
    assert code == 0 and stdout.startswith("Slide deck written to")  # format from the suffix
    prs = Presentation(str(out))
    assert len(prs.slides) > 10


def test_xlsx_neutralises_the_action_file(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                          actions: Path) -> None:
    out = tmp_path / "resultater.xlsx"
    code, _, _ = run(capsys, *SAMPLE_ARGS, "--actions", str(actions), "--format", "xlsx",
                     "--lang", "da", "--out", str(out))
    assert code == 0
    plan = openpyxl.load_workbook(io.BytesIO(out.read_bytes()))["Handlingsplan"]
    assert [c.value for c in plan[2]][:3] == ["Ring til fem kunder", "Leverance", "Jonas"]
    assert plan["A3"].value == "'=HYPERLINK(\"http://x\")" and plan["A3"].data_type == "s"


@pytest.mark.parametrize(("extra", "lang", "expected"), [
    (["--out", "{tmp}/x.doc"], "da", "fejl: --format skal være pdf, pptx eller xlsx"),
    (["--out", "{tmp}/x.pptx", "--accent", "teal"], "en", "--accent must be a hex colour"),
    (["--out", "{tmp}/x.pptx", "--logo", "{tmp}/logo.txt"], "da", "er ikke et PNG"),
    (["--out", "{tmp}/x.pdf", "--actions", "{tmp}/bad_layer.csv"], "da",
     "række 2, kolonne layer: 'Salg' er ikke et lag"),
    (["--out", "{tmp}/x.pdf", "--actions", "{tmp}/bad_date.csv"], "en",
     "row 2, column due_date: 'next week' is not a date"),
    (["--out", "{tmp}/x.pdf", "--actions", "{tmp}/no_action.csv"], "en", "missing column"),
    (["--out", "{tmp}/x.pdf", "--date", "22/13/2026"], "en", "--date must look like"),
    (["--out", "{tmp}/no/such/dir/x.xlsx"], "da", "kan ikke gemmes"),
    (["--out", "{tmp}/x.pdf", "--currency", "kroner"], "en", "--currency must be a three-letter"),
])
def test_bad_input_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                         extra: list[str], lang: str, expected: str) -> None:
    (tmp_path / "logo.txt").write_text("not an image")
    (tmp_path / "bad_layer.csv").write_text("action,layer\nRing,Salg\n")
    (tmp_path / "bad_date.csv").write_text("action,due_date\nRing,next week\n")
    (tmp_path / "no_action.csv").write_text("what,who\nRing,Jonas\n")
    args = [a.replace("{tmp}", str(tmp_path)) for a in extra]
    code, stdout, err = run(capsys, *SAMPLE_ARGS, "--lang", lang, *args)
    assert code == 2 and stdout == ""
    assert len(err.strip().splitlines()) == 1 and expected in err
    assert not list(tmp_path.glob("x.*"))


def test_a_bad_ratings_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ratings = tmp_path / "r.csv"
    ratings.write_text("participant,statement_id,rating\nA,product.primary_need,9\n")
    code, _, err = run(capsys, "report", "--ratings", str(ratings), "--lang", "da",
                       "--out", str(tmp_path / "x.pdf"))
    # --lang da now reaches the scoring message too (it was English before).
    assert code == 2 and err.startswith("fejl: ") and "rating '9' skal være 1-5" in err
    code, _, err = run(capsys, "report", "--ratings", str(tmp_path / "missing.csv"),
                       "--out", str(tmp_path / "x.pdf"))
    assert code == 2 and "cannot be read" in err


def test_currency_option_writes_every_amount_in_that_currency(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from tests.test_report_business_case import money_in, pdf_to_text
    from tests.test_reports import deck_text

    outputs = {}
    for suffix in ("pdf", "pptx", "xlsx"):
        out = tmp_path / f"report.{suffix}"
        code, _, err = run(capsys, *SAMPLE_ARGS, "--lang", "en", "--currency", "sek",
                           "--out", str(out))
        assert (code, err) == (0, "")
        outputs[suffix] = out.read_bytes()
    pdf = pdf_to_text(outputs["pdf"], tmp_path)
    deck = deck_text(outputs["pptx"])
    for text in (pdf, deck):
        assert len(money_in(text, "en", "SEK")) >= 5  # the business case's amounts
        assert money_in(text, "en", "DKK") == []
    assert "SEK 438" in pdf  # Monthly revenue per customer (437.91) on the WOW layer's page
    kpis = openpyxl.load_workbook(io.BytesIO(outputs["xlsx"]))["KPIs"]
    formats = {row[0].value: row[2].number_format for row in kpis.iter_rows(min_row=2)}
    assert "SEK" in formats["Monthly revenue per customer"]
    assert "SEK" not in formats["Net Promoter Score"]
    code, _, _ = run(capsys, *SAMPLE_ARGS, "--lang", "da", "--out", str(tmp_path / "r.pdf"))
    assert code == 0 and "438 kr." in pdf_to_text((tmp_path / "r.pdf").read_bytes(), tmp_path)
