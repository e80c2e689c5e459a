"""CSV and XLSX exports a team takes away: the action plan and the results per layer.

Participants type the action text, so every cell is neutralised against formula injection before
it reaches a spreadsheet: a cell starting with = + - @ (or tab / carriage return) gets a leading
apostrophe, which Excel and LibreOffice show as plain text. The XLSX workbook goes through the
same neutralise() and additionally stores every text cell as a string, never as a formula.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd

from loyalty_model.assessment.scoring import Assessment
from loyalty_model.assessment.targets import basis_label
from loyalty_model.i18n import DEFAULT_CURRENCY, currency_symbol, t
from loyalty_model.model import Model

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Make a cell inert if a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Every text cell (and header) neutralised; numbers stay numbers."""
    out = frame.copy()
    out.columns = [neutralise(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out


def _csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 with BOM so Excel on a Danish Windows machine shows æ, ø and å correctly."""
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")


def actions_table(plan: pd.DataFrame, model: Model, lang: str) -> pd.DataFrame:
    """The action plan with headers and layer names in the user's language."""
    layer_names = {layer.id: layer.name(lang) for layer in model.layers}
    return pd.DataFrame({
        t("actions.col_action", lang): plan["action"].astype(object),
        t("actions.col_layer", lang): plan["layer"].map(lambda k: layer_names.get(k, k or "")),
        t("actions.col_owner", lang): plan["owner"].fillna("").astype(object),
        t("actions.col_due", lang): plan["due_date"].fillna("").astype(object),
    })


def actions_csv(plan: pd.DataFrame, model: Model, lang: str) -> bytes:
    return _csv(actions_table(plan, model, lang))


def results_table(assessment: Assessment, model: Model, lang: str) -> pd.DataFrame:
    rank = {layer_id: i + 1 for i, layer_id in enumerate(assessment.priorities)}
    return pd.DataFrame([
        {
            t("export.priority", lang): rank[r.layer],
            t("export.layer", lang): model.layer(r.layer).name(lang),
            t("export.self_score", lang): None if r.self_score is None else round(r.self_score, 1),
            t("export.kpi_score", lang): None if r.kpi_score is None else round(r.kpi_score, 1),
            t("export.gap", lang): None if r.gap is None else round(r.gap, 1),
            t("export.status", lang): t(f"status.{r.status}", lang),
        }
        for r in assessment.layers
    ]).sort_values(t("export.priority", lang))


def results_csv(assessment: Assessment, model: Model, lang: str) -> bytes:
    return _csv(results_table(assessment, model, lang))


# --- XLSX --------------------------------------------------------------------------------------

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl refuses these in a cell


def statements_table(assessment: Assessment, model: Model, lang: str) -> pd.DataFrame:
    """Every statement with its mean, spread and answers: what the room discussed."""
    return pd.DataFrame([
        {
            t("export.layer", lang): model.layer(s.layer).name(lang),
            t("xlsx.statement", lang): model.statement(s.statement_id).text(lang),
            t("xlsx.mean", lang): None if s.mean is None else round(s.mean, 2),
            t("xlsx.spread", lang): None if s.spread is None else round(s.spread, 2),
            t("xlsx.answers", lang): s.n,
            t("xlsx.dont_know", lang): s.dont_know,
            t("xlsx.discussion", lang): t("xlsx.yes", lang) if s.discussion else "",
        }
        for s in assessment.statements
    ])


def kpis_table(assessment: Assessment, model: Model, lang: str) -> pd.DataFrame:
    """The latest value and score of every KPI, with the layer it is evidence for."""
    return pd.DataFrame([
        {
            t("xlsx.kpi", lang): model.kpis[r.kpi].name(lang),
            t("export.layer", lang): model.layer(r.layer).name(lang),
            t("xlsx.value", lang): r.value,
            t("xlsx.period", lang): r.period,
            t("xlsx.target", lang): r.target,
            t("xlsx.score", lang): None if r.score is None else round(r.score, 1),
            t("xlsx.basis", lang): basis_label(r, model.kpis[r.kpi], lang),
            t("xlsx.band", lang): t(f"band.{r.band}", lang) if r.band else "",
        }
        for r in assessment.kpis
    ], columns=[t(f"xlsx.{k}", lang) if k != "layer" else t("export.layer", lang)
                for k in ("kpi", "layer", "value", "period", "target", "score", "basis", "band")])


def _as_date(value: object) -> object:
    """An ISO date string as a real date, so Excel shows it in the reader's own date format."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def _write_sheet(sheet, frame: pd.DataFrame, lang: str) -> None:  # noqa: ANN001 (Worksheet)
    from openpyxl.styles import Font

    safe = safe_frame(frame)
    sheet.append([str(c) for c in safe.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    for record in safe.itertuples(index=False):
        row = []
        for value in record:
            if value is None or (isinstance(value, float) and pd.isna(value)):
                row.append(None)
            elif isinstance(value, str):
                row.append(_ILLEGAL_XML.sub("", value))
            else:
                row.append(value.item() if hasattr(value, "item") else value)
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a string cell is never evaluated, whatever it starts with
            elif isinstance(cell.value, date):
                cell.number_format = "DD-MM-YYYY" if lang == "da" else "YYYY-MM-DD"
    for index, column in enumerate(safe.columns, start=1):
        longest = max([len(str(column)), *(len(str(v)) for v in safe.iloc[:, index - 1])])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(80, longest + 2)
    sheet.freeze_panes = "A2"


def money_format(lang: str, currency: str = DEFAULT_CURRENCY) -> str:
    """Excel number format writing an amount as the app does (12.345 kr. / DKK 12,345); Excel
    puts in the reader's own separators, the value stays a number to calculate with."""
    if lang == "da":
        return f'#,##0 "{currency_symbol(currency, lang)}"'
    return f'"{currency} "#,##0'


def results_xlsx(assessment: Assessment, model: Model, lang: str, plan: pd.DataFrame,
                 currency: str = DEFAULT_CURRENCY) -> bytes:
    """One workbook: results per layer, the action plan, every statement and every KPI."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheets = [
        (t("xlsx.sheet_results", lang), results_table(assessment, model, lang)),
        (t("xlsx.sheet_actions", lang), actions_table(plan, model, lang).map(_as_date)),
        (t("xlsx.sheet_statements", lang), statements_table(assessment, model, lang)),
        (t("xlsx.sheet_kpis", lang), kpis_table(assessment, model, lang)),
    ]
    workbook.remove(workbook.active)
    for title, frame in sheets:
        _write_sheet(workbook.create_sheet(title[:31]), frame, lang)
    kpi_sheet = workbook[sheets[-1][0][:31]]
    for row, result in enumerate(assessment.kpis, start=2):  # value and target of amount KPIs
        if model.kpis[result.kpi].unit == "amount":
            for column in (3, 5):
                kpi_sheet.cell(row, column).number_format = money_format(lang, currency)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
