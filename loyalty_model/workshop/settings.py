"""A workshop's own settings (today: its currency), kept as evidence named "settings".

A consultant runs Danish, Swedish and Norwegian clients side by side: the currency belongs to the
workshop, not to the app. The evidence table already stores one JSON payload per workshop and
name, so a setting needs no schema change, and the workshop's JSON export carries it along.
"""

from __future__ import annotations

from sqlalchemy import Engine

from loyalty_model.i18n import DEFAULT_CURRENCY, normalise_currency
from loyalty_model.workshop import storage

SETTINGS = "settings"


def check_settings(raw: object) -> dict[str, str]:
    """The settings a payload holds that this version knows and accepts; the rest is dropped.

    :raise ValueError: when a known setting has a value that cannot be used.
    """
    if not isinstance(raw, dict):
        raise ValueError("settings must be an object")
    out: dict[str, str] = {}
    if raw.get("currency") is not None:
        currency = normalise_currency(raw["currency"] if isinstance(raw["currency"], str) else "")
        if currency is None:
            raise ValueError(f"currency {raw['currency']!r} is not a three-letter code like DKK")
        out["currency"] = currency
    return out


def load_settings(engine: Engine, workshop_id: int) -> dict[str, str]:
    """The workshop's settings; a stored value this version cannot use counts as not set."""
    try:
        return check_settings(storage.load_evidence(engine, workshop_id, SETTINGS) or {})
    except ValueError:
        return {}


def workshop_currency(engine: Engine, workshop_id: int) -> str:
    """The currency the workshop's money is shown in (DKK until someone changes it)."""
    return load_settings(engine, workshop_id).get("currency", DEFAULT_CURRENCY)


def save_currency(engine: Engine, workshop_id: int, currency: str) -> str:
    """Store the workshop's currency (other settings are kept); returns the code stored.

    :raise ValueError: when `currency` is not a three-letter code (or "kr.").
    """
    code = normalise_currency(currency)
    if code is None:
        raise ValueError(f"currency {currency!r} is not a three-letter code like DKK")
    settings = load_settings(engine, workshop_id)
    settings["currency"] = code
    storage.save_evidence(engine, workshop_id, SETTINGS, settings)
    return code
