"""The slide deck a consultant presents: title, agenda, charts, one slide per layer, priorities,
action plan and an appendix of KPI definitions.

Every text is a real, editable text box or table (consultants rework decks before a meeting) and
every chart is the app's own Altair spec rendered to PNG. The look stays plain on purpose: the
default Office theme, one accent colour and an optional logo, both set by the consultant.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from loyalty_model.chart_images import chart_png, png_size
from loyalty_model.i18n import fmt_date, fmt_number, t
from loyalty_model.reading import layer_reading, priority_reason, summary
from loyalty_model.report_data import (
    ReportData,
    due_text,
    gap_text,
    kpi_scoring_text,
    kpi_source_text,
    kpi_target,
    layer_label,
    layer_spread_chart,
    score_text,
)

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
CONTENT_TOP = Inches(1.35)
CONTENT_BOTTOM = Inches(6.85)
INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x5C, 0x6B, 0x73)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
DEFAULT_ACCENT = "00798C"
ACTIONS_PER_SLIDE = 8
KPIS_PER_SLIDE = 5
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5
Paragraph = tuple[str, float, dict]  # text, size in pt, style flags


class DeckStyleError(ValueError):
    """A logo or accent colour the deck cannot use; the message is for the user."""


@dataclass(frozen=True)
class DeckStyle:
    accent: str = DEFAULT_ACCENT  # hex, with or without '#'
    logo: bytes | None = None  # PNG or JPEG

    def accent_rgb(self) -> RGBColor:
        return parse_accent(self.accent)


def parse_accent(value: str) -> RGBColor:
    """#00798c, 00798C or #07c: a colour the deck can use, else DeckStyleError."""
    text = (value or "").strip().lstrip("#")
    if re.fullmatch(r"[0-9a-fA-F]{3}", text):
        text = "".join(c * 2 for c in text)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", text):
        raise DeckStyleError(f"accent colour must be hex like #00798c, got '{value}'")
    return RGBColor.from_string(text.upper())


def check_logo(data: bytes) -> bytes:
    """Accept PNG and JPEG only: formats PowerPoint and LibreOffice both open everywhere."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" or data[:3] == b"\xff\xd8\xff":
        return data
    raise DeckStyleError("the logo must be a PNG or JPEG image")


def _tint(colour: RGBColor, share: float) -> RGBColor:
    """`colour` mixed with white: a light background that still belongs to the accent."""
    return RGBColor(*(round(c + (255 - c) * share) for c in colour))


def _on(colour: RGBColor) -> RGBColor:
    """Readable text colour on `colour` (white on dark accents, ink on light ones)."""
    r, g, b = colour
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 160 else WHITE


class _Deck:
    def __init__(self, data: ReportData, style: DeckStyle) -> None:
        self.data = data
        self.lang = data.lang
        self.accent = style.accent_rgb()
        self.logo = check_logo(style.logo) if style.logo else None
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_W, SLIDE_H
        self.prs.core_properties.title = data.title
        self.prs.core_properties.author = data.team
        self.prs.core_properties.language = "da-DK" if data.lang == "da" else "en-GB"

    # --- building blocks -----------------------------------------------------------------------

    def slide(self, title: str) -> Slide:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[LAYOUT_TITLE_ONLY])
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_W, Inches(0.12))
        self._fill(bar, self.accent)
        heading = slide.shapes.title
        heading.left, heading.top = MARGIN, Inches(0.3)
        heading.width, heading.height = SLIDE_W - 2 * MARGIN - Inches(2.2), Inches(0.95)
        frame = heading.text_frame
        frame.text = title
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        para = frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        self._style(para.runs[0], 28, bold=True, colour=self.accent)
        self._logo(slide, Inches(0.5), SLIDE_W - MARGIN, Inches(0.4))
        footer = f"Skab promoters · {self.data.title}"
        self.text(slide, MARGIN, Inches(7.0), Inches(9), Inches(0.35), [(footer, 10, {"muted": 1})])
        self.text(slide, SLIDE_W - MARGIN - Inches(1.5), Inches(7.0), Inches(1.5), Inches(0.35),
                  [(str(len(self.prs.slides)), 10, {"muted": 1, "right": 1})])
        return slide

    def _logo(self, slide: Slide, height: Emu, right: Emu, top: Emu) -> None:
        if not self.logo:
            return
        width_px, height_px = _image_size(self.logo)
        width = min(int(height * width_px / height_px), Inches(2.0))
        height = int(width * height_px / width_px)
        slide.shapes.add_picture(io.BytesIO(self.logo), right - width, top, width, height)

    @staticmethod
    def _fill(shape, colour: RGBColor) -> None:  # noqa: ANN001 (pptx autoshape)
        shape.fill.solid()
        shape.fill.fore_color.rgb = colour
        shape.line.fill.background()
        shape.shadow.inherit = False

    def _style(self, run, size: float, bold: bool = False, italic: bool = False,  # noqa: ANN001
               colour: RGBColor = INK) -> None:
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.italic = italic
        run.font.color.rgb = colour

    def text(self, slide: Slide, left: int, top: int, width: int, height: int,
             paragraphs: list[Paragraph]) -> None:
        """A text box; flags: bold, italic, muted, accent, white, bullet, right, space."""
        box = slide.shapes.add_textbox(left, top, width, height)
        frame = box.text_frame
        frame.word_wrap = True
        for index, (text, size, flags) in enumerate(paragraphs):
            para = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            run = para.add_run()
            run.text = text
            colour = (MUTED if flags.get("muted") else self.accent if flags.get("accent")
                      else WHITE if flags.get("white") else INK)
            self._style(run, size, bool(flags.get("bold")), bool(flags.get("italic")), colour)
            if flags.get("right"):
                para.alignment = PP_ALIGN.RIGHT
            if index and flags.get("space", 6):
                para.space_before = Pt(flags.get("space", 6))
            if flags.get("bullet"):
                _bullet(para, size)

    def picture(self, slide: Slide, png: bytes, left: int, top: int, max_w: int,
                max_h: int) -> int:
        """The chart as large as the box allows, centred; returns its bottom edge."""
        width_px, height_px = png_size(png)
        width = min(max_w, int(max_h * width_px / height_px))
        height = int(width * height_px / width_px)
        slide.shapes.add_picture(io.BytesIO(png), left + (max_w - width) // 2, top, width, height)
        return top + height

    def table(self, slide: Slide, headings: list[str], rows: list[list[str]], top: int,
              widths: list[float], size: float = 12, numeric: tuple[int, ...] = (),
              left: int = MARGIN) -> None:
        """An editable table; columns listed in `numeric` are right-aligned."""
        shape = slide.shapes.add_table(len(rows) + 1, len(headings), left, top,
                                       Inches(sum(widths)), Inches(0.4) * (len(rows) + 1))
        table = shape.table
        stripe = _tint(self.accent, 0.88)
        for j, width in enumerate(widths):
            table.columns[j].width = Inches(width)
        for i, values in enumerate([headings, *rows]):
            table.rows[i].height = Inches(0.4)
            for j, value in enumerate(values):
                cell = table.cell(i, j)
                cell.fill.solid()
                cell.fill.fore_color.rgb = self.accent if i == 0 else (
                    stripe if i % 2 == 0 else WHITE)
                cell.margin_left = cell.margin_right = Inches(0.08)
                cell.margin_top = cell.margin_bottom = Inches(0.04)
                frame = cell.text_frame
                frame.word_wrap = True
                frame.text = value
                if j in numeric:
                    frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
                run = frame.paragraphs[0].runs[0] if frame.paragraphs[0].runs else None
                if run is not None:
                    self._style(run, size, bold=i == 0,
                                colour=_on(self.accent) if i == 0 else INK)

    def chart_slide(self, title: str, chart, caption: str) -> None:  # noqa: ANN001 (alt chart)
        slide = self.slide(title)
        spec = chart.to_dict(validate=False)
        spec.pop("title", None)  # the slide title says it already
        bottom = self.picture(slide, chart_png(spec, self.lang), MARGIN, CONTENT_TOP,
                              SLIDE_W - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP - Inches(0.7))
        self.text(slide, MARGIN, bottom + Inches(0.1), SLIDE_W - 2 * MARGIN, Inches(0.6),
                  [(caption, 13, {"muted": 1, "italic": 1})])


def _bullet(para, size: float) -> None:  # noqa: ANN001 (pptx paragraph)
    """A real bullet (not a typed '•'), so PowerPoint indents wrapped lines under the text."""
    p_pr = para._p.get_or_add_pPr()
    indent = int(Pt(size * 1.1))
    p_pr.set("marL", str(indent))
    p_pr.set("indent", str(-indent))
    for tag in ("a:buNone", "a:buChar", "a:buAutoNum"):
        for old in p_pr.findall(qn(tag)):
            p_pr.remove(old)
    p_pr.append(p_pr.makeelement(qn("a:buChar"), {"char": "•"}))


def _image_size(data: bytes) -> tuple[int, int]:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return image.size


# --- slides ------------------------------------------------------------------------------------


def _title_slide(deck: _Deck) -> None:
    data, lang = deck.data, deck.lang
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[LAYOUT_TITLE])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_W, Inches(4.3))
    deck._fill(band, deck.accent)
    slide.shapes._spTree.remove(band._element)
    slide.shapes._spTree.insert(2, band._element)  # behind the placeholders
    on_accent = _on(deck.accent)
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    title.left, title.top, title.width, title.height = (MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN,
                                                        Inches(2.6))
    title.text_frame.text = data.title
    title.text_frame.word_wrap = True
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    para = title.text_frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    deck._style(para.runs[0], 40, bold=True, colour=on_accent)
    deck.text(slide, MARGIN, Inches(0.6), Inches(9), Inches(0.5),
              [(t("report.kicker", lang), 16, {"white": 1} if on_accent == WHITE else {})])
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN, Inches(4.7), Inches(9), Inches(1.8))
    frame = subtitle.text_frame
    lines = [data.team, fmt_date(data.on, lang),
             f"{t('report.cover_participants', lang)}: {fmt_number(data.participants, lang)}"]
    frame.text = lines[0]
    for line in lines[1:]:
        frame.add_paragraph().text = line
    for index, para in enumerate(frame.paragraphs):
        para.alignment = PP_ALIGN.LEFT
        deck._style(para.runs[0], 24 if index == 0 else 18, bold=index == 0,
                    colour=INK if index == 0 else MUTED)
    deck._logo(slide, Inches(1.0), SLIDE_W - MARGIN, Inches(5.3))


def _agenda(deck: _Deck) -> None:
    lang = deck.lang
    slide = deck.slide(t("deck.agenda", lang))
    items = ["deck.agenda_summary", "deck.agenda_charts", "deck.agenda_layers",
             "deck.agenda_priorities", "deck.agenda_actions", "deck.agenda_appendix"]
    if deck.data.business is not None:
        items.insert(-1, "deck.agenda_business")
    deck.text(slide, MARGIN + Inches(0.3), CONTENT_TOP + Inches(0.3), Inches(11), Inches(5),
              [(f"{i}.  {t(key, lang)}", 24, {"space": 14}) for i, key in enumerate(items, 1)])


def _summary_slide(deck: _Deck) -> None:
    data, lang, model, assessment = deck.data, deck.lang, deck.data.model, deck.data.assessment
    slide = deck.slide(t("deck.agenda_summary", lang))
    deck.text(slide, MARGIN, CONTENT_TOP, SLIDE_W - 2 * MARGIN, Inches(1.0),
              [(t("report.summary_intro", lang, n=data.participants, team=data.team,
                  kpis=len(assessment.kpis)), 16, {})])
    rank = {layer_id: i + 1 for i, layer_id in enumerate(assessment.priorities)}
    deck.table(slide, [t("export.layer", lang), t("export.self_score", lang),
                       t("export.kpi_score", lang), t("export.gap", lang),
                       t("export.status", lang), t("export.priority", lang)],
               [[model.layer(r.layer).name(lang), score_text(r.self_score, lang),
                 score_text(r.kpi_score, lang), gap_text(r.gap, lang),
                 t(f"status.{r.status}", lang), str(rank[r.layer])] for r in assessment.layers],
               CONTENT_TOP + Inches(1.3), [3.2, 1.9, 1.9, 1.5, 2.5, 1.1], size=16,
               numeric=(1, 2, 3, 5))


def _layer_slide(deck: _Deck, layer_id: str) -> None:
    data, lang, model, assessment = deck.data, deck.lang, deck.data.model, deck.data.assessment
    layer, result = model.layer(layer_id), assessment.layer(layer_id)
    slide = deck.slide(t("deck.layer_title", lang, n=layer.order, name=layer.name(lang)))
    rank = assessment.priorities.index(layer_id) + 1
    half = (SLIDE_W - 2 * MARGIN - Inches(0.4)) // 2
    deck.text(slide, MARGIN, CONTENT_TOP, half, Inches(2.9), [
        (layer.tagline(lang), 16, {"italic": 1, "accent": 1}),
        (t("report.layer_scores", lang, self=score_text(result.self_score, lang),
           kpi=score_text(result.kpi_score, lang), gap=gap_text(result.gap, lang)),
         16, {"bold": 1, "space": 10}),
        (layer_reading(result, model, lang), 13, {"space": 8}),
        (t("report.layer_priority", lang, rank=rank, total=len(model.layers),
           reason=priority_reason(result, model, assessment, lang)), 13, {"muted": 1}),
    ])
    deck.text(slide, MARGIN + half + Inches(0.4), CONTENT_TOP, half, Inches(2.9), [
        (t("deck.layer_questions", lang), 16, {"bold": 1}),
        *[(c(lang), 14, {"bullet": 1}) for c in layer.coaching],
    ])
    chart = layer_spread_chart(data, layer_id)
    top = CONTENT_TOP + Inches(3.0)
    if chart is None:
        deck.text(slide, MARGIN, top, SLIDE_W - 2 * MARGIN, Inches(0.5),
                  [(t("deck.no_ratings_layer", lang), 14, {"muted": 1})])
        return
    spec = chart.to_dict(validate=False)
    spec.pop("title", None)
    deck.picture(slide, chart_png(spec, lang), MARGIN, top, SLIDE_W - 2 * MARGIN,
                 CONTENT_BOTTOM - top)


def _priority_slide(deck: _Deck) -> None:
    lang, model, assessment = deck.lang, deck.data.model, deck.data.assessment
    slide = deck.slide(t("deck.priorities", lang))
    paragraphs: list[Paragraph] = []
    for line, layer_id in zip(summary(assessment, model, lang), assessment.priorities,
                              strict=False):
        paragraphs.append((line, 20, {"bold": 1, "space": 18}))
        paragraphs.append((layer_reading(assessment.layer(layer_id), model, lang), 13,
                           {"muted": 1, "space": 4}))
    deck.text(slide, MARGIN, CONTENT_TOP, SLIDE_W - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP,
              paragraphs)


def _chunks(rows: list, size: int) -> list[list]:
    return [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]


def _action_slides(deck: _Deck) -> None:
    data, lang = deck.data, deck.lang
    rows = [[str(i), row["action"], layer_label(data, row.get("layer")),
             row.get("owner") or "–", due_text(row.get("due_date"), lang)]
            for i, row in enumerate(data.actions.to_dict("records"), start=1)]
    parts = _chunks(rows, ACTIONS_PER_SLIDE)
    for part, chunk in enumerate(parts, start=1):
        title = (t("report.action_plan", lang) if len(parts) == 1
                 else t("deck.action_plan_more", lang, part=part, parts=len(parts)))
        slide = deck.slide(title)
        note = t("report.plan_proposed" if data.actions_proposed else "report.plan_intro", lang)
        deck.text(slide, MARGIN, CONTENT_TOP, SLIDE_W - 2 * MARGIN, Inches(0.6),
                  [(note, 14, {"muted": 1})])
        if chunk:
            deck.table(slide, ["#", t("report.col_action", lang), t("report.col_layer", lang),
                               t("report.col_owner", lang), t("report.col_due", lang)],
                       chunk, CONTENT_TOP + Inches(0.8), [0.5, 6.4, 1.9, 1.9, 1.4], size=13)


def _business_slides(deck: _Deck) -> None:
    """Inputs, the retention curves and figures, the complaints iceberg, the sources."""
    case, lang = deck.data.business, deck.lang
    if case is None:
        return
    figure, value = t("business.col_figure", lang), t("business.col_value", lang)
    how, source = t("business.col_how", lang), t("business.col_source", lang)
    width = SLIDE_W - 2 * MARGIN
    slide = deck.slide(t("business.title", lang))
    deck.text(slide, MARGIN, CONTENT_TOP, width, Inches(0.9),
              [(t("report.business_intro", lang), 14, {"muted": 1})])
    deck.table(slide, [figure, value, source], [list(row) for row in case.inputs],
               CONTENT_TOP + Inches(1.1), [5.2, 1.6, 5.3], size=14, numeric=(1,))

    deck.chart_slide(case.retention_chart.title, case.retention_chart.chart,
                     case.retention_chart.caption)
    slide = deck.slide(t("business.retention_heading", lang))
    deck.table(slide, [figure, value, how], [list(row) for row in case.figures], CONTENT_TOP,
               [4.6, 1.6, 5.9], size=12, numeric=(1,))

    slide = deck.slide(t("business.iceberg_heading", lang))
    half = (width - Inches(0.4)) // 2
    spec = case.iceberg_chart.chart.to_dict(validate=False)
    spec.pop("title", None)
    bottom = deck.picture(slide, chart_png(spec, lang), MARGIN, CONTENT_TOP, half,
                          CONTENT_BOTTOM - CONTENT_TOP - Inches(0.9))
    deck.text(slide, MARGIN, bottom + Inches(0.1), half, Inches(0.8),
              [(case.iceberg_chart.caption, 11, {"muted": 1, "italic": 1})])
    right = MARGIN + half + Inches(0.4)
    deck.text(slide, right, CONTENT_TOP, half, Inches(1.2),
              [(t("business.iceberg_intro", lang), 14, {})])
    deck.table(slide, [figure, value, how], [list(row) for row in case.iceberg],
               CONTENT_TOP + Inches(1.5), [2.3, 1.0, 2.5], size=12, numeric=(1,), left=right)

    slide = deck.slide(t("business.assumptions", lang))
    deck.table(slide, [t("business.col_assumption", lang), value, source],
               [list(row) for row in case.assumptions], CONTENT_TOP, [7.0, 1.2, 3.9], size=12,
               numeric=(1,))


def _appendix(deck: _Deck) -> None:
    data, lang = deck.data, deck.lang
    rows = [[spec.name(lang), data.model.layer(spec.layer).name(lang), spec.definition(lang),
             kpi_scoring_text(spec, kpi_target(data, spec.id), lang) + " "
             + kpi_source_text(spec, lang)]
            for spec in data.kpi_specs()]
    parts = _chunks(rows, KPIS_PER_SLIDE)
    for part, chunk in enumerate(parts, start=1):
        title = (t("deck.appendix", lang) if len(parts) == 1
                 else t("deck.appendix_more", lang, part=part, parts=len(parts)))
        slide = deck.slide(title)
        deck.table(slide, [t("report.col_kpi", lang), t("report.col_layer", lang),
                           t("deck.col_definition", lang), t("deck.col_scoring", lang)],
                   chunk, CONTENT_TOP, [2.4, 1.7, 4.1, 3.9], size=12)


def render_pptx(data: ReportData, style: DeckStyle | None = None) -> bytes:
    """The whole deck as .pptx bytes."""
    deck = _Deck(data, style or DeckStyle())
    _title_slide(deck)
    _agenda(deck)
    _summary_slide(deck)
    for item in data.charts:
        deck.chart_slide(item.title, item.chart, item.caption)
    for layer in data.model.layers:
        _layer_slide(deck, layer.id)
    _priority_slide(deck)
    _action_slides(deck)
    _business_slides(deck)
    _appendix(deck)
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()
