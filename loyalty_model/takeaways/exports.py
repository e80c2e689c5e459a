"""CSV and XLSX exports a team takes away: the action plan and the results per layer.

Participants type the action text, so every cell is neutralised against formula injection before
it reaches a spreadsheet: a cell starting with = + - @ (or tab / carriage return), also behind
leading NUL, control characters or whitespace, gets a leading apostrophe, which Excel and
LibreOffice show as plain text. The XLSX workbook goes through the same neutralise() and
additionally stores every text cell as a string, never as a formula.

Numbers are written for the reader's Excel: a Danish CSV is separated by semicolons and writes
59,9 (Danish Excel splits on ";" and reads a decimal comma; with "," it opens everything in one
column), an English one by commas with 59.9; dates stay ISO (2026-12-30), which Excel in every
language turns into a real date. XLSX cells keep their types (numbers, dates) and carry number
formats (scores with one decimal, shares as percentages, amounts with the currency, dates as
i18n.fmt_date writes them), so Excel shows them as the app does and can still calculate.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date

import pandas as pd

from loyalty_model.assessment.scoring import Assessment
from loyalty_model.assessment.targets import basis_label
from loyalty_model.i18n import (
    DEFAULT_CURRENCY,
    csv_separator,
    excel_date,
    fmt_plain_number,
    money_pattern,
    percent_pattern,
    t,
)
from loyalty_model.model import Model
from loyalty_model.takeaways.report_parts import ReportComment

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r",
                  "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their full-width forms
# What a spreadsheet may skip before it looks for a formula (OWASP, CSV injection): NUL and the
# other control characters, any whitespace, zero-width space and BOM. "\0=1+1" is a formula.
_SKIPPED_FIRST = re.compile(r"^[\s\x00-\x1f\x7f\u200b\ufeff]+")


def neutralise(value: object) -> object:
    """Make a cell inert if a spreadsheet would read it as a formula: an apostrophe first, also
    when the formula hides behind leading control characters or whitespace."""
    if isinstance(value, str) and (value.startswith(FORMULA_STARTS)
                                   or _SKIPPED_FIRST.sub("", value).startswith(FORMULA_STARTS)):
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


def _csv(frame: pd.DataFrame, lang: str = "en") -> bytes:
    """UTF-8 with BOM so Excel on a Danish Windows machine shows æ, ø and å correctly; the
    separator and decimal mark of the language (i18n.csv_separator, fmt_plain_number)."""
    safe = safe_frame(frame)  # text neutralised first: a negative number is no formula
    for column in safe.columns:
        if pd.api.types.is_float_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: fmt_plain_number(v, lang)).astype(object)
    # CRLF rows (RFC 4180): a cell holding a lone CR is then quoted; with "\n" rows it was not,
    # and a spreadsheet started a new row, and a formula, after the CR of "'\r=1+1"
    return safe.to_csv(index=False, sep=csv_separator(lang),
                       lineterminator="\r\n").encode("utf-8-sig")


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
    return _csv(actions_table(plan, model, lang), lang)


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
    return _csv(results_table(assessment, model, lang), lang)


def comments_table(comments: Sequence[ReportComment], model: Model, lang: str) -> pd.DataFrame:
    """The team's comments per layer, in the model's layer order, marked ones first; the author
    column only when the workshop shows names. Neutralised like every cell on the way out."""
    order = {layer.id: layer.order for layer in model.layers}
    rows = sorted(comments, key=lambda c: (order.get(c.layer, 99), not c.marked))
    with_authors = any(c.author for c in rows)
    columns = [t("export.layer", lang), t("comments.col_comment", lang),
               t("comments.col_marked", lang)] + ([t("comments.col_author", lang)]
                                                  if with_authors else [])
    return pd.DataFrame([
        [model.layer(c.layer).name(lang), c.text, t("xlsx.yes", lang) if c.marked else ""]
        + ([c.author or ""] if with_authors else []) for c in rows
    ], columns=columns).astype(object)


def comments_csv(comments: Sequence[ReportComment], model: Model, lang: str) -> bytes:
    return _csv(comments_table(comments, model, lang), lang)


# --- XLSX --------------------------------------------------------------------------------------

_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl refuses these in a cell


def statements_table(assessment: Assessment, model: Model, lang: str) -> pd.DataFrame:
    """Every statement with its mean, spread and answers: what the room discussed."""
    return pd.DataFrame([
        {
            t("export.layer", lang): model.layer(s.layer).name(lang),
            t("xlsx.statement", lang): model.statement(s.statement_id).text(lang),
            t("xlsx.mean", lang): None if s.mean is None else round(s.mean, 1),
            t("xlsx.spread", lang): None if s.spread is None else round(s.spread, 1),
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


def _write_sheet(sheet, frame: pd.DataFrame, lang: str,  # noqa: ANN001 (Worksheet)
                 formats: dict[str, str] | None = None) -> None:
    """Header, typed rows and column widths; `formats` maps a column to its number format."""
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
                cell.number_format = excel_date(lang)
            elif isinstance(cell.value, int | float) and str(safe.columns[cell.column - 1]) \
                    in (formats or {}):
                cell.number_format = formats[str(safe.columns[cell.column - 1])]
    for index, column in enumerate(safe.columns, start=1):
        longest = max([len(str(column)), *(len(str(v)) for v in safe.iloc[:, index - 1])])
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(80, longest + 2)
    sheet.freeze_panes = "A2"


def excel_format(pattern: str) -> str:
    """A CLDR number pattern from i18n as an Excel number format: quoted literals in double
    quotes, plain spaces. Excel puts in the reader's own separators; the value stays a number."""
    return re.sub(r"'([^']*)'", lambda m: '"' + m.group(1) + '"', pattern.replace("\u00a0", " "))


def money_format(lang: str, currency: str = DEFAULT_CURRENCY) -> str:
    """An amount as the app writes it (12.345 kr. / DKK 12,345)."""
    return excel_format(money_pattern(lang, currency))


ONE_DECIMAL = "#,##0.0"


def percent_format(lang: str) -> str:
    """A share with one decimal, spaced before % where the language is (87,7 % in Danish)."""
    return excel_format(percent_pattern(lang, 1))


def _score_formats(lang: str, *keys: str) -> dict[str, str]:
    return {t(key, lang): ONE_DECIMAL for key in keys}


def results_xlsx(assessment: Assessment, model: Model, lang: str, plan: pd.DataFrame,
                 currency: str = DEFAULT_CURRENCY,
                 comments: Sequence[ReportComment] = ()) -> bytes:
    """One workbook: results per layer, the action plan, every statement and every KPI, and
    the team's comments when there are any."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheets = [
        (t("xlsx.sheet_results", lang), results_table(assessment, model, lang)),
        (t("xlsx.sheet_actions", lang), actions_table(plan, model, lang).map(_as_date)),
        (t("xlsx.sheet_statements", lang), statements_table(assessment, model, lang)),
        (t("xlsx.sheet_kpis", lang), kpis_table(assessment, model, lang)),
    ]
    formats = [_score_formats(lang, "export.self_score", "export.kpi_score", "export.gap"), {},
               _score_formats(lang, "xlsx.mean", "xlsx.spread"),
               _score_formats(lang, "xlsx.score")]
    workbook.remove(workbook.active)
    for (title, frame), columns in zip(sheets, formats, strict=True):
        _write_sheet(workbook.create_sheet(title[:31]), frame, lang, columns)
    if comments:
        _write_sheet(workbook.create_sheet(t("comments.sheet", lang)[:31]),
                     comments_table(comments, model, lang), lang)
    kpi_sheet = workbook[sheets[-1][0][:31]]
    for row, result in enumerate(assessment.kpis, start=2):  # value and target in their unit
        unit = model.kpis[result.kpi].unit
        shown = {"amount": money_format(lang, currency), "share": percent_format(lang)}
        for column in (3, 5):
            kpi_sheet.cell(row, column).number_format = shown.get(unit, ONE_DECIMAL)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
