"""A whole workshop as one JSON file, so a consultant can move it between machines.

The file holds what the room produced (names, ratings, KPIs, actions) and nothing that grants
access: no participant tokens, no facilitator key, no join code. Importing always creates a new
workshop with a new code and key, so a file can never take over or overwrite a workshop that
already exists on the target machine. Everything is checked before anything is written
(workshop_file.py), and the import is one transaction.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, insert

from loyalty_model.model import Model
from loyalty_model.workshop import storage
from loyalty_model.workshop.workshop_file import (
    EVIDENCE,
    FORMAT,
    VERSION,
    WorkshopFileError,
    parse_workshop_file,
)

__all__ = ["WorkshopFileError", "export_json", "export_workshop", "import_workshop"]

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


def import_workshop(engine: Engine, data: bytes, model: Model
                    ) -> tuple[storage.Workshop, str]:
    """Create a new workshop from an export; returns it and its new facilitator key.

    The file is checked whole first (workshop_file); then everything is written in one
    transaction, so a server killed half-way leaves no half-imported workshop behind.
    """
    content = parse_workshop_file(data, model)
    info = content["workshop"]
    answered = info["created_at"] or datetime.now(UTC)
    with storage.writing(engine) as conn:
        workshop_id, key = storage.insert_workshop(conn, info["name"], info["team"],
                                                   info["language"],
                                                   created_at=info["created_at"])
        ids = {number: storage.insert_participant(conn, workshop_id, name).id
               for number, name in content["participants"].items()}
        if content["ratings"]:
            conn.execute(insert(storage.ratings), [
                {"workshop_id": workshop_id, "participant_id": ids[r["participant"]],
                 "statement_id": r["statement_id"], "rating": r["rating"],
                 "answered_at": answered} for r in content["ratings"]])
        storage.write_kpis(conn, workshop_id, content["kpis"])
        storage.write_actions(conn, workshop_id, content["actions"])
        storage.write_targets(conn, workshop_id, content["targets"])
        for name, payload in content["evidence"].items():
            storage.write_evidence(conn, workshop_id, name, payload)
    return storage.get_workshop(engine, workshop_id), key
