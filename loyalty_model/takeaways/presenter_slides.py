"""Presenter slides: which charts a projector shows, in what order, and in what type size.

A projector at 1440×900 read from the back of a room needs about 24 px type and a chart that
fills the slide. The report's charts are reused (what the room saw is what it takes home); only
the statements are split per layer, because 25 wrapped statements cannot share one slide.

After a layer's statements come the comments the facilitator marked for discussion on that
layer, as the room wrote them: the words that start the conversation. Unmarked comments stay
in the report; a slide holds what fits at projector size, and more go on a next slide.
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt

from loyalty_model.i18n import t
from loyalty_model.takeaways import charts
from loyalty_model.takeaways.report_data import ReportData
from loyalty_model.takeaways.report_parts import ReportComment

PROJECTOR_FONT = 24  # px: the smallest text on a projected slide
# What one comments slide holds at 1440x900 in the projector's ~37 px quote type: about 70
# characters a line, 10 lines below the title (tests/test_presenter_browser.py checks the fit).
LINE_CHARS = 70
SLIDE_LINES = 10


@dataclass(frozen=True)
class Slide:
    title: str
    chart: alt.TopLevelMixin | None  # None: a text slide, the verdict or comments
    caption: str = ""
    comments: tuple[ReportComment, ...] = ()  # a comments slide: what the room marked


def slides_for(data: ReportData) -> list[Slide]:
    """The verdict, then the report's charts, with the statements one layer per slide."""
    lang, model = data.lang, data.model
    slides = [Slide(t("presenter.priorities", lang), None)]
    for item in data.charts:
        if item.key != "spread":
            slides.append(Slide(item.title, _big_text(item.key, data) or item.chart,
                                item.caption))
            continue
        for layer in model.layers:
            rated = any(s.layer == layer.id and s.mean is not None
                        for s in data.assessment.statements)
            if rated:  # two lines a statement: a projector is wide, not tall
                chart = charts.spread_chart(data.assessment, model, lang, layer.id,
                                            label_width=64)
                slides.append(Slide(t("presenter.spread_layer", lang, layer=layer.name(lang)),
                                    chart, item.caption))
            marked = [c for c in data.layer_comments(layer.id) if c.marked]
            for part in comment_slides(marked):
                slides.append(Slide(t("presenter.comments_layer", lang, layer=layer.name(lang)),
                                    None, t("presenter.comments_caption", lang), part))
    return slides


def _lines(comment: ReportComment) -> int:
    return -(-len(comment.text) // LINE_CHARS) + (1 if comment.author else 0)


def comment_slides(comments: list[ReportComment]) -> list[tuple[ReportComment, ...]]:
    """The comments in slide-sized groups, in order; a comment is never split (at most 500
    characters, so one always fits)."""
    groups: list[list[ReportComment]] = []
    used = SLIDE_LINES
    for comment in comments:
        if used + _lines(comment) > SLIDE_LINES:
            groups.append([])
            used = 0
        groups[-1].append(comment)
        used += _lines(comment)
    return [tuple(group) for group in groups]


def _big_text(key: str, data: ReportData) -> alt.TopLevelMixin | None:
    """Charts whose text marks carry their own size are rebuilt at projector size."""
    if key == "matrix" and data.matrix_shares:
        return charts.loyalty_matrix_chart(data.matrix_shares, data.model, data.lang,
                                           font_size=PROJECTOR_FONT + 4)
    return None


def projector_chart(chart: alt.TopLevelMixin, height: int) -> alt.TopLevelMixin:
    """The chart without its title (the slide has one), `height` px tall, 24 px type."""
    big = {"labelFontSize": PROJECTOR_FONT, "titleFontSize": PROJECTOR_FONT + 2,
           "labelLimit": 0}
    # wrapped statements are several lines tall: never let Vega drop one as "overlapping"
    statements = {"labelOverlap": False, "labelPadding": 8}
    return (chart.properties(title="", height=height)
            .configure_axis(**big)
            .configure_axisBand(**statements)
            .configure_legend(labelFontSize=PROJECTOR_FONT, titleFontSize=PROJECTOR_FONT,
                              symbolSize=300, labelLimit=0)
            .configure_text(fontSize=PROJECTOR_FONT))
