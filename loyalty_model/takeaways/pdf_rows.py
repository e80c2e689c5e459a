"""A table drawn row by row, for reports with hundreds of rows: a client of 40 teams.

fpdf2's own table (PdfDocument.table_of) lays every cell out with multi_cell two or three
times; at 40 team pages and a 240-row action plan that alone took over 20 seconds. Here short
cells are single `cell`s (cut with "…" when too wide) and only the columns named may wrap, each
text laid out once. It looks like table_of: accent heading row, light stripes, plain text only.
"""

from __future__ import annotations

from fpdf import FPDF

from loyalty_model.takeaways.pdf_document import ACCENT, FONT, INK, LIGHT

LINE = 4.2  # mm per text line, as table_of
PAD = 1.2
SIZE = 8.5


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """`text` cut with "…" to fit `width` (mm) on one line."""
    room = width - 2 * PAD - 2 * pdf.c_margin
    if pdf.get_string_width(text) <= room:
        return text
    while text and pdf.get_string_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """`text` broken into lines of `width`; remembered per document, as the same action is
    printed on its team's page and again in the combined plan."""
    memo = pdf.__dict__.setdefault("_row_lines", {})
    key = (text, width, pdf.font_size_pt, pdf.font_style)
    if key not in memo:
        memo[key] = pdf.multi_cell(width - 2 * PAD, LINE, text, dry_run=True, output="LINES",
                                   align="L") or [""]
    return memo[key]


def _heading(pdf: FPDF, headings: list[str], widths: tuple[float, ...]) -> None:
    """The accent heading row; a heading wider than its column takes a second line."""
    pdf.set_font(FONT, "B", SIZE)
    pdf.set_fill_color(*ACCENT)
    pdf.set_text_color(255, 255, 255)
    split = [_lines(pdf, text, width) for text, width in zip(headings, widths, strict=True)]
    height = max(len(lines) for lines in split) * LINE + 2 * PAD
    x, y = pdf.l_margin, pdf.get_y()
    pdf.rect(x, y, sum(widths), height, style="F")
    for lines, width in zip(split, widths, strict=True):
        for number, line in enumerate(lines):
            pdf.set_xy(x + PAD, y + PAD + number * LINE)
            pdf.cell(width - 2 * PAD, LINE, line)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def row_table(pdf: FPDF, headings: list[str], rows: list[list[str]], widths: tuple[float, ...],
              align: tuple[str, ...], wrap: tuple[int, ...] = ()) -> None:
    """The rows under a heading row repeated on every page; the columns in `wrap` may take
    lines, the others are cut to one."""
    _heading(pdf, headings, widths)
    pdf.set_draw_color(200, 208, 212)
    for index, values in enumerate(rows):
        pdf.set_font(FONT, "", SIZE)
        split = {column: _lines(pdf, values[column], widths[column]) for column in wrap}
        height = max([1, *(len(lines) for lines in split.values())]) * LINE + 2 * PAD
        if pdf.will_page_break(height):
            pdf.add_page()
            _heading(pdf, headings, widths)
            pdf.set_font(FONT, "", SIZE)
        x, y = pdf.l_margin, pdf.get_y()
        if index % 2:
            pdf.set_fill_color(*LIGHT)
            pdf.rect(x, y, sum(widths), height, style="F")
        pdf.set_text_color(*INK)
        for column, (text, width) in enumerate(zip(values, widths, strict=True)):
            if column in split:
                for number, line in enumerate(split[column]):
                    pdf.set_xy(x + PAD, y + PAD + number * LINE)
                    pdf.cell(width - 2 * PAD, LINE, line)
            else:
                pdf.set_xy(x + PAD, y + PAD)
                pdf.cell(width - 2 * PAD, LINE, _fit(pdf, text, width),
                         align=align[column][0])
            x += width
        pdf.line(pdf.l_margin, y + height, pdf.l_margin + sum(widths), y + height)
        pdf.set_xy(pdf.l_margin, y + height)
    pdf.ln(3)
