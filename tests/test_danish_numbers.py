"""No decimal point in a Danish number, anywhere: pages, charts, PDF and deck of the sample.

Issue 10, item 9: "spredning 1.4" on screen but "1,4" in the PDF, axes 1.0…5.0, inputs showing
20.00. Every surface now formats through loyalty_model.i18n (Babel); these tests render what a
Danish user sees of the sample company and scan every number in it (tests/danish_numbers.py).
They also hold the take-home polish of item 10: PDF pages that are not left nearly empty, and
slide titles that fit their box.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from loyalty_model.i18n import fmt_date, fmt_money, fmt_number, fmt_percent, vega_locale
from loyalty_model.model import Model, load_model
from loyalty_model.takeaways.exports import results_csv
from loyalty_model.takeaways.pptx_deck import TITLE_BOX_H, TITLE_MIN_PT, _lines_needed
from loyalty_model.takeaways.report_data import ReportData, from_workshop
from loyalty_model.takeaways.report_pdf import layout_pdf
from loyalty_model.takeaways.report_pptx import render_pptx
from loyalty_model.workshop import sample, storage
from tests.danish_numbers import chart_locales, deck_texts, misread, page_texts
from tests.pdf_text import pdf_text
from views._results_layers import LAYER_KEY, TABS_KEY

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["views/start.py", "views/assess.py", "views/kpis.py", "views/results.py",
         "views/actions.py", "views/business_case.py", "views/facilitate.py",
         "views/presenter.py"]


@pytest.fixture(scope="module")
def danish_workshop(app_db: Path) -> tuple[storage.Workshop, str]:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    return sample.create_sample_workshop(engine, load_model(), "da")


@pytest.fixture(scope="module", params=["da", "en"])
def report(request: pytest.FixtureRequest, danish_workshop: tuple[storage.Workshop, str],
           app_db: Path) -> ReportData:
    """The sample's report as the app builds it (its KPIs, loyalty matrix and proposed plan)."""
    engine = storage.make_engine(f"sqlite:///{app_db}")
    return from_workshop(engine, danish_workshop[0], load_model(), request.param)


def test_the_scanner_finds_a_decimal_point_and_nothing_else() -> None:
    assert misread("spredning 1.4 · akse 1.0 2.0 · 20.00 · 87.7% · 1,234.5") == [
        "1.4", "1.0", "2.0", "20.00", "87.7", "1,234.5"]
    assert misread("uenighed 1,4 · 1.234,5 kr. · 12.345 · frist 30.12.2026 · 2026-Q3 · "
                   "http://192.168.1.20:8501 · 40 %") == []


def test_formats_come_from_babel_in_each_language() -> None:
    assert (fmt_number(1234.56, "da", 1), fmt_number(1234.56, "en", 1)) == ("1.234,6", "1,234.6")
    assert (fmt_percent(0.405, "da", 1), fmt_percent(0.405, "en", 1)) == ("40,5\xa0%", "40.5%")
    assert (fmt_date("2026-12-30", "da"), fmt_date("2026-12-30", "en")) == ("30.12.2026",
                                                                          "30 Dec 2026")
    assert (fmt_money(12345.4, "da"), fmt_money(12345.4, "en")) == ("12.345\xa0kr.",
                                                                    "DKK\xa012,345")
    assert fmt_number(-0.4, "da") == "0"  # never "-0"
    assert vega_locale("da")["number"]["decimal"] == "," and vega_locale("en")["number"][
        "decimal"] == "."


@pytest.mark.parametrize("page", PAGES)
def test_a_danish_page_writes_every_number_the_danish_way(
        danish_workshop: tuple[storage.Workshop, str], page: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = "da"
    at.session_state["workshop_code"] = danish_workshop[0].code
    at.session_state["facilitator_key"] = danish_workshop[1]
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value
    texts = list(page_texts(at))
    while page == "views/presenter.py" and not at.button(key="presenter_next").disabled:
        at.button(key="presenter_next").click().run()  # every slide of the presentation
        texts += page_texts(at)
    if page == "views/results.py":  # every layer's detail and every other view, in turn
        for layer in load_model().layers:
            at.session_state[f"{LAYER_KEY}{layer.id}"] = True
        views = [b.label for b in at.button if b.key.startswith("results_view_")]
        assert len(views) >= 2
        for tab in views:
            at.session_state[TABS_KEY] = tab
            at.run()
            assert not at.exception, at.exception[0].value
            texts += page_texts(at)
    assert len(texts) > 20
    found = [(number, text[:80]) for text in texts for number in misread(text)]
    assert found == []
    for locale in chart_locales(at):  # the axes: Vega writes with the spec's locale
        assert locale == vega_locale("da")


def test_the_danish_pdf_and_deck_write_every_number_the_danish_way(
        danish_workshop: tuple[storage.Workshop, str], app_db: Path) -> None:
    engine = storage.make_engine(f"sqlite:///{app_db}")
    report = from_workshop(engine, danish_workshop[0], load_model(), "da")
    text = pdf_text(bytes(layout_pdf(report).output()))
    assert "uenighed" in text and "," in text
    assert misread(text) == []
    deck = list(deck_texts(render_pptx(report)))
    assert [(number, t[:80]) for t in deck for number in misread(t)] == []


def test_no_pdf_page_is_left_nearly_empty(report: ReportData) -> None:
    """Every page but the cover and the last is at least a third full."""
    fills = layout_pdf(report).page_fills()
    assert len(fills) > 10
    assert [round(f, 2) for f in fills[1:-1] if f < 1 / 3] == []


def test_every_slide_title_fits_its_box(report: ReportData) -> None:
    prs = Presentation(io.BytesIO(render_pptx(report)))
    box_pt = (TITLE_BOX_H - 127000) / 12700  # the box less its top and bottom inset
    for slide in list(prs.slides)[1:]:
        title = slide.shapes.title
        size = title.text_frame.paragraphs[0].runs[0].font.size.pt
        lines = _lines_needed(title.text_frame.text, size, title.width - 254000)
        assert size >= TITLE_MIN_PT and lines * size * 1.2 <= box_pt, title.text_frame.text


def test_a_danish_csv_opens_in_columns_in_danish_excel(model: Model) -> None:
    from loyalty_model.assessment.scoring import assess

    assessment = assess(sample.sample_ratings(), sample.sample_kpis(model).frame, model)
    rows = list(csv.reader(io.StringIO(results_csv(assessment, model, "da").decode("utf-8-sig")),
                           delimiter=";"))
    assert len(rows[0]) == 6 and all(len(row) == 6 for row in rows)
    scores = [cell for row in rows[1:] for cell in row[2:5] if cell]
    assert scores and not any("." in cell for cell in scores)
    english = results_csv(assessment, model, "en").decode("utf-8-sig")
    assert len(next(csv.reader(io.StringIO(english)))) == 6


def test_xlsx_cells_are_typed_and_formatted(model: Model) -> None:
    import openpyxl

    from loyalty_model.assessment.scoring import assess
    from loyalty_model.takeaways.exports import results_xlsx

    assessment = assess(sample.sample_ratings(), sample.sample_kpis(model).frame, model)
    book = openpyxl.load_workbook(io.BytesIO(results_xlsx(assessment, model, "da",
                                                          sample_plan())))
    score = book["Resultater"]["C2"]
    assert isinstance(score.value, int | float) and score.number_format == "#,##0.0"
    kpis = book["Nøgletal"]
    formats = {kpis.cell(row, 1).value: kpis.cell(row, 3).number_format
               for row in range(2, kpis.max_row + 1)}
    assert formats[model.kpis["on_time_delivery_rate"].name("da")] == "#,##0.0 %"
    assert formats[model.kpis["arpc_monthly"].name("da")] == '#,##0 "kr."'


def sample_plan():  # noqa: ANN201 (a DataFrame)
    import pandas as pd

    return pd.DataFrame([{"action": "Ring til kunden", "layer": "delivery", "owner": "Jonas",
                          "due_date": "2026-12-30"}])
