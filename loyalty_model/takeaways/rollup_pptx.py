"""The client deck: title, heatmap, the client's priorities, where the teams differ and agree,
one slide per team and the combined action plan.

Built with the team deck's blocks (pptx_deck.Deck: editable text boxes and tables, the app's
charts as PNG), so the consultant edits it like any other deck before the management meeting.
"""

from __future__ import annotations

import io

from pptx.util import Inches

from loyalty_model.assessment.reading import status_key
from loyalty_model.i18n import fmt_date, fmt_number, t
from loyalty_model.takeaways.chart_images import chart_png
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
from loyalty_model.takeaways.report_text import due_text, gap_text, score_text
from loyalty_model.takeaways.rollup_data import (
    RollupReport,
    heatmap_chart,
    plan_rows,
    priority_lines,
    shared_lines,
    split_lines,
    team_chunks,
    team_trend_chart,
)

HEATMAP_ROWS = 10  # teams per heatmap slide, readable from a chair
PLAN_ROWS = 8
TEAM_ACTIONS = 4  # a team's first actions on its slide; all of them are in the combined plan


def _title_slide(deck: Deck) -> None:
    data, lang = deck.data, deck.lang
    title_slide(deck, t("client.report_kicker", lang), data.rollup.client, [
        (t("client.cover_line", lang, teams=fmt_number(len(data.rollup.teams), lang),
           workshops=fmt_number(data.workshops(), lang),
           people=fmt_number(data.participants, lang)), 24),
        (fmt_date(data.on, lang), 18),
    ])


def _heatmap_slides(deck: Deck) -> None:
    data, lang = deck.data, deck.lang
    chunks = team_chunks(data.rollup, HEATMAP_ROWS)
    for part, names in enumerate(chunks, start=1):
        title = (t("client.heatmap_heading", lang) if len(chunks) == 1
                 else t("client.heatmap_part", lang, part=part, parts=len(chunks)))
        deck.chart_slide(title, heatmap_chart(data.rollup, data.model, lang, names),
                         t("client.heatmap_help", lang))


def _priority_slide(deck: Deck) -> None:
    data, lang = deck.data, deck.lang
    slide = deck.slide(t("client.priorities_heading", lang))
    paragraphs: list[Paragraph] = [(t("client.priorities_help", lang), 14, {"muted": 1})]
    for headline, reason in priority_lines(data.rollup, data.model, lang):
        paragraphs.append((headline, 18, {"bold": 1, "space": 14}))
        paragraphs.append((reason, 13, {"muted": 1, "space": 2}))
    deck.text(slide, MARGIN, CONTENT_TOP, SLIDE_W - 2 * MARGIN, CONTENT_BOTTOM - CONTENT_TOP,
              paragraphs)


def _splits_slide(deck: Deck) -> None:
    data, lang = deck.data, deck.lang
    slide = deck.slide(t("client.compare_title", lang))
    half = (SLIDE_W - 2 * MARGIN - Inches(0.4)) // 2
    height = CONTENT_BOTTOM - CONTENT_TOP
    for left, heading, lines, empty in (
        (MARGIN, "client.splits_heading", split_lines(data.rollup, data.model, lang),
         "client.no_splits"),
        (MARGIN + half + Inches(0.4), "client.shared_heading",
         shared_lines(data.rollup, data.model, lang), "client.no_shared"),
    ):
        deck.text(slide, left, CONTENT_TOP, half, height, [
            (t(heading, lang), 20, {"bold": 1, "accent": 1}),
            *([(line, 14, {"bullet": 1, "space": 8}) for line in lines]
              or [(t(empty, lang), 14, {"muted": 1, "space": 8})]),
        ])


def _team_slide(deck: Deck, index: int) -> None:
    data, lang, model = deck.data, deck.lang, deck.data.model
    team = data.rollup.teams[index]
    latest, assessment = team.latest, team.latest.assessment
    slide = deck.slide(t("client.team_heading", lang, team=team.name))
    deck.text(slide, MARGIN, CONTENT_TOP - Inches(0.1), SLIDE_W - 2 * MARGIN, Inches(0.4), [
        (t("client.team_latest", lang, workshop=latest.name,
           people=fmt_number(latest.participants, lang),
           n=fmt_number(len(team.workshops), lang)), 13, {"muted": 1})])
    rank = {layer_id: i + 1 for i, layer_id in enumerate(assessment.priorities)}
    rows = [[str(rank[r.layer]), model.layer(r.layer).name(lang), score_text(r.self_score, lang),
             score_text(r.kpi_score, lang), gap_text(r.gap, lang),
             t(f"status.{status_key(assessment, r.layer)}", lang)]
            for r in sorted(assessment.layers, key=lambda r: rank[r.layer])]
    top = CONTENT_TOP + Inches(0.4)
    deck.table(slide, ["#", t("export.layer", lang), t("export.self_score", lang),
                       t("export.kpi_score", lang), t("export.gap", lang),
                       t("export.status", lang)], rows, top, [0.4, 1.9, 1.1, 1.1, 0.9, 1.9],
               size=11, numeric=(2, 3, 4))
    chart = team_trend_chart(data.rollup, team.name, model, lang)
    if chart is not None:
        spec = chart.to_dict(validate=False)
        spec.pop("title", None)
        left = MARGIN + Inches(7.6)
        deck.picture(slide, chart_png(spec, lang), left, top, SLIDE_W - MARGIN - left,
                     Inches(3.2))
    plan = latest.actions.to_dict("records")[:TEAM_ACTIONS]
    lines: list[Paragraph] = [(t("client.team_actions", lang), 15, {"bold": 1})]
    for row in plan:
        lines.append((f"{row['action']} · {row.get('owner') or t('report.no_owner', lang)} · "
                      f"{due_text(row.get('due_date'), lang)}", 11, {"bullet": 1, "space": 4}))
    if latest.actions_proposed and plan:
        lines.append((t("client.team_plan_proposed", lang), 10, {"muted": 1, "italic": 1}))
    deck.text(slide, MARGIN, top + Inches(2.7), SLIDE_W - 2 * MARGIN,
              CONTENT_BOTTOM - top - Inches(2.7), lines)


def _plan_slides(deck: Deck) -> None:
    data, lang = deck.data, deck.lang
    rows = plan_rows(data.rollup, data.model, lang)
    parts = [rows[i:i + PLAN_ROWS] for i in range(0, len(rows), PLAN_ROWS)] or [[]]
    for part, chunk in enumerate(parts, start=1):
        title = (t("client.plan_heading", lang) if len(parts) == 1
                 else t("client.plan_part", lang, part=part, parts=len(parts)))
        slide = deck.slide(title)
        deck.text(slide, MARGIN, CONTENT_TOP, SLIDE_W - 2 * MARGIN, Inches(0.6),
                  [(t("client.plan_help", lang), 13, {"muted": 1})])
        if chunk:
            deck.table(slide, [t("client.col_team", lang), t("report.col_action", lang),
                               t("report.col_layer", lang), t("report.col_owner", lang),
                               t("report.col_due", lang)], chunk, CONTENT_TOP + Inches(0.8),
                       [2.0, 5.6, 1.8, 1.5, 1.2], size=12)


def render_rollup_pptx(data: RollupReport, style: DeckStyle | None = None) -> bytes:
    """The client deck as .pptx bytes."""
    deck = Deck(data, style or DeckStyle())  # type: ignore[arg-type] (same furniture fields)
    _title_slide(deck)
    _heatmap_slides(deck)
    _priority_slide(deck)
    _splits_slide(deck)
    for index in range(len(data.rollup.teams)):
        _team_slide(deck, index)
    _plan_slides(deck)
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()
