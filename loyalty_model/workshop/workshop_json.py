"""A whole workshop as one JSON file, so a consultant can move it between machines.

The file holds what the room produced (names, ratings, comments, KPIs, actions; for an
aggregates-only workshop only what it shows, see workshop_people.py) and nothing that grants
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

from loyalty_model.assessment.anonymity import AGGREGATES_ONLY
from loyalty_model.model import Model, load_model
from loyalty_model.workshop import storage
from loyalty_model.workshop.workshop_file import (
    EVIDENCE,
    FORMAT,
    VERSION,
    WorkshopFileError,
    parse_workshop_file,
)
from loyalty_model.workshop.workshop_people import spread_answers

__all__ = ["WorkshopFileError", "export_json", "export_workshop", "import_workshop"]

# --- export ------------------------------------------------------------------------------------


def export_workshop(engine: Engine, workshop: storage.Workshop, model: Model | None = None
                    ) -> dict[str, Any]:
    """The workshop as a JSON-ready dict; participants are numbered, never identified by token.

    An aggregates-only workshop is exported without any per-person data: the counts of what it
    shows instead (workshop_people.py describes both shapes).
    """
    kpis = storage.kpis_frame(engine, workshop.id)
    actions = storage.actions_frame(engine, workshop.id)
    people = (_aggregates(engine, workshop, model or load_model())
              if workshop.anonymity == AGGREGATES_ONLY else _people(engine, workshop))
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": {
            "name": workshop.name,
            "team": workshop.team,
            "language": workshop.language,
            "created_at": _iso(workshop.created_at),
            "anonymity": workshop.anonymity,
            "smallest_group": workshop.smallest_group,
        },
        **people,
        "kpis": [{"kpi": str(r.kpi), "period": str(r.period), "value": float(r.value),
                  "target": None if pd.isna(r.target) else float(r.target)}
                 for r in kpis.itertuples(index=False)],
        "actions": [{"action": r.action, "layer": _value(r.layer), "owner": _value(r.owner),
                     "due_date": _value(r.due_date)} for r in actions.itertuples(index=False)],
        "targets": storage.targets(engine, workshop.id),
        "evidence": {name: payload for name in EVIDENCE
                     if (payload := storage.load_evidence(engine, workshop.id, name))},
    }


def _people(engine: Engine, workshop: storage.Workshop) -> dict[str, Any]:
    """Numbered participants (with the name they gave), their ratings and their comments."""
    people = storage.list_participants(engine, workshop.id)
    number = {p.id: index for index, p in enumerate(people, start=1)}
    with engine.connect() as conn:
        rows = conn.execute(
            storage.ratings.select().where(storage.ratings.c.workshop_id == workshop.id)
            .order_by(storage.ratings.c.participant_id, storage.ratings.c.id)).all()
    return {
        "participants": [{"number": number[p.id], "name": p.name} for p in people],
        "ratings": [{"participant": number[r.participant_id], "statement_id": r.statement_id,
                     "rating": r.rating} for r in rows],
        "comments": [{"participant": number[c.participant_id], "layer": c.layer,
                      "text": c.text, "marked": c.marked}
                     for c in storage.workshop_comments(engine, workshop.id)],
    }


def _aggregates(engine: Engine, workshop: storage.Workshop, model: Model) -> dict[str, Any]:
    """What an aggregates-only workshop shows, and nothing more: per shown statement the count
    of each answer, how many joined and answered, and the shown comments without authors."""
    shown = storage.shown_ratings(engine, workshop)
    statements = {}
    for statement in model.statements:
        rows = shown.loc[shown["statement_id"] == statement.id, "rating"]
        if rows.empty:
            continue
        counts = {str(k): int((rows == k).sum()) for k in range(1, 6)}
        statements[statement.id] = {**counts, "dont_know": int(rows.isna().sum())}
    return {
        "participants": [],
        "ratings": [],
        "aggregates": {"joined": len(storage.list_participants(engine, workshop.id)),
                       "answered": int(shown["participant"].nunique()),
                       "statements": statements},
        "comments": [{"layer": c.layer, "text": c.text, "marked": c.marked}
                     for c in storage.shown_comments(engine, workshop, model)],
    }


def _value(value: object) -> object:
    """None for pandas' missing values, which JSON cannot hold (NaN is not valid JSON)."""
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def export_json(engine: Engine, workshop: storage.Workshop, model: Model | None = None
                ) -> bytes:
    return json.dumps(export_workshop(engine, workshop, model), ensure_ascii=False, indent=2,
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
    counts = content["aggregates"]
    with storage.writing(engine) as conn:
        workshop_id, key = storage.insert_workshop(
            conn, info["name"], info["team"], info["language"], created_at=info["created_at"],
            anonymity=info["anonymity"], smallest_group=info["smallest_group"])
        if counts is None:
            ids = {number: storage.insert_participant(conn, workshop_id, name).id
                   for number, name in content["participants"].items()}
            ratings = content["ratings"]
            comments = [{**c, "participant_id": ids[c["participant"]]}
                        for c in content["comments"]]
        else:  # anonymous people who give back the counts (workshop_people.spread_answers)
            ids = {n: storage.insert_participant(conn, workshop_id, None).id
                   for n in range(1, counts["joined"] + 1)}
            ratings = [{"participant": person, "statement_id": statement, "rating": rating}
                       for person, statement, rating in spread_answers(counts)]
            comments = _spread_comments(content["comments"], ids)
        if ratings:
            conn.execute(insert(storage.ratings), [
                {"workshop_id": workshop_id, "participant_id": ids[r["participant"]],
                 "statement_id": r["statement_id"], "rating": r["rating"],
                 "answered_at": answered} for r in ratings])
        storage.write_comments(conn, workshop_id, comments)
        storage.write_kpis(conn, workshop_id, content["kpis"])
        storage.write_actions(conn, workshop_id, content["actions"])
        storage.write_targets(conn, workshop_id, content["targets"])
        for name, payload in content["evidence"].items():
            storage.write_evidence(conn, workshop_id, name, payload)
    return storage.get_workshop(engine, workshop_id), key


def _spread_comments(comments: list[dict], ids: dict[int, int]) -> list[dict]:
    """An aggregates-only workshop's comments, each layer's given to people 1, 2, 3 ... in turn
    (one comment per person and layer, as stored); nobody is meant by it."""
    taken: dict[str, int] = {}
    out = []
    for comment in comments:
        taken[comment["layer"]] = taken.get(comment["layer"], 0) + 1
        out.append({**comment, "participant_id": ids[taken[comment["layer"]]]})
    return out
