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

NEW_KEYS = ("report.business_intro", "report.business_example",
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
    assert start.inputs.arpc == pytest.approx(from_kpis["arpc"].value)
    assert start.inputs.churn == pytest.approx(from_kpis["churn"].value)
    assert start.inputs.complaints == round(from_kpis["complaints_per_1000"].value * 2000 / 1000)
    assert start.sources["customers"] is None and start.sources["margin"] is None
    arpc = start.sources["arpc"]
    assert (arpc.kpi, arpc.period) == ("arpc_monthly", "2026-Q3") and start.complete


def test_complaints_scale_with_the_customers_typed_on_the_page() -> None:
    from_kpis = {"complaints_per_1000": bc.FromKpi(30.0, "complaints_per_1000_customers", "2026",
                                                   "year")}
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
    assert t("business.cltv", lang, years=5) in labels
    assert t("business.base_value", lang, years=5) in labels
    assert [row[2] for row in case.assumptions] == [a.source(lang) for a in model.assumptions]
    assert sources[t("business.discount_rate", lang)] == t("business.discount_why", lang)
    arpc = next(value for label, value, _ in case.inputs if label == t("business.arpc", lang))
    # 437.91 a month × 12
    assert arpc.replace("\xa0", " ") == ("5.255 kr." if lang == "da" else "DKK 5,255")


def test_pdf_has_the_business_case_with_its_charts(data: ReportData, tmp_path: Path) -> None:
    content = render_pdf(data)
    text = pdf_to_text(content, tmp_path)
    for key in HEADINGS:
        assert t(key, data.lang) in text
    assert t("business.cltv", data.lang, years=5) in text
    assert data.business.caveats[0][:50] in text  # the 68 %'s disputed sources, where it is used
    without = render_pdf(replace(data, business=None))
    assert content.count(b"/Subtype /Image") >= without.count(b"/Subtype /Image") + 2
    for _, value, _ in data.business.figures + data.business.iceberg:
        assert value.replace("\xa0", " ") in text  # in the report's number format (1.234 in Danish)
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


# --- money in the reports: the currency, and revenue over the whole period ----------------------


def money_in(text: str, lang: str, currency: str) -> list[str]:
    """Amounts written with the currency: 12.345 kr. / 12.345 SEK in Danish, SEK 12,345 in
    English."""
    if lang == "da":
        symbol = re.escape("kr." if currency == "DKK" else currency)
        return re.findall(rf"\d[\d.]*[ \xa0]{symbol}", text)
    return re.findall(rf"{currency}[ \xa0]\d[\d,]*", text)


@pytest.mark.parametrize(("lang", "currency"), [("da", "DKK"), ("en", "SEK")])
def test_pdf_and_deck_write_amounts_with_the_currency(model: Model, tmp_path: Path, lang: str,
                                                      currency: str) -> None:
    data = build_report_data(sample.sample_ratings(), sample.sample_kpis(model).frame, model,
                             lang, title="T", team="T", on=DAY, currency=currency)
    amounts = [value for _, value, _ in data.business.figures if money_in(value, lang, currency)]
    assert len(amounts) == 4  # lifetime value, margin kept, base value, margin lost to service
    arpc = dict((label, value) for label, value, _ in data.business.inputs)[t("business.arpc",
                                                                                lang)]
    assert money_in(arpc, lang, currency) == [arpc]
    pdf = pdf_to_text(render_pdf(data), tmp_path).replace("\xa0", " ")
    deck = deck_text(render_pptx(data)).replace("\xa0", " ")
    arpc, amounts = arpc.replace("\xa0", " "), [amount.replace("\xa0", " ") for amount in amounts]
    for text in (pdf, deck):
        assert arpc in text and all(amount in text for amount in amounts)
    other = "SEK" if currency == "DKK" else "DKK"
    assert money_in(pdf, lang, other) == [] and money_in(deck, lang, other) == []


def test_reports_from_raw_exports_use_the_whole_period_and_say_why(model: Model,
                                                                   tmp_path: Path) -> None:
    from tests.test_business_case import revenue_per_customer_year, sample_export_kpis

    kpis, orders = sample_export_kpis()
    data = build_report_data(sample.sample_ratings(), kpis, model, "en", title="T", team="T",
                             on=DAY)
    inputs = {label: (value, source) for label, value, source in data.business.inputs}
    value, source = inputs[t("business.arpc", "en")]
    assert value.replace("\xa0", " ") == f"DKK {revenue_per_customer_year(orders):,.0f}"
    assert model.kpis["arpc_annual"].name("en") in source
    complaints_source = inputs[t("business.complaints", "en")][1]
    assert "last four quarters added up" in complaints_source
    assert len(data.business.notes) == 1
    assert "DKK 5,255" in data.business.notes[0].replace("\xa0", " ")
    pdf = pdf_to_text(render_pdf(data), tmp_path)
    assert data.business.notes[0][:60].replace("\xa0", " ") in pdf
    assert data.business.notes[0][:60].replace("\xa0", " ") in deck_text(render_pptx(data))
