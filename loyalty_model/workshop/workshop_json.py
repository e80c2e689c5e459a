"""A whole workshop as one JSON file, so a consultant can move it between machines.

The file holds what the room produced (names, ratings, KPIs, actions) and nothing that grants
access: no participant tokens, no facilitator key, no join code. Importing always creates a new
workshop with a new code and key, so a file can never take over or overwrite a workshop that
already exists on the target machine. Everything is checked before anything is written.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, delete, insert

from loyalty_model.assessment.periods import normalise_period
from loyalty_model.assessment.targets import in_range
from loyalty_model.model import Model
from loyalty_model.workshop import storage
from loyalty_model.workshop.settings import SETTINGS, check_settings

FORMAT = "skab-promoters-workshop"
VERSION = 1
MAX_BYTES = 20 * 1024 * 1024
MAX_PARTICIPANTS = 1000
# evidence that travels along: the loyalty matrix computed from raw exports, and the workshop's
# settings (its currency); a file without them imports with the defaults
EVIDENCE = ("loyalty_matrix", SETTINGS)


class WorkshopFileError(ValueError):
    """The file is not a workshop export this version can import; the message says why."""


# --- export ------------------------------------------------------------------------------------


def export_workshop(engine: Engine, workshop: storage.Workshop) -> dict[str, Any]:
    """The workshop as a JSON-ready dict; participants are numbered, never identified by token."""
    people = storage.list_participants(engine, workshop.id)
    number = {p.id: index for index, p in enumerate(people, start=1)}
    with engine.connect() as conn:
        rows = conn.execute(
            storage.ratings.select().where(storage.ratings.c.workshop_id == workshop.id)
            .order_by(storage.ratings.c.participant_id, storage.ratings.c.id)).all()
    kpis = storage.kpis_frame(engine, workshop.id)
    actions = storage.actions_frame(engine, workshop.id)
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": {
            "name": workshop.name,
            "team": workshop.team,
            "language": workshop.language,
            "created_at": _iso(workshop.created_at),
        },
        "participants": [{"number": number[p.id], "name": p.name} for p in people],
        "ratings": [{"participant": number[r.participant_id], "statement_id": r.statement_id,
                     "rating": r.rating} for r in rows],
        "kpis": [{"kpi": str(r.kpi), "period": str(r.period), "value": float(r.value),
                  "target": None if pd.isna(r.target) else float(r.target)}
                 for r in kpis.itertuples(index=False)],
        "actions": [{"action": r.action, "layer": _value(r.layer), "owner": _value(r.owner),
                     "due_date": _value(r.due_date)} for r in actions.itertuples(index=False)],
        "targets": storage.targets(engine, workshop.id),
        "evidence": {name: payload for name in EVIDENCE
                     if (payload := storage.load_evidence(engine, workshop.id, name))},
    }


def _value(value: object) -> object:
    """None for pandas' missing values, which JSON cannot hold (NaN is not valid JSON)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def export_json(engine: Engine, workshop: storage.Workshop) -> bytes:
    return json.dumps(export_workshop(engine, workshop), ensure_ascii=False, indent=2,
                      allow_nan=False).encode("utf-8")


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive datetimes; they were stored as UTC
        value = value.replace(tzinfo=UTC)
    return value.isoformat(timespec="seconds")


# --- import ------------------------------------------------------------------------------------


def parse_workshop_file(data: bytes, model: Model) -> dict[str, Any]:
    """Read and check the whole file; returns the cleaned content or raises WorkshopFileError."""
    if len(data) > MAX_BYTES:
        raise WorkshopFileError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise WorkshopFileError(f"not a JSON file ({error})") from error
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise WorkshopFileError("not a Skab promoters workshop export")
    if raw.get("version") != VERSION:
        raise WorkshopFileError(f"export version {raw.get('version')!r} is not supported "
                                f"(this app reads version {VERSION})")
    return {
        "workshop": _check_workshop(raw.get("workshop")),
        **_check_people_and_ratings(raw.get("participants"), raw.get("ratings"), model),
        "kpis": _check_kpis(raw.get("kpis", []), model),
        "actions": _check_actions(raw.get("actions", []), model),
        "targets": _check_targets(raw.get("targets", {}), model),
        "evidence": _check_evidence(raw.get("evidence", {})),
    }


def _list(value: object, name: str) -> list:
    if not isinstance(value, list):
        raise WorkshopFileError(f"'{name}' must be a list")
    return value


def _text(value: object, where: str, limit: int, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise WorkshopFileError(f"{where} is missing")
        return None
    if not isinstance(value, str):
        raise WorkshopFileError(f"{where} must be text")
    return value.strip()[:limit]


def _check_workshop(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise WorkshopFileError("'workshop' is missing")
    created = raw.get("created_at")
    try:
        created_at = datetime.fromisoformat(created) if created else None
    except (TypeError, ValueError) as error:
        raise WorkshopFileError(f"workshop.created_at '{created}' is not a date-time") from error
    language = raw.get("language", "en")
    return {
        "name": _text(raw.get("name"), "workshop.name", 200, required=True),
        "team": _text(raw.get("team"), "workshop.team", 200, required=True),
        "language": language if language in ("en", "da") else "en",
        "created_at": created_at,
    }


def _check_people_and_ratings(people_raw: object, ratings_raw: object, model: Model
                              ) -> dict[str, Any]:
    people: dict[int, str | None] = {}
    for index, person in enumerate(_list(people_raw or [], "participants"), start=1):
        where = f"participants[{index}]"
        if not isinstance(person, dict) or not isinstance(person.get("number"), int):
            raise WorkshopFileError(f"{where} needs a whole-number 'number'")
        if person["number"] in people:
            raise WorkshopFileError(f"{where}: participant number {person['number']} twice")
        people[person["number"]] = _text(person.get("name"), f"{where}.name", 120)
    if len(people) > MAX_PARTICIPANTS:
        raise WorkshopFileError(f"more than {MAX_PARTICIPANTS} participants")
    known = {s.id for s in model.statements}
    ratings, seen = [], set()
    for index, row in enumerate(_list(ratings_raw or [], "ratings"), start=1):
        where = f"ratings[{index}]"
        if not isinstance(row, dict):
            raise WorkshopFileError(f"{where} must be an object")
        participant, statement, rating = (row.get("participant"), row.get("statement_id"),
                                          row.get("rating"))
        if participant not in people:
            raise WorkshopFileError(f"{where}: unknown participant {participant!r}")
        if statement not in known:
            raise WorkshopFileError(f"{where}: unknown statement_id {statement!r}")
        if rating is not None and (isinstance(rating, bool) or rating not in (1, 2, 3, 4, 5)):
            raise WorkshopFileError(f"{where}: rating {rating!r} must be 1-5 or null")
        if (participant, statement) in seen:
            raise WorkshopFileError(f"{where}: participant {participant} rated {statement} twice")
        seen.add((participant, statement))
        ratings.append({"participant": participant, "statement_id": statement,
                        "rating": None if rating is None else int(rating)})
    return {"participants": people, "ratings": ratings}


def _number(value: object, where: str, required: bool) -> float | None:
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise WorkshopFileError(f"{where} must be a number")
    return float(value)


def _check_kpis(raw: object, model: Model) -> pd.DataFrame:
    rows, seen = [], set()
    for index, row in enumerate(_list(raw, "kpis"), start=1):
        where = f"kpis[{index}]"
        if not isinstance(row, dict):
            raise WorkshopFileError(f"{where} must be an object")
        if row.get("kpi") not in model.kpis:
            raise WorkshopFileError(f"{where}: unknown kpi {row.get('kpi')!r}")
        period = normalise_period(str(row.get("period", "")))
        if period is None:
            raise WorkshopFileError(f"{where}: period {row.get('period')!r} is not a period")
        if (row["kpi"], period) in seen:
            raise WorkshopFileError(f"{where}: {row['kpi']} {period} twice")
        seen.add((row["kpi"], period))
        rows.append({"kpi": row["kpi"], "value": _number(row.get("value"), f"{where}.value", True),
                     "period": period,
                     "target": _number(row.get("target"), f"{where}.target", False)})
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
        if layer is not None and layer not in layers:
            raise WorkshopFileError(f"{where}: unknown layer {layer!r}")
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
        out[name] = payload
    return out


def import_workshop(engine: Engine, data: bytes, model: Model
                    ) -> tuple[storage.Workshop, str]:
    """Create a new workshop from an export; returns it and its new facilitator key."""
    content = parse_workshop_file(data, model)
    info = content["workshop"]
    workshop, key = storage.create_workshop(engine, info["name"], info["team"], info["language"],
                                            created_at=info["created_at"])
    try:
        ids = {number: storage.add_participant(engine, workshop.id, name).id
               for number, name in content["participants"].items()}
        if content["ratings"]:
            answered = info["created_at"] or workshop.created_at
            with storage.writing(engine) as conn:
                conn.execute(insert(storage.ratings), [
                    {"workshop_id": workshop.id, "participant_id": ids[r["participant"]],
                     "statement_id": r["statement_id"], "rating": r["rating"],
                     "answered_at": answered} for r in content["ratings"]])
        storage.save_kpis(engine, workshop.id, content["kpis"])
        storage.save_actions(engine, workshop.id, content["actions"])
        storage.save_targets(engine, workshop.id, content["targets"])
        for name, payload in content["evidence"].items():
            storage.save_evidence(engine, workshop.id, name, payload)
    except Exception:
        with storage.writing(engine) as conn:  # no half-imported workshop left behind
            for table in (storage.ratings, storage.participants, storage.kpi_values,
                          storage.actions, storage.kpi_targets, storage.evidence):
                conn.execute(delete(table).where(table.c.workshop_id == workshop.id))
            conn.execute(delete(storage.workshops).where(storage.workshops.c.id == workshop.id))
        raise
    return workshop, key
