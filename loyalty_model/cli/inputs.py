"""Files the subcommands share (ratings, KPIs) and the one-line error they all end in."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pandas as pd

from loyalty_model.intake.kpi_file import MAX_KPI_FILE_BYTES, KpiFileResult, read_kpi_file
from loyalty_model.intake.table import ReadError
from loyalty_model.messages import Message, Number, localized, quoted
from loyalty_model.model import Model

EXIT_BAD_INPUT = 2
MAX_RATINGS_BYTES = 5 << 20
"""A ratings file of 1,000 participants rating 50 statements is about 1 MB."""
INPUT_OPTIONS = ("ratings", "kpis", "actions", "logo", "orders", "surveys", "tickets",
                 "customers")  # every option that names a file to read


class InputError(Exception):
    """Something the user gave us is wrong; the message says what, in one line."""


def _not_a_file(path: str) -> InputError:
    return InputError(f"{quoted(path)}: not a regular file (a pipe, device or folder cannot be "
                      "read; give the path of a CSV or Excel file)")


def regular_file(path: str) -> None:
    """Refuse anything but a regular file before it is opened.

    A FIFO (named pipe) given as a file made the command wait for ever: opening one for reading
    blocks until some program writes to it. `stat` never blocks, so it asks first.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as error:
        raise InputError(f"{quoted(path)}: cannot be read ({error.strerror or error})") from error
    if not stat.S_ISREG(mode):
        raise _not_a_file(path)


def check_inputs(args: object) -> None:
    """Every file option of a command checked at once, before any work starts."""
    for option in INPUT_OPTIONS:
        value = getattr(args, option, None)
        if isinstance(value, str):
            regular_file(value)


def read_bytes(path: str, limit: int | None = None) -> bytes:
    """The file's content; opened without blocking, so a pipe swapped in is refused too.

    A file larger than `limit` bytes is refused before it is read into memory.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise InputError(f"{quoted(path)}: cannot be read ({error.strerror or error})") from error
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            raise _not_a_file(path)
        size = os.fstat(file.fileno()).st_size
        if limit is not None and size > limit:
            mb = 1 << 20
            raise InputError(Message("read.too_large", file=Path(path).name,
                                     size=Number(size / mb, ".1f"),
                                     limit=Number(limit / mb, ".1f")))
        try:
            return file.read()
        except OSError as error:
            raise InputError(f"{quoted(path)}: cannot be read ({error.strerror or error})") \
                from error


def read_ratings(path: str, lang: str = "en") -> pd.DataFrame:
    """Ratings file: participant, statement_id, rating (1-5, empty for don't know)."""
    from loyalty_model.intake.readers import read_table

    try:
        table = read_table(read_bytes(path, MAX_RATINGS_BYTES), Path(path).name)
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
        result = read_kpi_file(read_bytes(path, MAX_KPI_FILE_BYTES), Path(path).name, model)
    except ReadError as error:
        raise InputError(error.localized(lang)) from error
    if result.problems:
        rest = result.problem_count - 1
        more = Message("cli.and_more", n=Number(rest, en_group="")).localized(lang) if rest else ""
        raise InputError(f"{localized(result.problems[0], lang)}{more}")
    return result
