"""Command line: each subcommand reads its inputs, calls one core function and prints.

Bad input exits with code 2 and a one-line message on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from loyalty_model.kpi_file import KpiFileResult, empty_kpis, read_kpi_file
from loyalty_model.messages import Message, Number, localized
from loyalty_model.model import Model, load_model
from loyalty_model.readers import ReadError
from loyalty_model.scoring import Assessment, ScoringInputError, assess

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """Something the user gave us is wrong; the message says what, in one line."""


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from error


def read_ratings(path: str, lang: str = "en") -> pd.DataFrame:
    """Ratings file: participant, statement_id, rating (1-5, empty for don't know)."""
    from loyalty_model.readers import read_table

    try:
        table = read_table(_read_bytes(path), Path(path).name)
    except ReadError as error:
        raise InputError(error.localized(lang)) from error
    frame = table.frame
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = {"participant", "statement_id", "rating"} - set(frame.columns)
    if missing:
        message = Message("cli.ratings_missing", file=Path(path).name,
                          columns=", ".join(sorted(missing)))
        raise InputError(message.localized(lang))
    return frame


def read_kpis(path: str | None, model: Model, lang: str = "en") -> KpiFileResult | None:
    """KPI file; the first bad row (and how many more) stops the command, in `lang`."""
    if path is None:
        return None
    try:
        result = read_kpi_file(_read_bytes(path), Path(path).name, model)
    except ReadError as error:
        raise InputError(error.localized(lang)) from error
    if result.problems:
        rest = result.problem_count - 1
        more = Message("cli.and_more", n=Number(rest, en_group="")).localized(lang) if rest else ""
        raise InputError(f"{localized(result.problems[0], lang)}{more}")
    return result


def score_files(ratings_path: str, kpis_path: str | None, model: Model) -> Assessment:
    ratings = read_ratings(ratings_path)
    kpis = read_kpis(kpis_path, model)
    try:
        return assess(ratings, kpis.frame if kpis else empty_kpis(), model)
    except ScoringInputError as error:
        raise InputError(f"{Path(ratings_path).name}: {error}") from error


def cmd_statements(args: argparse.Namespace, model: Model) -> int:
    rows = [{"id": s.id, "layer": s.layer, "text": {"en": s.text.en, "da": s.text.da}}
            for s in model.statements]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        for row in rows:
            print(f"{row['id']:40} {row['text'][args.lang]}")
    return 0


def cmd_score(args: argparse.Namespace, model: Model) -> int:
    assessment = score_files(args.ratings, args.kpis, model)
    result = assessment.to_dict()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for layer in result["layers"]:
            print(f"{layer['layer']:18} self {layer['self_score']!s:>6}  "
                  f"kpi {layer['kpi_score']!s:>6}  gap {layer['gap']!s:>6}  {layer['status']}")
        print("priorities: " + " > ".join(result["priorities"]))
    return 0


RAW_KINDS = ("surveys", "orders", "tickets", "customers")


def parse_maps(items: list[str]) -> dict[str, dict[str, str]]:
    """--map orders.Beløb=amount (repeatable) → {"orders": {"Beløb": "amount"}}."""
    maps: dict[str, dict[str, str]] = {}
    for item in items:
        source, _, column = item.partition("=")
        kind, _, header = source.partition(".")
        if kind not in RAW_KINDS or not header or not column:
            raise InputError(f"--map {item!r}: write KIND.SOURCE_COLUMN=canonical_column "
                             f"with KIND one of {', '.join(RAW_KINDS)}")
        maps.setdefault(kind, {})[header] = column
    return maps


def load_raw_files(args: argparse.Namespace) -> dict:
    """Read, map and type every raw file given; row problems go to stderr, good rows are kept."""
    from loyalty_model.loading import format_problems, load_kind
    from loyalty_model.mapping import suggest_with_overrides
    from loyalty_model.readers import read_table

    maps = parse_maps(args.map or [])
    loaded = {}
    for kind in RAW_KINDS:
        path = getattr(args, kind)
        if path is None:
            if kind in maps:
                raise InputError(f"--map names {kind}, but no --{kind} file was given")
            continue
        try:
            table = read_table(_read_bytes(path), Path(path).name)
            headers = [str(c) for c in table.frame.columns]
            mapping = suggest_with_overrides(kind, headers, maps.get(kind, {}))
            loaded[kind] = load_kind(table, kind, mapping)
        except ReadError as error:
            raise InputError(str(error)) from error
        for line in format_problems(loaded[kind]):
            print(f"warning: {line}", file=sys.stderr)
    if not loaded:
        raise InputError("give at least one of --surveys, --orders, --tickets, --customers")
    return loaded


def cmd_kpis(args: argparse.Namespace, model: Model) -> int:
    from loyalty_model.matrix import loyalty_matrix
    from loyalty_model.raw_kpis import compute_kpis, compute_kpis_by_period

    loaded = load_raw_files(args)
    if args.by:
        result: dict = compute_kpis_by_period(loaded, args.by)
    else:
        result = compute_kpis(loaded)
        matrix = loyalty_matrix(loaded)
        if matrix is not None:
            result["loyalty_matrix"] = matrix["shares"]
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        rows = result.items() if not args.by else (
            (f"{period} {kpi}", value) for period, kpis in result.items()
            for kpi, value in kpis.items())
        for name, value in rows:
            print(f"{name:40} {value}")
    return 0


# --- report ------------------------------------------------------------------------------------

REPORT_FORMATS = ("pdf", "pptx", "xlsx")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y")


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
    from loyalty_model.readers import read_table

    if path is None:
        return None
    name = Path(path).name
    try:
        frame = read_table(_read_bytes(path), name).frame
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
    from loyalty_model.exports import results_xlsx
    from loyalty_model.i18n import t
    from loyalty_model.report_data import build_report_data

    on = date.today()
    if args.date:
        on = _parse_day(args.date)
        if on is None:
            raise InputError(t("report_cli.bad_date", lang, value=args.date))
    style = None
    if fmt == "pptx":
        from loyalty_model.report_pptx import DeckStyle, DeckStyleError, check_logo, parse_accent

        try:
            parse_accent(args.accent)
        except DeckStyleError as error:
            raise InputError(t("report_cli.bad_accent", lang, value=args.accent)) from error
        logo = None
        if args.logo:
            try:
                logo = check_logo(_read_bytes(args.logo))
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
            team=args.team or t("report.default_team", lang), on=on, actions=actions)
    except ScoringInputError as error:
        raise InputError(f"{Path(args.ratings).name}: {error.localized(lang)}") from error
    if fmt == "pdf":
        from loyalty_model.report_pdf import ReportFontError, render_pdf

        try:
            return render_pdf(data)
        except ReportFontError as error:
            raise InputError(str(error)) from error
    if fmt == "pptx":
        from loyalty_model.report_pptx import render_pptx

        return render_pptx(data, style)
    return results_xlsx(data.assessment, model, lang, data.actions)


def cmd_report(args: argparse.Namespace, model: Model) -> int:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m loyalty_model",
        description="Skab promoters without the UI: statements, scoring, KPIs and reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    statements = sub.add_parser(
        "statements", help="list the statements a team rates",
        description="List the model's statements. Example: python -m loyalty_model statements "
                    "--json")
    statements.add_argument("--json", action="store_true", help="print JSON")
    statements.add_argument("--lang", choices=["en", "da"], default="en")
    statements.set_defaults(func=cmd_statements)

    score = sub.add_parser(
        "score", help="score ratings against KPIs",
        description="Score a workshop. Example: python -m loyalty_model score "
                    "--ratings ratings.csv --kpis kpis.csv --json")
    score.add_argument("--ratings", required=True,
                       help="CSV/XLSX with participant,statement_id,rating (empty = don't know)")
    score.add_argument("--kpis", help="CSV/XLSX with kpi,value,period[,target]")
    score.add_argument("--json", action="store_true", help="print JSON")
    score.set_defaults(func=cmd_score)
    kpis = sub.add_parser(
        "kpis", help="compute KPIs from raw exports",
        description="Compute KPIs (and the loyalty matrix) from survey, order, ticket and "
                    "customer exports. Example: python -m loyalty_model kpis --orders "
                    "ordrer.csv --map orders.Beløb=amount --by quarter --json")
    for kind in RAW_KINDS:
        kpis.add_argument(f"--{kind}", help=f"{kind} export (CSV or XLSX)")
    kpis.add_argument("--map", action="append", metavar="KIND.SOURCE_COLUMN=COLUMN",
                      help="map a column by hand (repeatable), e.g. orders.Beløb=amount")
    kpis.add_argument("--by", choices=["month", "quarter"], help="KPIs per period")
    kpis.add_argument("--json", action="store_true", help="print JSON")
    kpis.set_defaults(func=cmd_kpis)

    report = sub.add_parser(
        "report", help="write the PDF report, the slide deck or the Excel workbook",
        description="Score a workshop and write what the room takes home, in English or "
                    "Danish. Example: python -m loyalty_model report --ratings ratings.csv "
                    "--kpis kpis.csv --format pdf --lang da --out rapport.pdf")
    report.add_argument("--ratings", required=True,
                        help="CSV/XLSX with participant,statement_id,rating (empty = don't know)")
    report.add_argument("--kpis", help="CSV/XLSX with kpi,value,period[,target]")
    report.add_argument("--actions", help="CSV/XLSX with action[,layer,owner,due_date]; "
                                          "without it the report proposes a first plan")
    report.add_argument("--format", choices=REPORT_FORMATS,
                        help="pdf, pptx or xlsx (default: from the --out file name)")
    report.add_argument("--lang", choices=["en", "da"], default="en")
    report.add_argument("--out", required=True, help="file to write")
    report.add_argument("--title", help="workshop name on the cover")
    report.add_argument("--team", help="team or company on the cover")
    report.add_argument("--date", help="workshop date, e.g. 2026-11-22 (default: today)")
    report.add_argument("--logo", help="PNG or JPEG logo for the slide deck")
    report.add_argument("--accent", default="#00798c", help="accent colour of the slide deck")
    report.set_defaults(func=cmd_report)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args, load_model())
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception as error:  # a bug, not bad input: one line, unless debugging
        if os.environ.get("SKAB_DEBUG"):
            raise
        print(f"error: unexpected problem ({type(error).__name__}: {error}); "
              "set SKAB_DEBUG=1 for details", file=sys.stderr)
        return 1
