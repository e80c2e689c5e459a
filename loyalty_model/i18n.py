"""One translation layer for every string the user reads: UI, CLI messages and reports.

Strings live in data/i18n/<part>.<lang>.toml (core.en.toml, live.da.toml, ...), one part per
feature, as `key = "text"` pairs; sections become dotted keys. A key missing in a language falls
back to English at run time, and a test fails the build when any key exists in one language only
or when two parts define the same key.

Money is written the same way everywhere (pages, PDF, deck, CLI): Danish puts the currency after
the number ("12.345 kr.", "12.345 SEK"), English puts the ISO code first ("DKK 12,345"), so an
English reader never meets "kr." without knowing which crown it is.
"""

from __future__ import annotations

import math
import re
import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path

from loyalty_model.model import DATA_DIR

LANGUAGES = {"en": "English", "da": "Dansk"}
DEFAULT_CURRENCY = "DKK"
COMMON_CURRENCIES = ("DKK", "SEK", "NOK", "EUR", "ISK", "GBP", "USD", "CHF")
_CURRENCY_ALIASES = {"KR": "DKK", "KR.": "DKK", "DKR": "DKK", "DKR.": "DKK"}


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


def normalise_currency(text: str | None) -> str | None:
    """A three-letter currency code (DKK, SEK, EUR) from what a user typed, or None.

    "kr." and "kr" mean DKK: the app is Danish first, and the Danish default is written that way.
    Only codes are kept, never symbols: "$" or "kr." alone does not say which dollar or crown.
    """
    code = str(text or "").strip().upper()
    code = _CURRENCY_ALIASES.get(code, code)
    return code if re.fullmatch(r"[A-Z]{3}", code) else None


def currency_symbol(currency: str, lang: str = "en") -> str:
    """How the currency is named beside a number: "kr." for DKK in Danish, else the code."""
    return "kr." if lang == "da" and currency == "DKK" else currency


def fmt_money(value: float | None, lang: str = "en", currency: str = DEFAULT_CURRENCY,
              decimals: int = 0) -> str:
    """12.345 kr. (Danish) or DKK 12,345 (English); an em dash for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = fmt_number(value, lang, decimals)
    return f"{number} {currency_symbol(currency, lang)}" if lang == "da" else f"{currency} {number}"


def fmt_kpi_value(value: float | None, unit: str, lang: str = "en",
                  currency: str = DEFAULT_CURRENCY) -> str:
    """A KPI value the way people say it: shares as percentages, amounts as money, hours and
    counts as numbers."""
    if unit == "share":
        return fmt_percent(value, lang, 1)
    if unit == "amount":
        return fmt_money(value, lang, currency)
    if unit == "points":
        return fmt_number(value, lang, 1)
    return fmt_number(value, lang, 1)
