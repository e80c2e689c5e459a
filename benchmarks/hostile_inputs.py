"""Hostile files, generated: every way a small upload has been found to cost time or memory.

Shared by tests/test_hostile_corpus.py (which asserts on each) and benchmarks/hostile_corpus.py
(which prints the figures). Nothing is stored: each file is built on demand, into a temporary
folder, by the process that runs the corpus. A `Case` names what is built and which surfaces
read it: the CLI (`kpis`, `score`) and the calls the upload pages make (read_table/open_table +
load_kind, read_kpi_file, workshop import), so the command line and the server are held to the
same limits.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from benchmarks.hostile_workbooks import MB, xlsx_shapes

RAW_KINDS = ("surveys", "orders", "tickets", "customers")
HEADERS = {
    "surveys": "Kunde-ID,Dato,Anbefaling (0-10),Kontaktpunkt",
    "orders": "Kunde-ID,Ordre-ID,Ordredato,Beløb",
    "tickets": "Sags-ID,Kunde-ID,Oprettet,Løst,Genåbnet",
    "customers": "Kunde-ID,Oprettet,Opsagt",
}
ROWS = {
    "surveys": "1001,2026-03-01,9,Levering",
    "orders": "1001,A1,2026-03-01,250",
    "tickets": "T1,1001,2026-03-01,2026-03-02,0",
    "customers": "1001,2025-01-01,nej",
}
KPI_HEADER, KPI_ROW = "kpi,value,period", "nps,20,2026-Q3"
RATINGS_HEADER, RATINGS_ROW = "participant,statement_id,rating", "P1,S1,3"


@dataclass(frozen=True)
class Case:
    """One hostile file and where it is read.

    `surface`: "raw:<kind>" (CLI `kpis --<kind>` and the raw-export upload), "kpis" (CLI
    `score --kpis` and the KPI upload), "ratings" (CLI `score --ratings`) or "workshop" (the
    workshop file import).
    """

    name: str
    surface: str
    filename: str
    build: Callable[[], bytes]


# --- CSV --------------------------------------------------------------------------------------


def _lines(header: str, rows: Iterable[str]) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def _csv_shapes(header: str, row: str) -> dict[str, Callable[[], bytes]]:
    """The shapes that broke the readers, around a real header and row of the file's kind."""
    fields = header.count(",") + 1
    return {
        "million-column header": lambda: (header + "".join(f",x{i}" for i in range(10**6))
                                          + "\n" + row + "\n").encode(),
        "million-separator header": lambda: _lines("," * 10**6, [row]),
        "million-separator row": lambda: _lines(header, [row, "," * 10**6, row]),
        "10 MB cell": lambda: _lines(header, [row, "x" * (10 * MB) + row[row.index(","):]]),
        "unclosed quote, 10 MB": lambda: _lines(header, [row, '"' + "y," * (5 * MB)]),
        "5M empty rows": lambda: _lines(header, ["," * (fields - 1)] * 5_000_000),
    }


def _csv_once(header: str, row: str) -> dict[str, Callable[[], bytes]]:
    """Shapes that do not depend on the kind: tried on one kind only."""
    return {
        "million-semicolon header": lambda: _lines(";" * 10**6, [row.replace(",", ";")]),
        "1 MB header cell": lambda: _lines("h" * MB, [row]),
        "10M blank lines": lambda: (header + "\n" * 10**7).encode(),
        "10M carriage returns": lambda: (header + "\r" * 10**7).encode(),
        "10 MB of NUL": lambda: b"\x00" * (10 * MB),
        "10 MB of quotes": lambda: b'"' * (10 * MB),
        "10 MB of spaces": lambda: b" " * (10 * MB),
        "escapes and line breaks in cells": lambda: _lines(
            header, [row, '"\x1b[2J\x1b]0;owned\x07","a\nb"' + "," * (header.count(",") - 1)]),
        "UTF-16 with a million columns": lambda: ("\ufeff" + ";" * 10**6 + "\n1;2\n")
        .encode("utf-16-le"),
    }


# --- JSON ---------------------------------------------------------------------------------------


def _workshop_shapes() -> dict[str, Callable[[], bytes]]:
    """Files under the import's 20 MB cap that are large in every other way."""
    head = {"format": "skab-promoters-workshop", "version": 1,
            "workshop": {"name": "W", "team": "T", "language": "en",
                         "created_at": "2026-11-01T10:00:00+00:00"},
            "participants": [], "ratings": [], "kpis": [], "actions": [], "targets": {}}
    return {
        "19 MB string as the name": lambda: json.dumps(
            {**head, "workshop": {**head["workshop"], "name": "n" * (19 * MB)}}).encode(),
        "a million actions": lambda: json.dumps({**head, "actions": [{}] * 10**6}).encode(),
        "19 MB of spaces": lambda: b" " * (19 * MB),
        "19 MB of open brackets": lambda: b"[" * (19 * MB),
        "a million keys in the workshop": lambda: json.dumps(
            {**head, "workshop": {**head["workshop"], **{f"k{i}": i for i in range(10**6)}}}
        ).encode()[: 19 * MB],
        "21 MB file": lambda: b" " * (21 * MB),
    }


# --- all ----------------------------------------------------------------------------------------


def cases() -> list[Case]:
    """Every hostile case, named "<surface>: <shape>"."""
    found: list[Case] = []
    for kind in RAW_KINDS:
        for shape, build in _csv_shapes(HEADERS[kind], ROWS[kind]).items():
            found.append(Case(f"{kind} CSV: {shape}", f"raw:{kind}", f"{kind}.csv", build))
    for shape, build in _csv_once(HEADERS["orders"], ROWS["orders"]).items():
        found.append(Case(f"orders CSV: {shape}", "raw:orders", "orders.csv", build))
    for shape, build in xlsx_shapes().items():
        found.append(Case(f"orders XLSX: {shape}", "raw:orders", "orders.xlsx", build))
    for shape, build in {**_csv_shapes(KPI_HEADER, KPI_ROW),
                         "10 MB cell": lambda: _lines(KPI_HEADER, ["x" * (9 * MB) + ",1,2026"]),
                         "a million rows of one letter": lambda: _lines(KPI_HEADER,
                                                                        ["x"] * 10**6),
                         "99,000 unknown KPIs": lambda: _lines(KPI_HEADER,
                                                               ["npz,1,2026"] * 99_000),
                         "3M empty rows under the size cap": lambda: _lines(KPI_HEADER,
                                                                            [",,"] * 3_000_000),
                         "escape in a cell": lambda: _lines(KPI_HEADER,
                                                            ["\x1b[2Jnps,1,2026"])}.items():
        found.append(Case(f"kpis CSV: {shape}", "kpis", "kpis.csv", build))
    for shape in ("zip bomb, 300 MB of rows", "dimension A1:XFD1048576",
                  "one row of a million cells", "2M cells under the size limit"):
        found.append(Case(f"kpis XLSX: {shape}", "kpis", "kpis.xlsx", xlsx_shapes()[shape]))
    for shape, build in {**_csv_shapes(RATINGS_HEADER, RATINGS_ROW),
                         "a million tiny rows under the size cap": lambda: _lines(
                             RATINGS_HEADER, ["1,S,"] * 1_000_000),
                         "1.7M empty rows under the size cap": lambda: _lines(
                             RATINGS_HEADER, [",,"] * 1_700_000),
                         "25 MB file": lambda: _lines(RATINGS_HEADER, [RATINGS_ROW] * 3_500_000),
                         "300,000 duplicate ratings": lambda: _lines(
                             RATINGS_HEADER, [f"P1,{_statement()},3"] * 300_000)}.items():
        found.append(Case(f"ratings CSV: {shape}", "ratings", "ratings.csv", build))
    found.append(Case("ratings XLSX: zip bomb", "ratings", "ratings.xlsx",
                      xlsx_shapes()["zip bomb, 300 MB of rows"]))
    for shape, build in _workshop_shapes().items():
        found.append(Case(f"workshop JSON: {shape}", "workshop", "workshop.json", build))
    for shape, change, _words in _workshop_hostile():
        found.append(Case(f"workshop JSON: {shape}", "workshop", "workshop.json",
                          lambda change=change: change(_exported())))
    return found


def _statement() -> str:
    from loyalty_model.model import load_model

    return load_model().statements[0].id


def _workshop_hostile() -> list:
    """The import's own hostile cases (tests/test_workshop_file_hostile.py), reused as they are."""
    from tests.test_workshop_file_hostile import CASES

    return CASES


@cache
def _exported() -> dict:
    """The sample workshop as exported, which those cases break in their own ways."""
    import tempfile

    from loyalty_model.model import load_model
    from loyalty_model.workshop import sample, storage
    from loyalty_model.workshop.workshop_json import export_workshop

    with tempfile.TemporaryDirectory() as folder:
        engine = storage.make_engine(f"sqlite:///{folder}/export.db")
        workshop, _ = sample.create_sample_workshop(engine, load_model(), "en")
        exported = export_workshop(engine, workshop)
        engine.dispose()
    return exported
