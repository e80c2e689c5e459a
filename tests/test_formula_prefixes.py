"""Formulas hidden behind leading control characters or whitespace are neutralised too.

Issue 15.5: a cell "\\0=1+1" left the action-plan CSV unchanged. OWASP's CSV-injection guidance:
spreadsheets may skip leading NUL, whitespace, tab and CR before they look for = + - @, so such
a cell must get the apostrophe as well, in the CSV and in the XLSX workbook. Every prefix is
tried before every formula character.
"""

from __future__ import annotations

import csv
import io
import itertools
import re

import openpyxl
import pandas as pd
import pytest

from loyalty_model.assessment.scoring import assess
from loyalty_model.model import Model
from loyalty_model.takeaways.exports import actions_csv, neutralise, results_xlsx
from loyalty_model.workshop import sample

PREFIXES = ["", "\0", " ", "  ", "\t", "\r", "\n", "\x0b", "\x0c", "\x1f", "\x7f", "\xa0",
            "\u3000", "\u200b", "\ufeff", "\0\t \r", " \0"]
FORMULA = ["=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20"]
CASES = [prefix + start + "1+1" for prefix, start in itertools.product(PREFIXES, FORMULA)]


def test_the_cases_cover_every_prefix_before_every_formula_character() -> None:
    assert len(CASES) == len(PREFIXES) * len(FORMULA) == 136


@pytest.mark.parametrize("cell", CASES, ids=repr)
def test_every_hidden_formula_gets_the_apostrophe(cell: str) -> None:
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Call the customer", " call at 9", "\tindented", "a=b",
                                  "e-mail the team", "1+1"])
def test_plain_text_is_left_as_it_is(cell: str) -> None:
    assert neutralise(cell) in (cell, "'" + cell)  # a lone tab/CR start is prefixed (OWASP)
    if not cell.startswith(("\t", "\r")):
        assert neutralise(cell) == cell


def plan(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame([{"action": text, "layer": "delivery", "owner": text,
                          "due_date": "2026-12-01"} for text in texts])


def test_the_action_plan_csv_has_no_cell_a_spreadsheet_runs(model: Model) -> None:
    content = actions_csv(plan(CASES), model, "en").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content, newline="")))[1:]
    assert len(rows) == len(CASES)
    for row, cell in zip(rows, CASES, strict=True):
        assert row[0] == "'" + cell and row[2] == "'" + cell


def test_the_workbook_has_no_cell_a_spreadsheet_runs(model: Model) -> None:
    assessment = assess(sample.sample_ratings(), sample.sample_kpis(model).frame, model)
    book = openpyxl.load_workbook(io.BytesIO(results_xlsx(assessment, model, "en", plan(CASES))))
    sheet = book.worksheets[1]  # the action plan
    cells = [sheet.cell(row, 1) for row in range(2, len(CASES) + 2)]
    for cell in cells:
        assert cell.data_type == "s" and cell.value.startswith("'"), repr(cell.value)
        body = re.sub(r"^[\s\x00-\x1f\x7f\u200b\ufeff]+", "", cell.value[1:])
        assert body.startswith(tuple(FORMULA)), repr(cell.value)
