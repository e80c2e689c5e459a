"""`kpis`: raw survey, order, ticket and customer exports in, the KPIs and loyalty matrix out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from loyalty_model.cli.inputs import InputError, read_bytes
from loyalty_model.intake.mapping import normalise_header
from loyalty_model.intake.table import ReadError
from loyalty_model.intake.touchpoints import NOT_COUNTED, TOUCHPOINT_LAYERS
from loyalty_model.model import Model

RAW_KINDS = ("surveys", "orders", "tickets", "customers")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "kpis", help="compute KPIs from raw exports",
        description="Compute KPIs (and the loyalty matrix) from survey, order, ticket and "
                    "customer exports. Example: python -m loyalty_model kpis --orders "
                    "ordrer.csv --map orders.Beløb=amount --by quarter --json. Survey answers "
                    "whose touchpoint is a synonym of a layer (Levering, Kundeservice, "
                    "Nyhedsbrev ...) give that layer's survey score; --touchpoint overrides.")
    for kind in RAW_KINDS:
        parser.add_argument(f"--{kind}", help=f"{kind} export (CSV or XLSX)")
    parser.add_argument("--map", action="append", metavar="KIND.SOURCE_COLUMN=COLUMN",
                        help="map a column by hand (repeatable), e.g. orders.Beløb=amount")
    parser.add_argument("--touchpoint", action="append", metavar="VALUE=LAYER",
                        help="count survey answers with this touchpoint value for a layer "
                             f"({', '.join(TOUCHPOINT_LAYERS)}) or none (repeatable), "
                             "e.g. --touchpoint Webshop=delivery --touchpoint Værksted=none")
    parser.add_argument("--by", choices=["month", "quarter"], help="KPIs per period")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(func=run)


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


def parse_touchpoints(items: list[str]) -> dict[str, str]:
    """--touchpoint Webshop=delivery (repeatable) → {"Webshop": "delivery"}; none → ""."""
    layers = {normalise_header(layer): layer for layer in TOUCHPOINT_LAYERS}
    layers.update({"none": NOT_COUNTED, "": NOT_COUNTED})
    choices: dict[str, str] = {}
    for item in items:
        value, equals, layer = item.rpartition("=")
        if not equals or not value.strip() or normalise_header(layer) not in layers:
            raise InputError(f"--touchpoint {item!r}: write VALUE=LAYER with LAYER one of "
                             f"{', '.join(TOUCHPOINT_LAYERS)} or none")
        choices[value.strip()] = layers[normalise_header(layer)]
    return choices


def load_raw_files(args: argparse.Namespace) -> dict:
    """Read, map and type every raw file given; row problems go to stderr, good rows are kept."""
    from loyalty_model.intake.loading import format_problems, load_kind
    from loyalty_model.intake.mapping import suggest_with_overrides
    from loyalty_model.intake.readers import read_table

    maps = parse_maps(args.map or [])
    loaded = {}
    for kind in RAW_KINDS:
        path = getattr(args, kind)
        if path is None:
            if kind in maps:
                raise InputError(f"--map names {kind}, but no --{kind} file was given")
            continue
        try:
            table = read_table(read_bytes(path), Path(path).name)
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


def run(args: argparse.Namespace, model: Model) -> int:
    from loyalty_model.intake.matrix import loyalty_matrix
    from loyalty_model.intake.raw_kpis import compute_kpis, compute_kpis_by_period
    from loyalty_model.intake.touchpoints import summarise_touchpoints, touchpoint_key

    choices = parse_touchpoints(args.touchpoint or [])
    if choices and args.surveys is None:
        raise InputError("--touchpoint needs a --surveys file")
    loaded = load_raw_files(args)
    summary = summarise_touchpoints(loaded["surveys"].frame, choices, limit=10**6) \
        if "surveys" in loaded else None
    for value in choices:  # a typo would otherwise change nothing, silently
        if summary is None or touchpoint_key(value) not in summary.choices:
            print(f"warning: --touchpoint {value!r} is not a touchpoint in the survey file",
                  file=sys.stderr)
    if args.by:
        result: dict = compute_kpis_by_period(loaded, args.by, choices)
    else:
        result = compute_kpis(loaded, choices)
        matrix = loyalty_matrix(loaded)
        if matrix is not None:
            result["loyalty_matrix"] = matrix["shares"]
        if summary is not None:  # which values counted for which layer (null: left out)
            result["touchpoint_layers"] = {v.label: v.layer for v in summary.values}
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        rows = result.items() if not args.by else (
            (f"{period} {kpi}", value) for period, kpis in result.items()
            for kpi, value in kpis.items())
        for name, value in rows:
            print(f"{name:40} {value}")
    return 0
