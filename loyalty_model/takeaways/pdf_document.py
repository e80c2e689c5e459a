"""The report's page furniture: fonts, header and footer, headings, tables and chart images.

Kept apart from report_pdf.py so the pages there say what goes in the report and this says how
anything in it looks; a change of typography never touches a page. The document is handed its
font files rather than finding them: where fonts live is a deployment matter (report_pdf.FONT_DIR).
Participant text only ever goes through plain text cells here, never fpdf2's markdown or HTML.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from fpdf import FPDF
from fpdf.fonts import FontFace

from loyalty_model.i18n import t
from loyalty_model.takeaways.chart_images import png_size

if TYPE_CHECKING:
    from loyalty_model.takeaways.report_data import ReportData

FONT = "DejaVu"
ACCENT = (0, 121, 140)  # the KPI teal of the charts
INK = (34, 34, 34)
MUTED = (92, 107, 115)
LIGHT = (232, 241, 243)
MARGIN = 18.0
PX_TO_MM = 25.4 / 96  # CSS pixels at 96 dpi
# A section starts below the one before it while at least this share of the page is free, else
# on a new page: so a page ends at least ~55 % full, and a layer that runs three lines over no
# longer leaves a nearly blank page behind it.
FLOW_FREE = 0.45
SHRINK_TO_FIT = 0.7  # a chart may shrink to 70 % of its size to fit the rest of a page


class PdfDocument(FPDF):
    """An A4 page set in DejaVu Sans, with the report's running header, footer and blocks."""

    def __init__(self, data: ReportData, fonts: dict[str, Path]) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.data = data
        for style, path in fonts.items():
            self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.set_title(f"{data.title} – Skab promoters")
        self.set_author(data.team)
        self.set_creator("Skab promoters")
        self.set_lang("da-DK" if data.lang == "da" else "en-GB")
        self.content_top = MARGIN
        # how full each finished page is, 0–1, by page number: fpdf2 may lay a table out twice
        # (a trial run that it rewinds), and the second time a page's entry is overwritten
        self.fills: dict[int, float] = {}

    @property
    def content_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    # --- pages and how full they are -----------------------------------------------------------

    def add_page(self, *args: object, **kwargs: object) -> None:
        """A new page, after noting how full the current one ended (automatic breaks too)."""
        if self.page:
            self.fills[self.page] = self.fill()
        super().add_page(*args, **kwargs)

    def fill(self) -> float:
        """The share of the current page's writable height used so far."""
        usable = self.page_break_trigger - self.content_top
        return max(0.0, min(1.0, (self.get_y() - self.content_top) / usable))

    def page_fills(self) -> list[float]:
        """How full every page is, the current (last) one included."""
        return [*(self.fills.get(page, 1.0) for page in range(1, self.page)), self.fill()]

    def section(self, title: str) -> None:
        """A section heading: below the previous section while enough of the page is free
        (FLOW_FREE), else at the top of a new page."""
        if not self.page or 1 - self.fill() < FLOW_FREE:
            self.add_page()
        elif self.get_y() > self.content_top + 1:
            self.ln(5)
            self.set_draw_color(*LIGHT)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(5)
        self.heading(title)

    def header(self) -> None:
        self.content_top = MARGIN
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"Skab promoters · {self.data.title}", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*ACCENT)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(6)
        self.content_top = self.get_y()

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, t("report.page", self.data.lang, page=self.page_no(), total="{nb}"),
                  align="R")

    # --- text blocks ---------------------------------------------------------------------------

    def cover(self, kicker: str, title: str, facts: list[tuple[str, str]],
              notes: tuple[str, ...] = ()) -> None:
        """The first page of every report: a teal band with the title, then label/value facts,
        short notes under them and the model's one-line credit at the foot."""
        self.add_page()
        self.set_fill_color(*ACCENT)
        self.rect(0, 0, self.w, 92, style="F")
        self.set_xy(MARGIN, 30)
        self.set_text_color(255, 255, 255)
        self.set_font(FONT, "", 12)
        self.cell(0, 7, kicker, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)
        self.set_font(FONT, "B", 24)
        self.multi_cell(0, 11, title, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_y(104)
        for label, value in facts:
            self.set_font(FONT, "", 10)
            self.set_text_color(*MUTED)
            self.cell(0, 6, label, new_x="LMARGIN", new_y="NEXT")
            self.set_font(FONT, "B", 14)
            self.set_text_color(*INK)
            self.multi_cell(0, 7, value, align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(4)
        for note in notes:
            self.paragraph(note, size=9, colour=MUTED)
        self.set_y(-60)
        self.paragraph(t("report.cover_model", self.data.lang), size=9, colour=MUTED)

    def heading(self, text: str, size: float = 18) -> None:
        self.set_font(FONT, "B", size)
        self.set_text_color(*ACCENT)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def subheading(self, text: str) -> None:
        if self.will_page_break(20):
            self.add_page()
        self.ln(2)
        self.set_font(FONT, "B", 12)
        self.set_text_color(*INK)
        self.multi_cell(0, 6, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, size: float = 10, style: str = "",
                  colour: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, style, size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def bullets(self, lines: list[str], size: float = 10) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*INK)
        for line in lines:
            height = self.multi_cell(self.content_width - 6, size * 0.5, line, dry_run=True,
                                     output="HEIGHT")
            if self.will_page_break(height + 1):
                self.add_page()  # never split a bullet across two pages
            self.set_x(self.l_margin + 2)
            self.cell(4, size * 0.5, "•")
            self.multi_cell(self.content_width - 6, size * 0.5, line, align="L",
                            new_x="LMARGIN", new_y="NEXT")
            self.ln(1)

    def table_of(self, headings: list[str], rows: list[list[str]], widths: tuple[float, ...],
                 align: tuple[str, ...]) -> None:
        self.set_font(FONT, "", 8.5)
        self.set_text_color(*INK)
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(200, 208, 212)
        head = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=ACCENT)
        striped = FontFace(color=INK, fill_color=LIGHT)
        plain = FontFace(color=INK)
        with self.table(col_widths=widths, text_align=align, headings_style=head,
                        borders_layout="HORIZONTAL_LINES", line_height=4.2,
                        padding=(1.2, 1.5), repeat_headings=1) as table:
            row = table.row()
            for text in headings:
                row.cell(text)
            for index, values in enumerate(rows):
                row = table.row(style=striped if index % 2 else plain)
                for text in values:
                    row.cell(text)
        self.ln(3)

    def chart(self, png: bytes, caption: str = "", max_height: float | None = None) -> None:
        """The chart at its natural size (never blown up), shrunk to fit the page if needed:
        to the rest of this page when that costs at most 30 % of its size, else on a new one."""
        width_px, height_px = png_size(png)
        width = min(self.content_width, width_px / 2 * PX_TO_MM)
        height = width * height_px / width_px
        limit = max_height or (self.h - 2 * MARGIN - 30)
        if height > limit:
            height, width = limit, limit * width_px / height_px
        room = self.page_break_trigger - self.get_y() - 12
        if height > room >= height * SHRINK_TO_FIT:
            height, width = room, room * width_px / height_px
        if self.will_page_break(height + 12):
            self.add_page()
        x = self.l_margin + (self.content_width - width) / 2
        self.image(io.BytesIO(png), x=x, y=self.get_y(), w=width, h=height)
        self.set_y(self.get_y() + height + 2)
        if caption:
            self.paragraph(caption, size=8.5, style="I", colour=MUTED)
        self.ln(3)
