"""The PDF report and the slide deck: they render, hold real chart images, speak one language.

Reports are rendered once per language per module (a render takes a second or two). The
LibreOffice round trip is the one slow test, marked `libreoffice`.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from pptx import Presentation

from loyalty_model.i18n import strings, t
from loyalty_model.model import Model, load_model
from loyalty_model.takeaways import report_pdf
from loyalty_model.takeaways.pptx_deck import DeckStyle, DeckStyleError, parse_accent
from loyalty_model.takeaways.report_data import ReportData, build_report_data
from loyalty_model.takeaways.report_pdf import ReportFontError, render_pdf
from loyalty_model.takeaways.report_pptx import render_pptx
from loyalty_model.takeaways.report_text import gap_text
from loyalty_model.workshop import sample
from tests.danish_numbers import svg_charts

DAY = date(2026, 11, 22)
PLAN = pd.DataFrame([
    {"action": "Call five customers whose delivery was late <b>now</b> **today**",
     "layer": "delivery", "owner": "Jonas", "due_date": "2026-12-15"},
    {"action": "=HYPERLINK(\"http://example.com\",\"x\")", "layer": "wow", "owner": None,
     "due_date": None},
])
SHARES = {"true_loyalty": 0.31, "latent": 0.12, "spurious": 0.38, "none": 0.19}


def report(lang: str) -> ReportData:
    model = load_model()
    info = sample.company()
    return build_report_data(sample.sample_ratings(), sample.sample_kpis(model).frame, model,
                             lang, title=info.workshop_name(lang), team=info.team, on=DAY,
                             actions=PLAN, matrix_shares=SHARES)


@pytest.fixture(scope="module", params=["en", "da"])
def pdf(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    return request.param, render_pdf(report(request.param))


@pytest.fixture(scope="module")
def pdf_text(pdf: tuple[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("needs pdftotext (apt-get install poppler-utils)")
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(pdf[1])
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def small_logo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 60, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module", params=["en", "da"])
def deck(request: pytest.FixtureRequest) -> tuple[str, bytes]:
    style = DeckStyle(accent="#6a1b9a", logo=small_logo())
    return request.param, render_pptx(report(request.param), style)


def deck_text(content: bytes) -> str:
    texts = []
    for slide in Presentation(io.BytesIO(content)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return " ".join(" ".join(texts).split())


def english_only_phrases(model: Model) -> list[str]:
    """Phrases that only the English text has: UI strings, layer names and statements."""
    prefixes = ("report.", "status.", "band.", "export.", "reading.", "deck.")
    phrases = set()
    for key, english in strings("en").items():
        if not key.startswith(prefixes) or t(key, "da") == english:
            continue
        for fragment in re.split(r"\{[^}]*\}", english):
            fragment = fragment.strip(" .,:;()–-")
            if len(fragment) >= 8 or (" " not in fragment and len(fragment) >= 4):
                phrases.add(fragment)
    for layer in model.layers:
        if layer.name.en != layer.name.da:
            phrases.add(layer.name.en)
        phrases.update(s.text.en for s in layer.statements)
    phrases.add("No public cross-industry benchmark")
    danish = " ".join(strings("da").values())  # words both languages share ("Team", "KPI")
    return sorted(p for p in phrases if p not in danish)


def leaked_english(text: str, model: Model) -> list[str]:
    return [p for p in english_only_phrases(model)
            if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)]


# --- PDF ---------------------------------------------------------------------------------------


def test_pdf_renders_every_page_with_pdftoppm(pdf: tuple[str, bytes], tmp_path: Path) -> None:
    lang, content = pdf
    assert content.startswith(b"%PDF")
    if not shutil.which("pdftoppm"):
        pytest.skip("needs pdftoppm (apt-get install poppler-utils)")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    # cover, summary, charts (2+ pages), 5 layers, action plan, KPI definitions
    assert len(pages) >= 11, f"{lang}: only {len(pages)} pages"


def test_pdf_holds_the_charts_as_images(pdf: tuple[str, bytes]) -> None:
    _, content = pdf
    # self vs KPIs, gaps, spread, KPI trend, loyalty matrix: PNG images, not drawn text
    assert content.count(b"/Subtype /Image") >= 5


def test_pdf_text_is_in_the_chosen_language(pdf: tuple[str, bytes], pdf_text: str,
                                            model: Model) -> None:
    lang, _ = pdf
    for key in ("report.summary", "report.priorities", "report.action_plan",
                "report.kpi_definitions", "report.coaching"):
        assert t(key, lang) in pdf_text
    if lang == "da":
        assert leaked_english(pdf_text, model) == []


def test_pdf_numbers_and_dates_in_the_languages_format(pdf: tuple[str, bytes], pdf_text: str
                                                      ) -> None:
    lang, _ = pdf
    repeat = next(r.value for r in report(lang).assessment.kpis
                  if r.kpi == "repeat_purchase_rate")
    share = f"{repeat * 100:.1f}"
    text = pdf_text.replace("\xa0", " ")
    if lang == "da":
        assert "22.11.2026" in text and "15.12.2026" in text
        assert f"{share.replace('.', ',')} %" in text
        assert "2026-11-22" not in text and "22-11-2026" not in text
    else:
        assert "22 Nov 2026" in text and "15 Dec 2026" in text
        assert f"{share}%" in text


def test_pdf_prints_participant_text_as_typed(pdf_text: str) -> None:
    assert "<b>now</b> **today**" in pdf_text
    assert "Jonas" in pdf_text


def test_pdf_shows_benchmark_sources(pdf: tuple[str, bytes], pdf_text: str) -> None:
    assert "SQM Group" in pdf_text and "2022" in pdf_text
    assert "Bain & Company" in pdf_text


def test_pdf_without_the_font_says_what_to_install(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_pdf, "FONT_DIR", tmp_path)
    with pytest.raises(ReportFontError, match="fonts-dejavu"):
        render_pdf(report("en"))


def test_a_workshop_without_ratings_or_kpis_still_renders(model: Model) -> None:
    empty = pd.DataFrame(columns=["participant", "statement_id", "rating"])
    data = build_report_data(empty, None, model, "da", title="Tom", team="Team", on=DAY)
    assert data.participants == 0 and [c.key for c in data.charts] == ["self_vs_kpi", "gaps"]
    assert render_pdf(data).startswith(b"%PDF")


def test_gap_is_signed_with_a_real_minus() -> None:
    assert (gap_text(12.4, "da"), gap_text(-36.2, "en"), gap_text(None, "en")) == (
        "+12", "−36", "–")


# --- PowerPoint --------------------------------------------------------------------------------


def test_deck_reopens_with_its_slides(deck: tuple[str, bytes], model: Model) -> None:
    lang, content = deck
    prs = Presentation(io.BytesIO(content))
    titles = [s.shapes.title.text for s in prs.slides if s.shapes.title is not None]
    assert titles[0] == sample.company().workshop_name(lang)
    assert t("deck.agenda", lang) in titles
    for layer in model.layers:
        assert f"{layer.order}. {layer.name(lang)}" in titles
    assert t("deck.priorities", lang) in titles
    assert t("report.action_plan", lang) in titles
    assert any(title.startswith(t("deck.appendix", lang)) for title in titles)
    assert prs.slide_width > prs.slide_height  # 16:9


def test_deck_has_real_chart_images_and_the_logo(deck: tuple[str, bytes]) -> None:
    _, content = deck
    prs = Presentation(io.BytesIO(content))
    pictures = [shape for slide in prs.slides for shape in slide.shapes
                if shape.shape_type == 13]  # MSO_SHAPE_TYPE.PICTURE
    logos = [p for p in pictures if p.image.size == (300, 100)]
    charts = [p for p in pictures if p.image.size != (300, 100)]
    assert len(logos) == len(prs.slides)  # the consultant's logo on every slide
    assert len(charts) >= 5 + 5  # the report charts and one spread chart per layer
    assert all(p.image.content_type == "image/png" for p in charts)


def test_deck_text_is_editable_and_in_danish(deck: tuple[str, bytes], model: Model) -> None:
    lang, content = deck
    text = deck_text(content)
    assert "<b>now</b> **today**" in text  # the action plan is an editable table
    if lang == "da":
        assert leaked_english(text, model) == []
        assert "22.11.2026" in text


def test_deck_uses_the_accent_colour(deck: tuple[str, bytes]) -> None:
    _, content = deck
    slide = Presentation(io.BytesIO(content)).slides[1]
    assert str(slide.shapes.title.text_frame.paragraphs[0].runs[0].font.color.rgb) == "6A1B9A"


@pytest.mark.parametrize("value", ["zz", "#12345", "", "rgb(1,2,3)"])
def test_a_bad_accent_is_refused(value: str) -> None:
    with pytest.raises(DeckStyleError):
        parse_accent(value)


def test_a_logo_must_be_an_image() -> None:
    with pytest.raises(DeckStyleError):
        render_pptx(report("en"), DeckStyle(logo=b"<svg></svg>"))


@pytest.mark.libreoffice
def test_libreoffice_opens_the_deck_and_shows_its_charts(tmp_path: Path) -> None:
    """Slow (~10 s): the deck converted by LibreOffice, then rendered to PNG by pdftoppm."""
    soffice = shutil.which("libreoffice") or shutil.which("soffice")
    if not soffice or not shutil.which("pdftoppm"):
        if os.environ.get("CI"):
            pytest.fail("CI must install libreoffice-impress and poppler-utils")
        pytest.skip("needs LibreOffice (apt-get install libreoffice-impress) and pdftoppm")
    deck_path = tmp_path / "deck.pptx"
    deck_path.write_bytes(render_pptx(report("da"), DeckStyle(logo=small_logo())))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(deck_path)],
                   check=True, capture_output=True, timeout=120)
    pdf_path = tmp_path / "deck.pdf"
    assert pdf_path.exists()
    slides = len(Presentation(str(deck_path)).slides)
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf_path), str(tmp_path / "slide")],
                   check=True, capture_output=True)
    pages = sorted(tmp_path.glob("slide-*.png"))
    assert len(pages) == slides
    from PIL import Image

    # slide 4 is the first chart: a real picture has many coloured (non-grey) pixels
    with Image.open(pages[3]) as image:
        raw = image.convert("RGB").tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    coloured = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 60)
    assert coloured > 500


# --- pages: presenter mode and the results page's "Take it home" --------------------------------


@pytest.fixture(scope="module")
def app_workshop(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    import streamlit as st

    from loyalty_model.workshop import storage

    path = tmp_path_factory.mktemp("reports_app") / "app.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SKAB_DB_PATH", str(path))
        patch.delenv("SKAB_DATABASE_URL", raising=False)
        st.cache_resource.clear()
        engine = storage.make_engine(f"sqlite:///{path}")
        yield sample.create_sample_workshop(engine, load_model())
        engine.dispose()
        st.cache_resource.clear()


def open_page(page: str, workshop, lang: str = "en"):  # noqa: ANN001, ANN201
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parent.parent / "app.py"),
                           default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["workshop_code"] = workshop[0].code
    at.session_state["facilitator_key"] = workshop[1]
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception[0].value
    return at


def test_presenter_steps_through_one_chart_at_a_time(app_workshop) -> None:  # noqa: ANN001
    lang = "da"
    at = open_page("views/presenter.py", app_workshop, lang)
    assert at.title[0].value == t("presenter.priorities", lang)
    styles = [h.value for h in at.html if "<style>" in h.value and "stSidebar" in h.value]
    assert len(styles) == 1 and "display: none" in styles[0]
    seen = []
    while not at.button(key="presenter_next").disabled:
        at.button(key="presenter_next").click().run()
        assert not at.exception, at.exception[0].value
        heading = at.header[0].value
        if heading.endswith(t("presenter.comments_layer", lang, layer="")):
            assert not svg_charts(at)  # the room's marked words, as quotes
            assert any(m.value.startswith("> ") for m in at.markdown)
        else:
            assert len(svg_charts(at)) == 1  # one chart at a time
        seen.append(heading)
    layers = {layer.id: layer.name(lang) for layer in load_model().layers}
    spread = {id_: t("presenter.spread_layer", lang, layer=name) for id_, name in layers.items()}
    said = {id_: t("presenter.comments_layer", lang, layer=name) for id_, name in layers.items()}
    # the sample's marked comments follow their layer's statements (delivery, fault correction)
    assert seen[:9] == [t("chart.self_vs_kpi", lang), t("chart.gaps", lang), spread["product"],
                        spread["communication"], spread["delivery"], said["delivery"],
                        spread["fault_correction"], said["fault_correction"], spread["wow"]]
    at.button(key="presenter_prev").click().run()
    assert at.header[0].value == seen[-2]


def test_results_page_offers_every_download(app_workshop) -> None:  # noqa: ANN001
    at = open_page("views/results.py", app_workshop, "da")
    assert not at.get("download_button")  # the section is closed: nothing in it is built
    at.session_state["takehome_open"] = True
    at.run()
    keys = {button.key for button in at.get("download_button")}
    assert {"takehome_pdf", "takehome_pptx", "takehome_xlsx", "takehome_csv",
            "takehome_json"} <= keys


def test_deck_options_are_kept_while_they_are_not_shown(app_workshop) -> None:  # noqa: ANN001
    import io

    from PIL import Image

    from views._common import plain
    from views._take_home import ACCENT, LOGO

    logo = io.BytesIO()
    Image.new("RGB", (40, 20), "navy").save(logo, format="PNG")
    at = open_page("views/results.py", app_workshop, "en")
    at.session_state["takehome_open"] = True
    at.run()
    assert not at.color_picker  # off: nothing in it is built
    at.session_state["takehome_deck_open"] = True
    at.run()
    at.color_picker(key="takehome_accent").pick("#123456").run()
    at.file_uploader(key="takehome_logo").set_value(("logo.png", logo.getvalue(), "image/png"))
    at.run()
    at.session_state["takehome_deck_open"] = False  # off again: the choices stay
    at.run()
    assert not at.color_picker and not at.warning
    assert at.session_state[ACCENT] == "#123456"
    assert at.session_state[LOGO] == ("logo.png", logo.getvalue())
    at.session_state["takehome_open"] = False  # the whole section closed and reopened
    at.run()
    at.session_state["takehome_open"] = True
    at.session_state["takehome_deck_open"] = True  # on again: shown as chosen
    at.run()
    assert at.color_picker(key="takehome_accent").value == "#123456"
    assert f"Logo in use: {plain('logo.png')}" in [c.value for c in at.caption]  # as typed
    at.button(key="takehome_logo_forget").click().run()
    assert LOGO not in at.session_state


def test_a_stored_workshop_reports_its_matrix_and_plan(engine, model: Model) -> None:  # noqa: ANN001
    from loyalty_model.takeaways.report_data import from_workshop
    from loyalty_model.workshop import storage

    workshop, _ = sample.create_sample_workshop(engine, model, "da")
    storage.save_evidence(engine, workshop.id, "loyalty_matrix", {"shares": SHARES})
    storage.save_actions(engine, workshop.id, PLAN)
    data = from_workshop(engine, workshop, model)
    assert data.lang == "da" and data.title == workshop.name
    assert "matrix" in [c.key for c in data.charts]
    assert not data.actions_proposed and list(data.actions["owner"]) == ["Jonas", None]
