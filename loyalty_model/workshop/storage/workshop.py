"""Workshops and who may use them: join codes, facilitator keys, series and participants."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select, update

from loyalty_model.assessment.anonymity import (
    DEFAULT_LEVEL,
    DEFAULT_SMALLEST_GROUP,
    check_level,
    check_smallest_group,
    keeps_names,
)

from .database import writing
from .schema import _now, participants, token_hash, workshops

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read off a projector
CODE_LENGTH = 6
# Longest texts kept; the inputs say so (max_chars), so nothing is cut without the person seeing.
WORKSHOP_NAME_CHARS = 200  # workshop and team names
NAME_CHARS = 120  # participant names


@dataclass(frozen=True)
class Workshop:
    id: int
    code: str
    name: str
    team: str
    language: str
    created_at: datetime
    revealed: bool
    is_sample: bool
    series: str | None = None
    joining_open: bool = True
    client_id: int | None = None
    anonymity: str = "names_hidden"  # names_shown | names_hidden | aggregates_only
    smallest_group: int = 3  # aggregates_only: results shown once this many answered


class JoiningClosed(Exception):  # noqa: N818 (a refusal, not a programming error)
    """The workshop's facilitator has closed it to new participants."""


@dataclass(frozen=True)
class Participant:
    """Someone rating in a workshop. `token` is known only where it was just made or just given
    (joining, or looking a link up): the database keeps its hash, never the token."""

    id: int
    workshop_id: int
    token: str | None
    name: str | None

    def label(self) -> str:
        return self.name or f"#{self.id}"


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _workshop(row) -> Workshop:  # noqa: ANN001 (SQLAlchemy Row)
    return Workshop(id=row.id, code=row.code, name=row.name, team=row.team,
                    language=row.language, created_at=row.created_at,
                    revealed=bool(row.revealed), is_sample=bool(row.is_sample),
                    series=row.series, joining_open=bool(row.joining_open),
                    client_id=row.client_id, anonymity=row.anonymity,
                    smallest_group=row.smallest_group)


def new_code() -> str:
    """A join code: 32^6 ≈ 1.07 billion combinations from a cryptographic random source.

    Short enough to read off a projector; guessing is made impractical by rate-limiting failed
    look-ups (loyalty_model.workshop.access), not by length. See docs/storage.md for the arithmetic.
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_workshop(engine: Engine, name: str, team: str, language: str = "en",
                    is_sample: bool = False, created_at: datetime | None = None,
                    series: str | None = None, anonymity: str = DEFAULT_LEVEL,
                    smallest_group: int = DEFAULT_SMALLEST_GROUP) -> tuple[Workshop, str]:
    """Create a workshop; returns it and the facilitator key, which is shown only this once.

    :param series: the series of an earlier workshop of the same team (see `create_follow_up`);
        by default the workshop starts a series of its own.
    :param anonymity: a level of loyalty_model.assessment.anonymity; fixed once people join.
    """
    with writing(engine) as conn:
        workshop_id, key = insert_workshop(conn, name, team, language, is_sample=is_sample,
                                           created_at=created_at, series=series,
                                           anonymity=anonymity, smallest_group=smallest_group)
    return get_workshop(engine, workshop_id), key


def insert_workshop(conn: Connection, name: str, team: str, language: str = "en", *,
                    is_sample: bool = False, created_at: datetime | None = None,
                    series: str | None = None, anonymity: str = DEFAULT_LEVEL,
                    smallest_group: int = DEFAULT_SMALLEST_GROUP) -> tuple[int, str]:
    """Insert a workshop inside the caller's transaction; returns its id and facilitator key.

    Taking the connection lets an import write the workshop and everything in it as one
    transaction: all or nothing. An unknown anonymity level or group size raises ValueError.
    """
    key = secrets.token_urlsafe(18)
    name, team = name.strip()[:WORKSHOP_NAME_CHARS], team.strip()[:WORKSHOP_NAME_CHARS]
    if not name or not team:
        raise ValueError("a workshop needs a name and a team")
    anonymity, smallest_group = check_level(anonymity), check_smallest_group(smallest_group)
    for _ in range(10):
        code = new_code()
        if conn.execute(select(workshops.c.id).where(workshops.c.code == code)).first():
            continue
        result = conn.execute(insert(workshops).values(
            code=code, facilitator_key_hash=_hash_key(key), name=name, team=team,
            language=language if language in ("en", "da") else "en",
            created_at=created_at or _now(), revealed=False, is_sample=is_sample,
            series=series or code, joining_open=True, anonymity=anonymity,
            smallest_group=smallest_group,
        ))
        return result.inserted_primary_key[0], key
    raise RuntimeError("could not find a free workshop code")


def get_workshop(engine: Engine, workshop_id: int) -> Workshop:
    with engine.connect() as conn:
        row = conn.execute(select(workshops).where(workshops.c.id == workshop_id)).one()
    return _workshop(row)


def workshop_by_code(engine: Engine, code: str) -> Workshop | None:
    code = (code or "").strip().upper()
    if len(code) != CODE_LENGTH:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(workshops).where(workshops.c.code == code)).first()
    return _workshop(row) if row else None


def is_facilitator(engine: Engine, workshop: Workshop, key: str | None) -> bool:
    if not key:
        return False
    with engine.connect() as conn:
        stored = conn.execute(select(workshops.c.facilitator_key_hash)
                              .where(workshops.c.id == workshop.id)).scalar_one()
    return hmac.compare_digest(stored, _hash_key(key))


def create_follow_up(engine: Engine, earlier: Workshop, name: str) -> tuple[Workshop, str]:
    """The team's next workshop, in the same series so the trend shows both; a new key. It keeps
    the earlier one's anonymity: the team was promised it."""
    return create_workshop(engine, name, earlier.team, earlier.language,
                           series=earlier.series or earlier.code, anonymity=earlier.anonymity,
                           smallest_group=earlier.smallest_group)


def link_to_earlier(engine: Engine, workshop: Workshop, earlier_code: str,
                    earlier_key: str | None) -> bool:
    """Put `workshop`'s series into the series of an earlier workshop of the same team.

    Needs the earlier workshop's facilitator key, so nobody can pull another client's scores into
    their trend by guessing a team name. Returns False (and changes nothing) otherwise.
    """
    earlier = workshop_by_code(engine, earlier_code)
    if (earlier is None or earlier.id == workshop.id or earlier.team != workshop.team
            or not is_facilitator(engine, earlier, earlier_key)):
        return False
    target = earlier.series or earlier.code
    with writing(engine) as conn:
        conn.execute(update(workshops)
                     .where(workshops.c.series == (workshop.series or workshop.code))
                     .values(series=target))
        conn.execute(update(workshops).where(workshops.c.id == workshop.id)
                     .values(series=target))
    return True


def series_workshops(engine: Engine, workshop: Workshop) -> list[Workshop]:
    """The team's workshops in this workshop's series, oldest first, for the trend."""
    series = workshop.series or workshop.code
    with engine.connect() as conn:
        rows = conn.execute(select(workshops)
                            .where(workshops.c.series == series, workshops.c.team == workshop.team)
                            .order_by(workshops.c.created_at, workshops.c.id)).all()
    return [_workshop(r) for r in rows] or [workshop]


def set_revealed(engine: Engine, workshop_id: int, revealed: bool) -> None:
    with writing(engine) as conn:
        conn.execute(update(workshops).where(workshops.c.id == workshop_id)
                     .values(revealed=revealed))


def set_joining_open(engine: Engine, workshop_id: int, open: bool) -> None:  # noqa: A002
    """Open or close the workshop's code to new participants (see `join_workshop`)."""
    with writing(engine) as conn:
        conn.execute(update(workshops).where(workshops.c.id == workshop_id)
                     .values(joining_open=open))


def add_participant(engine: Engine, workshop_id: int, name: str | None = None) -> Participant:
    """Add a participant as the facilitator or an import does; participants joining by code or
    link go through `join_workshop`, which respects a closed workshop."""
    return _add_participant(engine, workshop_id, name, only_if_open=False)


def join_workshop(engine: Engine, workshop_id: int, name: str | None = None) -> Participant:
    """A new participant joining by code or link; raises JoiningClosed when the facilitator has
    closed the workshop. Checked in the same transaction as the insert."""
    return _add_participant(engine, workshop_id, name, only_if_open=True)


def _add_participant(engine: Engine, workshop_id: int, name: str | None,
                     only_if_open: bool) -> Participant:
    with writing(engine) as conn:
        if only_if_open:
            # FOR UPDATE (PostgreSQL; SQLite already holds its write lock): closing waits for us.
            is_open = conn.execute(select(workshops.c.joining_open)
                                   .where(workshops.c.id == workshop_id)
                                   .with_for_update()).scalar_one()
            if not is_open:
                raise JoiningClosed(workshop_id)
        return insert_participant(conn, workshop_id, name)


def insert_participant(conn: Connection, workshop_id: int, name: str | None) -> Participant:
    """Insert a participant inside the caller's transaction (see `insert_workshop`).

    Under aggregates only the name is dropped here, whoever passes one: it is never stored.
    """
    token = secrets.token_urlsafe(18)
    level = conn.execute(select(workshops.c.anonymity)
                         .where(workshops.c.id == workshop_id)).scalar_one()
    clean = ((name or "").strip()[:NAME_CHARS] or None) if keeps_names(level) else None
    result = conn.execute(insert(participants).values(
        workshop_id=workshop_id, token_hash=token_hash(token), name=clean, created_at=_now()))
    return Participant(id=result.inserted_primary_key[0], workshop_id=workshop_id, token=token,
                       name=clean)


def participant_by_token(engine: Engine, workshop_id: int, token: str | None
                         ) -> Participant | None:
    if not token:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(participants).where(
            participants.c.workshop_id == workshop_id,
            participants.c.token_hash == token_hash(token))).first()
    return Participant(row.id, row.workshop_id, token, row.name) if row else None


def list_participants(engine: Engine, workshop_id: int) -> list[Participant]:
    with engine.connect() as conn:
        rows = conn.execute(select(participants).where(participants.c.workshop_id == workshop_id)
                            .order_by(participants.c.id)).all()
    return [Participant(r.id, r.workshop_id, None, r.name) for r in rows]
