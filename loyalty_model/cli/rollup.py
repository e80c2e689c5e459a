"""`rollup`: several exported workshops of one client side by side, as PDF, deck or JSON.

For a consultant's batch work: the workshop JSON exports of every team go in, the client's
roll-up comes out, the same one the client view shows. The files are read and checked whole
(workshop_file), never written to a database; teams are told apart by their team name, each
team's workshops ordered by date.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from loyalty_model.cli.inputs import EXIT_BAD_INPUT, InputError, read_bytes, regular_file
from loyalty_model.model import Model

ROLLUP_FORMATS = ("pdf", "pptx", "json")
MAX_FILES = 1000


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "rollup", help="a client's teams side by side, from exported workshop files",
        description="Roll several teams' workshops (JSON exports) up into the client view's "
                    "report. Example: python -m loyalty_model rollup --workshops sales.json "
                    "support.json --client 'Acme A/S' --format pdf --lang da --out acme.pdf")
    parser.add_argument("--workshops", nargs="+", required=True, metavar="FILE",
                        help="workshop JSON exports (the results page's 'Whole workshop')")
    parser.add_argument("--format", choices=ROLLUP_FORMATS,
                        help="pdf, pptx or json (default: from the --out file name, else json)")
    parser.add_argument("--lang", choices=["en", "da"], default="en")
    parser.add_argument("--out", help="file to write (json may go to standard output)")
    parser.add_argument("--client", help="the client's name on the cover (default: the "
                                         "teams' names)")
    parser.set_defaults(func=run)


def _format(args: argparse.Namespace, lang: str) -> str:
    from loyalty_model.i18n import t

    if args.format:
        chosen = args.format
    elif args.out:
        chosen = Path(args.out).suffix.lower().lstrip(".")
    else:
        chosen = "json"
    if chosen not in ROLLUP_FORMATS:
        raise InputError(t("rollup_cli.bad_format", lang))
    if chosen != "json" and not args.out:
        raise InputError(t("rollup_cli.need_out", lang, format=chosen))
    return chosen


def _read(path: str, model: Model) -> dict:
    from loyalty_model.workshop.workshop_file import WorkshopFileError, parse_workshop_file

    regular_file(path)
    try:
        return parse_workshop_file(read_bytes(path), model)
    except WorkshopFileError as error:
        raise InputError(f"{Path(path).name}: {error}") from error


def _answers(content: dict) -> list[tuple[int, str, int | None]]:
    """(person, statement, rating) rows: as the file has them, or, for an aggregates-only
    workshop (no per-person data in its file), laid out from its counts as an import does."""
    if content.get("aggregates"):
        from loyalty_model.workshop.workshop_people import spread_answers

        return spread_answers(content["aggregates"])
    return [(r["participant"], r["statement_id"], r["rating"]) for r in content["ratings"]]


def _ratings(content: dict) -> pd.DataFrame:
    from loyalty_model.assessment.anonymity import mask_ratings

    frame = pd.DataFrame(
        [{"participant": f"p{person}", "statement_id": statement,
          "rating": float("nan") if rating is None else float(rating)}
         for person, statement, rating in _answers(content)],
        columns=["participant", "statement_id", "rating"],
    ).astype({"rating": float})
    info = content["workshop"]
    return mask_ratings(frame, info.get("anonymity", "names_hidden"),
                        int(info.get("smallest_group", 3) or 3))


def build_from_files(paths: list[str], model: Model, lang: str, client: str | None = None):  # noqa: ANN201
    """The Rollup of the exported workshops at `paths` (InputError naming the file on bad input)."""
    from loyalty_model.assessment.rollup import Team, build_rollup, team_workshop
    from loyalty_model.assessment.scoring import assess
    from loyalty_model.i18n import fmt_date

    if len(paths) > MAX_FILES:
        raise InputError(f"more than {MAX_FILES} workshop files")
    teams: dict[str, list[tuple[datetime | None, int, dict]]] = {}
    for index, path in enumerate(paths):
        content = _read(path, model)
        info = content["workshop"]
        key = " ".join(info["team"].split()).casefold()
        teams.setdefault(key, []).append((info["created_at"], index, content))
    built = []
    for key in sorted(teams, key=lambda k: (teams[k][-1][2]["workshop"]["team"].casefold(), k)):
        entries = sorted(teams[key], key=lambda e: (_moment(e[0]), e[1]))
        workshops = []
        for when, _, content in entries:
            info = content["workshop"]
            on = when or date.today()
            assessment = assess(_ratings(content), content["kpis"], model, None,
                                content["targets"])
            label = f"{fmt_date(on, lang)} · {info['name']}"
            people = len({person for person, _, _ in _answers(content)})
            workshops.append(team_workshop(label, on, assessment, content["actions"], model,
                                           lang, participants=people))
        built.append(Team(entries[-1][2]["workshop"]["team"], tuple(workshops)))
    name = client or ", ".join(team.name for team in built)
    return build_rollup(name, built, model)


def _moment(value: datetime | None) -> float:
    if value is None:
        return float("inf")  # no date: after the dated ones, in the order given
    return value.timestamp() if value.tzinfo else value.replace(tzinfo=None).timestamp()


def _render(args: argparse.Namespace, model: Model, lang: str, fmt: str) -> bytes:
    from loyalty_model.takeaways.rollup_data import build_rollup_report, rollup_dict

    rollup = build_from_files(args.workshops, model, lang, args.client)
    if fmt == "json":
        return json.dumps(rollup_dict(rollup, model), ensure_ascii=False, indent=2,
                          allow_nan=False).encode("utf-8")
    data = build_rollup_report(rollup, model, lang)
    if fmt == "pdf":
        from loyalty_model.takeaways.report_pdf import ReportFontError
        from loyalty_model.takeaways.rollup_pdf import render_rollup_pdf

        try:
            return render_rollup_pdf(data)
        except ReportFontError as error:
            raise InputError(str(error)) from error
    from loyalty_model.takeaways.rollup_pptx import render_rollup_pptx

    return render_rollup_pptx(data)


def run(args: argparse.Namespace, model: Model) -> int:
    """Write the client roll-up; exit 2 with one line on bad input."""
    from loyalty_model.i18n import t

    lang = args.lang
    try:
        fmt = _format(args, lang)
        content = _render(args, model, lang, fmt)
        if args.out:
            try:
                Path(args.out).write_bytes(content)
            except OSError as error:
                raise InputError(t("report_cli.cannot_write", lang, path=args.out,
                                   reason=error.strerror or error)) from error
        else:
            sys.stdout.write(content.decode("utf-8") + "\n")
    except InputError as error:
        message = " ".join(str(error).split())  # always one line
        print(f"{t('report_cli.error', lang)}: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.out:
        print(t(f"rollup_cli.written_{fmt}", lang, path=args.out))
    return 0
