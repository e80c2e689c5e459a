"""The participants' answers: one row per participant and statement, replaced on a new answer."""

from __future__ import annotations

from functools import cache

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from loyalty_model.assessment.anonymity import mask_ratings

from .database import writing
from .schema import _now, participants, ratings
from .workshop import Participant, Workshop, list_participants


@cache
def _rating_upsert(dialect: str):  # noqa: ANN202 (dialect-specific Insert)
    """Built once per dialect: building an upsert costs more than running it on SQLite."""
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(ratings)
    return stmt.on_conflict_do_update(
        index_elements=["participant_id", "statement_id"],
        set_={"rating": stmt.excluded.rating, "answered_at": stmt.excluded.answered_at},
    )


def save_rating(engine: Engine, participant: Participant, statement_id: str,
                rating: int | None) -> None:
    """Store one answer (None = don't know); answering again replaces the earlier answer."""
    if rating is not None and rating not in (1, 2, 3, 4, 5):
        raise ValueError("a rating is 1-5, or None for don't know")
    row = {"workshop_id": participant.workshop_id, "participant_id": participant.id,
           "statement_id": statement_id, "rating": rating, "answered_at": _now()}
    with writing(engine) as conn:
        conn.execute(_rating_upsert(engine.dialect.name), row)


def participant_answers(engine: Engine, participant_id: int) -> dict[str, int | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(ratings.c.statement_id, ratings.c.rating)
                            .where(ratings.c.participant_id == participant_id)).all()
    return {r.statement_id: r.rating for r in rows}


def ratings_frame(engine: Engine, workshop_id: int) -> pd.DataFrame:
    """All answers of a workshop as (participant, statement_id, rating), NaN = don't know."""
    query = (select(participants.c.id, participants.c.name, ratings.c.statement_id,
                    ratings.c.rating)
             .join(participants, participants.c.id == ratings.c.participant_id)
             .where(ratings.c.workshop_id == workshop_id)
             .order_by(participants.c.id, ratings.c.id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    labels = _participant_labels(engine, workshop_id)
    frame = pd.DataFrame(
        [{"participant": labels[r.id], "statement_id": r.statement_id,
          "rating": float("nan") if r.rating is None else float(r.rating)} for r in rows],
        columns=["participant", "statement_id", "rating"],
    )
    return frame.astype({"rating": float})


def shown_ratings(engine: Engine, workshop: Workshop) -> pd.DataFrame:
    """The answers as every view, report and export may use them: masked by the workshop's
    anonymity level (loyalty_model.assessment.anonymity.mask_ratings)."""
    return mask_ratings(ratings_frame(engine, workshop.id), workshop.anonymity,
                        workshop.smallest_group)


def _participant_labels(engine: Engine, workshop_id: int) -> dict[int, str]:
    """Names where given, made unique, so two people called Anna stay two people."""
    people = list_participants(engine, workshop_id)
    seen: dict[str, int] = {}
    for p in people:
        seen[p.label()] = seen.get(p.label(), 0) + 1
    return {p.id: p.label() if seen[p.label()] == 1 or not p.name else f"{p.name} (#{p.id})"
            for p in people}


def progress(engine: Engine, workshop_id: int) -> pd.DataFrame:
    """Answers given per participant and statement, for the facilitator's live view."""
    query = (select(ratings.c.participant_id, ratings.c.statement_id)
             .where(ratings.c.workshop_id == workshop_id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["participant_id", "statement_id"])


def count_ratings(engine: Engine, workshop_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(ratings)
                                .where(ratings.c.workshop_id == workshop_id)).scalar_one())
