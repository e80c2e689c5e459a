"""The team's comments under their layer, in the PDF report and on the deck's slides.

One place for how a participant's words leave the app on paper: marked for discussion first,
each as plain text (fpdf2 text cells and python-pptx runs: never markdown or HTML), with the
author only when the workshop shows names (report_data.ReportData.comments holds them so).
"""

from __future__ import annotations

from loyalty_model.i18n import t
from loyalty_model.takeaways.pdf_document import FONT, MUTED, PdfDocument
from loyalty_model.takeaways.pptx_deck import (
    CONTENT_BOTTOM,
    CONTENT_TOP,
    MARGIN,
    SLIDE_W,
    Deck,
    Paragraph,
)


def _meta(comment, lang: str) -> str:  # noqa: ANN001 (ReportComment)
    """"Marked for discussion · Anna", or "" when neither applies."""
    meta = [t("comments.marked", lang)] if comment.marked else []
    meta += [comment.author] if comment.author else []
    return " · ".join(meta)


def pdf_comments(pdf: PdfDocument, layer_id: str) -> None:
    """The layer page's comments, after its statements."""
    lang, found = pdf.data.lang, pdf.data.layer_comments(layer_id)
    if not found:
        return
    pdf.subheading(t("comments.report_heading", lang))
    for comment in found:
        pdf.bullets([comment.text], size=9.5)
        meta = _meta(comment, lang)
        if meta:
            pdf.set_x(pdf.l_margin + 6)
            pdf.set_font(FONT, "", 8.5)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(pdf.content_width - 6, 4.5, meta, align="L",
                           new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)


COMMENT_CHARS_PER_SLIDE = 900  # about what 14 pt bullets fill on one slide


def comment_slides(deck: Deck, layer_id: str) -> None:
    """The layer's comments after its slides, on as many slides as they need."""
    data, lang = deck.data, deck.lang
    layer = data.model.layer(layer_id)
    pages: list[list[Paragraph]] = [[]]
    used = 0
    for comment in data.layer_comments(layer_id):
        meta = _meta(comment, lang)
        size = len(comment.text) + 60
        if pages[-1] and used + size > COMMENT_CHARS_PER_SLIDE:
            pages.append([])
            used = 0
        used += size
        pages[-1].append((comment.text, 14, {"bullet": 1, "space": 10,
                                              "bold": 1 if comment.marked else 0}))
        if meta:
            pages[-1].append((meta, 11, {"muted": 1, "space": 2}))
    if not pages[0]:
        return
    for page in pages:
        slide = deck.slide(t("comments.deck_title", lang, n=layer.order,
                             name=layer.name(lang)))
        deck.text(slide, MARGIN, CONTENT_TOP, SLIDE_W - 2 * MARGIN,
                  CONTENT_BOTTOM - CONTENT_TOP, page)
