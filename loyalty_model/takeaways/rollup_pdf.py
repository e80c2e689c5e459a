"""The client report: cover, heatmap, where the teams differ and agree, one page per team, and
the combined action plan.

The same page furniture as a team's report (pdf_document.PdfDocument: DejaVu Sans, running
header and footer, tables, chart images), so a consultant's two reports look like one family.
Team names and actions are the consultant's and the teams' text: plain text cells only.
"""

from __future__ import annotations

from loyalty_model.assessment.reading import status_key
from loyalty_model.i18n import fmt_date, fmt_number, t
from loyalty_model.takeaways.chart_images import chart_png
from loyalty_model.takeaways.pdf_document import MUTED, PdfDocument
from loyalty_model.takeaways.pdf_rows import row_table
from loyalty_model.takeaways.report_pdf import font_paths
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

HEATMAP_ROWS = 20  # teams per heatmap page: more and the figures get too small to read
PLAN_WIDTHS = (28, 66, 32, 24, 24)
# the action column as wide as in the combined plan: each action is broken into lines once
TEAM_PLAN_WIDTHS = (66, 32, 52, 24)
PLAN_ALIGN = ("LEFT", "LEFT", "LEFT", "LEFT", "LEFT")


def _cover(pdf: PdfDocument) -> None:
    data, lang = pdf.data, pdf.data.lang
    pdf.cover(t("client.report_kicker", lang), data.rollup.client, [
        (t("client.cover_teams", lang), fmt_number(len(data.rollup.teams), lang)),
        (t("client.cover_workshops", lang), fmt_number(data.workshops(), lang)),
        (t("client.cover_people", lang), fmt_number(data.participants, lang)),
        (t("report.cover_date", lang), fmt_date(data.on, lang)),
    ])


def _overview(pdf: PdfDocument) -> None:
    data, lang, model = pdf.data, pdf.data.lang, pdf.data.model
    chunks = team_chunks(data.rollup, HEATMAP_ROWS)
    for part, names in enumerate(chunks, start=1):
        pdf.add_page()
        pdf.heading(t("client.heatmap_heading", lang) if len(chunks) == 1 else
                    t("client.heatmap_part", lang, part=part, parts=len(chunks)))
        spec = heatmap_chart(data.rollup, model, lang, names).to_dict(validate=False)
        spec.pop("title", None)
        pdf.chart(chart_png(spec, lang), t("client.heatmap_help", lang))
    pdf.section(t("client.priorities_heading", lang))
    pdf.paragraph(t("client.priorities_help", lang), size=9.5, colour=MUTED)
    for headline, reason in priority_lines(data.rollup, model, lang):
        pdf.paragraph(headline, style="B")
        pdf.paragraph(reason, size=9.5, colour=MUTED)


def _splits_and_shared(pdf: PdfDocument) -> None:
    data, lang, model = pdf.data, pdf.data.lang, pdf.data.model
    pdf.section(t("client.splits_heading", lang))
    splits = split_lines(data.rollup, model, lang)
    if splits:
        pdf.bullets(splits, size=9.5)
    else:
        pdf.paragraph(t("client.no_splits", lang), size=9.5, colour=MUTED)
    pdf.subheading(t("client.shared_heading", lang))
    shared = shared_lines(data.rollup, model, lang)
    if shared:
        pdf.bullets(shared, size=9.5)
    else:
        pdf.paragraph(t("client.no_shared", lang), size=9.5, colour=MUTED)


def _team_page(pdf: PdfDocument, index: int) -> None:
    data, lang, model = pdf.data, pdf.data.lang, pdf.data.model
    team = data.rollup.teams[index]
    latest, assessment = team.latest, team.latest.assessment
    pdf.add_page()
    pdf.heading(t("client.team_heading", lang, team=team.name))
    pdf.paragraph(t("client.team_latest", lang, workshop=latest.name,
                    people=fmt_number(latest.participants, lang),
                    n=fmt_number(len(team.workshops), lang)), size=9.5, colour=MUTED)
    rank = {layer_id: i + 1 for i, layer_id in enumerate(assessment.priorities)}
    rows = [[str(rank[r.layer]), model.layer(r.layer).name(lang), score_text(r.self_score, lang),
             score_text(r.kpi_score, lang), gap_text(r.gap, lang),
             t(f"status.{status_key(assessment, r.layer)}", lang)]
            for r in sorted(assessment.layers, key=lambda r: rank[r.layer])]
    row_table(pdf, ["#", t("export.layer", lang),
                    t("export.self_score", lang), t("export.kpi_score", lang),
                    t("export.gap", lang), t("export.status", lang)], rows,
              (10, 44, 26, 26, 18, 50), ("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"))
    chart = team_trend_chart(data.rollup, team.name, model, lang)
    if chart is not None:
        spec = chart.to_dict(validate=False)
        spec.pop("title", None)
        pdf.subheading(t("client.trend_heading_team", lang))
        pdf.chart(chart_png(spec, lang), t("trend.help", lang), max_height=80)
    pdf.subheading(t("client.team_actions", lang))
    plan = latest.actions.to_dict("records")
    if plan:
        if latest.actions_proposed:
            pdf.paragraph(t("client.team_plan_proposed", lang), size=9, style="I", colour=MUTED)
        row_table(pdf, [t("report.col_action", lang), t("report.col_layer", lang),
                        t("report.col_owner", lang), t("report.col_due", lang)],
                  [[row["action"], _layer(pdf, row.get("layer")),
                    row.get("owner") or "–", due_text(row.get("due_date"), lang)]
                   for row in plan], TEAM_PLAN_WIDTHS, ("LEFT",) * 4, wrap=(0,))
    else:
        pdf.paragraph(t("report.plan_empty", lang), size=9.5, colour=MUTED)


def _layer(pdf: PdfDocument, layer_id: object) -> str:
    try:
        return pdf.data.model.layer(str(layer_id)).name(pdf.data.lang) if layer_id else "–"
    except KeyError:
        return str(layer_id)


def _plan(pdf: PdfDocument) -> None:
    data, lang = pdf.data, pdf.data.lang
    pdf.add_page()
    pdf.heading(t("client.plan_heading", lang))
    pdf.paragraph(t("client.plan_help", lang), size=9.5, colour=MUTED)
    rows = plan_rows(data.rollup, data.model, lang)
    if rows:
        row_table(pdf, [t("client.col_team", lang), t("report.col_action", lang),
                        t("report.col_layer", lang), t("report.col_owner", lang),
                        t("report.col_due", lang)], rows, PLAN_WIDTHS, PLAN_ALIGN, wrap=(0, 1))
    else:
        pdf.paragraph(t("report.plan_empty", lang))


def layout_rollup_pdf(data: RollupReport) -> PdfDocument:
    pdf = PdfDocument(data, font_paths())  # type: ignore[arg-type] (same furniture fields)
    _cover(pdf)
    _overview(pdf)
    _splits_and_shared(pdf)
    for index in range(len(data.rollup.teams)):
        _team_page(pdf, index)
    _plan(pdf)
    return pdf


def render_rollup_pdf(data: RollupReport) -> bytes:
    """The client report as PDF bytes."""
    return bytes(layout_rollup_pdf(data).output())
