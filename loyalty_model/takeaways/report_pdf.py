"""The PDF report the room takes home: cover, summary, charts, one page per layer, plan, KPIs.

Laid out with fpdf2 in a Unicode TrueType font (DejaVu Sans): the core PDF fonts cannot print
æ, ø, å or an en dash. Participant text (action plan, owners, comments) goes through plain text
cells only, never through fpdf2's markdown or HTML rendering. The pages here decide what the report
says; how a heading, table or chart looks is pdf_document.py's. Finding the fonts stays here, next
to render_pdf, because the app checks for them (font_paths) before it offers the download.
"""

from __future__ import annotations

import os
from pathlib import Path

from loyalty_model.assessment.anonymity import AGGREGATES_ONLY
from loyalty_model.assessment.reading import (
    layer_reading,
    priority_reason,
    status_key,
    summary,
)
from loyalty_model.assessment.targets import basis_label
from loyalty_model.i18n import fmt_date, fmt_kpi_value, fmt_number, t
from loyalty_model.takeaways.chart_images import chart_png
from loyalty_model.takeaways.comment_pages import pdf_comments
from loyalty_model.takeaways.pdf_document import FONT, INK, MUTED, PdfDocument
from loyalty_model.takeaways.report_data import ReportData, layer_spread_chart
from loyalty_model.takeaways.report_text import (
    due_text,
    gap_text,
    kpi_scoring_text,
    kpi_source_text,
    layer_label,
    score_text,
)

FONT_DIR = Path(os.environ.get("SKAB_FONT_DIR", "/usr/share/fonts/truetype/dejavu"))
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}


class ReportFontError(RuntimeError):
    """The Unicode font the PDF needs is not installed."""


def font_paths(font_dir: Path | None = None) -> dict[str, Path]:
    """The DejaVu files by style, or ReportFontError saying what to install."""
    font_dir = font_dir or FONT_DIR
    paths = {style: font_dir / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise ReportFontError(
            f"the PDF report needs the DejaVu Sans fonts, missing: {', '.join(missing)}. "
            "Install them with `apt-get install fonts-dejavu-core`, or point SKAB_FONT_DIR "
            "at a folder holding DejaVuSans.ttf, DejaVuSans-Bold.ttf and DejaVuSans-Oblique.ttf."
        )
    return paths


# --- pages -------------------------------------------------------------------------------------


def _cover(pdf: PdfDocument) -> None:
    data, lang = pdf.data, pdf.data.lang
    pdf.cover(t("report.kicker", lang), data.title, [
        (t("report.cover_team", lang), data.team),
        (t("report.cover_date", lang), fmt_date(data.on, lang)),
        (t("report.cover_participants", lang), fmt_number(data.participants, lang)),
    ], notes=(data.anonymity_note(),))


def _summary(pdf: PdfDocument) -> None:
    data, lang, model, assessment = pdf.data, pdf.data.lang, pdf.data.model, pdf.data.assessment
    pdf.add_page()
    pdf.heading(t("report.summary", lang))
    pdf.paragraph(t("report.summary_intro", lang, n=data.participants, team=data.team,
                    kpis=len(assessment.kpis)))
    pdf.subheading(t("report.priorities", lang))
    for line, layer_id in zip(summary(assessment, model, lang), assessment.priorities,
                              strict=False):
        pdf.paragraph(line, style="B")
        pdf.paragraph(layer_reading(assessment, layer_id, model, lang, data.currency), size=9.5,
                      colour=MUTED)
    pdf.subheading(t("report.layers_table", lang))
    rank = {layer_id: i + 1 for i, layer_id in enumerate(assessment.priorities)}
    rows = [[str(rank[r.layer]), model.layer(r.layer).name(lang), score_text(r.self_score, lang),
             score_text(r.kpi_score, lang), gap_text(r.gap, lang),
             t(f"status.{status_key(assessment, r.layer)}", lang)]  # weak: never just aligned
            for r in sorted(assessment.layers, key=lambda r: rank[r.layer])]
    pdf.table_of([t("export.priority", lang), t("export.layer", lang),
                  t("export.self_score", lang), t("export.kpi_score", lang),
                  t("export.gap", lang), t("export.status", lang)], rows,
                 (22, 42, 26, 26, 20, 38), ("CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"))
    pdf.subheading(t("report.discussion", lang))
    points = assessment.discussion_points()[:5]
    if points:
        pdf.bullets([t("report.discussion_line", lang,
                       statement=model.statement(p.statement_id).text(lang),
                       mean=fmt_number(p.mean, lang, 1), spread=fmt_number(p.spread, lang, 1))
                     for p in points], size=9.5)
    else:
        pdf.paragraph(t("report.no_discussion", lang))


def _charts(pdf: PdfDocument) -> None:
    """The overview charts. Disagreement per statement is drawn layer by layer on the layer
    pages instead: all statements in one chart are too small to read on paper."""
    lang = pdf.data.lang
    pdf.section(t("report.charts", lang))
    for item in pdf.data.charts:
        if item.key != "spread":
            pdf.chart(chart_png(item.chart, lang), item.caption)


def _layer_page(pdf: PdfDocument, layer_id: str) -> None:
    data, lang, model, assessment = pdf.data, pdf.data.lang, pdf.data.model, pdf.data.assessment
    layer = model.layer(layer_id)
    result = assessment.layer(layer_id)
    pdf.section(t("report.layer_heading", lang, n=layer.order, total=len(model.layers),
                  name=layer.name(lang)))
    pdf.paragraph(layer.tagline(lang), size=11, style="I")
    pdf.paragraph(layer.meaning(lang), size=9.5)
    rank = assessment.priorities.index(layer_id) + 1
    pdf.paragraph(t("report.layer_scores", lang, self=score_text(result.self_score, lang),
                    kpi=score_text(result.kpi_score, lang), gap=gap_text(result.gap, lang)),
                  style="B")
    pdf.paragraph(layer_reading(assessment, result.layer, model, lang, data.currency), size=9.5)
    pdf.paragraph(t("report.layer_priority", lang, rank=rank, total=len(model.layers),
                    reason=priority_reason(result, model, assessment, lang)), size=9.5)

    pdf.subheading(t("report.statements", lang))
    rows = []
    for s in (s for s in assessment.statements if s.layer == layer_id):
        rows.append([model.statement(s.statement_id).text(lang),
                     fmt_number(s.mean, lang, 1), fmt_number(s.spread, lang, 1), str(s.n),
                     str(s.dont_know), t("report.discuss_yes", lang) if s.discussion else ""])
    pdf.table_of([t("report.col_statement", lang), t("report.col_mean", lang),
                  t("report.col_spread", lang), t("report.col_answers", lang),
                  t("report.col_dont_know", lang), t("report.col_discuss", lang)], rows,
                 (74, 19, 23, 18, 18, 22),
                 ("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "LEFT"))
    if data.anonymity == AGGREGATES_ONLY and any(
            s.mean is None for s in assessment.statements if s.layer == layer_id):
        pdf.paragraph(t("anonymity.held_back_report", lang, n=data.smallest_group), size=9,
                      colour=MUTED)
    chart = layer_spread_chart(data, layer_id)
    if chart is not None:
        spec = chart.to_dict(validate=False)
        spec.pop("title", None)  # the subheading above says it
        pdf.chart(chart_png(spec, lang), t("report.caption_spread", lang))
    pdf_comments(pdf, layer_id)

    pdf.subheading(t("report.layer_kpis", lang))
    kpis = [r for r in assessment.kpis if r.layer == layer_id]
    if kpis:
        pdf.table_of(
            [t("report.col_kpi", lang), t("report.col_value", lang), t("report.col_period", lang),
             t("report.col_score", lang), t("report.col_basis", lang), t("report.col_band", lang)],
            [[model.kpis[r.kpi].name(lang),
              fmt_kpi_value(r.value, model.kpis[r.kpi].unit, lang, data.currency), r.period,
              score_text(r.score, lang), basis_label(r, model.kpis[r.kpi], lang),
              t(f"band.{r.band}", lang) if r.band else t("band.unscored", lang)] for r in kpis],
            (50, 22, 20, 15, 42, 25), ("LEFT", "RIGHT", "LEFT", "RIGHT", "LEFT", "LEFT"))
    else:
        pdf.paragraph(t("report.no_kpis_layer", lang), size=9.5, colour=MUTED)

    pdf.subheading(t("report.coaching", lang))
    pdf.bullets([c(lang) for c in layer.coaching], size=9.5)
    planned = data.layer_actions(layer_id)
    if not planned.empty:
        pdf.subheading(t("report.layer_actions", lang))
        for row in planned.to_dict("records"):
            pdf.bullets([row["action"]], size=9.5)
            pdf.set_x(pdf.l_margin + 6)
            pdf.set_font(FONT, "", 8.5)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(pdf.content_width - 6, 4.5, t(
                "report.action_meta", lang, owner=row.get("owner") or t("report.no_owner", lang),
                due=due_text(row.get("due_date"), lang)), align="L",
                new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)


def _action_plan(pdf: PdfDocument) -> None:
    data, lang = pdf.data, pdf.data.lang
    pdf.section(t("report.action_plan", lang))
    pdf.paragraph(t("report.plan_proposed" if data.actions_proposed else "report.plan_intro",
                    lang))
    rows = [[str(i), row["action"], layer_label(data, row.get("layer")),
             row.get("owner") or "–", due_text(row.get("due_date"), lang)]
            for i, row in enumerate(data.actions.to_dict("records"), start=1)]
    if rows:
        pdf.table_of(["#", t("report.col_action", lang), t("report.col_layer", lang),
                      t("report.col_owner", lang), t("report.col_due", lang)], rows,
                     (8, 82, 30, 30, 24), ("CENTER", "LEFT", "LEFT", "LEFT", "LEFT"))
    else:
        pdf.paragraph(t("report.plan_empty", lang))


def _business_case(pdf: PdfDocument) -> None:
    """The business-case page's figures: inputs, retention, the complaints iceberg, sources."""
    case, lang = pdf.data.business, pdf.data.lang
    if case is None:
        return
    pdf.section(t("business.title", lang))
    pdf.paragraph(t("report.business_intro", lang), size=9.5, colour=MUTED)
    figure, value = t("business.col_figure", lang), t("business.col_value", lang)
    how, source = t("business.col_how", lang), t("business.col_source", lang)
    pdf.subheading(t("business.inputs", lang))
    pdf.table_of([figure, value, source], [list(row) for row in case.inputs], (62, 30, 82),
                 ("LEFT", "RIGHT", "LEFT"))
    for note in case.notes:
        pdf.paragraph(note, size=9, style="I", colour=MUTED)
    pdf.subheading(t("business.retention_heading", lang))
    pdf.table_of([figure, value, how], [list(row) for row in case.figures], (56, 34, 84),
                 ("LEFT", "RIGHT", "LEFT"))
    for caveat in case.caveats:  # beside the figure that uses it, not only in the sources
        pdf.paragraph(caveat, size=9, style="I", colour=MUTED)
    pdf.chart(chart_png(case.retention_chart.chart, lang), case.retention_chart.caption,
              max_height=72)
    pdf.subheading(t("business.iceberg_heading", lang))
    pdf.paragraph(t("business.iceberg_intro", lang), size=9.5)
    pdf.chart(chart_png(case.iceberg_chart.chart, lang), case.iceberg_chart.caption,
              max_height=78)
    pdf.table_of([figure, value, how], [list(row) for row in case.iceberg], (50, 48, 76),
                 ("LEFT", "RIGHT", "LEFT"))
    pdf.subheading(t("business.assumptions", lang))
    pdf.table_of([t("business.col_assumption", lang), value, source],
                 [list(row) for row in case.assumptions], (98, 32, 44),
                 ("LEFT", "RIGHT", "LEFT"))
    for caveat in case.caveats:
        pdf.paragraph(caveat, size=9, style="I", colour=MUTED)


def _kpi_definitions(pdf: PdfDocument) -> None:
    data, lang = pdf.data, pdf.data.lang
    pdf.section(t("report.kpi_definitions", lang))
    pdf.paragraph(t("report.kpi_definitions_intro", lang), size=9.5, colour=MUTED)
    for spec in data.kpi_specs():
        if pdf.will_page_break(28):
            pdf.add_page()
        pdf.set_font(FONT, "B", 10.5)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 5.5, f"{spec.name(lang)} · {data.model.layer(spec.layer).name(lang)}",
                       align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.paragraph(spec.definition(lang), size=9.5)
        pdf.paragraph(kpi_scoring_text(spec, data.assessment.kpi(spec.id), lang, data.currency),
                      size=9)
        pdf.paragraph(kpi_source_text(spec, lang), size=8.5, style="I", colour=MUTED)
        pdf.ln(1.5)


def render_pdf(data: ReportData) -> bytes:
    """The whole report as PDF bytes."""
    return bytes(layout_pdf(data).output())


def layout_pdf(data: ReportData) -> PdfDocument:
    """The report laid out, not yet written: its pages and how full they are (page_fills)."""
    pdf = PdfDocument(data, font_paths())
    _cover(pdf)
    _summary(pdf)
    _charts(pdf)
    for layer_id in (layer.id for layer in data.model.layers):
        _layer_page(pdf, layer_id)
    _action_plan(pdf)
    _business_case(pdf)
    _kpi_definitions(pdf)
    return pdf
