"""`kpis`: raw survey, order, ticket and customer exports in, the KPIs and loyalty matrix out."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from loyalty_model.cli.inputs import InputError
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


@dataclass
class FileResult:
    """What the command keeps of one file once its KPIs are computed and its rows are gone."""

    kpis: dict
    """{kpi: value}, or {period: {kpi: value}} with --by; only this file's kind's KPIs."""
    part: Any = None
    """Its contribution to the loyalty matrix (intake.matrix.Part), or None."""
    summary: Any = None
    """Surveys: the touchpoint values and their layers (intake.touchpoints.TouchpointSummary)."""
    warnings: list[str] = field(default_factory=list)


PARALLEL_BYTES = 400 << 20
"""Files up to this size are read two at a time; larger ones one at a time, so that a command
on ten-million-row exports keeps a single file's columns in memory, not two."""


def compute_files(args: argparse.Namespace, choices: dict[str, str]) -> dict[str, FileResult]:
    """Read, map, type and compute every raw file given, each on its own.

    The KPIs of a kind need only its own file and the matrix only a per-customer digest of
    each, so every file's rows are dropped as soon as they are computed: memory holds one or
    two files' typed columns, never all four. Files are read from disk in batches, two at a
    time when small enough: pyarrow parses outside Python's lock, so two files use two cores.
    """
    from concurrent.futures import ThreadPoolExecutor

    maps = parse_maps(args.map or [])
    paths = {kind: getattr(args, kind) for kind in RAW_KINDS if getattr(args, kind) is not None}
    for kind in maps:
        if kind not in paths:
            raise InputError(f"--map names {kind}, but no --{kind} file was given")
    if not paths:
        raise InputError("give at least one of --surveys, --orders, --tickets, --customers")
    sizes = {kind: _size(path) for kind, path in paths.items()}
    largest_first = sorted(paths, key=lambda kind: -sizes[kind])
    small = max(sizes.values()) <= PARALLEL_BYTES
    workers = max(1, min(len(paths), os.cpu_count() or 1)) if small else 1

    def one(kind: str) -> FileResult:
        return _compute_file(kind, paths[kind], maps.get(kind, {}), args.by, choices)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = dict(zip(largest_first, pool.map(one, largest_first), strict=True))
    return {kind: done[kind] for kind in RAW_KINDS if kind in done}


def _compute_file(kind: str, path: str, overrides: dict[str, str], by: str | None,
                  choices: dict[str, str]) -> FileResult:
    import pyarrow as pa

    from loyalty_model.intake.loading import format_problems, load_kind
    from loyalty_model.intake.mapping import suggest_with_overrides
    from loyalty_model.intake.matrix import matrix_part
    from loyalty_model.intake.raw_kpis import compute_kpis, compute_kpis_by_period
    from loyalty_model.intake.readers import open_table
    from loyalty_model.intake.touchpoints import summarise_touchpoints

    try:
        table = open_table(path)
        headers = [str(c) for c in table.frame.columns]
        loaded = load_kind(table, kind, suggest_with_overrides(kind, headers, overrides))
    except ReadError as error:
        raise InputError(str(error)) from error
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error})") from error
    frames = {kind: loaded.frame}
    result = FileResult(
        kpis=compute_kpis_by_period(frames, by, choices) if by else compute_kpis(frames, choices),
        part=None if by else matrix_part(kind, loaded.frame),
        summary=summarise_touchpoints(loaded.frame, choices, limit=10**6)
        if kind == "surveys" else None,
        warnings=format_problems(loaded),
    )
    del loaded, frames
    if _size(path) > PARALLEL_BYTES:
        # A large file's batches go back to the system before the next file: peak memory is
        # what counts there. Small files keep them for reuse, which spares the kernel from
        # zeroing fresh pages for every file (a tenth of the command's time at 1M rows).
        pa.default_memory_pool().release_unused()
    return result


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def merge_kpis(files: dict[str, FileResult], by: str | None) -> dict:
    """One result from the files' own KPIs, in the usual order (None: no data for it)."""
    from loyalty_model.intake.raw_kpis import KPI_KIND, KPI_NAMES

    def merged(parts: list[dict]) -> dict:
        out = dict.fromkeys(KPI_NAMES)
        for kind, values in parts:
            out.update({name: values.get(name) for name in KPI_NAMES if KPI_KIND[name] == kind})
        return out

    if not by:
        return merged([(kind, done.kpis) for kind, done in files.items()])
    periods = sorted({period for done in files.values() for period in done.kpis})
    return {period: merged([(kind, done.kpis[period]) for kind, done in files.items()
                            if period in done.kpis]) for period in periods}


@contextlib.contextmanager
def settled_runtime() -> Iterator[None]:
    """Tune the process for one large batch job, and put it back afterwards (tests call the
    command in their own process).

    - Every object the imports created is frozen out of the garbage collector, which would
      otherwise walk those few hundred thousand objects again and again while the files load
      (about a twentieth of the command's CPU time at a million rows per file).
    - numpy backs arrays of 4 MB and more with transparent huge pages. Each array here is
      written once, and zeroing 2 MB pages on first touch cost the command a fifth of its CPU
      time on the virtual machines we measured; ordinary pages are cheaper.
    """
    import gc

    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # another numpy: its default stays
        _set_madvise_hugepage = None  # noqa: N806
    gc.freeze()
    huge = _set_madvise_hugepage(False) if _set_madvise_hugepage else None
    try:
        yield
    finally:
        if _set_madvise_hugepage:
            _set_madvise_hugepage(huge)
        gc.unfreeze()


def run(args: argparse.Namespace, model: Model) -> int:
    from loyalty_model.intake.matrix import combine
    from loyalty_model.intake.touchpoints import touchpoint_key

    choices = parse_touchpoints(args.touchpoint or [])
    if choices and args.surveys is None:
        raise InputError("--touchpoint needs a --surveys file")
    with settled_runtime():
        files = compute_files(args, choices)
    for done in files.values():
        for line in done.warnings:
            print(f"warning: {line}", file=sys.stderr)
    summary = files["surveys"].summary if "surveys" in files else None
    for value in choices:  # a typo would otherwise change nothing, silently
        if summary is None or touchpoint_key(value) not in summary.choices:
            print(f"warning: --touchpoint {value!r} is not a touchpoint in the survey file",
                  file=sys.stderr)
    result = merge_kpis(files, args.by)
    if not args.by:
        matrix = combine({kind: done.part for kind, done in files.items()})
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
