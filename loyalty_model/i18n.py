"""One translation layer for every string the user reads: UI, CLI messages and reports.

Strings live in data/i18n/<part>.<lang>.toml (core.en.toml, live.da.toml, ...), one part per
feature, as `key = "text"` pairs; sections become dotted keys. A key missing in a language falls
back to English at run time, and a test fails the build when any key exists in one language only
or when two parts define the same key.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path

from loyalty_model.model import DATA_DIR

LANGUAGES = {"en": "English", "da": "Dansk"}


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{full}."))
        else:
            flat[full] = str(value)
    return flat


def string_files(lang: str, data_dir: Path = DATA_DIR) -> list[Path]:
    return sorted((data_dir / "i18n").glob(f"*.{lang}.toml"))


@cache
def strings(lang: str, data_dir: Path = DATA_DIR) -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in string_files(lang, data_dir):
        with open(path, "rb") as f:
            merged.update(_flatten(tomllib.load(f)))
    return merged


def t(key: str, lang: str = "en", **values: object) -> str:
    """The text for `key` in `lang`, with {placeholders} filled in."""
    text = strings(lang).get(key) or strings("en").get(key) or key
    return text.format(**values) if values else text


def fmt_number(value: float | None, lang: str = "en", decimals: int = 0) -> str:
    """1,234.5 in English, 1.234,5 in Danish; an em dash for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_percent(share: float | None, lang: str = "en", decimals: int = 0) -> str:
    if share is None or (isinstance(share, float) and math.isnan(share)):
        return "–"
    return f"{fmt_number(share * 100, lang, decimals)} %" if lang == "da" else \
        f"{fmt_number(share * 100, lang, decimals)}%"


def fmt_date(value: date | datetime | str | None, lang: str = "en") -> str:
    """22-11-2026 in Danish, 2026-11-22 in English."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return value.strftime("%d-%m-%Y") if lang == "da" else value.strftime("%Y-%m-%d")


def fmt_kpi_value(value: float | None, unit: str, lang: str = "en") -> str:
    """A KPI value the way people say it: shares as percentages, hours and counts as numbers."""
    if unit == "share":
        return fmt_percent(value, lang, 1)
    if unit == "amount":
        return fmt_number(value, lang, 0)
    if unit == "points":
        return fmt_number(value, lang, 1)
    return fmt_number(value, lang, 1)
