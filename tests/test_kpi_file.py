"""Summary KPI files in every dialect, and every kind of bad file, with clear messages."""

from __future__ import annotations

import io
import os

import pandas as pd
import pytest

from loyalty_model.intake.kpi_file import merge_kpis, read_kpi_file
from loyalty_model.intake.table import ReadError
from loyalty_model.model import Model

GOOD = "kpi,value,period,target\nnps,24,2026-Q3,30\nfirst_contact_resolution,0.82,2026-Q3,\n"


def test_plain_csv(model: Model) -> None:
    result = read_kpi_file(GOOD.encode(), "kpis.csv", model)
    assert result.problems == []
    assert list(result.frame["kpi"]) == ["nps", "first_contact_resolution"]
    assert result.frame["value"].tolist() == [24.0, 0.82]
    assert result.frame["target"].iloc[0] == 30.0 and pd.isna(result.frame["target"].iloc[1])


def test_danish_excel_dialect(model: Model) -> None:
    text = ("Nøgletal;Værdi;Periode;Mål\r\nnps;24,5;2026-Q3;30\r\n"
            "Løst ved første kontakt;82,0%;Q3 2026;\r\n"
            "Median løsningstid;1.234,5;2026-07;24\r\n")
    result = read_kpi_file(text.encode("cp1252"), "nøgletal.csv", model)
    assert result.problems == []
    rows = result.frame.set_index("kpi")
    assert rows.loc["nps", "value"] == 24.5
    assert rows.loc["first_contact_resolution", "value"] == pytest.approx(0.82)
    assert rows.loc["first_contact_resolution", "period"] == "2026-Q3"
    assert rows.loc["median_resolution_hours", "value"] == 1234.5


def test_utf8_bom_and_xlsx(model: Model) -> None:
    bom = read_kpi_file(b"\xef\xbb\xbf" + GOOD.encode(), "kpis.csv", model)
    assert bom.problems == [] and bom.rows_ok == 2
    buffer = io.BytesIO()
    pd.read_csv(io.StringIO(GOOD)).to_excel(buffer, index=False)
    xlsx = read_kpi_file(buffer.getvalue(), "kpis.xlsx", model)
    assert xlsx.problems == []
    assert xlsx.frame["value"].tolist() == [24.0, 0.82]


def test_bad_rows_are_named_and_good_rows_kept(model: Model) -> None:
    text = GOOD + "growth hacking,3,2026-Q3,\nnps,abc,2026-Q3,\nnps,150,2026-Q2,\nnps,10,soon,\n"
    result = read_kpi_file(text.encode(), "kpis.csv", model)
    assert result.rows_ok == 2
    assert result.problems == [
        "kpis.csv row 4, column kpi: 'growth hacking' is not a known KPI "
        "(see the template for the names)",
        "kpis.csv row 5, column value: 'abc' is not a number",
        "kpis.csv row 6, column value: 150 is out of range: nps must be between -100 and 100",
        "kpis.csv row 7, column period: 'soon' is not a period "
        "(write 2026, 2026-07 or 2026-Q3)",
    ]


def test_share_written_as_percent_number_is_refused_with_a_hint(model: Model) -> None:
    text = "kpi,value,period\non_time_delivery_rate,78,2026-Q3\n"
    result = read_kpi_file(text.encode(), "kpis.csv", model)
    assert result.rows_ok == 0
    assert "write 0.78 or 78%" in result.problems[0]


def test_many_problems_are_summarised(model: Model) -> None:
    text = "kpi,value,period\n" + "nps,x,2026\n" * 500
    result = read_kpi_file(text.encode(), "kpis.csv", model)
    summary = result.summary()
    assert len(summary) == 6 and summary[-1] == "… and 495 more problems"


@pytest.mark.parametrize(("name", "data", "expected"), [
    ("empty.csv", b"", "empty"),
    ("header-only.csv", b"kpi,value,period\n", "no data rows"),
    ("wrong.csv", b"name,amount\nx,1\n", "kpi"),
    ("random.csv", os.urandom(4096), "random.csv"),
    ("broken.xlsx", b"PK\x03\x04not really a zip", "broken.xlsx"),
])
def test_unusable_files_raise_a_clear_read_error(model: Model, name: str, data: bytes,
                                                 expected: str) -> None:
    with pytest.raises(ReadError) as caught:
        read_kpi_file(data, name, model)
    message = str(caught.value)
    assert expected.lower() in message.lower()
    assert "Traceback" not in message and len(message.splitlines()) == 1


def test_a_50_mb_file_is_refused_before_parsing(model: Model) -> None:
    line = b"nps,24,2026-Q3,30\n"
    data = b"kpi,value,period,target\n" + line * (50 * 1024 * 1024 // len(line) + 1)
    assert len(data) > 50 * 1024 * 1024
    with pytest.raises(ReadError) as caught:
        read_kpi_file(data, "huge.csv", model)
    assert str(caught.value).startswith("huge.csv is 50.0 MB")


def test_new_values_replace_old_for_the_same_period_only(model: Model) -> None:
    old = read_kpi_file(GOOD.encode(), "a.csv", model).frame
    new = read_kpi_file(b"kpi,value,period\nnps,40,2026-Q3\nnps,10,2026-Q2\n", "b.csv",
                        model).frame
    merged = merge_kpis(old, new).set_index(["kpi", "period"])["value"]
    assert merged[("nps", "2026-Q3")] == 40
    assert merged[("nps", "2026-Q2")] == 10
    assert merged[("first_contact_resolution", "2026-Q3")] == 0.82


def test_row_numbers_survive_blank_rows(model: Model) -> None:
    text = "kpi,value,period\nnps,24,2026-Q3\n,,\nnps,abc,2026-Q2\n"
    result = read_kpi_file(text.encode(), "kpis.csv", model)
    assert result.problems == ["kpis.csv row 4, column value: 'abc' is not a number"]
