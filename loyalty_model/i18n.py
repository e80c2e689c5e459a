"""One translation and formatting layer for everything the user reads: UI, CLI, reports, files.

Strings live in data/i18n/<part>.<lang>.toml (core.en.toml, live.da.toml, ...), one part per
feature, as `key = "text"` pairs; sections become dotted keys. A key missing in a language falls
back to English at run time, and a test fails the build when any key exists in one language only
or when two parts define the same key. A text that names a count can be a table of CLDR plural
forms (`one`, `other`), so Danish never reads "1 deltagere" nor English "1 statements".

Numbers, percentages, dates and money are written by Babel from the CLDR data of the language's
locale (da_DK, en_GB), never by hand: "1.234,5" and "40 %" in Danish, "1,234.5" and "40%" in
English, with the non-breaking spaces CLDR puts before "%" and "kr." so a value never wraps away
from its unit. Every surface goes through the functions here: pages, charts (vega_locale gives
Vega the same symbols), PDF, deck, CSV (csv_separator, fmt_plain_number) and XLSX (excel_date).

Money keeps the app's rule: Danish puts the currency after the number ("12.345 kr.",
"12.345 SEK"), English puts the ISO code first ("DKK 12,345"), so an English reader never meets
"kr." without knowing which crown it is. Babel's own symbols are not used for it: CLDR writes "€"
and "$", which do not say which dollar, and English "DKK12,345" without the space CLDR asks for.
"""

from __future__ import annotations

import math
import re
import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import NumberFormatError, format_decimal, parse_decimal

from loyalty_model.model import DATA_DIR

LANGUAGES = {"en": "English", "da": "Dansk"}
LOCALES = {"en": "en_GB", "da": "da_DK"}  # British English: the app's spelling, day-month dates
# Danish writes dates as 30.12.2026; English spells the month (30 Dec 2026), which no reader on
# either side of the Atlantic takes for 12 March.
DATE_WIDTHS = {"en": "medium", "da": "short"}
DEFAULT_CURRENCY = "DKK"
COMMON_CURRENCIES = ("DKK", "SEK", "NOK", "EUR", "ISK", "GBP", "USD", "CHF")
_CURRENCY_ALIASES = {"KR": "DKK", "KR.": "DKK", "DKR": "DKK", "DKR.": "DKK"}
MISSING = "–"
_PLURAL_PARAMS = ("n", "open", "count")


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
    """The text for `key` in `lang`, with {placeholders} filled in.

    When `key` is a table of plural forms, the form is chosen by the count among `values`
    (`n`, else `open`, else `count`), with the language's CLDR plural rule.
    """
    text = _lookup(key, lang)
    if text is None:
        count = next((values[p] for p in _PLURAL_PARAMS if p in values), None)
        form = plural_form(count, lang)
        text = _lookup(f"{key}.{form}", lang) or _lookup(f"{key}.other", lang) or key
    return text.format(**values) if values else text


def _lookup(key: str, lang: str) -> str | None:
    return strings(lang).get(key) or strings("en").get(key)


def plural_form(count: object, lang: str = "en") -> str:
    """CLDR plural category ("one", "other") of `count` in `lang`; "other" for a non-number."""
    if isinstance(count, bool) or not isinstance(count, int | float):
        digits = re.sub(r"\D", "", str(count if count is not None else ""))
        if not digits:
            return "other"
        count = int(digits)
    number = abs(count)
    return _locale(lang).plural_form(int(number) if float(number).is_integer() else number)


# --- numbers, dates and money --------------------------------------------------------------------


def locale_name(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["en"])


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(locale_name(lang))


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _digits(decimals: int, grouping: bool = True) -> str:
    """A CLDR number pattern with exactly `decimals` decimals: #,##0.0 for one."""
    return ("#,##0" if grouping else "0") + ("." + "0" * decimals if decimals > 0 else "")


def _no_negative_zero(value: float, decimals: int) -> float:
    """-0.04 shown with no decimals is 0, not "-0"."""
    return 0.0 if round(value, decimals) == 0 else value


def fmt_number(value: float | None, lang: str = "en", decimals: int = 0) -> str:
    """1,234.5 in English, 1.234,5 in Danish; an en dash for a missing value."""
    if _missing(value):
        return MISSING
    value = _no_negative_zero(float(value), decimals)
    return format_decimal(value, format=_digits(decimals), locale=locale_name(lang))


def fmt_percent(share: float | None, lang: str = "en", decimals: int = 0) -> str:
    """A share (0.405) as a percentage in the language's pattern: 40.5% or 40,5 %."""
    if _missing(share):
        return MISSING
    share = _no_negative_zero(float(share), decimals + 2)
    return format_decimal(share, format=percent_pattern(lang, decimals), locale=locale_name(lang))


def percent_pattern(lang: str = "en", decimals: int = 0) -> str:
    """The CLDR percent pattern of the language with `decimals` decimals: #,##0.0 % in Danish."""
    return _locale(lang).percent_formats[None].pattern.replace("#,##0", _digits(decimals), 1)


def fmt_date(value: date | datetime | str | None, lang: str = "en") -> str:
    """30.12.2026 in Danish, 30 Dec 2026 in English; text that is no ISO date stays as it is."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return _babel_date(value, DATE_WIDTHS.get(lang, "medium"), locale=locale_name(lang))


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


def money_pattern(lang: str = "en", currency: str = DEFAULT_CURRENCY, decimals: int = 0) -> str:
    """The CLDR currency pattern of the language with our name for the currency in it:
    #,##0 'kr.' (Danish, after the number) or 'DKK' #,##0 (English, before it)."""
    pattern = _locale(lang).currency_formats["standard"].pattern.split(";")[0]
    pattern = re.sub(r"#,##0(\.0+)?", _digits(decimals), pattern)
    symbol = "'" + currency_symbol(currency, lang).replace("'", "''") + "'"
    if pattern.startswith("¤"):  # CLDR currencySpacing: a code before digits is spaced
        return symbol + "\u00a0" + pattern.lstrip("¤").lstrip("\u00a0 ")
    return pattern.replace("¤", symbol)


def fmt_money(value: float | None, lang: str = "en", currency: str = DEFAULT_CURRENCY,
              decimals: int = 0) -> str:
    """12.345 kr. (Danish) or DKK 12,345 (English); an en dash for a missing value."""
    if _missing(value):
        return MISSING
    value = _no_negative_zero(float(value), decimals)
    return format_decimal(value, format=money_pattern(lang, currency, decimals),
                          locale=locale_name(lang))


def fmt_kpi_value(value: float | None, unit: str, lang: str = "en",
                  currency: str = DEFAULT_CURRENCY) -> str:
    """A KPI value the way people say it: shares as percentages, amounts as money, hours and
    counts as numbers."""
    if unit == "share":
        return fmt_percent(value, lang, 1)
    if unit == "amount":
        return fmt_money(value, lang, currency)
    return fmt_number(value, lang, 1)


def localise_marks(text: str, lang: str = "en") -> str:
    """A number Python formatted ("1,234.5") with `lang`'s group and decimal marks from CLDR
    ("1.234,5" in Danish): for messages that keep a printf-style spec of their own."""
    symbols = _locale(lang).number_symbols["latn"]
    marks = {",": symbols["group"], ".": symbols["decimal"]}
    return "".join(marks.get(char, char) for char in text)


def parse_number(text: str, lang: str = "en") -> float:
    """A number the user typed in the language's format ("12,5" in Danish), else ValueError
    whose message suggests the reading the user probably meant (Babel's suggestions)."""
    cleaned = str(text).strip().replace("\u00a0", "").replace(" ", "").rstrip("%").strip()
    try:
        return float(parse_decimal(cleaned, locale=locale_name(lang), strict=True))
    except NumberFormatError as error:
        raise ValueError(" / ".join(error.suggestions or [])) from error


# --- the same formats for charts and files -------------------------------------------------------


def vega_locale(lang: str = "en") -> dict:
    """The d3-format number locale of `lang` for a chart's `config.locale`, from Babel's symbols,
    so axes and tooltips write 1,5 and 40 % in Danish on screen, in the PDF and in the deck."""
    loc = _locale(lang)
    symbols = loc.number_symbols["latn"]
    spaced = "\u00a0%" in loc.percent_formats[None].pattern
    return {"number": {"decimal": symbols["decimal"], "thousands": symbols["group"],
                       "grouping": [3], "currency": ["", ""], "minus": symbols["minusSign"],
                       "percent": "\u00a0%" if spaced else "%"}}


def csv_separator(lang: str = "en") -> str:
    """";" where the decimal mark is a comma (Danish Excel splits on it), else ","."""
    return ";" if _locale(lang).number_symbols["latn"]["decimal"] == "," else ","


def fmt_plain_number(value: float | None, lang: str = "en", decimals: int = 2) -> str:
    """A number for a CSV cell: the language's decimal mark, no grouping, at most `decimals`
    decimals, so Excel in that language reads it as a number (59,9 in Danish, 59.9 in English)."""
    if _missing(value):
        return ""
    pattern = "0" + ("." + "#" * decimals if decimals > 0 else "")
    return format_decimal(float(value), format=pattern, locale=locale_name(lang))


def _date_pattern(lang: str) -> str:
    return _locale(lang).date_formats[DATE_WIDTHS.get(lang, "medium")].pattern


def excel_date(lang: str = "en") -> str:
    """fmt_date's pattern as an Excel number format (dd.mm.yyyy / d mmm yyyy)."""
    pattern = re.sub(r"y+", "yyyy", _date_pattern(lang)).replace("M", "m")
    return pattern.replace(".", "\\.")  # a literal dot, not Excel's decimal point


def widget_date(lang: str = "en") -> str:
    """fmt_date's pattern for a date widget that takes moment.js tokens (DD.MM.YYYY)."""
    return re.sub(r"y+", "YYYY", _date_pattern(lang)).replace("d", "D")
