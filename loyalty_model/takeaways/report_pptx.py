"""The slide deck a consultant presents: title, agenda, charts, one slide per layer, priorities,
action plan and an appendix of KPI definitions.

Every text is a real, editable text box or table (consultants rework decks before a meeting) and
every chart is the app's own Altair spec rendered to PNG. The slides here decide what the
deck says; how a slide, table or picture is built, and the consultant's accent and logo, are
pptx_deck.py's.
"""

from __future__ import annotations

import io

from pptx.util import Inches

from loyalty_model.assessment.reading import (
    brief_reading,
    next_question,
    priority_reason,
    status_key,
    summary,
)
from loyalty_model.i18n import fmt_date, fmt_number, t
from loyalty_model.takeaways.chart_images import chart_png
from loyalty_model.takeaways.comment_pages import comment_slides
from loyalty_model.takeaways.pptx_cover import title_slide
from loyalty_model.takeaways.pptx_deck import (
    CONTENT_BOTTOM,
    CONTENT_TOP,
    MARGIN,
    SLIDE_W,
    Deck,
    DeckStyle,
    Paragraph,
)
from loyalty_model.takeaways.report_data import ReportData, layer_spread_chart
from loyalty_model.takeaways.report_text import (
    due_text,
    gap_text,
    kpi_scoring_text,
    kpi_source_text,
    layer_label,
    score_text,
)

ACTIONS_PER_SLIDE = 8
SLIDE_LABEL_LINE = 64  # characters a statement label takes per line: a slide is wide
KPIS_PER_SLIDE = 5


# --- slides ------------------------------------------------------------------------------------


def _title_slide(deck: Deck) -> None:
    data, lang = deck.data, deck.lang
    title_slide(deck, t("report.kicker", lang), data.title, [
        (data.team, 24), (fmt_date(data.on, lang), 18),
        (f"{t('report.cover_participants', lang)}: {fmt_number(data.participants, lang)}", 18),
        (data.anonymity_note(), 12),
    ])


def _agenda(deck: Deck) -> None:
    lang = deck.lang
    slide = deck.slide(t("deck.agenda", lang))
    items = ["deck.agenda_summary", "deck.agenda_charts", "deck.agenda_layers",
             "deck.agenda_priorities", "deck.agenda_actions", "deck.agenda_appendix"]
    if deck.data.business is not None:
        items.insert(-1, "deck.agenda_business")
    deck.text(slide, MARGIN + Inches(0.3), CONTENT_TOP + Inches(0.3), Inches(11), Inches(5),
              [(f"{i}.  {t(key, lang)}", 24, {"space": 14}) for i, key in enumerate(items, 1)])


def _summary_slide(deck: Deck) -> None:
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
                 t(f"status.{status_key(assessment, r.layer)}", lang), str(rank[r.layer])]
                for r in assessment.layers],
               CONTENT_TOP + Inches(1.3), [2.9, 1.8, 1.9, 1.5, 2.6, 1.4], size=16,
               numeric=(1, 2, 3, 5))


def _layer_slide(deck: Deck, layer_id: str) -> None:
    data, lang, model, assessment = deck.data, deck.lang, deck.data.model, deck.data.assessment
    layer, result = model.layer(layer_id), assessment.layer(layer_id)
    slide = deck.slide(t("deck.layer_title", lang, n=layer.order, name=layer.name(lang)))
    rank = assessment.priorities.index(layer_id) + 1
    half = (SLIDE_W - 2 * MARGIN - Inches(0.4)) // 2
    height = CONTENT_BOTTOM - CONTENT_TOP  # the chart has a slide of its own: type can grow
    deck.text(slide, MARGIN, CONTENT_TOP, half, height, [
        (layer.tagline(lang), 18, {"italic": 1, "accent": 1}),
        (t("report.layer_scores", lang, self=score_text(result.self_score, lang),
           kpi=score_text(result.kpi_score, lang), gap=gap_text(result.gap, lang)),
         18, {"bold": 1, "space": 12}),
        (brief_reading(assessment, layer_id, model, lang, data.currency), 15, {"space": 10}),
        (t("report.layer_priority", lang, rank=rank, total=len(model.layers),
           reason=priority_reason(result, model, assessment, lang)), 14, {"muted": 1}),
    ])
    question = next_question(assessment, layer_id, model, lang)  # this team's question first
    deck.text(slide, MARGIN + half + Inches(0.4), CONTENT_TOP, half, height, [
        (t("deck.layer_questions", lang), 18, {"bold": 1}),
        *([(question, 15, {"accent": 1, "space": 6})] if question else []),
        *[(c(lang), 14, {"bullet": 1, "space": 6}) for c in layer.coaching],
    ])
    if layer_spread_chart(data, layer_id) is None:
        deck.text(slide, MARGIN, CONTENT_BOTTOM - Inches(0.5), SLIDE_W - 2 * MARGIN,
                  Inches(0.5), [(t("deck.no_ratings_layer", lang), 14, {"muted": 1})])


def _layer_chart_slide(deck: Deck, layer_id: str) -> None:
    """The layer's statements, mean and disagreement, on a slide of their own: under the
    reading they had a third of a slide and could not be read from a chair or on paper."""
    data, lang = deck.data, deck.lang
    layer = data.model.layer(layer_id)
    chart = layer_spread_chart(data, layer_id, label_width=SLIDE_LABEL_LINE)
    if chart is None:
        return
    deck.chart_slide(t("deck.layer_spread_title", lang, n=layer.order, name=layer.name(lang)),
                     chart, t("report.caption_spread", lang))


def _priority_slide(deck: Deck) -> None:
    lang, model, assessment = deck.lang, deck.data.model, deck.data.assessment
    slide = deck.slide(t("deck.priorities", lang))
    paragraphs: list[Paragraph] = []
    for line, layer_id in zip(summary(assessment, model, lang), assessment.priorities,
                              strict=False):
        paragraphs.append((line, 20, {"bold": 1, "space": 18}))
        paragraphs.append((brief_reading(assessment, layer_id, model, lang, deck.data.currency),
                           13, {"muted": 1, "space": 4}))
    deck.text(slide, MARGIN, CONTENT_TOP, SLIDE_W - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP,
              paragraphs)


def _chunks(rows: list, size: int) -> list[list]:
    return [rows[i:i + size] for i in range(0, len(rows), size)] or [[]]


def _action_slides(deck: Deck) -> None:
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


def _business_slides(deck: Deck) -> None:
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
               CONTENT_TOP + Inches(1.0), [4.0, 1.9, 6.2], size=12, numeric=(1,))
    if case.notes:  # at the foot of the slide, below the table however its rows wrap
        deck.text(slide, MARGIN, CONTENT_BOTTOM - Inches(0.95), width, Inches(0.95),
                  [(note, 11, {"muted": 1, "italic": 1}) for note in case.notes])

    deck.chart_slide(case.retention_chart.title, case.retention_chart.chart,
                     case.retention_chart.caption)
    slide = deck.slide(t("business.retention_heading", lang))
    deck.table(slide, [figure, value, how], [list(row) for row in case.figures], CONTENT_TOP,
               [3.6, 1.9, 6.6], size=11, numeric=(1,))
    if case.caveats:  # the 68 %'s sources, on the slide that uses it
        deck.text(slide, MARGIN, CONTENT_BOTTOM - Inches(0.7), width, Inches(0.7),
                  [(caveat, 10, {"muted": 1, "italic": 1}) for caveat in case.caveats])

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
               CONTENT_TOP + Inches(1.5), [1.8, 1.6, 2.4], size=11, numeric=(1,), left=right)

    slide = deck.slide(t("business.assumptions", lang))
    deck.table(slide, [t("business.col_assumption", lang), value, source],
               [list(row) for row in case.assumptions], CONTENT_TOP, [6.6, 2.0, 3.5], size=11,
               numeric=(1,))
    if case.caveats:  # "see the note" in the 68 %'s label points here
        deck.text(slide, MARGIN, CONTENT_BOTTOM - Inches(0.7), width, Inches(0.7),
                  [(caveat, 10, {"muted": 1, "italic": 1}) for caveat in case.caveats])


def _appendix(deck: Deck) -> None:
    data, lang = deck.data, deck.lang
    rows = [[spec.name(lang), data.model.layer(spec.layer).name(lang), spec.definition(lang),
             kpi_scoring_text(spec, data.assessment.kpi(spec.id), lang, data.currency) + " "
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
    deck = Deck(data, style or DeckStyle())
    _title_slide(deck)
    _agenda(deck)
    _summary_slide(deck)
    for item in data.charts:
        if item.key != "spread":  # 25 statements on one slide cannot be read: one per layer
            deck.chart_slide(item.title, item.chart, item.caption)
    for layer in data.model.layers:
        _layer_slide(deck, layer.id)
        _layer_chart_slide(deck, layer.id)
        comment_slides(deck, layer.id)
    _priority_slide(deck)
    _action_slides(deck)
    _business_slides(deck)
    _appendix(deck)
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()
