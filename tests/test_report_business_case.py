"""The business case in the PDF report and the deck: the page's figures, charts and sources."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from pptx import Presentation

from loyalty_model.assessment import business_case as bc
from loyalty_model.i18n import strings, t
from loyalty_model.model import Model
from loyalty_model.takeaways.report_data import ReportData, build_report_data
from loyalty_model.takeaways.report_pdf import render_pdf
from loyalty_model.takeaways.report_pptx import render_pptx
from loyalty_model.workshop import sample
from tests.test_reports import DAY, deck_text, report

NEW_KEYS = ("report.business_intro", "report.business_example", "report.business_from_rate",
            "report.caption_business_retention", "report.caption_business_iceberg",
            "deck.agenda_business")
HEADINGS = ("business.title", "business.retention_heading", "business.iceberg_heading",
            "business.assumptions")


def english_business_phrases() -> list[str]:
    """Phrases of the business-case strings that only the English text has."""
    phrases = set()
    for key, english in strings("en").items():
        if not (key.startswith("business.") or key in NEW_KEYS) or t(key, "da") == english:
            continue
        for fragment in re.split(r"\{[^}]*\}", english):
            fragment = fragment.strip(" .,:;()–-↑↓·")
            if len(fragment) >= 8 or (" " not in fragment and len(fragment) >= 4):
                phrases.add(fragment)
    danish = " ".join(strings("da").values())
    return sorted(p for p in phrases if p not in danish)


def leaked(text: str) -> list[str]:
    return [p for p in english_business_phrases()
            if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


def pdf_to_text(content: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (apt-get install poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def chart_pictures(content: bytes) -> int:
    return sum(1 for slide in Presentation(io.BytesIO(content)).slides
               for shape in slide.shapes if shape.shape_type == 13)  # PICTURE


@pytest.fixture(scope="module", params=["en", "da"])
def data(request: pytest.FixtureRequest) -> ReportData:
    return report(request.param)


def test_the_report_starts_from_the_pages_defaults(model: Model) -> None:
    kpis = sample.sample_kpis(model).frame
    start = bc.kpi_defaults(kpis)
    from_kpis = bc.defaults_from_kpis(kpis)
    # the page: bc.default_values(from_kpis, customers) with the example customer count
    assert start.inputs == bc.Inputs(**bc.default_values(from_kpis))
    assert start.inputs.arpc == pytest.approx(from_kpis["arpc"][0])
    assert start.inputs.churn == pytest.approx(from_kpis["churn"][0])
    assert start.inputs.complaints == round(from_kpis["complaints_per_1000"][0] * 2000 / 1000)
    assert start.sources["customers"] is None and start.sources["margin"] is None
    assert start.sources["arpc"] == ("arpc_monthly", "2026-Q3") and start.complete


def test_complaints_scale_with_the_customers_typed_on_the_page() -> None:
    from_kpis = {"complaints_per_1000": (30.0, "complaints_per_1000_customers", "2026")}
    assert bc.default_values(from_kpis, 5000)["complaints"] == 150
    assert bc.default_values({}, 5000)["complaints"] == bc.EXAMPLE_INPUTS["complaints"]


def test_no_business_case_without_revenue_and_churn(model: Model) -> None:
    ratings = sample.sample_ratings()
    assert build_report_data(ratings, None, model, "en", title="T", team="T",
                             on=DAY).business is None
    kpis = sample.sample_kpis(model).frame
    no_churn = kpis[~kpis["kpi"].str.startswith("churn_rate")]
    data = build_report_data(ratings, no_churn, model, "en", title="T", team="T", on=DAY)
    assert data.business is None
    assert t("report.business_intro", "en")[:30] not in render_pdf(data).decode("latin-1")


def test_business_case_rows_say_where_each_figure_comes_from(data: ReportData,
                                                             model: Model) -> None:
    case, lang = data.business, data.lang
    assert case is not None
    sources = {label: source for label, _, source in case.inputs}
    assert sources[t("business.customers", lang)] == t("report.business_example", lang)
    assert sources[t("business.margin", lang)] == t("report.business_example", lang)
    assert model.kpis["churn_rate_customers"].name(lang) in sources[t("business.churn", lang)]
    labels = [label for label, _, _ in case.figures]
    assert t("business.cltv", lang) in labels and t("business.base_value", lang) in labels
    assert [row[2] for row in case.assumptions] == [a.source for a in model.assumptions]
    arpc = next(value for label, value, _ in case.inputs if label == t("business.arpc", lang))
    assert arpc == ("5.255" if lang == "da" else "5,255")  # 437.91 a month × 12


def test_pdf_has_the_business_case_with_its_charts(data: ReportData, tmp_path: Path) -> None:
    content = render_pdf(data)
    text = pdf_to_text(content, tmp_path)
    for key in HEADINGS:
        assert t(key, data.lang) in text
    assert t("business.cltv", data.lang) in text
    without = render_pdf(replace(data, business=None))
    assert content.count(b"/Subtype /Image") >= without.count(b"/Subtype /Image") + 2
    for _, value, _ in data.business.figures + data.business.iceberg:
        assert value in text  # in the report's number format (1.234 in Danish)
    if data.lang == "da":
        assert leaked(text) == []


def test_deck_has_the_business_case_with_its_charts(data: ReportData) -> None:
    content = render_pptx(data)
    titles = [s.shapes.title.text for s in Presentation(io.BytesIO(content)).slides
              if s.shapes.title is not None]
    for key in ("business.title", "business.retention_heading", "business.iceberg_heading",
                "business.assumptions"):
        assert t(key, data.lang) in titles
    text = deck_text(content)
    assert t("deck.agenda_business", data.lang) in text
    assert chart_pictures(content) >= chart_pictures(render_pptx(replace(data, business=None))) + 2
    if data.lang == "da":
        assert leaked(text) == []


def test_the_danish_check_knows_the_new_phrases() -> None:
    phrases = english_business_phrases()
    assert "Example value, not your figure" in phrases
    assert "Customer lifetime value" in phrases
    assert leaked("Kundens livstidsværdi") == []
    assert leaked("Customer lifetime value") == ["Customer lifetime value"]
