"""`report`: score a workshop and write the PDF report, the slide deck or the Excel workbook."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from loyalty_model.assessment.scoring import ScoringInputError
from loyalty_model.cli.inputs import EXIT_BAD_INPUT, InputError, read_bytes, read_kpis, read_ratings
from loyalty_model.intake.kpi_file import empty_kpis
from loyalty_model.intake.table import ReadError
from loyalty_model.model import Model

REPORT_FORMATS = ("pdf", "pptx", "xlsx")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "report", help="write the PDF report, the slide deck or the Excel workbook",
        description="Score a workshop and write what the room takes home, in English or "
                    "Danish. Example: python -m loyalty_model report --ratings ratings.csv "
                    "--kpis kpis.csv --format pdf --lang da --out rapport.pdf")
    parser.add_argument("--ratings", required=True,
                        help="CSV/XLSX with participant,statement_id,rating (empty = don't know)")
    parser.add_argument("--kpis", help="CSV/XLSX with kpi,value,period[,target]")
    parser.add_argument("--actions", help="CSV/XLSX with action[,layer,owner,due_date]; "
                                          "without it the report proposes a first plan")
    parser.add_argument("--format", choices=REPORT_FORMATS,
                        help="pdf, pptx or xlsx (default: from the --out file name)")
    parser.add_argument("--lang", choices=["en", "da"], default="en")
    parser.add_argument("--out", required=True, help="file to write")
    parser.add_argument("--title", help="workshop name on the cover")
    parser.add_argument("--team", help="team or company on the cover")
    parser.add_argument("--date", help="workshop date, e.g. 2026-11-22 (default: today)")
    parser.add_argument("--logo", help="PNG or JPEG logo for the slide deck")
    parser.add_argument("--accent", default="#00798c", help="accent colour of the slide deck")
    parser.add_argument("--currency", default="DKK",
                        help="three-letter code of the amounts, e.g. SEK or EUR (default DKK, "
                             "written 'kr.' in Danish)")
    parser.set_defaults(func=run)


def _parse_day(text: str) -> date | None:
    from datetime import datetime

    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip()[:10], pattern).date()
        except ValueError:
            continue
    return None


def read_actions(path: str | None, model: Model, lang: str) -> pd.DataFrame | None:
    """Action plan file: action, [layer (id or name)], [owner], [due_date]."""
    from loyalty_model.i18n import t
    from loyalty_model.intake.readers import read_table

    if path is None:
        return None
    name = Path(path).name
    try:
        frame = read_table(read_bytes(path), name).frame
    except ReadError as error:
        raise InputError(error.localized(lang)) from error
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "action" not in frame.columns:
        raise InputError(t("report_cli.actions_missing", lang, file=name, columns="action"))
    layers = {key.lower(): layer.id for layer in model.layers
              for key in (layer.id, layer.name.en, layer.name.da)}
    rows = []
    for position, row in enumerate(frame.to_dict("records"), start=2):
        text = str(row.get("action") or "").strip()
        if not text:
            continue
        layer_text = str(row.get("layer") or "").strip()
        if layer_text and layer_text.lower() not in layers:
            raise InputError(t("report_cli.actions_bad_layer", lang, file=name, row=position,
                               value=layer_text))
        due_text = str(row.get("due_date") or "").strip()
        due = _parse_day(due_text) if due_text else None
        if due_text and due is None:
            raise InputError(t("report_cli.actions_bad_date", lang, file=name, row=position,
                               value=due_text))
        rows.append({"action": text, "layer": layers.get(layer_text.lower()),
                     "owner": str(row.get("owner") or "").strip() or None,
                     "due_date": due.isoformat() if due else None})
    return pd.DataFrame(rows, columns=["action", "layer", "owner", "due_date"])


def _report_format(args: argparse.Namespace, lang: str) -> str:
    from loyalty_model.i18n import t

    chosen = args.format or Path(args.out).suffix.lower().lstrip(".")
    if chosen not in REPORT_FORMATS:
        raise InputError(t("report_cli.bad_format", lang))
    return chosen


def _render_report(args: argparse.Namespace, model: Model, lang: str, fmt: str) -> bytes:
    from loyalty_model.i18n import normalise_currency, t
    from loyalty_model.takeaways.exports import results_xlsx
    from loyalty_model.takeaways.report_data import build_report_data

    currency = normalise_currency(args.currency)
    if currency is None:
        raise InputError(t("report_cli.bad_currency", lang, value=args.currency))
    on = date.today()
    if args.date:
        on = _parse_day(args.date)
        if on is None:
            raise InputError(t("report_cli.bad_date", lang, value=args.date))
    style = None
    if fmt == "pptx":
        from loyalty_model.takeaways.pptx_deck import (
            DeckStyle,
            DeckStyleError,
            check_logo,
            parse_accent,
        )

        try:
            parse_accent(args.accent)
        except DeckStyleError as error:
            raise InputError(t("report_cli.bad_accent", lang, value=args.accent)) from error
        logo = None
        if args.logo:
            try:
                logo = check_logo(read_bytes(args.logo))
            except DeckStyleError as error:
                raise InputError(t("report_cli.bad_logo", lang, path=args.logo)) from error
        style = DeckStyle(accent=args.accent, logo=logo)
    ratings = read_ratings(args.ratings, lang)
    kpis = read_kpis(args.kpis, model, lang)
    actions = read_actions(args.actions, model, lang)
    try:
        data = build_report_data(
            ratings, kpis.frame if kpis else empty_kpis(), model, lang,
            title=args.title or t("report.default_title", lang),
            team=args.team or t("report.default_team", lang), on=on, actions=actions,
            currency=currency)
    except ScoringInputError as error:
        raise InputError(f"{Path(args.ratings).name}: {error.localized(lang)}") from error
    if fmt == "pdf":
        from loyalty_model.takeaways.report_pdf import ReportFontError, render_pdf

        try:
            return render_pdf(data)
        except ReportFontError as error:
            raise InputError(str(error)) from error
    if fmt == "pptx":
        from loyalty_model.takeaways.report_pptx import render_pptx

        return render_pptx(data, style)
    return results_xlsx(data.assessment, model, lang, data.actions, currency)


def run(args: argparse.Namespace, model: Model) -> int:
    """Write the PDF report, the slide deck or the Excel workbook, in English or Danish."""
    from loyalty_model.i18n import t

    lang = args.lang
    try:
        fmt = _report_format(args, lang)
        content = _render_report(args, model, lang, fmt)
        try:
            Path(args.out).write_bytes(content)
        except OSError as error:
            raise InputError(t("report_cli.cannot_write", lang, path=args.out,
                               reason=error.strerror or error)) from error
    except InputError as error:
        message = " ".join(str(error).split())  # always one line
        print(f"{t('report_cli.error', lang)}: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(t(f"report_cli.written_{fmt}", lang, path=args.out))
    return 0
