"""Everything the product keeps, in one SQLAlchemy module: SQLite by default, PostgreSQL by URL.

Every answer is written the moment it is given, so a refresh, a lost connection or a restarted
server loses nothing. The engine is always passed in (never a module global) so tests can use a
temporary SQLite file and CI a real PostgreSQL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pandas as pd
from sqlalchemy import (
    URL,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

SCHEMA_VERSION = 3
DEFAULT_SQLITE_PATH = Path("skab_promoters.db")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are read off a projector
CODE_LENGTH = 6

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(256), nullable=False),
)

workshops = Table(
    "workshops", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(16), nullable=False, unique=True),
    Column("facilitator_key_hash", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("team", String(200), nullable=False),
    Column("language", String(2), nullable=False, default="en"),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revealed", Boolean, nullable=False, default=False),
    Column("is_sample", Boolean, nullable=False, default=False),
    # A team's repeated workshops share a series (the first workshop's code). Only someone holding
    # a facilitator key can extend one, so typing another client's team name shows nothing.
    Column("series", String(64), nullable=True, index=True),
    # Closed by the facilitator: the code admits no new participants; those who joined go on.
    Column("joining_open", Boolean, nullable=False, default=True, server_default=text("TRUE")),
)

participants = Table(
    "participants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("token", String(64), nullable=False, unique=True),
    Column("name", String(120), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

ratings = Table(
    "ratings", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("participant_id", Integer, ForeignKey("participants.id", ondelete="CASCADE"),
           nullable=False),
    Column("statement_id", String(80), nullable=False),
    Column("rating", Integer, nullable=True),  # NULL = "don't know"
    Column("answered_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("participant_id", "statement_id", name="uq_rating_once"),
    Index("ix_ratings_workshop_statement", "workshop_id", "statement_id"),
)

kpi_values = Table(
    "kpi_values", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("kpi", String(80), nullable=False),
    Column("period", String(16), nullable=False),
    Column("value", Float, nullable=False),
    Column("target", Float, nullable=True),
    UniqueConstraint("workshop_id", "kpi", "period", name="uq_kpi_period"),
)

actions = Table(
    "actions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           nullable=False, index=True),
    Column("position", Integer, nullable=False),
    Column("action", Text, nullable=False),
    Column("layer", String(40), nullable=True),
    Column("owner", String(200), nullable=True),
    Column("due_date", String(10), nullable=True),  # ISO date
)

column_mappings = Table(
    "column_mappings", metadata,
    Column("signature", String(64), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("mapping", Text, nullable=False),  # JSON {source column: canonical column}
)

# Results computed from raw exports that are not KPI rows, e.g. the loyalty matrix shares. The
# raw files themselves are never stored: only what the workshop needs to show and report.
evidence = Table(
    "evidence", metadata,
    Column("workshop_id", Integer, ForeignKey("workshops.id", ondelete="CASCADE"),
           primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("payload", Text, nullable=False),  # JSON
)

# Each step upgrades a database from the version before it. Append, never edit. Steps only alter
# tables that already existed at the version before; new tables come from create_all. The SQL
# must run on SQLite and PostgreSQL alike.
MIGRATIONS: dict[int, list[str]] = {
    # v0 -> v1: the version row in `meta` was introduced; the tables were already as in v1.
    1: [],
    # v1 -> v2: workshop series for the trend; index for the live aggregate per statement.
    2: [
        "ALTER TABLE workshops ADD COLUMN series VARCHAR(64)",
        "UPDATE workshops SET series = code WHERE series IS NULL",
        "CREATE INDEX IF NOT EXISTS ix_workshops_series ON workshops (series)",
        "CREATE INDEX IF NOT EXISTS ix_ratings_workshop_statement"
        " ON ratings (workshop_id, statement_id)",
    ],
    # v2 -> v3: the facilitator can close a workshop to new participants; existing ones are open.
    3: [
        "ALTER TABLE workshops ADD COLUMN joining_open BOOLEAN NOT NULL DEFAULT TRUE",
    ],
}


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


class JoiningClosed(Exception):  # noqa: N818 (a refusal, not a programming error)
    """The workshop's facilitator has closed it to new participants."""


@dataclass(frozen=True)
class Participant:
    id: int
    workshop_id: int
    token: str
    name: str | None

    def label(self) -> str:
        return self.name or f"#{self.id}"


# --- engine and schema -------------------------------------------------------------------------


def database_url(url: str | None = None) -> str:
    """The URL to use: an explicit one, else SKAB_DATABASE_URL, else the SQLite file."""
    url = url or os.environ.get("SKAB_DATABASE_URL")
    if not url:
        path = Path(os.environ.get("SKAB_DB_PATH", DEFAULT_SQLITE_PATH))
        return f"sqlite:///{path}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def url_from_settings(settings: Mapping[str, object] | None) -> str | None:
    """A URL from a `[connections.<name>]` block: its `url`, or the parts st.connection accepts.

    Kept here rather than in the page so the rules are testable without Streamlit.
    """
    if not settings:
        return None
    if settings.get("url"):
        return str(settings["url"])
    dialect = settings.get("dialect")
    if not dialect:
        return None
    driver = settings.get("driver")
    port = settings.get("port")
    return URL.create(
        f"{dialect}+{driver}" if driver else str(dialect),
        username=settings.get("username"), password=settings.get("password"),
        host=settings.get("host"), port=int(port) if port else None,
        database=settings.get("database"),
    ).render_as_string(hide_password=False)


class FairLock:
    """A lock handed out first come, first served, so no participant's save waits behind a
    lucky thread that keeps re-taking a plain Lock (which is not fair under the GIL)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self) -> None:
        with self._guard:
            if not self._held:
                self._held = True
                return
            baton = threading.Lock()
            baton.acquire()
            self._waiters.append(baton)
        baton.acquire()  # released by the holder before us, which hands the lock straight on

    def release(self) -> None:
        with self._guard:
            if self._waiters:
                self._waiters.popleft().release()
            else:
                self._held = False


_SQLITE_WRITE_LOCKS: dict[str, FairLock] = {}
_SQLITE_WRITE_LOCKS_GUARD = threading.Lock()


def _tune_sqlite(dbapi_connection, _record) -> None:  # noqa: ANN001 (DB-API objects)
    """WAL lets readers go on while one participant writes; the timeout queues the writers.

    pysqlite's own transaction handling is switched off (isolation_level=None) so that
    `_begin_sqlite` decides how each transaction starts, and DDL runs inside transactions.
    """
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _begin_sqlite(conn: Connection) -> None:
    """Writers take the write lock up front (IMMEDIATE) so SQLite's busy timeout applies to them.

    A deferred transaction that reads first and writes later fails at once with "database is
    locked" when another writer got in between; readers stay deferred so they never block.
    """
    writing = conn.get_execution_options().get("skab_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """Create the engine and bring the schema up to date."""
    resolved = database_url(url)
    if resolved.startswith("sqlite"):
        path = resolved.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(resolved, connect_args={"timeout": 15, "check_same_thread": False},
                               pool_size=10, max_overflow=30)
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "begin", _begin_sqlite)
    else:
        engine = create_engine(resolved, pool_pre_ping=True, pool_size=10, max_overflow=30)
    init_db(engine)
    return engine


def _write_lock(engine: Engine) -> FairLock | None:
    """One in-process lock per SQLite file: SQLite has a single writer anyway, and waiting on a
    lock wakes a writer the moment the previous one commits, where SQLite's busy handler polls
    with growing sleeps (up to 100 ms). Other processes are still kept out by SQLite itself."""
    if engine.dialect.name != "sqlite":
        return None
    key = str(engine.url.database or ":memory:")
    with _SQLITE_WRITE_LOCKS_GUARD:
        return _SQLITE_WRITE_LOCKS.setdefault(key, FairLock())


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed on success, rolled back on error, never half-applied."""
    lock = _write_lock(engine)
    if lock is not None:
        lock.acquire()
    try:
        with engine.connect() as conn:
            conn.execution_options(skab_write=True)
            with conn.begin():
                yield conn
    finally:
        if lock is not None:
            lock.release()


def _schema_version(conn: Connection, tables_before: set[str]) -> int:
    """The version stored in `meta`; a database from before versioning counts as version 0."""
    if "meta" in tables_before:
        current = conn.execute(select(meta.c.value)
                               .where(meta.c.key == "schema_version")).scalar()
        if current is not None:
            return int(current)
    return 0 if "workshops" in tables_before else SCHEMA_VERSION


def init_db(engine: Engine) -> int:
    """Create missing tables and run pending migrations in one transaction; returns the version.

    The whole upgrade is one transaction (both databases have transactional DDL), so a server
    killed half-way leaves the old schema, not a mix; two servers starting together take turns.
    """
    with writing(engine) as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(4241)"))  # any fixed number
        tables_before = set(inspect(conn).get_table_names())
        version = _schema_version(conn, tables_before)
        if version > SCHEMA_VERSION:
            raise RuntimeError(f"database schema {version} is newer than this app "
                               f"({SCHEMA_VERSION}); upgrade the app")
        metadata.create_all(conn)
        for step in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS.get(step, []):
                conn.exec_driver_sql(statement)
        stored = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        if stored is None:
            conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
        elif stored != str(SCHEMA_VERSION):
            conn.execute(update(meta).where(meta.c.key == "schema_version")
                         .values(value=str(SCHEMA_VERSION)))
    return SCHEMA_VERSION


def schema_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(meta.c.value)
                                .where(meta.c.key == "schema_version")).scalar_one())


def _now() -> datetime:
    return datetime.now(UTC)


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _upsert(engine: Engine, table: Table):  # noqa: ANN202 (dialect-specific Insert)
    return (pg_insert if engine.dialect.name == "postgresql" else sqlite_insert)(table)


# --- workshops ---------------------------------------------------------------------------------


def _workshop(row) -> Workshop:  # noqa: ANN001 (SQLAlchemy Row)
    return Workshop(id=row.id, code=row.code, name=row.name, team=row.team,
                    language=row.language, created_at=row.created_at,
                    revealed=bool(row.revealed), is_sample=bool(row.is_sample),
                    series=row.series, joining_open=bool(row.joining_open))


def new_code() -> str:
    """A join code: 32^6 ≈ 1.07 billion combinations from a cryptographic random source.

    Short enough to read off a projector; guessing is made impractical by rate-limiting failed
    look-ups (loyalty_model.access), not by length. See docs/storage.md for the arithmetic.
    """
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def create_workshop(engine: Engine, name: str, team: str, language: str = "en",
                    is_sample: bool = False, created_at: datetime | None = None,
                    series: str | None = None) -> tuple[Workshop, str]:
    """Create a workshop; returns it and the facilitator key, which is shown only this once.

    :param series: the series of an earlier workshop of the same team (see `create_follow_up`);
        by default the workshop starts a series of its own.
    """
    key = secrets.token_urlsafe(18)
    name, team = name.strip()[:200], team.strip()[:200]
    if not name or not team:
        raise ValueError("a workshop needs a name and a team")
    for _ in range(10):
        code = new_code()
        with writing(engine) as conn:
            exists = conn.execute(select(workshops.c.id).where(workshops.c.code == code)).first()
            if exists:
                continue
            result = conn.execute(insert(workshops).values(
                code=code, facilitator_key_hash=_hash_key(key), name=name, team=team,
                language=language if language in ("en", "da") else "en",
                created_at=created_at or _now(), revealed=False, is_sample=is_sample,
                series=series or code, joining_open=True,
            ))
            workshop_id = result.inserted_primary_key[0]
        return get_workshop(engine, workshop_id), key
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
    """The team's next workshop, in the same series so the trend shows both; a new key."""
    return create_workshop(engine, name, earlier.team, earlier.language,
                           series=earlier.series or earlier.code)


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
    token = secrets.token_urlsafe(18)
    clean = (name or "").strip()[:120] or None
    with writing(engine) as conn:
        if only_if_open:
            # FOR UPDATE (PostgreSQL; SQLite already holds its write lock): closing waits for us.
            is_open = conn.execute(select(workshops.c.joining_open)
                                   .where(workshops.c.id == workshop_id)
                                   .with_for_update()).scalar_one()
            if not is_open:
                raise JoiningClosed(workshop_id)
        result = conn.execute(insert(participants).values(
            workshop_id=workshop_id, token=token, name=clean, created_at=_now()))
        participant_id = result.inserted_primary_key[0]
    return Participant(id=participant_id, workshop_id=workshop_id, token=token, name=clean)


def participant_by_token(engine: Engine, workshop_id: int, token: str | None
                         ) -> Participant | None:
    if not token:
        return None
    with engine.connect() as conn:
        row = conn.execute(select(participants).where(
            participants.c.workshop_id == workshop_id, participants.c.token == token)).first()
    return Participant(row.id, row.workshop_id, row.token, row.name) if row else None


def list_participants(engine: Engine, workshop_id: int) -> list[Participant]:
    with engine.connect() as conn:
        rows = conn.execute(select(participants).where(participants.c.workshop_id == workshop_id)
                            .order_by(participants.c.id)).all()
    return [Participant(r.id, r.workshop_id, r.token, r.name) for r in rows]


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


# --- KPIs, actions, mappings -------------------------------------------------------------------


def save_kpis(engine: Engine, workshop_id: int, frame: pd.DataFrame) -> None:
    """Replace the workshop's KPI set with `frame` (kpi, value, period, target) in one step."""
    rows = [
        {"workshop_id": workshop_id, "kpi": str(r.kpi), "period": str(r.period),
         "value": float(r.value),
         "target": None if pd.isna(getattr(r, "target", None)) else float(r.target)}
        for r in frame.itertuples(index=False)
    ]
    with writing(engine) as conn:
        conn.execute(delete(kpi_values).where(kpi_values.c.workshop_id == workshop_id))
        if rows:
            conn.execute(insert(kpi_values), rows)


def kpis_frame(engine: Engine, workshop_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(kpi_values.c.kpi, kpi_values.c.value, kpi_values.c.period,
                                   kpi_values.c.target)
                            .where(kpi_values.c.workshop_id == workshop_id)
                            .order_by(kpi_values.c.id)).all()
    frame = pd.DataFrame(rows, columns=["kpi", "value", "period", "target"])
    return frame.astype({"kpi": "string", "value": float, "period": "string", "target": float})


ACTION_COLUMNS = ["action", "layer", "owner", "due_date"]


def save_actions(engine: Engine, workshop_id: int, frame: pd.DataFrame) -> None:
    """Replace the action plan; rows without action text are dropped (an empty editor row)."""
    rows = []
    for position, r in enumerate(frame.to_dict("records")):
        text = str(r.get("action") or "").strip()
        if not text or text == "nan":
            continue
        due = r.get("due_date")
        due_text = None if due is None or pd.isna(due) or due == "" else str(due)[:10]
        rows.append({
            "workshop_id": workshop_id, "position": position, "action": text[:2000],
            "layer": (str(r.get("layer")) if r.get("layer") and not pd.isna(r.get("layer"))
                      else None),
            "owner": (str(r.get("owner")).strip()[:200]
                      if r.get("owner") and not pd.isna(r.get("owner")) else None),
            "due_date": due_text,
        })
    with writing(engine) as conn:
        conn.execute(delete(actions).where(actions.c.workshop_id == workshop_id))
        if rows:
            conn.execute(insert(actions), rows)


def actions_frame(engine: Engine, workshop_id: int) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(select(actions.c.action, actions.c.layer, actions.c.owner,
                                   actions.c.due_date)
                            .where(actions.c.workshop_id == workshop_id)
                            .order_by(actions.c.position)).all()
    return pd.DataFrame(rows, columns=ACTION_COLUMNS)


def save_mapping(engine: Engine, signature: str, kind: str, mapping: dict[str, str]) -> None:
    stmt = _upsert(engine, column_mappings).values(
        signature=signature, kind=kind, mapping=json.dumps(mapping, ensure_ascii=False))
    stmt = stmt.on_conflict_do_update(index_elements=["signature"],
                                      set_={"mapping": stmt.excluded.mapping})
    with writing(engine) as conn:
        conn.execute(stmt)


def load_mapping(engine: Engine, signature: str) -> dict[str, str] | None:
    with engine.connect() as conn:
        raw = conn.execute(select(column_mappings.c.mapping)
                           .where(column_mappings.c.signature == signature)).scalar()
    return json.loads(raw) if raw else None


def save_evidence(engine: Engine, workshop_id: int, name: str, payload: dict) -> None:
    """Keep a computed result (e.g. name="loyalty_matrix") with the workshop, replacing any."""
    stmt = _upsert(engine, evidence).values(workshop_id=workshop_id, name=name,
                                            payload=json.dumps(payload, ensure_ascii=False))
    stmt = stmt.on_conflict_do_update(index_elements=["workshop_id", "name"],
                                      set_={"payload": stmt.excluded.payload})
    with writing(engine) as conn:
        conn.execute(stmt)


def load_evidence(engine: Engine, workshop_id: int, name: str) -> dict | None:
    with engine.connect() as conn:
        raw = conn.execute(select(evidence.c.payload).where(
            evidence.c.workshop_id == workshop_id, evidence.c.name == name)).scalar()
    return json.loads(raw) if raw else None
