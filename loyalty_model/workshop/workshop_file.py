"""Read and check a workshop file before anything is written: one clear message, or clean data.

A workshop file comes from another machine and may have been edited, damaged or built to hurt:
nesting a hundred thousand levels deep, ids that are lists, lone surrogates, numbers with
thousands of digits, values far outside what a KPI can be. Every such file gets one message that
names the place in the file ("kpis[3].value ..."), and every value is checked against the KPI
catalogue's range, so nothing half-valid reaches the database.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import pandas as pd

from loyalty_model.assessment.periods import normalise_period
from loyalty_model.assessment.targets import in_range
from loyalty_model.model import Model
from loyalty_model.workshop import storage
from loyalty_model.workshop.file_checks import (
    MAX_DIGITS,
    WorkshopFileError,
    _id,
    _list,
    _show,
    _text,
    _TooManyDigits,
    _whole_number,
)
from loyalty_model.workshop.settings import SETTINGS, check_settings
from loyalty_model.workshop.workshop_people import check_anonymity, check_people

__all__ = ["EVIDENCE", "FORMAT", "VERSION", "WorkshopFileError", "parse_workshop_file"]

FORMAT = "skab-promoters-workshop"
# 2 added the anonymity level, comments and an aggregates-only workshop's counts
# (workshop_people.py); a version-1 file reads as a names-hidden workshop without comments.
VERSION = 2
READS = (1, 2)
MAX_BYTES = 20 * 1024 * 1024
# evidence that travels along: the loyalty matrix computed from raw exports, and the workshop's
# settings (its currency); a file without them imports with the defaults
EVIDENCE = ("loyalty_matrix", SETTINGS)


def parse_workshop_file(data: bytes, model: Model) -> dict[str, Any]:
    """Read and check the whole file; returns the cleaned content or raises WorkshopFileError."""
    if len(data) > MAX_BYTES:
        raise WorkshopFileError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    raw = _load(data)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise WorkshopFileError("not a Skab promoters workshop export")
    version = raw.get("version")
    if isinstance(version, bool) or version not in READS:
        raise WorkshopFileError(f"export version {_show(version)} is not supported "
                                f"(this app reads versions {READS[0]} to {READS[-1]})")
    workshop = _check_workshop(raw.get("workshop"))
    return {
        "workshop": workshop,
        **check_people(raw, workshop["anonymity"], workshop["smallest_group"], model),
        "kpis": _check_kpis(raw.get("kpis", []), model),
        "actions": _check_actions(raw.get("actions", []), model),
        "targets": _check_targets(raw.get("targets", {}), model),
        "evidence": _check_evidence(raw.get("evidence", {})),
    }


def _check_workshop(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise WorkshopFileError("'workshop' is missing")
    created = raw.get("created_at")
    try:
        created_at = datetime.fromisoformat(created) if created else None
    except (TypeError, ValueError) as error:
        raise WorkshopFileError(f"workshop.created_at '{created}' is not a date-time") from error
    language = raw.get("language", "en")
    anonymity, smallest_group = check_anonymity(raw)
    return {
        "name": _text(raw.get("name"), "workshop.name", 200, required=True),
        "team": _text(raw.get("team"), "workshop.team", 200, required=True),
        "language": language if language in ("en", "da") else "en",
        "created_at": created_at,
        "anonymity": anonymity,
        "smallest_group": smallest_group,
    }


def _number(value: object, where: str, required: bool) -> float | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise WorkshopFileError(f"{where} must be a number, not {_show(value)}")
    return float(value)


def _in_catalogue_range(value: float, kpi: str, where: str, model: Model) -> float:
    spec = model.kpis[kpi]
    if not in_range(spec, value):
        high = "" if spec.max is None else f" and {spec.max:g}"
        span = f"between {spec.min:g}{high}" if spec.max is not None else f"at least {spec.min:g}"
        raise WorkshopFileError(f"{where}: {value:.6g} is outside what {kpi} can be ({span})")
    return value


def _check_kpis(raw: object, model: Model) -> pd.DataFrame:
    rows, seen = [], set()
    for index, row in enumerate(_list(raw, "kpis"), start=1):
        where = f"kpis[{index}]"
        if not isinstance(row, dict):
            raise WorkshopFileError(f"{where} must be an object")
        kpi = _id(row.get("kpi"), f"{where}.kpi")
        if kpi not in model.kpis:
            raise WorkshopFileError(f"{where}: unknown kpi {_show(kpi)}")
        period = normalise_period(_id(row.get("period", ""), f"{where}.period"))
        if period is None:
            raise WorkshopFileError(f"{where}: period {_show(row.get('period'))} is not a period")
        if (kpi, period) in seen:
            raise WorkshopFileError(f"{where}: {kpi} {period} twice")
        seen.add((kpi, period))
        value = _number(row.get("value"), f"{where}.value", True)
        target = _number(row.get("target"), f"{where}.target", False)
        rows.append({"kpi": kpi, "period": period,
                     "value": _in_catalogue_range(value, kpi, f"{where}.value", model),
                     "target": None if target is None
                     else _in_catalogue_range(target, kpi, f"{where}.target", model)})
    return pd.DataFrame(rows, columns=["kpi", "value", "period", "target"])


def _check_targets(raw: object, model: Model) -> dict[str, float]:
    """The team's KPI targets: known KPIs only, each a number the KPI can reach."""
    if not isinstance(raw, dict):
        raise WorkshopFileError("'targets' must be an object")
    out = {}
    for kpi, value in raw.items():
        spec = model.kpis.get(kpi)
        number = _number(value, f"targets.{kpi}", True)
        if spec is None or not in_range(spec, number):
            raise WorkshopFileError(f"targets.{kpi}: not a known KPI with a target in range")
        out[kpi] = number
    return out


def _check_actions(raw: object, model: Model) -> pd.DataFrame:
    layers = {layer.id for layer in model.layers}
    rows = []
    for index, row in enumerate(_list(raw, "actions"), start=1):
        where = f"actions[{index}]"
        if not isinstance(row, dict):
            raise WorkshopFileError(f"{where} must be an object")
        layer = row.get("layer")
        if layer is not None and (not isinstance(layer, str) or layer not in layers):
            raise WorkshopFileError(f"{where}: unknown layer {_show(layer)}")
        due = _text(row.get("due_date"), f"{where}.due_date", 10)
        if due is not None:
            try:
                date.fromisoformat(due)
            except ValueError as error:
                raise WorkshopFileError(f"{where}: due_date {due!r} is not a date") from error
        rows.append({"action": _text(row.get("action"), f"{where}.action", 2000, required=True),
                     "layer": layer, "owner": _text(row.get("owner"), f"{where}.owner", 200),
                     "due_date": due})
    return pd.DataFrame(rows, columns=storage.ACTION_COLUMNS)


def _check_evidence(raw: object) -> dict[str, dict]:
    """Known evidence only: a loyalty matrix must hold shares between 0 and 1, settings known
    values (a currency code)."""
    if not isinstance(raw, dict):
        raise WorkshopFileError("'evidence' must be an object")
    out = {}
    for name, payload in raw.items():
        if name not in EVIDENCE:
            continue  # from a newer version: ignored rather than trusted
        if name == SETTINGS:
            try:
                out[name] = check_settings(payload)
            except ValueError as error:
                raise WorkshopFileError(f"evidence.{name}: {error}") from error
            continue
        shares = payload.get("shares") if isinstance(payload, dict) else None
        if not isinstance(shares, dict) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1
                for v in shares.values()):
            raise WorkshopFileError(f"evidence.{name} needs shares between 0 and 1")
        where = f"evidence.{name}"
        matrix: dict[str, Any] = {"shares": {_id(k, f"{where}.shares"): float(v)
                                             for k, v in shares.items()},
                                  "joined": _whole_number(payload.get("joined", 0),
                                                          f"{where}.joined")}
        if "respondents" in payload:
            matrix["respondents"] = _whole_number(payload["respondents"], f"{where}.respondents")
        if isinstance(payload.get("counts"), dict):
            matrix["counts"] = {_id(k, f"{where}.counts"): _whole_number(v, f"{where}.counts")
                                for k, v in payload["counts"].items()}
        if payload.get("behaviour") is not None:
            matrix["behaviour"] = _text(payload["behaviour"], f"{where}.behaviour", 80)
        out[name] = matrix
    return out


def _whole(text: str) -> int | _TooManyDigits:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else _TooManyDigits(text)


def _decimal(text: str) -> float | _TooManyDigits:
    return float(text) if len(text) <= 40 else _TooManyDigits(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object with a key twice is ambiguous: which one did the author mean?"""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise WorkshopFileError(f"the key {json.dumps(key)[:40]} appears twice in one object")
        out[key] = value
    return out


def _load(data: bytes) -> object:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise WorkshopFileError(f"the file is not UTF-8 text (byte {error.start})") from error
    try:
        return json.loads(text, object_pairs_hook=_unique_keys, parse_int=_whole,
                          parse_float=_decimal)  # NaN, Infinity: refused where used
    except RecursionError as error:
        raise WorkshopFileError("the file is nested too deeply to be a workshop") from error
    except json.JSONDecodeError as error:
        raise WorkshopFileError(f"not a JSON file (line {error.lineno}, column {error.colno}: "
                                f"{error.msg})") from error
