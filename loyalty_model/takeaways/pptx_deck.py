"""The deck's look and its building blocks: slide frame, text boxes, tables, pictures, logo.

Kept apart from report_pptx.py so the slides there say what the consultant presents and this
says how a slide is put together. The look stays plain on purpose: the default Office theme, one
accent colour and an optional logo, both the consultant's choice and both checked here before
anything is built, so a bad colour or logo is a message to the user, not a broken file.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from loyalty_model.takeaways.chart_images import chart_png, png_size

if TYPE_CHECKING:
    from loyalty_model.takeaways.report_data import ReportData

SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.6)
CONTENT_TOP = Inches(1.35)
CONTENT_BOTTOM = Inches(6.85)
INK = RGBColor(0x22, 0x22, 0x22)
MUTED = RGBColor(0x5C, 0x6B, 0x73)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
DEFAULT_ACCENT = "00798C"
LAYOUT_TITLE, LAYOUT_TITLE_ONLY = 0, 5
TITLE_PT, TITLE_MIN_PT = 28, 20  # a long title shrinks to fit its box, never below 20 pt
TITLE_BOX_H = Inches(0.95)
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


def text_colour_on(colour: RGBColor) -> RGBColor:
    """Readable text colour on `colour` (white on dark accents, ink on light ones)."""
    r, g, b = colour
    return INK if 0.299 * r + 0.587 * g + 0.114 * b > 160 else WHITE


class Deck:
    """One presentation being built, in the report's language and the consultant's style."""

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
        self.fill(bar, self.accent)
        heading = slide.shapes.title
        heading.left, heading.top = MARGIN, Inches(0.3)
        logo_room = Inches(2.2) if self.logo else 0
        heading.width, heading.height = SLIDE_W - 2 * MARGIN - logo_room, TITLE_BOX_H
        frame = heading.text_frame
        frame.text = title
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        para = frame.paragraphs[0]
        para.alignment = PP_ALIGN.LEFT
        self.style_run(para.runs[0], title_size(title, heading.width - Inches(0.2)), bold=True,
                       colour=self.accent)
        self.add_logo(slide, Inches(0.5), SLIDE_W - MARGIN, Inches(0.4))
        footer = f"Skab promoters · {self.data.title}"
        self.text(slide, MARGIN, Inches(7.0), Inches(9), Inches(0.35), [(footer, 10, {"muted": 1})])
        self.text(slide, SLIDE_W - MARGIN - Inches(1.5), Inches(7.0), Inches(1.5), Inches(0.35),
                  [(str(len(self.prs.slides)), 10, {"muted": 1, "right": 1})])
        return slide

    def add_logo(self, slide: Slide, height: Emu, right: Emu, top: Emu) -> None:
        if not self.logo:
            return
        width_px, height_px = _image_size(self.logo)
        width = min(int(height * width_px / height_px), Inches(2.0))
        height = int(width * height_px / width_px)
        slide.shapes.add_picture(io.BytesIO(self.logo), right - width, top, width, height)

    @staticmethod
    def fill(shape, colour: RGBColor) -> None:  # noqa: ANN001 (pptx autoshape)
        shape.fill.solid()
        shape.fill.fore_color.rgb = colour
        shape.line.fill.background()
        shape.shadow.inherit = False

    def style_run(self, run, size: float, bold: bool = False, italic: bool = False,  # noqa: ANN001
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
            self.style_run(run, size, bool(flags.get("bold")), bool(flags.get("italic")), colour)
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
                    self.style_run(run, size, bold=i == 0,
                                colour=text_colour_on(self.accent) if i == 0 else INK)

    def chart_slide(self, title: str, chart, caption: str) -> None:  # noqa: ANN001 (alt chart)
        slide = self.slide(title)
        spec = chart.to_dict(validate=False)
        spec.pop("title", None)  # the slide title says it already
        bottom = self.picture(slide, chart_png(spec, self.lang), MARGIN, CONTENT_TOP,
                              SLIDE_W - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP - Inches(0.7))
        self.text(slide, MARGIN, bottom + Inches(0.1), SLIDE_W - 2 * MARGIN, Inches(0.6),
                  [(caption, 13, {"muted": 1, "italic": 1})])


def title_size(title: str, width: int) -> float:
    """The largest size from 28 pt down that sets `title` on one line of `width` EMU, else the
    largest that sets it on two lines within the title box: a title never runs into the slide.

    Measured in DejaVu Sans Bold, wider than Calibri (PowerPoint) and what LibreOffice falls
    back to here, so a title that fits by this measure fits in both.
    """
    box_pt = (TITLE_BOX_H - Inches(0.1)) / 12700
    for lines in (1, 2):
        for size in range(TITLE_PT, TITLE_MIN_PT - 1, -1):
            if lines * size * 1.2 <= box_pt and _lines_needed(title, size, width) <= lines:
                return size
    return TITLE_MIN_PT - 2


def _lines_needed(text: str, size: float, width: int) -> int:
    """Lines a greedy word wrap needs for `text` at `size` pt in a box `width` EMU wide."""
    limit = width / 12700 * 0.97  # points, with a little room for rounding
    lines, current = 1, ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and _text_width(candidate, size) > limit:
            lines, current = lines + 1, word
        else:
            current = candidate
    return lines


def _text_width(text: str, size: float) -> float:
    font = _title_font(round(size * 4))
    if font is None:
        return len(text) * size * 0.62  # DejaVu Bold's average advance
    return font.getlength(text) / 4


@lru_cache(maxsize=64)
def _title_font(pixel_size: int):  # noqa: ANN202 (PIL font or None)
    from PIL import ImageFont

    from loyalty_model.takeaways.report_pdf import FONT_DIR

    try:
        return ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), pixel_size)
    except OSError:
        return None


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
