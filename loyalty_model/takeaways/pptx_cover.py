"""The title slide every deck opens with: the accent band, the title on it, then a few lines.

Shared by the workshop deck (report_pptx.py) and the client deck (rollup_pptx.py), so both look
like one consultant's material.
"""

from __future__ import annotations

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Inches

from loyalty_model.takeaways.pptx_deck import (
    INK,
    LAYOUT_TITLE,
    MARGIN,
    MUTED,
    SLIDE_W,
    WHITE,
    Deck,
    text_colour_on,
)


def title_slide(deck: Deck, kicker: str, title_text: str, lines: list[tuple[str, int]]) -> None:
    """`lines`: (text, size in points) under the band; the first is the bold one."""
    slide = deck.prs.slides.add_slide(deck.prs.slide_layouts[LAYOUT_TITLE])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_W, Inches(4.3))
    deck.fill(band, deck.accent)
    slide.shapes._spTree.remove(band._element)
    slide.shapes._spTree.insert(2, band._element)  # behind the placeholders
    on_accent = text_colour_on(deck.accent)
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    title.left, title.top, title.width, title.height = (MARGIN, Inches(1.3), SLIDE_W - 2 * MARGIN,
                                                        Inches(2.6))
    title.text_frame.text = title_text
    title.text_frame.word_wrap = True
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    para = title.text_frame.paragraphs[0]
    para.alignment = PP_ALIGN.LEFT
    deck.style_run(para.runs[0], 40, bold=True, colour=on_accent)
    deck.text(slide, MARGIN, Inches(0.6), Inches(9), Inches(0.5),
              [(kicker, 16, {"white": 1} if on_accent == WHITE else {})])
    # the logo sits to the right of these lines; without one they may run wider
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = (
        MARGIN, Inches(4.7), Inches(9 if deck.logo else 11), Inches(1.8))
    frame = subtitle.text_frame
    frame.text = lines[0][0]
    for line, _ in lines[1:]:
        frame.add_paragraph().text = line
    for index, (para, (_, size)) in enumerate(zip(frame.paragraphs, lines, strict=True)):
        para.alignment = PP_ALIGN.LEFT
        deck.style_run(para.runs[0], size, bold=index == 0, colour=INK if index == 0 else MUTED)
    deck.add_logo(slide, Inches(1.0), SLIDE_W - MARGIN, Inches(5.3))
