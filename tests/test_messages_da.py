"""Messages about bad input in Danish: cells, files, mappings, KPI files, ratings and the CLI.

English texts are pinned by the existing tests (and a few more here); these tests hold the
Danish side: every message key renders in both languages, and what a Danish user sees reads
as Danish, with Danish number formats.
"""

from __future__ import annotations

import io
import pickle
import re
import string
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from loyalty_model.assessment.scoring import ScoringInputError, validate_ratings
from loyalty_model.cli import main
from loyalty_model.i18n import strings, t
from loyalty_model.intake.converters import CellProblem
from loyalty_model.intake.kpi_file import read_kpi_file
from loyalty_model.intake.loading import EXPECTED, format_problems, load_kind
from loyalty_model.intake.mapping import KINDS, apply_mapping
from loyalty_model.intake.raw_intake import compute
from loyalty_model.intake.readers import read_table
from loyalty_model.intake.table import ReadError
from loyalty_model.messages import Message, Number, localized
from loyalty_model.model import Model

ROOT = Path(__file__).resolve().parent.parent
HEADER = ["Ordrenr", "Kunde-ID", "Ordredato", "Beløb"]


def _orders_rows(n: int, bad_at: int) -> list[list[str]]:
    """n data rows of a Danish order export; data row `bad_at` (0-based) has Beløb 'abc'."""
    rows = [[f"{1000 + i}", f"K{i % 50}", "03-04-2026", "1.234,50"] for i in range(n)]
    rows[bad_at][3] = "abc"
    return rows


def _danish_excel_csv(n: int = 1300, bad_at: int = 1201) -> bytes:
    lines = [";".join(HEADER), *(";".join(row) for row in _orders_rows(n, bad_at))]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _danish_xlsx(n: int = 1300, bad_at: int = 1201) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in _orders_rows(n, bad_at):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- a Dane's bad cell -------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "data"), [
    ("ordrer.csv", _danish_excel_csv()),
    ("ordrer.xlsx", _danish_xlsx()),
])
def test_a_bad_cell_in_a_danish_export_reads_as_danish(name: str, data: bytes) -> None:
    loaded = load_kind(read_table(data, name), "orders")
    assert loaded.problem_count == 1 and loaded.rows_ok == 1299
    assert format_problems(loaded, lang="da") == [
        f"{name} række 1.203, kolonne Beløb: 'abc' er ikke et tal"]
    assert format_problems(loaded) == [f"{name} row 1 203, column Beløb: 'abc' is not a number"]


def test_the_raw_upload_tab_gets_danish_problems_and_counts() -> None:
    rows = [["1", "K1", "03-04-2026", "x"] for _ in range(1500)]
    text = "\n".join([";".join(HEADER), *(";".join(row) for row in rows)])
    table = read_table(text.encode(), "ordrer.csv")
    result = compute({"orders": (table, {"Ordrenr": "order_id", "Kunde-ID": "customer_id",
                                         "Ordredato": "ordered_at", "Beløb": "amount"})})
    lines = result.problems(limit=2, lang="da")["orders"]
    assert lines == ["ordrer.csv række 2, kolonne Beløb: 'x' er ikke et tal",
                     "ordrer.csv række 3, kolonne Beløb: 'x' er ikke et tal",
                     "… og 1.498 problemer mere i ordrer.csv"]
    assert result.problems(limit=2)["orders"][-1] == "… and 1 498 more problems in ordrer.csv"


@pytest.mark.parametrize(("problem", "danish"), [
    (CellProblem(1203, "Beløb", "abc", EXPECTED["number"], "ordrer.csv"),
     "ordrer.csv række 1.203, kolonne Beløb: 'abc' er ikke et tal"),
    (CellProblem(2, "Kunde-ID", "", EXPECTED["id"], "o.csv"),
     "o.csv række 2, kolonne Kunde-ID: cellen er tom; her skal stå et id"),
    (CellProblem(5, "Dato", "31-02-2026", EXPECTED["date"], "o.csv"),
     "o.csv række 5, kolonne Dato: '31-02-2026' er ikke en dato (fx 22-11-2026)"),
    (CellProblem(7, "Churn", "måske", EXPECTED["bool"], "k.csv"),
     "k.csv række 7, kolonne Churn: 'måske' er ikke ja/nej (eller yes/no, 1/0)"),
    (CellProblem(3, "Score", "11", EXPECTED["score"], ""),
     "række 3, kolonne Score: '11' er ikke et helt tal fra 0 til 10"),
    (CellProblem(3, "X", "y", "something unforeseen", "f.csv"),
     "f.csv række 3, kolonne X: 'y' er ikke something unforeseen"),
])
def test_cell_problems_in_danish(problem: CellProblem, danish: str) -> None:
    assert problem.message("da") == danish
    assert problem.message("en") == problem.message() == str(problem)


# --- files that cannot be read -----------------------------------------------------------------


@pytest.mark.parametrize(("data", "name", "english", "danish"), [
    (b"", "ordrer.csv", "ordrer.csv is empty.", "ordrer.csv er tom."),
    (b"", "", "the file is empty.", "filen er tom."),
    (b"id,amount\n", "o.csv", "o.csv has a header but no data rows.",
     "o.csv har en overskriftsrække, men ingen rækker med data."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "o.csv",
     "o.csv does not look like a CSV or Excel file; export the data as CSV or .xlsx.",
     "o.csv ligner ikke en CSV- eller Excel-fil; eksportér data som CSV eller .xlsx."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "o.xls",
     "o.xls is an old-style or password-protected Excel file; save it as .xlsx (without a "
     "password) or as CSV and upload it again.",
     "o.xls er en Excel-fil i det gamle format eller beskyttet med adgangskode; gem den som "
     ".xlsx (uden adgangskode) eller som CSV, og upload den igen."),
    (b"PK\x03\x04garbage", "o.xlsx",
     "o.xlsx could not be opened as an Excel workbook; it may be damaged or not really .xlsx "
     "— try saving it again from Excel or export it as CSV.",
     "o.xlsx kunne ikke åbnes som Excel-projektmappe; den kan være beskadiget eller ikke rigtig "
     "være .xlsx – prøv at gemme den igen fra Excel, eller eksportér den som CSV."),
    (b"a\tb\n1\t2\n3\t4\t5\n", "o.csv",
     "o.csv row 3 has a different number of fields than the header (separator 'tab'); "
     "check for stray separators or quotes.",
     "o.csv række 3 har et andet antal felter end overskriftsrækken (skilletegn 'tabulator'); "
     "se efter skilletegn eller anførselstegn, der ikke hører til."),
])
def test_read_errors_in_both_languages(data: bytes, name: str, english: str,
                                       danish: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_table(data, name)
    assert str(caught.value) == caught.value.message == english
    assert caught.value.localized() == english
    assert caught.value.localized("da") == danish


def test_too_large_uses_danish_decimals() -> None:
    data = b"a,b\n" + b"1,2\n" * (50 * 1024 * 1024 // 4)
    with pytest.raises(ReadError) as caught:
        read_table(data, "ordrer.csv", max_bytes=10 * 1024 * 1024)
    assert str(caught.value) == "ordrer.csv is 50.0 MB; the limit is 10.0 MB."
    assert caught.value.localized("da") == "ordrer.csv fylder 50,0 MB; grænsen er 10,0 MB."


def test_a_plain_string_read_error_is_shown_as_it_is() -> None:
    error = ReadError("something odd", file="x.csv")
    assert error.localized("da") == "something odd"


@pytest.mark.parametrize(("mapping", "english", "danish"), [
    ({"Ordrenr": "order_id", "Kunde-ID": "customer_id", "Beløb": "amount"},
     "o.csv has no column for ordered_at, which orders files need; map it to one of the "
     "file's columns or add it.",
     "o.csv har ingen kolonne til ordered_at, som en fil med ordrer skal have; kobl den til en "
     "af filens kolonner, eller tilføj den."),
    ({"Ordrenr": "order_id", "Kunde-ID": "order_id"},
     "o.csv: more than one column is mapped to order_id; choose one.",
     "o.csv: mere end én kolonne er koblet til order_id; vælg én af dem."),
    ({"Ordrenr": "score"},
     "o.csv: score is not a column of orders files (expected order_id, customer_id, "
     "ordered_at, amount, promised_at, delivered_at).",
     "o.csv: score er ikke en kolonne i en fil med ordrer (forventet: order_id, customer_id, "
     "ordered_at, amount, promised_at, delivered_at)."),
    ({"Nr": "order_id"},
     "o.csv has no column named 'Nr'; check the column mapping.",
     "o.csv har ingen kolonne, der hedder 'Nr'; tjek koblingen af kolonnerne."),
])
def test_mapping_errors_in_both_languages(mapping: dict[str, str], english: str,
                                          danish: str) -> None:
    table = read_table(_danish_excel_csv(5, 0), "o.csv")
    with pytest.raises(ReadError) as caught:
        apply_mapping(table, "orders", mapping)
    assert (str(caught.value), caught.value.localized("da")) == (english, danish)


# --- KPI files and ratings ---------------------------------------------------------------------


def test_kpi_file_problems_in_danish(model: Model) -> None:
    text = ("kpi,value,period,target\nnps,24,2026-Q3,30\ngrowth hacking,3,2026-Q3,\n"
            "nps,abc,2026-Q3,\nnps,150,2026-Q2,\non_time_delivery_rate,1.5,2026,\n"
            "nps,10,snart,\nnps,10,2026,x\n")
    result = read_kpi_file(text.encode(), "kpis.csv", model)
    assert result.summary(limit=10, lang="da") == [
        "kpis.csv række 3, kolonne kpi: 'growth hacking' er ikke et kendt nøgletal "
        "(se navnene i skabelonen)",
        "kpis.csv række 4, kolonne value: 'abc' er ikke et tal",
        "kpis.csv række 5, kolonne value: 150 ligger uden for det tilladte område: nps skal være "
        "mellem -100 og 100",
        "kpis.csv række 6, kolonne value: 1,5 ligger uden for det tilladte område: "
        "on_time_delivery_rate skal være mellem 0 og 1 (skriv 0,78 eller 78 %)",
        "kpis.csv række 7, kolonne period: 'snart' er ikke en periode "
        "(skriv 2026, 2026-07 eller 2026-Q3)",
        "kpis.csv række 8, kolonne target: 'x' er ikke et tal",
    ]
    assert result.problems[3] == (
        "kpis.csv row 6, column value: 1.5 is out of range: on_time_delivery_rate must be "
        "between 0 and 1 (write 0.78 or 78%)")
    assert result.summary(limit=10) == result.summary(10, "en") == result.problems


def test_many_kpi_problems_are_counted_in_danish(model: Model) -> None:
    text = "kpi,value,period\n" + "nps,x,2026\n" * 1300
    result = read_kpi_file(text.encode(), "kpis.csv", model)
    assert result.summary(lang="da")[-1] == "… og 1.295 problemer mere"
    assert result.summary()[-1] == "… and 1,295 more problems"
    assert result.summary(lang="da")[0] == "kpis.csv række 2, kolonne value: 'x' er ikke et tal"


@pytest.mark.parametrize(("rows", "english", "danish"), [
    ([{"participant": "A", "statement_id": "nope", "rating": 3}],
     "row 2: unknown statement_id 'nope'", "række 2: ukendt statement_id 'nope'"),
    ([{"participant": "", "statement_id": "x", "rating": 3}],
     "row 2: participant is empty", "række 2: participant er tom"),
    ([{"participant": "A", "statement_id": "product.primary_need", "rating": 9}],
     "row 2: rating '9' must be 1-5, or empty for don't know",
     "række 2: rating '9' skal være 1-5 eller tom for ved ikke"),
    ([{"participant": "A", "statement_id": "product.primary_need", "rating": 3}] * 2,
     "A rated product.primary_need more than once",
     "A har bedømt product.primary_need mere end én gang"),
    ([{"participant": "A", "rating": 3}],
     "ratings need the columns participant, statement_id, rating; missing statement_id",
     "bedømmelserne skal have kolonnerne participant, statement_id og rating; "
     "statement_id mangler"),
])
def test_rating_errors_in_both_languages(model: Model, rows: list[dict], english: str,
                                         danish: str) -> None:
    with pytest.raises(ScoringInputError) as caught:
        validate_ratings(pd.DataFrame(rows), model)
    assert (str(caught.value), caught.value.localized("da")) == (english, danish)


def test_rating_rows_beyond_a_thousand_use_danish_grouping(model: Model) -> None:
    good = {"participant": "A", "statement_id": "product.primary_need", "rating": 3}
    rows = [{**good, "participant": f"P{i}"} for i in range(1500)]
    rows[1300]["statement_id"] = "nope"
    with pytest.raises(ScoringInputError) as caught:
        validate_ratings(pd.DataFrame(rows), model)
    assert str(caught.value) == "row 1302: unknown statement_id 'nope'"
    assert caught.value.localized("da") == "række 1.302: ukendt statement_id 'nope'"


# --- the CLI -----------------------------------------------------------------------------------


def test_report_in_danish_explains_a_bad_kpi_file_in_danish(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    kpis = tmp_path / "kpis.csv"
    kpis.write_text("kpi,value,period\nnps,abc,2026\nnps,x,2026\n")
    args = ["report", "--ratings", str(ROOT / "data" / "sample" / "ratings.csv"),
            "--kpis", str(kpis), "--out", str(tmp_path / "x.pdf")]
    assert main([*args, "--lang", "da"]) == 2
    assert capsys.readouterr().err == (
        "fejl: kpis.csv række 2, kolonne value: 'abc' er ikke et tal (og 1 mere)\n")
    assert main(args) == 2
    assert capsys.readouterr().err == (
        "error: kpis.csv row 2, column value: 'abc' is not a number (and 1 more)\n")


def test_report_in_danish_names_an_empty_ratings_file_in_danish(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ratings = tmp_path / "svar.csv"
    ratings.write_bytes(b"")
    assert main(["report", "--ratings", str(ratings), "--lang", "da",
                 "--out", str(tmp_path / "x.pdf")]) == 2
    assert capsys.readouterr().err == "fejl: svar.csv er tom.\n"


def test_score_stays_english(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    ratings = tmp_path / "r.csv"
    ratings.write_text("participant,statement_id,rating\nA,nope,3\n")
    assert main(["score", "--ratings", str(ratings)]) == 2
    assert capsys.readouterr().err == "error: r.csv: row 2: unknown statement_id 'nope'\n"


# --- the strings themselves --------------------------------------------------------------------


def _message_keys() -> list[str]:
    return sorted(key for key in strings("en") if key.startswith("msg."))


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", _message_keys())
def test_every_message_renders_in_both_languages(key: str) -> None:
    en, da = strings("en")[key], strings("da").get(key)
    assert da is not None, f"{key} has no Danish text"
    assert _fields(en) == _fields(da), f"{key}: placeholders differ"
    values = {name: f"<{name}>" for name in _fields(en)}
    rendered = {lang: t(key, lang, **values) for lang in ("en", "da")}
    for text in rendered.values():
        assert "{" not in text and "}" not in text
        assert all(f"<{name}>" in text for name in values)
    assert rendered["en"] != rendered["da"], f"{key} is not translated"


def test_every_message_key_used_in_the_code_exists() -> None:
    used: set[str] = set()
    for path in (ROOT / "loyalty_model").rglob("*.py"):
        used |= set(re.findall(r"""\bMessage\(\s*["']([a-z_.]+)["']""", path.read_text()))
    used |= {f"kind.{kind}" for kind in KINDS}
    used |= {f"expected.{key}" for key in ("id", "text", "date", "number", "score", "count",
                                           "bool", "after_opened")}
    assert len(used) > 30
    assert sorted(f"msg.{key}" for key in used if f"msg.{key}" not in strings("en")) == []


def test_a_message_is_its_english_text_and_survives_pickling() -> None:
    message = Message("cell.bad", where=Message("cell.where", file="o.csv",
                                                row=Number(1203, en_group=" "), column="Beløb"),
                      value="abc", expected=Message("expected.number"))
    assert message == "o.csv row 1 203, column Beløb: 'abc' is not a number"
    copy = pickle.loads(pickle.dumps(message))
    assert copy.localized("da") == "o.csv række 1.203, kolonne Beløb: 'abc' er ikke et tal"
    assert localized(copy, "da") == copy.localized("da")
    assert localized("plain", "da") == "plain"
