"""What participants say a customer would say about a layer: one comment per person and layer.

Stored with the participant (so the person can change it, and it survives a refresh), shown
according to the workshop's anonymity level by `shown_comments`: with the author's name only
when names are shown, and under aggregates only only for layers whose result is shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from loyalty_model.assessment.anonymity import AGGREGATES_ONLY, shown_layers, shows_authors
from loyalty_model.model import Model

from .database import writing
from .rating import ratings_frame
from .schema import _now, comments, participants
from .workshop import Participant, Workshop, list_participants

COMMENT_CHARS = 500  # the text area stops there and says so; a longer text is cut, never refused


@dataclass(frozen=True)
class Comment:
    id: int
    layer: str
    text: str
    marked: bool  # picked by the facilitator for discussion
    author: str | None = None  # only when the workshop shows names and the person gave one
    participant_id: int | None = None  # for storage and import; never rendered


def clean_comment(text: str | None) -> str:
    """Trimmed and cut to COMMENT_CHARS; control characters (other than line breaks) dropped."""
    kept = "".join(c for c in (text or "") if c in "\n\t" or c.isprintable())
    return kept.strip()[:COMMENT_CHARS]


@cache
def _upsert(dialect: str):  # noqa: ANN202 (dialect-specific Insert)
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(comments)
    return stmt.on_conflict_do_update(index_elements=["participant_id", "layer"],
                                      set_={"text": stmt.excluded.text})


def save_comment(engine: Engine, participant: Participant, layer: str, text: str | None) -> str:
    """Store this person's comment on a layer (an empty text removes it); returns what is
    stored. Changing a comment keeps the facilitator's mark."""
    clean = clean_comment(text)
    with writing(engine) as conn:
        if not clean:
            conn.execute(delete(comments).where(comments.c.participant_id == participant.id,
                                                comments.c.layer == layer))
        else:
            conn.execute(_upsert(engine.dialect.name), {
                "workshop_id": participant.workshop_id, "participant_id": participant.id,
                "layer": layer, "text": clean, "marked": False, "created_at": _now()})
    return clean


def participant_comments(engine: Engine, participant_id: int) -> dict[str, str]:
    """One person's comments by layer id, to fill their text areas."""
    with engine.connect() as conn:
        rows = conn.execute(select(comments.c.layer, comments.c.text)
                            .where(comments.c.participant_id == participant_id)).all()
    return {r.layer: r.text for r in rows}


def workshop_comments(engine: Engine, workshop_id: int) -> list[Comment]:
    """Every comment of a workshop with its author's name as stored, oldest first: for storage
    and export only. What a screen or report shows comes from `shown_comments`."""
    query = (select(comments, participants.c.name)
             .join(participants, participants.c.id == comments.c.participant_id)
             .where(comments.c.workshop_id == workshop_id)
             .order_by(comments.c.created_at, comments.c.id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return [Comment(id=r.id, layer=r.layer, text=r.text, marked=bool(r.marked), author=r.name,
                    participant_id=r.participant_id) for r in rows]


def shown_comments(engine: Engine, workshop: Workshop, model: Model) -> list[Comment]:
    """The comments as every view, report and export shows them at this workshop's level."""
    found = workshop_comments(engine, workshop.id)
    if not found:
        return []
    if workshop.anonymity == AGGREGATES_ONLY:
        layer_of = {s.id: s.layer for s in model.statements}
        open_layers = shown_layers(ratings_frame(engine, workshop.id), layer_of,
                                   workshop.anonymity, workshop.smallest_group)
        found = [c for c in found if c.layer in open_layers]
        found.sort(key=lambda c: (c.text.casefold(), c.id))  # no order that follows who joined
    if not shows_authors(workshop.anonymity):
        return [Comment(c.id, c.layer, c.text, c.marked) for c in found]
    return [Comment(c.id, c.layer, c.text, c.marked, author) for c, author in
            zip(found, _labels(engine, workshop.id, found), strict=True)]


def _labels(engine: Engine, workshop_id: int, found: list[Comment]) -> list[str | None]:
    """Authors' names made unique as the live view makes them ("Anna", "Anna (4)")."""
    people = list_participants(engine, workshop_id)
    counts = Counter(p.name for p in people if p.name)
    place = {p.id: n for n, p in enumerate(people, start=1)}
    return [None if not c.author else c.author if counts[c.author] == 1
            else f"{c.author} ({place[c.participant_id]})" for c in found]


def set_marked(engine: Engine, workshop_id: int, comment_id: int, marked: bool) -> None:
    """Mark a comment for discussion, or unmark it; only within this workshop."""
    with writing(engine) as conn:
        conn.execute(update(comments).where(comments.c.id == comment_id,
                                            comments.c.workshop_id == workshop_id)
                     .values(marked=marked))


def write_comments(conn: Connection, workshop_id: int, rows: Iterable[Mapping]) -> None:
    """Insert comments inside the caller's transaction (an import): participant_id, layer,
    text, marked per row."""
    values = [{"workshop_id": workshop_id, "participant_id": r["participant_id"],
               "layer": r["layer"], "text": clean_comment(r["text"]),
               "marked": bool(r.get("marked")), "created_at": r.get("created_at") or _now()}
              for r in rows]
    values = [v for v in values if v["text"]]
    if values:
        conn.execute(insert(comments), values)
