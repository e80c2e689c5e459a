"""The small checks every part of a workshop file goes through: each failure names its place.

Shared by workshop_file.py (the workshop, KPIs, actions) and workshop_people.py (participants,
ratings, comments and the aggregates of an aggregates-only workshop).
"""

from __future__ import annotations


class WorkshopFileError(ValueError):
    """The file is not a workshop export this version can import; the message says why."""


MAX_DIGITS = 15  # a whole number longer than this is no count, rating or id


class _TooManyDigits:
    """A number in the file too long to be a real value; refused where it is used."""

    def __init__(self, digits: str) -> None:
        self.digits = digits


def _list(value: object, name: str) -> list:
    if not isinstance(value, list):
        raise WorkshopFileError(f"'{name}' must be a list")
    return value


def _show(value: object) -> str:
    """A value from the file, short and printable, for a message."""
    if isinstance(value, _TooManyDigits):
        return f"a number of {len(value.digits)} digits"
    text = repr(value) if not isinstance(value, dict | list) else type(value).__name__
    return text if len(text) <= 40 else text[:37] + "…"


def _text(value: object, where: str, limit: int, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise WorkshopFileError(f"{where} is missing")
        return None
    if not isinstance(value, str):
        raise WorkshopFileError(f"{where} must be text, not {_show(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate escape such as \ud800
        raise WorkshopFileError(f"{where} holds a character that is not text") from error
    if len(value.strip()) > limit:
        raise WorkshopFileError(f"{where} is longer than {limit} characters")
    return value.strip()


def _whole_number(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WorkshopFileError(f"{where} must be a whole number, not {_show(value)}")
    return value


def _id(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise WorkshopFileError(f"{where} must be text, not {_show(value)}")
    return value


